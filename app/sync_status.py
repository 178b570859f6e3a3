"""The scheduled sync's last run, as recorded by scripts/sync.sh in a small JSON file.

    {"job": "wistia-to-duckdb", "environment": "prod", "status": "success",
     "started_at": "2026-01-02T01:30:00Z", "finished_at": "2026-01-02T01:34:10Z",
     "exit_code": 0, "log": ".meltano/logs/sync.log",
     "last_success_at": "2026-01-02T01:34:10Z"}

status is running, success or failed; last_success_at is carried over from run to run.
The file is replaced atomically by each run. A "running" record whose run no longer holds
sync.lock (beside the file) was killed before it could record its end: it is reported as
"interrupted".
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from app.warehouse import REPO_ROOT

DEFAULT_STATUS_FILE = REPO_ROOT / "output" / "sync" / "last_run.json"


@dataclass(frozen=True)
class SyncRun:
    job: str
    environment: str
    status: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    exit_code: int | None
    log: str
    last_success_at: dt.datetime | None = None  # the end of the last run that succeeded


def status_file(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ if env is None else env)
    return Path(env.get("WISTIA_SYNC_STATUS_FILE") or DEFAULT_STATUS_FILE)


def last_run(path: Path) -> SyncRun | None:
    """The last recorded run, or None when no sync has run (or the file is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    status = str(data.get("status", "unknown"))
    if status == "running" and not _lock_held(path.with_name("sync.lock")):
        status = "interrupted"
    return SyncRun(
        job=str(data.get("job", "")),
        environment=str(data.get("environment", "")),
        status=status,
        started_at=_timestamp(data.get("started_at")),
        finished_at=_timestamp(data.get("finished_at")),
        exit_code=data.get("exit_code"),
        log=str(data.get("log", "")),
        # Files written before the field existed: a successful run is its own last success.
        last_success_at=_timestamp(
            data.get("last_success_at")
            or (data.get("finished_at") if status == "success" else None)
        ),
    )


def _lock_held(lock: Path) -> bool:
    """Whether a sync holds its flock (opened read-only: the app creates no file)."""
    try:
        handle = lock.open("rb")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _timestamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
