"""Schema drift end to end: the sandbox answers fields the tap does not declare on medias,
events, visitors and media_analytics_daily; `meltano run tap-wistia <loader>` (flattening on,
as configured) lands them in each raw table's one `extra_fields` column, values unchanged,
on DuckDB and PostgreSQL, and in one CSV cell (Snowflake, emulated: in
test_snowflake_emulated.py, whose run has them too). Streams without new fields have it null."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Any

import duckdb

from tests.drift_expected import DRIFTING, UNCHANGED, expected_extra_fields

KEYS = {
    "medias": "hashed_id",
    "events": "event_key",
    "visitors": "visitor_key",
    "media_analytics_daily": "media_id || '/' || cast(date as varchar)",
}


# The streams checked, and those they are planned from (a shorter run).
SELECT = json.dumps([f"{stream}.*" for stream in (*DRIFTING, *UNCHANGED)])


def _as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # text, or JSON(B) decoded


def check_raw_tables(fetch: Callable[[str], list[tuple]], dataset: Any) -> None:
    assets = {media["hashed_id"]: len(media.get("assets") or []) for media in dataset.medias}
    sizes = {
        "medias": len(dataset.medias),
        "events": len(dataset.events),
        "visitors": len(dataset.visitors),
    }
    for stream in DRIFTING:
        rows = fetch(f"select {KEYS[stream]}, extra_fields from tap_wistia.{stream}")
        assert rows, stream
        if stream in sizes:
            assert len(rows) == sizes[stream], stream
        for key, extra in rows:
            expected = expected_extra_fields(stream, assets.get(key, 0))
            assert _as_json(extra) == expected, (stream, key)
        names = {name for (name,) in fetch(_columns_sql(stream))}
        assert not [name for name in names if name.startswith("extra_fields__")], stream
    for stream in UNCHANGED:
        nulls = fetch(f"select count(*), count(extra_fields) from tap_wistia.{stream}")
        assert nulls[0][0] > 0 and nulls[0][1] == 0, (stream, nulls)


def _columns_sql(stream: str) -> str:
    return (
        "select column_name from information_schema.columns "
        f"where table_schema = 'tap_wistia' and table_name = '{stream}'"
    )


def test_duckdb_keeps_undeclared_fields(pipeline_env) -> None:
    pipeline_env.wistia.undeclared_fields = True
    pipeline_env.env["TAP_WISTIA__SELECT"] = SELECT
    result = pipeline_env.run("run", "tap-wistia", "target-duckdb")
    assert "does not declare" in result.output  # the tap's one warning per stream

    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(pipeline_env.duckdb_path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    check_raw_tables(fetch, pipeline_env.wistia.dataset)
    # One key read back as text, as an analyst would the day the field appears.
    label = fetch("select distinct extra_fields->>'$.drift_label' from tap_wistia.events")
    assert label == [("added in a later release",)]


def test_postgres_keeps_undeclared_fields(pipeline_env, postgres_server) -> None:
    dbname = postgres_server.create_database("wistia_drift")
    pipeline_env.env.update(postgres_server.meltano_env(dbname))
    pipeline_env.wistia.undeclared_fields = True
    pipeline_env.env["TAP_WISTIA__SELECT"] = SELECT
    pipeline_env.run("run", "tap-wistia", "target-postgres")

    def fetch(sql: str) -> list[tuple]:
        with postgres_server.connect(dbname) as conn:
            return conn.execute(sql).fetchall()

    check_raw_tables(fetch, pipeline_env.wistia.dataset)
    label = fetch("select distinct extra_fields::jsonb ->> 'drift_label' from tap_wistia.events")
    assert label == [("added in a later release",)]


def test_csv_keeps_undeclared_fields_in_one_cell(pipeline_env) -> None:
    pipeline_env.wistia.undeclared_fields = True
    pipeline_env.env["TAP_WISTIA__SELECT"] = json.dumps(["medias.*", "projects.*"])
    pipeline_env.run("run", "tap-wistia", "target-csv")
    dataset = pipeline_env.wistia.dataset
    assets = {media["hashed_id"]: len(media.get("assets") or []) for media in dataset.medias}
    (medias,) = (pipeline_env.csv_dir / "medias").glob("*.csv")
    rows = list(csv.DictReader(medias.open(encoding="utf-8", newline="")))
    assert len(rows) == len(dataset.medias)
    assert not [name for name in rows[0] if name.startswith("extra_fields__")]
    for row in rows:
        expected = expected_extra_fields("medias", assets[row["hashed_id"]])
        assert json.loads(row["extra_fields"]) == expected
    (projects,) = (pipeline_env.csv_dir / "projects").glob("*.csv")
    assert {row["extra_fields"] for row in csv.DictReader(projects.open(encoding="utf-8"))} == {""}
