"""Real PostgreSQL: `meltano run tap-wistia target-postgres dbt-postgres:build`, then an
incremental run that uses the saved state, asks only for new data and adds no duplicates."""

from __future__ import annotations

import datetime as dt
import json

from tests.analytics_expected import assert_analytics_marts, assert_period_marts
from tests.pipeline.expected import VIEW_COLUMNS, normalise_row, sort_key
from tests.pipeline.expected_catalog_marts import (
    check_account_daily_kpis,
    check_channel_attribution,
    check_content_inventory,
)
from tests.pipeline.expected_gold import Options, protect
from tests.pipeline.gold_checks import check_gold, dbt_env, expected_export, zero_some_sessions

STATE_ID = "dev:tap-wistia-to-target-postgres"
# Played sessions only, IP addresses dropped, emails hashed (trends in UTC).
GOLD_OPTIONS = Options(
    views_filter="played", ip_privacy="drop", email_privacy="hash", privacy_salt="pg-salt"
)


def fetch(server, dbname: str, sql: str) -> list[tuple]:
    with server.connect(dbname) as conn:
        return conn.execute(sql).fetchall()


def test_postgres_pipeline_and_incremental_state(pipeline_env, postgres_server):
    dbname = postgres_server.create_database("wistia_e2e")
    pipeline_env.env.update(postgres_server.meltano_env(dbname))
    pipeline_env.env.update(dbt_env(GOLD_OPTIONS))
    srv = pipeline_env.wistia
    dataset = srv.dataset
    unplayed = zero_some_sessions(pipeline_env)

    # --- first run: everything -----------------------------------------------------
    pipeline_env.run("run", "tap-wistia", "target-postgres", "dbt-postgres:build")

    cols = fetch(
        postgres_server,
        dbname,
        "select column_name from information_schema.columns where table_schema = 'analytics' "
        "and table_name = 'wistia_views' order by ordinal_position",
    )
    assert [c for (c,) in cols] == VIEW_COLUMNS
    rows = [
        normalise_row(r)
        for r in fetch(postgres_server, dbname, "select * from analytics.wistia_views")
    ]
    assert len(rows) == len(dataset.events) - unplayed
    assert sorted(rows, key=sort_key) == sorted(
        expected_export(dataset, GOLD_OPTIONS), key=sort_key
    )
    check_gold(lambda sql: fetch(postgres_server, dbname, sql), dataset, GOLD_OPTIONS)
    for mart in ("media_daily_metrics", "media_engagement_chunks", "visitor_segments"):
        assert fetch(postgres_server, dbname, f"select count(*) from analytics.{mart}")[0][0] > 0
    chunk0 = fetch(
        postgres_server,
        dbname,
        "select min(retention_pct), max(retention_pct) from analytics.media_engagement_chunks "
        "where chunk_index = 0",
    )[0]
    assert abs(chunk0[0] - 100) < 1e-9 and abs(chunk0[1] - 100) < 1e-9
    assert_analytics_marts(
        lambda sql: fetch(postgres_server, dbname, sql),
        dataset,
        email_of=lambda email: protect(
            email, GOLD_OPTIONS.email_privacy, GOLD_OPTIONS.privacy_salt, normalise=True
        ),
    )
    assert_period_marts(lambda sql: fetch(postgres_server, dbname, sql), dataset)
    check_channel_attribution(
        lambda sql: fetch(postgres_server, dbname, sql), dataset, GOLD_OPTIONS
    )
    check_content_inventory(lambda sql: fetch(postgres_server, dbname, sql), dataset)
    check_account_daily_kpis(lambda sql: fetch(postgres_server, dbname, sql), dataset)

    listed = pipeline_env.run("state", "list").output
    assert STATE_ID in listed
    state = json.loads(pipeline_env.run("state", "get", STATE_ID).stdout)
    bookmark = state["singer_state"]["bookmarks"]["events"]["replication_key_value"]
    bookmark_day = dt.date.fromisoformat(bookmark[:10])

    # --- new events arrive; the second run resumes from the saved bookmark ------------
    before = len(rows)
    new_events = dataset.add_events(9, new_visitors=2)
    srv.clear_requests()
    pipeline_env.run("run", "tap-wistia", "target-postgres", "dbt-postgres:build")

    event_requests = srv.requests_to("/stats/events")
    assert event_requests, "the second run did not read events"
    first_days = {dt.date.fromisoformat(r.query["start_date"][0]) for r in event_requests}
    # Only the bookmark's UTC day onwards (today, or yesterday too across midnight).
    assert min(first_days) == bookmark_day
    assert max(first_days) <= dt.datetime.now(dt.UTC).date()
    assert len(first_days) <= 2

    total = fetch(postgres_server, dbname, "select count(*) from analytics.wistia_views")[0][0]
    assert total == before + len(new_events)
    duplicates = fetch(
        postgres_server,
        dbname,
        "select count(*) from (select event_key from analytics.wistia_views_keyed "
        "group by event_key having count(*) > 1) d",
    )
    assert duplicates == [(0,)]
    keys = {k for (k,) in fetch(postgres_server, dbname, "select event_key from tap_wistia.events")}
    assert keys == dataset.event_keys()
    rows = [
        normalise_row(r)
        for r in fetch(postgres_server, dbname, "select * from analytics.wistia_views")
    ]
    assert sorted(rows, key=sort_key) == sorted(
        expected_export(dataset, GOLD_OPTIONS), key=sort_key
    )
