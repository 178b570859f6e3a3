"""The app with a media deleted in Wistia (docs/deletions.md): dbt left it out of
media_overview (current figures: the media table and picker read it), but its sessions are
history and stay in the downloads, with its project."""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb

from app import exports
from app.metrics import Period

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def delete_m2(tiny_warehouse) -> None:
    with duckdb.connect(str(tiny_warehouse.config.duckdb_path)) as conn:
        conn.execute("delete from analytics.media_overview where media_id = 'm2'")


def test_sessions_export_keeps_the_deleted_media_with_its_project(tiny_warehouse):
    delete_m2(tiny_warehouse)
    body = b"".join(exports.stream_sessions_csv(tiny_warehouse, MARCH, None))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    deleted = [r for r in rows if r["media_id"] == "m2"]
    assert len(deleted) == 2
    assert {r["project_name"] for r in deleted} == {"Sales"}
