"""Freshness: what the age counts from, and the Data status page while a sync holds the
warehouse (the sync's own status must still show)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from app import freshness, sync_status, ui
from app.freshness import Freshness
from app.sync_status import SyncRun
from tests.app.conftest import DuckdbWriter, SyncedProject

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(status: str, hours_since_success: float | None, now: dt.datetime) -> SyncRun:
    """A last run with this status; the last success that many hours ago (None: never)."""
    success = None if hours_since_success is None else now - dt.timedelta(hours=hours_since_success)
    finished = success if status == "success" else None
    started = now - dt.timedelta(hours=1)
    return SyncRun("daily", "prod", status, started, finished, 0, "log", success)


def test_age_counts_from_the_last_successful_sync_else_from_the_data():
    now = dt.datetime.now(dt.UTC)
    quiet_account = now.date() - dt.timedelta(days=10)  # no plays for ten days
    # The last success decides, whatever the last run is doing now.
    for status in ("success", "running", "failed", "interrupted"):
        state = Freshness(quiet_account, run(status, 2, now), stale_hours=36)
        assert 1.9 < state.age_hours < 2.1 and not state.stale, status
        assert state.age_message().startswith("The last successful sync finished ")
    # No success recorded, or the app reads the sandbox the sync does not build: the data's
    # own age decides.
    for state in (
        Freshness(quiet_account, run("failed", None, now), stale_hours=36),
        Freshness(quiet_account, None, stale_hours=36),
        Freshness(quiet_account, run("success", 2, now), stale_hours=36, reads_sandbox=True),
    ):
        assert state.stale and 9 * 24 < state.age_hours < 10 * 24
        assert state.age_message().startswith(f"The newest data is from {quiet_account} (UTC)")
    assert Freshness(None, None, 36).age_hours is None and not Freshness(None, None, 36).stale


def test_a_sync_status_file_from_before_last_success_at_still_counts(tmp_path):
    path = tmp_path / "last_run.json"
    path.write_text(
        json.dumps(
            {
                "job": "daily",
                "environment": "prod",
                "status": "success",
                "started_at": "2026-01-02T01:30:00Z",
                "finished_at": "2026-01-02T01:34:10Z",
                "exit_code": 0,
                "log": "sync.log",
            }
        )
    )
    assert sync_status.last_run(path).last_success_at == dt.datetime(
        2026, 1, 2, 1, 34, 10, tzinfo=dt.UTC
    )


def test_ago_fits_a_metric_card():
    now = dt.datetime.now(dt.UTC)
    assert ui.ago(now - dt.timedelta(minutes=5), now) == "5 min ago"
    assert ui.ago(now - dt.timedelta(hours=5, minutes=59), now) == "5 h ago"
    assert ui.ago(now - dt.timedelta(days=3, hours=1), now) == "3 days ago"
    assert ui.ago(None, now) == "unknown"


def test_data_status_shows_a_running_sync_while_it_holds_the_warehouse(
    app_env: SyncedProject, tmp_path, monkeypatch
):
    status_file = tmp_path / "last_run.json"
    started = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=210)
    status_file.write_text(
        json.dumps(
            {
                "job": "daily-wistia-to-duckdb",
                "environment": "prod",
                "status": "running",
                "started_at": started.isoformat().replace("+00:00", "Z"),
                "finished_at": None,
                "exit_code": None,
                "log": "output/sync/sync.log",
            }
        )
    )
    monkeypatch.setenv("WISTIA_SYNC_STATUS_FILE", str(status_file))
    # What a running sync holds: its flock beside the status file, and the DuckDB file as
    # the only writer (another process, as target-duckdb and dbt are).
    lock = (tmp_path / "sync.lock").open("wb")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        with DuckdbWriter(app_env.duckdb_path):
            at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
            at.switch_page("pages/data_status.py").run()
            assert not at.exception, [e.value for e in at.exception]
            shown = {m.label: m.value for m in at.metric}
            assert shown["Result"] == "running"
            assert re.fullmatch(r"[3-9] min ago", shown["Last sync"])  # slack for a busy CI
            assert shown["Data through (UTC day)"] == "unavailable"
            assert any(
                f"has been running since {started:%Y-%m-%d %H:%M UTC}" in i.value for i in at.info
            )
            assert any("A sync is writing the warehouse right now" in w.value for w in at.warning)
            assert any(
                f"started {started:%Y-%m-%d %H:%M UTC}, not finished" in c.value for c in at.caption
            )
    finally:
        lock.close()


def test_data_status_says_when_the_app_reads_the_sandbox(app_env: SyncedProject, monkeypatch):
    # As after the quickstart: the sandbox warehouse, with a real sync recorded beside it.
    monkeypatch.setattr(freshness, "SANDBOX_DUCKDB", app_env.duckdb_path)
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    at.switch_page("pages/data_status.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("reads the quickstart's sandbox warehouse" in i.value for i in at.info)
    assert any(s.value.startswith("The newest data is from ") for s in at.success)
