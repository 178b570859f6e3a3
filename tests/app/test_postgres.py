"""The same data-access queries on PostgreSQL: the synced marts are copied into a throw-away
PostgreSQL server, and every figure the pages show must equal the DuckDB one."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest

from app import exports, metrics, traffic
from app.metrics import Period
from app.warehouse import Warehouse, WarehouseConfig, WarehouseError
from tests.app.conftest import SyncedProject
from tests.pipeline.conftest import PostgresServer, postgres_server  # noqa: F401 (fixture)

MARTS = (
    "media_daily_metrics",
    "media_engagement_chunks",
    "media_overview",
    "play_trends",
    "play_trends_account",
    "lead_ready_viewers",
    "visitor_segments",
    "wistia_views_keyed",
    *traffic.ANALYTICS_MARTS,
)
PG_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "DOUBLE": "double precision",
    "FLOAT": "real",
}


def pg_type(duck_type: str) -> str:
    if duck_type in PG_TYPES:
        return PG_TYPES[duck_type]
    if duck_type.startswith("DECIMAL") or duck_type == "HUGEINT":
        return "numeric"
    if duck_type in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER"):
        return "bigint"
    raise AssertionError(f"no PostgreSQL type for {duck_type}")


@pytest.fixture(scope="module")
def pg_warehouse(synced: SyncedProject, postgres_server: PostgresServer) -> Warehouse:  # noqa: F811
    dbname = postgres_server.create_database("wistia_app")
    with postgres_server.connect(dbname) as conn:
        conn.execute("create schema analytics")
        for mart in MARTS:
            columns = synced.query(
                "select column_name, data_type from information_schema.columns"
                f" where table_schema = 'analytics' and table_name = '{mart}'"
                " order by ordinal_position"
            )
            ddl = ", ".join(f'"{name}" {pg_type(kind)}' for name, kind in columns)
            conn.execute(f"create table analytics.{mart} ({ddl})")
            names = ", ".join(f'"{name}"' for name, _ in columns)
            with (
                conn.cursor() as cur,
                cur.copy(f"copy analytics.{mart} ({names}) from stdin") as copy,
            ):
                for row in synced.query(f"select * from analytics.{mart}"):
                    copy.write_row(row)
    dsn = f"host={postgres_server.host} port={postgres_server.port} user=postgres dbname={dbname}"
    return Warehouse(WarehouseConfig(kind="postgres", postgres_dsn=dsn))


def same(a: object, b: object) -> bool:
    """Equal values, floats and decimals to 1e-9 relative."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float | Decimal) or isinstance(b, float | Decimal):
        return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-9)
    return a == b


def test_every_query_gives_the_same_figures(synced: SyncedProject, pg_warehouse: Warehouse):
    duck = Warehouse(WarehouseConfig(duckdb_path=synced.duckdb_path))
    _first, last = metrics.data_days(duck)
    period = Period(last - dt.timedelta(days=20), last)
    catalog = metrics.media_catalog(duck)
    some = metrics.select_medias(catalog, catalog[0]["project_name"], None)
    calls = [
        ("data_days",),
        ("media_catalog",),
        ("kpis", period, None),
        ("kpis", period, some),
        ("count_views", period, some),
        ("play_trends", "1d", period, None),
        ("play_trends", "7d", period, some),
        ("play_trends", "1h", period, [catalog[-1]["media_id"]]),
        ("play_trends", "30d", period, None),
        ("media_table", some),
        ("engagement_curve", catalog[0]["media_id"]),
        ("drop_off_hot_spots", catalog[0]["media_id"]),
        ("most_rewatched_chunk", catalog[0]["media_id"]),
        ("audience_mix", "Device", period, None),
        ("audience_mix", "Country", period, some),
        ("visitor_segments",),
        ("leads", period, some),
        ("leads", period, None, 0.5),
        ("count_leads", period, some, 0.5),
    ]
    traffic_calls = [
        ("mart_rows",),
        ("traffic_months", period, None),
        ("traffic_months", period, some),
        ("traffic_sources", "utm_source", period, None),
        ("traffic_sources", "referrer_domain", period, some),
        ("traffic_by_media", "utm_campaign", period, some),
        ("conversion_rates", period, None),
        ("conversion_rates", period, some),
        ("conversion_totals", period, some),
        ("conversions", period, None),
        ("conversions", period, some),
    ]
    for module, (name, *args) in [(metrics, c) for c in calls] + [
        (traffic, c) for c in traffic_calls
    ]:
        on_duckdb = getattr(module, name)(duck, *args)
        on_postgres = getattr(module, name)(pg_warehouse, *args)
        if isinstance(on_duckdb, metrics.Kpis):
            on_duckdb, on_postgres = vars(on_duckdb), vars(on_postgres)
        assert same(on_duckdb, on_postgres), name
    duck_csv = b"".join(exports.stream_views_csv(duck, period, some))
    assert b"".join(exports.stream_views_csv(pg_warehouse, period, some)) == duck_csv
    assert duck_csv.count(b"\r\n") == metrics.count_views(duck, period, some) + 1


def test_postgres_is_read_only(pg_warehouse: Warehouse):
    with pytest.raises(WarehouseError, match="read-only"):
        pg_warehouse.rows("create table analytics.scratch (x int)")
