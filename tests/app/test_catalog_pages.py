"""The figures behind the Webinars page and the Medias page's content inventory
(app/webinars.py, app/inventory.py) on a warehouse of a few hand-written rows: sums,
weighted engagement, filters, a warehouse without the marts, and spreadsheet-safe
downloads. The real-browser test (test_browser.py) opens both pages on a synced warehouse."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import duckdb
import pytest

from app import exports, inventory, webinars
from app.warehouse import Warehouse, WarehouseConfig

FORMULA = '=HYPERLINK("http://evil.example","x")'


def _warehouse(tmp_path: Path, *, with_marts: bool = True) -> Warehouse:
    path = tmp_path / "wistia.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema analytics")
        if with_marts:
            conn.execute(
                "create table analytics.webinar_attendance as select * from (values"
                " ('w1', 'Launch', timestamp '2026-03-01 16:00', 'ended', 'google',"
                "  30, 10, 4, 1, 0.4, 120.0, 30.0, 90.0, 0.5, 3),"
                " ('w1', 'Launch', timestamp '2026-03-01 16:00', 'ended', '(none)',"
                "  null, 5, 1, 0, 0.2, 50.0, 50.0, 20.0, 0.9, 0),"
                " ('w2', 'Q&A', timestamp '2026-04-01 16:00', 'scheduled', 'google',"
                "  6, 2, 0, 0, 0.0, 0.0, null, 0.0, null, 0))"
                " as t(webinar_id, webinar_title, scheduled_for, lifecycle_status,"
                " utm_source, impressions, registrants, attendees, on_demand_viewers,"
                " attendance_rate, minutes_watched, minutes_per_attendee,"
                " focused_minutes_watched, engagement_rate, chats)"
            )
            conn.execute(
                "create table analytics.stg_wistia__webinar_audience as select * from (values"
                f" ('w1', 'ana@example.com', 'Ana', 'Lee', '{FORMULA}', 'CTO', 'attended',"
                "  timestamp '2026-02-20 10:00', timestamp '2026-03-01 16:01', 3000, 0.8, 2,"
                "  'google', 'cpc', 'spring', 'google.com'),"
                " ('w1', 'bo@example.com', 'Bo', null, null, null, 'registered',"
                "  timestamp '2026-02-21 10:00', null, 0, 0.0, 0, null, null, null, null))"
                " as t(webinar_id, email, first_name, last_name, company, job_title,"
                " attendance_status, registered_at, attended_at, played_seconds,"
                " engagement_rate, chat_count, utm_source, utm_medium, utm_campaign,"
                " referrer_domain)"
            )
            conn.execute(
                "create table analytics.content_inventory as select * from (values"
                " ('m1', 'Demo', 'Video', 'Sales / Q1', 'a; b', 'Ch', 1, 'English', true,"
                "  null, 5, false, timestamp '2026-03-01', timestamp '2025-01-01', 60.0),"
                " ('m2', 'Teaser', 'Video', 'Sales', null, null, 0, null, false,"
                "  'Spanish', 0, true, null, timestamp '2025-02-01', 30.0),"
                " ('m3', 'Old', 'Video', 'Archive', null, null, 0, null, false,"
                "  null, 9, false, timestamp '2026-02-01', timestamp '2024-01-01', 10.0))"
                f" as t({', '.join(inventory.INVENTORY_COLUMNS)})"
            )
    return Warehouse(WarehouseConfig(duckdb_path=path))


def test_webinar_totals_are_sums_and_engagement_is_weighted(tmp_path: Path):
    wh = _warehouse(tmp_path)
    rows = {row["webinar_id"]: row for row in webinars.webinar_list(wh)}
    assert list(rows) == ["w2", "w1"]  # newest first
    w1 = rows["w1"]
    assert (w1["impressions"], w1["registrants"], w1["attendees"]) == (30, 15, 5)
    assert math.isclose(w1["attendance_rate"], 5 / 15)
    assert math.isclose(w1["minutes_per_attendee"], 170 / 5)
    # (0.5 x 4 + 0.9 x 1) / 5 attendees, not the mean of the two rates (0.7).
    assert math.isclose(w1["engagement_rate"], 2.9 / 5)
    assert rows["w2"]["engagement_rate"] is None and rows["w2"]["attendance_rate"] == 0
    by_source = webinars.webinar_funnel_by_source(wh, None)
    assert [(r["utm_source"], r["registrants"]) for r in by_source] == [
        ("google", 12),
        ("(none)", 5),
    ]
    assert [r["utm_source"] for r in webinars.webinar_funnel_by_source(wh, "w2")] == ["google"]


def test_webinar_audience_download_is_spreadsheet_safe(tmp_path: Path):
    wh = _warehouse(tmp_path)
    rows = webinars.webinar_audience(wh, "w1")
    assert [r["email"] for r in rows] == ["ana@example.com", "bo@example.com"]  # attended first
    assert math.isclose(rows[0]["minutes_watched"], 50.0)
    records = list(csv.DictReader(io.StringIO(exports.table_csv(rows).decode("utf-8"))))
    assert records[0]["company"] == "'" + FORMULA
    assert webinars.webinar_audience(wh, "w9") == []


def test_content_inventory_filters(tmp_path: Path):
    wh = _warehouse(tmp_path)
    listed = inventory.content_inventory(wh, None)
    assert [r["media_id"] for r in listed] == ["m2", "m1", "m3"]  # least played first
    no_captions = inventory.content_inventory(wh, None, without_captions=True)
    assert [r["media_id"] for r in no_captions] == ["m2", "m3"]
    never = inventory.content_inventory(wh, None, without_captions=True, never_played=True)
    assert [r["media_id"] for r in never] == ["m2"]
    assert [r["media_id"] for r in inventory.content_inventory(wh, ["m1", "m3"])] == ["m1", "m3"]


@pytest.mark.parametrize(
    "read",
    [
        lambda wh: webinars.webinar_list(wh),
        lambda wh: inventory.content_inventory(wh, None),
    ],
)
def test_a_warehouse_without_the_marts_answers_none(tmp_path: Path, read):
    wh = _warehouse(tmp_path, with_marts=False)
    assert read(wh) is None
    assert webinars.webinar_audience(wh, None) == []
