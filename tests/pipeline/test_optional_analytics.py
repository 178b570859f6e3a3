"""The pipeline without Wistia's analytics: an account whose plan or token cannot read them
(the sandbox answers 403 to every /modern/analytics call), and a run that selects only the
streams a plan cannot lack (no analytics, webinars, catalog or captions). Either way
`meltano run` exits 0, the v1 marts have every row and the analytics marts exist, empty
(transform/macros/wistia_optional_source.sql)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import yaml

from tap_wistia.streams.registry import (
    ANALYTICS_STREAM_TYPES,
    OPTIONAL_STREAM_TYPES,
    STREAM_TYPES,
)
from tests.pipeline.expected_gold import Options
from tests.pipeline.gold_checks import check_gold

# Derived from the declarations: a new analytics stream is covered without editing this file.
ANALYTICS_STREAMS = [stream.name for stream in ANALYTICS_STREAM_TYPES]
# Every stream a plan may lack (analytics, webinars, the modern catalog): read by
# wistia_optional_source.
OPTIONAL_STREAMS = [stream.name for stream in OPTIONAL_STREAM_TYPES]
# Every stream a plan cannot lack (the v1 API's, and modern ones such as localizations).
V1_STREAMS = [stream.name for stream in STREAM_TYPES if stream not in OPTIONAL_STREAM_TYPES]
ANALYTICS_MARTS = [
    "media_traffic_sources",
    "media_traffic_monthly",
    "media_conversions",
    "media_conversions_daily",
    "media_conversion_rates",
]
SKIP_WARNING = "Wistia analytics are unavailable"
TRANSFORM = Path(__file__).resolve().parents[2] / "transform"


def duckdb_fetch(path):
    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    return fetch


def raw_tables(fetch) -> set[str]:
    return {
        name
        for (name,) in fetch(
            "select table_name from information_schema.tables where table_schema = 'tap_wistia'"
        )
    }


def assert_v1_full_and_analytics_empty(fetch, dataset) -> None:
    # Every v1 gold mart equals its recomputation from the served records (UTC, all views).
    check_gold(fetch, dataset, Options())
    assert fetch("select count(*) from analytics.visitor_segments") == [(len(dataset.visitors),)]
    for mart in ANALYTICS_MARTS:
        assert fetch(f"select count(*) from analytics.{mart}") == [(0,)], mart


def absent_source_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "does not exist (stream not selected" in line]


def test_duckdb_pipeline_when_the_account_cannot_read_analytics(pipeline_env):
    srv = pipeline_env.wistia
    srv.forbidden_prefixes.add("/analytics")  # what `wistia-sandbox --no-analytics` does

    result = pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")

    assert result.returncode == 0
    warnings = [line for line in result.output.splitlines() if SKIP_WARNING in line]
    assert len(warnings) == 1, warnings
    assert f"skipping {', '.join(ANALYTICS_STREAMS)};" in warnings[0]
    assert srv.token not in result.output
    answered = srv.requests_to("/analytics")
    assert answered and {r.status for r in answered} == {403}
    fetch = duckdb_fetch(pipeline_env.duckdb_path)
    # The tap still sends each skipped stream's SCHEMA and target-duckdb creates the table
    # from it alone: the raw tables exist, empty, and staging reads them as they are.
    assert set(ANALYTICS_STREAMS) <= raw_tables(fetch)
    for stream in ANALYTICS_STREAMS:
        assert fetch(f"select count(*) from tap_wistia.{stream}") == [(0,)], stream
    assert absent_source_lines(result.output) == []
    assert_v1_full_and_analytics_empty(fetch, srv.dataset)


def test_duckdb_pipeline_with_only_the_v1_streams_selected(pipeline_env):
    srv = pipeline_env.wistia
    pipeline_env.env["TAP_WISTIA__SELECT"] = json.dumps([f"{s}.*" for s in V1_STREAMS])

    result = pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")

    assert result.returncode == 0
    assert srv.requests_to("/analytics") == []
    assert SKIP_WARNING not in result.output
    fetch = duckdb_fetch(pipeline_env.duckdb_path)
    # No SCHEMA message, no table: the staging models read zero-row stand-ins, saying so.
    assert raw_tables(fetch) == set(V1_STREAMS)
    absent = absent_source_lines(result.output)
    assert len(absent) == len(OPTIONAL_STREAMS), absent
    for stream in OPTIONAL_STREAMS:
        assert sum(f'"tap_wistia"."{stream}" does not exist' in line for line in absent) == 1
    assert_v1_full_and_analytics_empty(fetch, srv.dataset)
    staged = fetch(
        "select column_name from information_schema.columns "
        "where table_schema = 'analytics' and table_name = 'stg_wistia__media_traffic'"
    )
    assert {c for (c,) in staged} >= {"media_id", "dimension", "dimension_value", "loads"}


def test_postgres_pipeline_with_only_the_v1_streams_selected(pipeline_env, postgres_server):
    dbname = postgres_server.create_database("wistia_v1_only")
    pipeline_env.env.update(
        postgres_server.meltano_env(dbname)
        | {"TAP_WISTIA__SELECT": json.dumps([f"{s}.*" for s in V1_STREAMS])}
    )

    result = pipeline_env.run("run", "tap-wistia", "target-postgres", "dbt-postgres:build")

    def fetch(sql: str) -> list[tuple]:
        with postgres_server.connect(dbname) as conn:
            return conn.execute(sql).fetchall()

    assert result.returncode == 0
    assert raw_tables(fetch) == set(V1_STREAMS)
    assert len(absent_source_lines(result.output)) == len(OPTIONAL_STREAMS)
    assert_v1_full_and_analytics_empty(fetch, pipeline_env.wistia.dataset)


def test_every_raw_column_an_optional_source_model_reads_is_declared():
    """The zero-row stand-in has only the columns declared in sources.yml."""
    tables = yaml.safe_load((TRANSFORM / "models" / "sources.yml").read_text())["sources"][0]
    declared = {t["name"]: {c["name"] for c in t.get("columns", [])} for t in tables["tables"]}
    models = {}
    for path in (TRANSFORM / "models" / "staging").glob("*.sql"):
        sql = path.read_text()
        for table in re.findall(r"wistia_optional_source\('(\w+)'\)", sql):
            models[table] = set(re.findall(r"wistia_(?:col|text)\('(\w+)'\)", sql))
    assert sorted(models) == sorted(OPTIONAL_STREAMS)
    for table, read in models.items():
        assert read and read <= declared[table], (table, read - declared[table])
