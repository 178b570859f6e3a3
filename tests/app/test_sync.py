"""scripts/sync.sh: the scheduled sync, its lock against overlapping runs, its status file."""

from __future__ import annotations

import json
import subprocess

from tests.app.conftest import SyncedProject


def test_sync_builds_the_warehouse_and_records_success(synced: SyncedProject):
    assert synced.first.returncode == 0
    assert "running schedule daily-wistia-to-duckdb (environment prod)" in synced.first.stdout
    # prod reads closed UTC days only: every event before today is in the marts, once.
    today = max(e["received_at"] for e in synced.dataset.events)[:10]
    expected = sum(1 for e in synced.dataset.events if e["received_at"][:10] < today)
    assert synced.query("select count(*) from analytics.wistia_views") == [(expected,)]
    assert synced.query("select count(*) from analytics.media_overview") == [
        (len(synced.dataset.medias),)
    ]
    status = json.loads(synced.status_file.read_text())
    assert status["status"] == "success"
    assert status["exit_code"] == 0
    assert status["job"] == "daily-wistia-to-duckdb"
    assert status["environment"] == "prod"
    assert status["started_at"] <= status["finished_at"]


def test_overlapping_sync_exits_without_touching_state_or_data(synced: SyncedProject):
    second = synced.second
    assert second.returncode == 75
    assert "another sync is running" in second.stderr
    assert "exits without touching the state or the warehouse" in second.stderr
    assert second.stdout == ""
    # The second run did not write the DuckDB file while the first held the lock.
    assert synced.duckdb_mtime_during_second == 0
    # The first run's state is complete: the events bookmark reached yesterday (prod).
    state = subprocess.run(
        [
            ".venv/bin/meltano",
            "--environment=prod",
            "state",
            "get",
            "prod:tap-wistia-to-target-duckdb",
        ],
        cwd=synced.root,
        env=synced.env,
        capture_output=True,
        text=True,
        check=True,
    )
    bookmarks = json.loads(state.stdout)["singer_state"]["bookmarks"]
    assert "events" in bookmarks
    # The warehouse opens and is consistent: one row per event, no duplicates.
    assert synced.query(
        "select count(*) = count(distinct event_key) from analytics.wistia_views_keyed"
    ) == [(True,)]


def test_print_cron_uses_the_meltano_schedule(synced: SyncedProject):
    proc = subprocess.run(
        ["bash", "scripts/sync.sh", "--print-cron"],
        cwd=synced.root,
        env=synced.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip()
    assert line.startswith("30 1 * * * cd ")
    assert line.endswith(
        "&& bash scripts/sync.sh >/dev/null 2>&1 # tap-wistia daily-wistia-to-duckdb"
    )
