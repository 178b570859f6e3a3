"""Fixtures for the analytics app tests: one real scheduled sync per session.

`synced` copies the repository like a fresh clone, installs its Meltano plugins, and runs
`scripts/sync.sh` (the `prod` schedule: tap -> DuckDB -> dbt) against a local fake Wistia.
While that first sync holds the lock, a second `scripts/sync.sh` is started: the test of
overlapping runs checks what it did. The DuckDB file the sync built is what every app test
reads, so the pipeline runs once for the whole app suite.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from app import queries
from app.warehouse import Warehouse, WarehouseConfig
from tests.app.tiny_warehouse import build_tiny_warehouse
from tests.app.two_accounts import add_second_account
from tests.pipeline.conftest import COPY_IGNORE, DATASET, REPO_ROOT, clean_env
from wistia_sandbox import Dataset, FakeWistia, generate_dataset

SYNC_TIMEOUT = 900  # seconds: a cold `meltano install` plus one sync on a busy machine


class DuckdbWriter:
    """Another process holding a DuckDB file open for writing, as target-duckdb and dbt do
    during a sync (DuckDB then refuses every other connection to the file). Use it as a
    context manager; `release()` lets go before the block ends."""

    def __init__(self, path: Path) -> None:
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
                " sys.stdin.read()",
                str(path),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __enter__(self) -> DuckdbWriter:
        assert self._process.stdout is not None
        assert self._process.stdout.readline().strip() == "open"
        return self

    def release(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.close()
            self._process.wait(timeout=30)
            self._process.stdout.close()

    def __exit__(self, *_exc: object) -> None:
        self.release()


@dataclass
class SyncRun:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class SyncedProject:
    root: Path
    env: dict[str, str]
    dataset: Dataset
    first: SyncRun
    second: SyncRun
    duckdb_mtime_during_second: float

    @property
    def duckdb_path(self) -> Path:
        return self.root / "wistia.duckdb"

    @property
    def status_file(self) -> Path:
        return self.root / "output" / "sync" / "last_run.json"

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    def app_env(self) -> dict[str, str]:
        """What the app needs to read this project's warehouse and sync status."""
        return {
            "WISTIA_APP_DUCKDB_PATH": str(self.duckdb_path),
            "WISTIA_SYNC_STATUS_FILE": str(self.status_file),
            "WISTIA_APP_WAREHOUSE": "duckdb",
        }


def _meltano(root: Path, env: dict[str, str], *args: str) -> None:
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("meltano")), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=SYNC_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        output = f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        pytest.fail(f"meltano {' '.join(args)} failed:\n{output}")


@pytest.fixture(scope="session")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncedProject]:
    root = tmp_path_factory.mktemp("app-project") / "tap-wistia"
    shutil.copytree(REPO_ROOT, root, ignore=COPY_IGNORE)
    # scripts/sync.sh runs the project's own .venv: this one, with Meltano installed.
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    dataset = generate_dataset(**{**DATASET, "seed": 12})
    with FakeWistia(dataset, token="app-token") as srv:
        start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=DATASET["days"] + 2)
        env = clean_env(
            MELTANO_DATABASE_URI=f"sqlite:///{root / '.meltano' / 'meltano.db'}",
            TAP_WISTIA_API_URL=srv.url,
            TAP_WISTIA_API_TOKEN=srv.token,
            TAP_WISTIA_START_DATE=f"{start.isoformat()}T00:00:00Z",
            TAP_WISTIA_MAX_REQUESTS_PER_MINUTE="1000000",
        )
        del env["MELTANO_ENVIRONMENT"]  # sync.sh picks `prod` itself
        (root / ".meltano").mkdir()
        _meltano(root, env, "install", "--schedule", "daily-wistia-to-duckdb")

        first = subprocess.Popen(
            ["bash", "scripts/sync.sh"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # sync.sh prints this line once it holds the lock: start the overlapping run now.
            assert first.stdout is not None
            started = first.stdout.readline()
            assert started.startswith("sync: lock acquired"), started
            db = root / "wistia.duckdb"
            mtime = db.stat().st_mtime if db.exists() else 0.0
            second = subprocess.run(
                ["bash", "scripts/sync.sh"],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            mtime_after_second = db.stat().st_mtime if db.exists() else 0.0
            out, err = first.communicate(timeout=SYNC_TIMEOUT)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        first_run = SyncRun(first.returncode, started + out, err)
        if first_run.returncode != 0:
            log = root / "output" / "sync" / "sync.log"
            tail = log.read_text()[-4000:] if log.exists() else ""
            pytest.fail(f"scripts/sync.sh failed:\n{first_run.stdout}\n{err}\n{tail}")
        yield SyncedProject(
            root=root,
            env=env,
            dataset=dataset,
            first=first_run,
            second=SyncRun(second.returncode, second.stdout, second.stderr),
            duckdb_mtime_during_second=mtime_after_second - mtime,
        )


@pytest.fixture
def app_env(synced: SyncedProject, monkeypatch: pytest.MonkeyPatch) -> SyncedProject:
    """Point the app (in this process) at the synced project's warehouse."""
    for key in [k for k in os.environ if k.startswith("WISTIA_APP_")]:
        monkeypatch.delenv(key)
    for key, value in synced.app_env().items():
        monkeypatch.setenv(key, value)
    return synced


@pytest.fixture
def two_account_warehouse(
    app_env: SyncedProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The app (in this process) on a copy of the synced warehouse holding two accounts
    (tests/app/two_accounts.py)."""
    path = tmp_path / "two.duckdb"
    shutil.copyfile(app_env.duckdb_path, path)
    add_second_account(path)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(path))
    queries.clear()
    yield path
    queries.clear()


@pytest.fixture
def tiny_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Warehouse]:
    """The app (in this process) on a warehouse of a few rows (tests/app/tiny_warehouse.py)."""
    path = tmp_path / "wistia.duckdb"
    build_tiny_warehouse(path)
    for key in [k for k in os.environ if k.startswith(("WISTIA_APP_", "WISTIA_SYNC_", "DBT_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(path))
    monkeypatch.setenv("WISTIA_SYNC_STATUS_FILE", str(tmp_path / "none.json"))
    queries.clear()
    yield Warehouse(WarehouseConfig(duckdb_path=path))
    queries.clear()
