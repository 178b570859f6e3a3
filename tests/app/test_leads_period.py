"""The Leads page follows the sidebar's period like every other page: a viewer is a lead of
the period when they had a session on the media in it, with that period's figures."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import metrics, queries
from app.metrics import Period
from app.warehouse import Warehouse, WarehouseConfig

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# (email, media, viewed_at, percent_viewed, event_key, name)
SESSIONS = [
    ("ana@example.com", "m1", "2026-03-02 10:00:00", 0.9, "e1", "Ana Old"),
    ("ana@example.com", "m1", "2026-03-20 10:00:00", 0.3, "e2", "Ana"),
    ("bo@example.com", "m1", "2026-03-03 09:00:00", 0.6, "e3", "Bo"),
    ("cy@example.com", "m2", "2026-03-21 08:00:00", 1.0, "e4", "Cy"),
    ("cy@example.com", "m2", "2026-03-22 08:00:00", 0.2, "e5", "Cy"),
]


def build(path: Path) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema analytics")
        conn.execute(
            "create table analytics.wistia_views_keyed (email varchar, media_id varchar,"
            " viewed_at timestamp, percent_viewed double, event_key varchar, name varchar,"
            " employment_organization varchar, title varchar)"
        )
        conn.executemany(
            "insert into analytics.wistia_views_keyed values (?, ?, ?, ?, ?, ?, 'Org', 'CTO')",
            SESSIONS,
        )
        conn.execute(
            "create table analytics.media_overview as select * from (values"
            " ('m1', 'Demo', 'Sales'), ('m2', 'Launch', 'Sales'))"
            " as t(media_id, media_name, project_name)"
        )
        conn.execute(
            "create table analytics.media_daily_metrics as select media_id,"
            " cast(viewed_at as date) as stats_date from analytics.wistia_views_keyed"
        )
        # The mart is all time: one row per (email, media), whatever the period.
        conn.execute(
            "create table analytics.lead_ready_viewers as select email, media_id,"
            " max(percent_viewed) as max_percent_viewed, any_value(o.media_name) as media_name"
            " from analytics.wistia_views_keyed join analytics.media_overview as o"
            " using (media_id) group by email, media_id"
        )


@pytest.fixture
def leads_warehouse(tmp_path, monkeypatch) -> Warehouse:
    path = tmp_path / "wistia.duckdb"
    build(path)
    for key in [k for k in os.environ if k.startswith(("WISTIA_APP_", "WISTIA_SYNC_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(path))
    monkeypatch.setenv("WISTIA_SYNC_STATUS_FILE", str(tmp_path / "none.json"))
    queries.clear()
    yield Warehouse(WarehouseConfig(duckdb_path=path))
    queries.clear()


def test_leads_are_those_of_the_period_with_its_figures(leads_warehouse):
    early = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    rows = metrics.leads(leads_warehouse, early, None)
    got = [(r["email"], r["max_percent_viewed"], r["sessions"], r["name"]) for r in rows]
    assert got == [("ana@example.com", 0.9, 1, "Ana Old"), ("bo@example.com", 0.6, 1, "Bo")]
    late = Period(dt.date(2026, 3, 15), dt.date(2026, 3, 31))
    rows = metrics.leads(leads_warehouse, late, None, 0.25)
    got = [(r["email"], r["max_percent_viewed"], r["sessions"], r["media_name"]) for r in rows]
    assert got == [("cy@example.com", 1.0, 2, "Launch"), ("ana@example.com", 0.3, 1, "Demo")]
    assert metrics.count_leads(leads_warehouse, late, ["m1"]) == 1
    assert metrics.count_leads(leads_warehouse, late, None, 0.5) == 1


def test_the_leads_page_follows_the_period_filter(leads_warehouse):
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    at.switch_page("pages/leads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Leads"] == "3"  # the default period: every day
    at.date_input(key="period").set_value((dt.date(2026, 3, 15), dt.date(2026, 3, 22))).run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Leads"] == "2"
    assert list(at.dataframe[0].value["Email"]) == ["cy@example.com", "ana@example.com"]
    assert "with sessions from 2026-03-15 to 2026-03-22" in at.caption[0].value
