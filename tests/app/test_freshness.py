"""Freshness: what the age counts from, and the Data status page while a sync holds the
warehouse (the sync's own status must still show)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json

import pytest
from streamlit.testing.v1 import AppTest

from app import ui
from app.freshness import Freshness
from app.sync_status import SyncRun
from tests.app.conftest import DuckdbWriter, SyncedProject

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NOW = dt.datetime.now(dt.UTC)


def run(status: str, finished_hours_ago: float | None) -> SyncRun:
    finished = None if finished_hours_ago is None else NOW - dt.timedelta(hours=finished_hours_ago)
    return SyncRun("daily", "prod", status, NOW - dt.timedelta(hours=50), finished, 0, "log")


def test_age_counts_from_the_last_successful_sync_else_from_the_data():
    quiet_account = NOW.date() - dt.timedelta(days=10)  # no plays for ten days
    synced = Freshness(quiet_account, run("success", 2), stale_hours=36)
    assert 1.9 < synced.age_hours < 2.1 and not synced.stale
    assert synced.age_message().startswith("The last sync finished ")
    # A failed (or running, or unrecorded) last run: the data's own age decides.
    for last_run in (run("failed", 2), run("running", None), None):
        state = Freshness(quiet_account, last_run, stale_hours=36)
        assert state.stale and 9 * 24 < state.age_hours < 10 * 24
        assert state.age_message().startswith(f"The newest data is from {quiet_account} (UTC)")
    assert Freshness(None, None, 36).age_hours is None and not Freshness(None, None, 36).stale


def test_ago_fits_a_metric_card():
    assert ui.ago(NOW - dt.timedelta(minutes=5), NOW) == "5 min ago"
    assert ui.ago(NOW - dt.timedelta(hours=5, minutes=59), NOW) == "5 h ago"
    assert ui.ago(NOW - dt.timedelta(days=3, hours=1), NOW) == "3 days ago"
    assert ui.ago(None, NOW) == "unknown"


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
            assert shown["Last sync"] in ("3 min ago", "4 min ago")
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
