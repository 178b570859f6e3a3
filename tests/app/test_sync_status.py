"""The app's reading of the sync status file (no warehouse needed)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json

from app.sync_status import last_run


def write(folder, **record) -> None:
    (folder / "last_run.json").write_text(json.dumps(record))


def test_success_record(tmp_path):
    write(
        tmp_path,
        job="daily-wistia-to-duckdb",
        environment="prod",
        status="success",
        started_at="2026-01-02T01:30:00Z",
        finished_at="2026-01-02T01:34:10Z",
        exit_code=0,
        log="output/sync/sync.log",
    )
    run = last_run(tmp_path / "last_run.json")
    assert run.status == "success" and run.exit_code == 0
    assert run.started_at == dt.datetime(2026, 1, 2, 1, 30, tzinfo=dt.UTC)
    assert run.finished_at - run.started_at == dt.timedelta(minutes=4, seconds=10)


def test_running_only_while_the_lock_is_held(tmp_path):
    write(tmp_path, job="j", status="running", started_at="2026-01-02T01:30:00Z")
    assert last_run(tmp_path / "last_run.json").status == "interrupted"  # no lock file
    lock = tmp_path / "sync.lock"
    lock.touch()
    assert last_run(tmp_path / "last_run.json").status == "interrupted"  # nobody holds it
    with lock.open("a") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert last_run(tmp_path / "last_run.json").status == "running"


def test_missing_or_broken_file_means_no_run(tmp_path):
    assert last_run(tmp_path / "last_run.json") is None
    (tmp_path / "last_run.json").write_text("{not json")
    assert last_run(tmp_path / "last_run.json") is None
