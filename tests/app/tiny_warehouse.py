"""A warehouse of a few hand-written rows: the tables the sidebar, the Leads page and the
Play trends page read, for page tests that need no pipeline run (the `tiny_warehouse`
fixture of conftest.py). Like the real marts, every table has `account_id` (one account
here, so the app shows no account picker)."""

from __future__ import annotations

from pathlib import Path

import duckdb

# (email, media, viewed_at, percent_viewed, event_key, name)
SESSIONS = [
    ("ana@example.com", "m1", "2026-03-02 10:00:00", 0.9, "e1", "Ana Old"),
    ("ana@example.com", "m1", "2026-03-20 10:00:00", 0.3, "e2", "Ana"),
    ("bo@example.com", "m1", "2026-03-03 09:00:00", 0.6, "e3", "Bo"),
    ("cy@example.com", "m2", "2026-03-21 08:00:00", 1.0, "e4", "Cy"),
    ("cy@example.com", "m2", "2026-03-22 08:00:00", 0.2, "e5", "Cy"),
]


def build_tiny_warehouse(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema analytics")
        conn.execute(
            "create table analytics.wistia_views_keyed (account_id bigint, email varchar,"
            " media_id varchar,"
            " viewed_at timestamp, percent_viewed double, event_key varchar, name varchar,"
            " employment_organization varchar, title varchar)"
        )
        conn.executemany(
            "insert into analytics.wistia_views_keyed values (1, ?, ?, ?, ?, ?, ?, 'Org', 'CTO')",
            SESSIONS,
        )
        conn.execute(
            "create table analytics.media_overview as select * from (values"
            " (1, 'Acme', 'm1', 'Demo', 'Sales'), (1, 'Acme', 'm2', 'Launch', 'Sales'))"
            " as t(account_id, account_name, media_id, media_name, project_name)"
        )
        conn.execute(
            "create table analytics.media_daily_metrics as select k.account_id, k.media_id,"
            " cast(k.viewed_at as date) as stats_date, o.project_name"
            " from analytics.wistia_views_keyed as k"
            " left join analytics.media_overview as o"
            " on o.account_id = k.account_id and o.media_id = k.media_id"
        )
        conn.execute(
            "create table analytics.play_trends_account as select account_id, '1d' as resolution,"
            " cast(date_trunc('day', viewed_at) as timestamp) as bucket_start, count(*) as loads,"
            " count(*) as plays, count(distinct email) as unique_visitors,"
            " 0.5 as watch_hours from analytics.wistia_views_keyed group by 1, 2, 3"
        )
        # The mart is all time: one row per (email, media), whatever the period.
        conn.execute(
            "create table analytics.lead_ready_viewers as select account_id, email, media_id,"
            " max(percent_viewed) as max_percent_viewed, any_value(o.media_name) as media_name"
            " from analytics.wistia_views_keyed join analytics.media_overview as o"
            " using (account_id, media_id) group by account_id, email, media_id"
        )
