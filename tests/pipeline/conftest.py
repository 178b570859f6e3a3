"""Fixtures for the end-to-end pipeline tests: a fresh copy of the Meltano project with its
plugins really installed, an isolated Meltano environment per test, and a PostgreSQL server.

Nothing here reaches the network: Meltano Hub is pointed at a closed local port (every plugin
is custom, so no Hub lookup may happen), usage stats and version checks are off, and the
tap reads the local fake Wistia API.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wistia_sandbox import FakeWistia

REPO_ROOT = Path(__file__).resolve().parents[2]

# What a fresh clone does not have (or must not share with the developer's working copy).
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".meltano",
    "output",
    "target",
    "logs",
    "dbt_packages",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.duckdb",
    "*.duckdb.wal",
    "*.egg-info",
    ".env",
)

# Small but complete dataset: every stream has rows, runs stay quick.
DATASET = {"seed": 7, "projects": 3, "medias": 12, "visitors": 120, "events": 600, "days": 40}

MELTANO_TIMEOUT = 600  # seconds for one meltano command (a cold install can be slow)


def _meltano_executable() -> str:
    candidate = Path(sys.executable).with_name("meltano")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("meltano")
    if not found:
        pytest.fail("meltano is not installed: run `pip install -e '.[dev]'` (scripts/test.sh)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The process environment without any setting that would leak into Meltano runs."""
    prefixes = ("TAP_WISTIA_", "TARGET_", "DBT_", "MELTANO_", "WISTIA_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(
        MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
        MELTANO_CLI_DISABLE_VERSION_CHECK="true",
        # Any Hub lookup would fail fast: every plugin must be a custom plugin.
        MELTANO_HUB_URL="http://127.0.0.1:9/hub",
        MELTANO_ENVIRONMENT="dev",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        NO_COLOR="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class MeltanoResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return f"{self.stdout}\n{self.stderr}"

    def check(self) -> MeltanoResult:
        if self.returncode != 0:
            tail = "\n".join(self.output.splitlines()[-80:])
            pytest.fail(f"`meltano {' '.join(self.args)}` exited {self.returncode}:\n{tail}")
        return self


@dataclass
class MeltanoProject:
    """A copy of the repository (as a fresh clone) with its Meltano plugins installed."""

    root: Path
    executable: str
    install_seconds: float = 0.0

    def run(self, *args: str, env: dict[str, str], check: bool = True) -> MeltanoResult:
        proc = subprocess.run(
            [self.executable, *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=MELTANO_TIMEOUT,
            check=False,
        )
        result = MeltanoResult(list(args), proc.returncode, proc.stdout, proc.stderr)
        return result.check() if check else result


@pytest.fixture(scope="session")
def meltano_project(tmp_path_factory: pytest.TempPathFactory) -> MeltanoProject:
    """Copy the repo like a fresh clone and run a real `meltano install` in it (once)."""
    root = tmp_path_factory.mktemp("project") / "tap-wistia"
    shutil.copytree(REPO_ROOT, root, ignore=COPY_IGNORE)
    project = MeltanoProject(root=root, executable=_meltano_executable())
    env = clean_env(MELTANO_DATABASE_URI=f"sqlite:///{root / 'install.db'}")
    started = dt.datetime.now()
    project.run("install", env=env)
    project.install_seconds = (dt.datetime.now() - started).total_seconds()
    assert not list(root.glob("plugins/**/*.lock")), "custom plugins must not need lock files"
    return project


@dataclass
class PipelineEnv:
    """An isolated Meltano environment: own system database, outputs and tap settings."""

    project: MeltanoProject
    workdir: Path
    wistia: FakeWistia
    env: dict[str, str] = field(default_factory=dict)

    @property
    def csv_dir(self) -> Path:
        return self.workdir / "csv"

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "wistia.duckdb"

    @property
    def views_csv(self) -> Path:
        return self.workdir / "output" / "wistia_views.csv"

    def run(self, *args: str, check: bool = True) -> MeltanoResult:
        return self.project.run(*args, env=self.env, check=check)


@pytest.fixture
def pipeline_env(
    meltano_project: MeltanoProject,
    make_wistia: Callable[..., FakeWistia],
    tmp_path: Path,
) -> PipelineEnv:
    """A private fake Wistia plus an isolated Meltano environment pointing at it."""
    srv = make_wistia(token="pipeline-token", **DATASET)
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=DATASET["days"] + 2)
    pipeline = PipelineEnv(project=meltano_project, workdir=tmp_path, wistia=srv)
    pipeline.env = clean_env(
        MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}",
        TAP_WISTIA_API_URL=srv.url,
        TAP_WISTIA_API_TOKEN=srv.token,
        TAP_WISTIA_START_DATE=f"{start.isoformat()}T00:00:00Z",
        # The local API has no rate limit: do not slow the tests down.
        TAP_WISTIA_MAX_REQUESTS_PER_MINUTE="1000000",
        TARGET_CSV_OUTPUT_PATH=str(pipeline.csv_dir),
        DBT_DUCKDB_CSV_SOURCE_DIR=str(pipeline.csv_dir),
        TARGET_DUCKDB_FILEPATH=str(pipeline.duckdb_path),
        DBT_DUCKDB_PATH=str(pipeline.duckdb_path),
        DBT_DUCKDB_VIEWS_CSV_PATH=str(pipeline.views_csv),
        DBT_TARGET_PATH=str(tmp_path / "dbt_target"),
        DBT_LOG_PATH=str(tmp_path / "dbt_logs"),
    )
    return pipeline


# --------------------------------------------------------------------------- PostgreSQL


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    data_dir: Path

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname=dbname, autocommit=True
        )

    def meltano_env(self, dbname: str) -> dict[str, str]:
        """target-postgres and dbt-postgres settings that load and build into `dbname`."""
        server = {"HOST": self.host, "PORT": str(self.port), "USER": self.user, "PASSWORD": ""}
        return (
            {f"TARGET_POSTGRES_{k}": v for k, v in server.items()}
            | {f"DBT_POSTGRES_{k}": v for k, v in server.items()}
            | {"TARGET_POSTGRES_DATABASE": dbname, "DBT_POSTGRES_DBNAME": dbname}
        )

    def create_database(self, name: str) -> str:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return name


def _postgres_bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: use the postgres account then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (free port, private socket dir)."""
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install them with "
            "`apt-get install -y postgresql` (.ci/run does this)."
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root but there is no 'postgres' user to run the server")

    # Not under /root or the pytest tmp dir: the postgres user must be able to traverse it.
    base = Path(tempfile.mkdtemp(prefix="tap-wistia-pg-", dir="/tmp"))
    data_dir, sock_dir = base / "data", base / "sock"
    sock_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
        shutil.chown(sock_dir, user="postgres")
    base.chmod(0o755)
    port = free_port()
    log_file = base / "server.log"

    def run(cmd: list[str]) -> None:
        proc = subprocess.run(
            _as_server_user(cmd),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            log = log_file.read_text() if log_file.exists() else ""
            pytest.fail(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{log}")

    run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        ]
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock_dir} -c fsync=off"
    run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-l",
            str(log_file),
            "-w",
            "-o",
            options,
            "start",
        ]
    )
    try:
        yield PostgresServer(host="127.0.0.1", port=port, user="postgres", data_dir=data_dir)
    finally:
        subprocess.run(
            _as_server_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)
