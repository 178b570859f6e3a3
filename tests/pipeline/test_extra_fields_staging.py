"""Schema drift through dbt: the fields the sandbox adds (wistia_sandbox/drift.py) reach
every drifting stream's staging model in `extra_fields`, as the warehouse's JSON type,
values unchanged and queryable with its JSON operators the day they appear, on DuckDB and
PostgreSQL (Snowflake compiles the same macro: test_snowflake.py). Staging models of
streams whose answers carry nothing new hold NULL there."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import duckdb

from tests.drift_expected import DRIFTING, UNCHANGED, expected_extra_fields

# Each drifting stream's staging model and the key that names a record in it.
STAGED = {
    "medias": ("stg_wistia__medias", "media_id"),
    "events": ("stg_wistia__events", "event_key"),
    "visitors": ("stg_wistia__visitors", "visitor_key"),
    "media_analytics_daily": ("stg_wistia__media_analytics_daily", "media_id"),
}
QUIET = {"projects": "stg_wistia__projects", "media_stats": "stg_wistia__media_stats"}


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # DuckDB JSON is text


def check_staging(fetch: Callable[[str], list[tuple]], dataset: Any, label_sql: str) -> None:
    assets = {media["hashed_id"]: len(media.get("assets") or []) for media in dataset.medias}
    for stream in DRIFTING:
        model, key = STAGED[stream]
        rows = fetch(f"select {key}, extra_fields from analytics.{model}")
        assert rows, model
        for record_key, extra in rows:
            expected = expected_extra_fields(stream, assets.get(record_key, 0))
            assert _decoded(extra) == expected, (model, record_key)
        # Read with the warehouse's own JSON operator, as an analyst would.
        assert fetch(label_sql.format(model=model)) == [("added in a later release",)], model
    for stream, model in QUIET.items():
        assert stream in UNCHANGED
        assert fetch(f"select count(*) from analytics.{model} where extra_fields is not null") == [
            (0,)
        ], model


def test_duckdb_staging_carries_extra_fields(pipeline_env) -> None:
    pipeline_env.wistia.undeclared_fields = True
    pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")

    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(pipeline_env.duckdb_path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    assert fetch(
        "select data_type from information_schema.columns where table_schema = 'analytics'"
        " and table_name = 'stg_wistia__events' and column_name = 'extra_fields'"
    ) == [("JSON",)]
    check_staging(
        fetch,
        pipeline_env.wistia.dataset,
        "select distinct extra_fields->>'$.drift_label' from analytics.{model}",
    )


def test_postgres_staging_carries_extra_fields(pipeline_env, postgres_server) -> None:
    dbname = postgres_server.create_database("wistia_drift_staging")
    pipeline_env.env.update(postgres_server.meltano_env(dbname))
    pipeline_env.wistia.undeclared_fields = True
    pipeline_env.run("run", "tap-wistia", "target-postgres", "dbt-postgres:build")

    def fetch(sql: str) -> list[tuple]:
        with postgres_server.connect(dbname) as conn:
            return conn.execute(sql).fetchall()

    assert fetch(
        "select data_type from information_schema.columns where table_schema = 'analytics'"
        " and table_name = 'stg_wistia__events' and column_name = 'extra_fields'"
    ) == [("jsonb",)]
    check_staging(
        fetch,
        pipeline_env.wistia.dataset,
        "select distinct extra_fields ->> 'drift_label' from analytics.{model}",
    )
