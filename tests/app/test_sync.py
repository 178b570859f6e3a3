"""scripts/sync.sh: the scheduled sync, its lock against overlapping runs, its status file."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
import uuid
from pathlib import Path

import duckdb

from tests.app.conftest import SYNC_TIMEOUT, DuckdbWriter, SyncedProject
from wistia_sandbox import FakeWistia, Fault

# A stand-in for crontab(1) that keeps "the user's crontab" next to itself: `-l` prints it
# (exit 1 when there is none, like cron's "no crontab for ..."), `-` replaces it with stdin.
# Like the real one, `-` reads all of stdin before replacing the file: sync.sh pipes
# `crontab -l` into `crontab -`, and the two run at the same time. Every call's arguments
# are logged, so the test knows this shim, not cron, was used.
CRONTAB_SHIM = """#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
echo "$*" >>"$here/calls.log"
case "$*" in
  -l) [ -f "$here/crontab.txt" ] || { echo "no crontab for tester" >&2; exit 1; }
      cat "$here/crontab.txt" ;;
  -) tmp="$(mktemp "$here/.crontab.XXXXXX")"; cat >"$tmp"; mv "$tmp" "$here/crontab.txt" ;;
  *) echo "unexpected crontab arguments: $*" >&2; exit 2 ;;
esac
"""


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
    assert status["started_at"] <= status["finished_at"] == status["last_success_at"]


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


def sync_sh(synced: SyncedProject, option: str, path_first: Path | None = None) -> str:
    """Run `scripts/sync.sh <option>` (with `path_first` ahead on PATH); its stdout."""
    env = dict(synced.env)
    if path_first is not None:
        env["PATH"] = f"{path_first}:{env['PATH']}"
    proc = subprocess.run(
        ["bash", "scripts/sync.sh", option],
        cwd=synced.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_print_cron_uses_the_meltano_schedule(synced: SyncedProject):
    line = sync_sh(synced, "--print-cron").strip()
    # umask 077: the files a run writes (the token's config file among them) are private.
    assert line.startswith("30 1 * * * umask 077; cd ")
    assert line.endswith(
        "&& bash scripts/sync.sh >/dev/null 2>&1 # tap-wistia daily-wistia-to-duckdb"
    )


def test_install_puts_the_print_cron_line_in_the_crontab_once(
    synced: SyncedProject, tmp_path: Path
):
    shim = tmp_path / "bin" / "crontab"
    shim.parent.mkdir()
    shim.write_text(CRONTAB_SHIM)
    shim.chmod(0o755)
    others = ["MAILTO=ops@example.com", "0 5 * * * /usr/local/bin/backup --nightly"]
    # An older line of the same schedule (another checkout, another time): replaced.
    older = "0 3 * * * cd /srv/old && bash scripts/sync.sh # tap-wistia daily-wistia-to-duckdb"
    crontab = shim.parent / "crontab.txt"
    crontab.write_text("\n".join([others[0], older, others[1]]) + "\n")
    line = sync_sh(synced, "--print-cron").strip()

    for _ in range(2):
        out = sync_sh(synced, "--install", path_first=shim.parent)
        assert out == f"installed in your crontab: {line}\n"
        assert crontab.read_text().splitlines() == [*others, line]
    # Two installs, each one list and one replace (in either order: they run concurrently).
    calls = (shim.parent / "calls.log").read_text().splitlines()
    assert sorted(calls) == ["-", "-", "-l", "-l"]


def test_a_reader_holding_the_warehouse_delays_the_sync_instead_of_failing_it(
    synced: SyncedProject,
):
    # Another program has the DuckDB file open (a notebook, a download at 01:30):
    # target-duckdb cannot take it. The sync says so, waits, and runs again once it is free.
    with (
        DuckdbWriter(synced.duckdb_path) as holder,
        FakeWistia(synced.dataset, token="app-token") as srv,
    ):
        env = {
            **synced.env,
            "TAP_WISTIA_API_URL": srv.url,
            "WISTIA_SYNC_LOCK_RETRY_SECONDS": "1",
        }
        sync = subprocess.Popen(
            ["bash", "scripts/sync.sh"],
            cwd=synced.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            lines = []
            for line in sync.stdout:  # until the first attempt has failed on the lock
                lines.append(line)
                if "retrying in 1 s" in line:
                    break
            holder.release()
            out, err = sync.communicate(timeout=SYNC_TIMEOUT)
        finally:
            if sync.poll() is None:
                sync.kill()
                sync.wait()
    output = "".join(lines) + out
    assert sync.returncode == 0, output + err
    assert (
        "sync: the warehouse file is open in another program (attempt 1 failed on its lock)"
        in output
    )
    assert "sync: done" in output
    assert json.loads(synced.status_file.read_text())["status"] == "success"
    log = (synced.root / "output" / "sync" / "sync.log").read_text()
    assert "Could not set lock on file" in log and "retrying in 1 s" in log
    # Nothing was loaded twice: the marts hold each closed-day event once.
    today = max(e["received_at"] for e in synced.dataset.events)[:10]
    expected = sum(1 for e in synced.dataset.events if e["received_at"][:10] < today)
    assert synced.query("select count(*) from analytics.wistia_views") == [(expected,)]


def run_sync(synced: SyncedProject, srv: FakeWistia) -> subprocess.Popen[str]:
    """scripts/sync.sh against `srv`, in its own process group (a test may kill it whole)."""
    return subprocess.Popen(
        ["bash", "scripts/sync.sh"],
        cwd=synced.root,
        env={**synced.env, "TAP_WISTIA_API_URL": srv.url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(fault: Fault, sync: subprocess.Popen[str]) -> None:
    """Until the sync's request reached `fault` (the sync is then inside its extract)."""
    deadline = time.monotonic() + SYNC_TIMEOUT
    while fault.applied == 0 and sync.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # waits for the event, not for a duration
    assert fault.applied == 1, "the sync never requested events"


def finish(sync: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return sync.communicate(timeout=SYNC_TIMEOUT)
    finally:
        if sync.poll() is None:
            sync.kill()
            sync.wait()


def test_the_live_warehouse_stays_readable_during_the_load_and_the_build_is_swapped_in(
    synced: SyncedProject,
):
    live = synced.duckdb_path
    copy = synced.root / ".wistia.duckdb.sync" / "wistia.duckdb"
    live_inode = live.stat().st_ino
    with FakeWistia(synced.dataset, token="app-token") as srv:
        # The first events request waits: the run is then inside its extract and load.
        held = srv.faults.add("delay", path="/stats/events", delay=3)
        sync = run_sync(synced, srv)
        try:
            wait_for(held, sync)
            # Meanwhile a reader (the app) opens the live file and reads the marts.
            assert copy.exists()
            assert synced.query("select count(*) > 0 from analytics.wistia_views") == [(True,)]
        finally:
            out, err = finish(sync)
    assert sync.returncode == 0, out + err
    assert live.stat().st_ino != live_inode  # a new file was renamed over the live one
    assert not copy.parent.exists()
    log = (synced.root / "output" / "sync" / "sync.log").read_text()
    assert "sync: building into a copy of the warehouse" in log
    assert f"sync: the new warehouse replaced {live}" in log
    # The swapped-in warehouse is complete: every closed-day event, once.
    today = max(e["received_at"] for e in synced.dataset.events)[:10]
    expected = sum(1 for e in synced.dataset.events if e["received_at"][:10] < today)
    assert synced.query("select count(*) from analytics.wistia_views") == [(expected,)]
    # umask 077: the warehouse and the exports are the owner's only.
    for path in (live, synced.root / "output" / "wistia_views.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_job_a_killed_sync_left_running_does_not_block_the_next_sync(synced: SyncedProject):
    # What `kill -9` of a sync during extract or load leaves in Meltano's system database:
    # the job's run row still 'RUNNING', with a fresh heartbeat (stale only after 5 min).
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with sqlite3.connect(synced.root / ".meltano" / "meltano.db") as db:
        db.execute(
            "insert into runs (job_name, state, started_at, last_heartbeat_at, payload,"
            " payload_flags, run_id, \"trigger\") values (?, 'RUNNING', ?, ?, '{}', 0, ?, 'cli')",
            ("prod:tap-wistia-to-target-duckdb", now, now, uuid.uuid4().hex),
        )
    with FakeWistia(synced.dataset, token="app-token") as srv:
        sync = run_sync(synced, srv)
        out, err = finish(sync)
    assert sync.returncode == 0, out + err
    note = (
        "sync: Meltano still counts an earlier run of this job as running, but this sync"
        " holds the lock, so that run is dead (killed): running again with --force"
    )
    assert note in out
    log = (synced.root / "output" / "sync" / "sync.log").read_text()
    assert "pipeline is already running" in log and note in log
    assert json.loads(synced.status_file.read_text())["status"] == "success"


def test_a_killed_runs_copy_is_built_on(synced: SyncedProject):
    # A run killed during its load leaves its copy, holding rows whose bookmarks Meltano
    # saved: the next run starts from it, not from the live file.
    copy = synced.root / ".wistia.duckdb.sync" / "wistia.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(synced.duckdb_path, copy)
    half_written_status = synced.status_file.parent / ".last_run.k9dead"
    half_written_status.write_text('{"status": "runn')
    with duckdb.connect(str(copy)) as conn:
        conn.execute("create table tap_wistia.loaded_by_the_killed_run as select 1 as x")
    with FakeWistia(synced.dataset, token="app-token") as srv:
        sync = run_sync(synced, srv)
        out, err = finish(sync)
    assert sync.returncode == 0, out + err
    assert synced.query("select x from tap_wistia.loaded_by_the_killed_run") == [(1,)]
    log = (synced.root / "output" / "sync" / "sync.log").read_text()
    assert f"sync: building on the copy a killed run left ({copy})" in log
    assert not half_written_status.exists()


def test_a_sync_killed_during_extract_and_load_is_recovered_by_the_next(synced: SyncedProject):
    copy = synced.root / ".wistia.duckdb.sync" / "wistia.duckdb"
    with FakeWistia(synced.dataset, token="app-token") as srv:
        held = srv.faults.add("delay", path="/stats/events", delay=2)
        killed = run_sync(synced, srv)
        try:
            wait_for(held, killed)
        finally:
            os.killpg(killed.pid, signal.SIGKILL)  # sync.sh, Meltano, the tap, the loader
            killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    assert copy.exists()  # the killed run's copy, kept for the next run
    with FakeWistia(synced.dataset, token="app-token") as srv:
        sync = run_sync(synced, srv)
        out, err = finish(sync)
    assert sync.returncode == 0, out + err
    assert "running again with --force" in out  # Meltano still counted the dead run
    assert not copy.parent.exists()
    today = max(e["received_at"] for e in synced.dataset.events)[:10]
    expected = sum(1 for e in synced.dataset.events if e["received_at"][:10] < today)
    assert synced.query("select count(*) from analytics.wistia_views") == [(expected,)]
