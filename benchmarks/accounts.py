"""Two accounts into PostgreSQL: one `meltano run` per account, one after the other vs at once.

    python -m benchmarks.accounts            # ~4 min on 2 cores

Needs the project's tap-wistia and target-postgres installed (`meltano install`) and the
PostgreSQL server binaries (initdb, pg_ctl). The recipe of docs/accounts.md: two extractors
inheriting from tap-wistia (in a temporary copy of the project, sharing its installed
plugins), one target-postgres. `wistia-sandbox --accounts 2` serves both accounts with a
latency on every response and the tap's default budget (600 requests a minute per run,
i.e. per account, as Wistia limits each account): what an account waits for is the API,
so two accounts at once take about as long as one. Each mode backfills both accounts from
an empty state: one after the other into a fresh database (creating the tables), then at
once into a copy of its tables, emptied (on an empty warehouse, target-postgres runs
started at once race to create the same tables, so a first load runs alone).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .harness import ROOT
from .machine_info import machine

RECIPE = """\
plugins:
  extractors:
  - name: tap-wistia-brand-a
    inherit_from: tap-wistia
    load_schema: tap_wistia
  - name: tap-wistia-brand-b
    inherit_from: tap-wistia
    load_schema: tap_wistia
"""
EXTRACTORS = ("tap-wistia-brand-a", "tap-wistia-brand-b")
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".meltano", "output", "*.duckdb")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.accounts")
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--latency", type=float, default=0.1, help="seconds added to each response")
    p.add_argument("--workdir", help="keep the logs here (default: a temp dir, removed)")
    args = p.parse_args(argv)
    args.load_before = os.getloadavg()[0]  # the machine may be shared: say how busy it was
    work = Path(args.workdir or tempfile.mkdtemp(prefix="tap-wistia-accounts-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        with sandbox(args) as (url, tokens), postgres(work) as port:
            project = recipe_project(work)
            figures = {}
            for mode in ("one after the other", "at once"):
                dbname = "sequential" if mode.startswith("one") else "parallel"
                if dbname == "sequential":
                    psql(port, f"create database {dbname}")
                else:
                    # The tables exist, empty: on an empty warehouse, runs at once race to
                    # create them (docs/accounts.md), so the first load runs alone.
                    psql(port, f"create database {dbname} template sequential")
                    tables = psql(
                        port,
                        "select tablename from pg_tables where schemaname = 'tap_wistia'",
                        dbname,
                    )
                    for (table,) in tables:
                        psql(port, f'truncate tap_wistia."{table}"', dbname)
                env = meltano_env(work, url, tokens, port, dbname, args.days)
                began = time.monotonic()
                logs = [work / f"{dbname}-{extractor}.log" for extractor in EXTRACTORS]
                if dbname == "sequential":
                    codes = [
                        run(project, extractor, env, log).wait()
                        for extractor, log in zip(EXTRACTORS, logs, strict=True)
                    ]
                else:
                    runs = [
                        run(project, extractor, env, log)
                        for extractor, log in zip(EXTRACTORS, logs, strict=True)
                    ]
                    codes = [proc.wait() for proc in runs]
                figures[mode] = time.monotonic() - began
                for code, log in zip(codes, logs, strict=True):
                    if code:
                        print(log.read_text()[-3000:], file=sys.stderr)
                        raise SystemExit(f"{log.name}: meltano exited {code}")
                counts = psql(
                    port,
                    "select account_id, count(*) from tap_wistia.events group by 1 order by 1",
                    dbname,
                )
                print(
                    f"{mode}: {figures[mode]:.1f} s; events per account: {counts}", file=sys.stderr
                )
        report(args, figures)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(args: argparse.Namespace, figures: dict[str, float]) -> None:
    info = machine()
    print(
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, {info['os']}, "
        f"Python {info['python']}, singer-sdk {info['singer_sdk']}; tap-wistia {info['commit']}; "
        f"{info['date']}; load average {args.load_before:.1f} at the start."
    )
    print(
        f"Command: `python -m benchmarks.accounts --days {args.days} --events {args.events} "
        f"--latency {args.latency}`."
    )
    print()
    print("| two accounts into PostgreSQL | wall time |")
    print("|:--|--:|")
    for mode, seconds in figures.items():
        print(f"| `meltano run` per account, {mode} | {seconds:.1f} s |")


@contextmanager
def sandbox(args: argparse.Namespace) -> Iterator[tuple[str, list[str]]]:
    """`wistia-sandbox --accounts 2`: its URL and both tokens, as it prints them."""
    cmd = [sys.executable, "-m", "wistia_sandbox", "--port", "0", "--accounts", "2"]
    cmd += ["--days", str(args.days), "--events", str(args.events), "--latency", str(args.latency)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(": ", 1)[1].strip()
        tokens = [proc.stdout.readline().split()[1] for _ in range(2)]
        yield url, tokens
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres(work: Path) -> Iterator[int]:
    """A throw-away cluster on 127.0.0.1 (as in tests/pipeline/conftest.py)."""
    pg_ctl = shutil.which("pg_ctl") or str(
        sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1] / "pg_ctl"
    )
    bin_dir = Path(pg_ctl).parent
    base = Path(tempfile.mkdtemp(prefix="tap-wistia-pg-", dir="/tmp"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
        shutil.chown(sock, user="postgres")
    base.chmod(0o755)
    port = 15000 + os.getpid() % 1000
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off"
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-w",
                "-o",
                options,
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield port
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def psql(port: int, sql: str, dbname: str = "postgres") -> list[tuple]:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True
    ) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def recipe_project(work: Path) -> Path:
    root = work / "project"
    shutil.copytree(ROOT, root, ignore=COPY_IGNORE)
    os.symlink(ROOT / ".meltano", root / ".meltano")
    (root / "meltano" / "accounts.meltano.yml").write_text(RECIPE)
    return root


def meltano_env(
    work: Path, url: str, tokens: list[str], port: int, dbname: str, days: int
) -> dict[str, str]:
    start = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() - (days + 2) * 86400))
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "TARGET_", "MELTANO_"))
    }
    return {
        **keep,
        "MELTANO_DATABASE_URI": f"sqlite:///{work / f'{dbname}.db'}",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_HUB_URL": "http://127.0.0.1:9/hub",
        "TAP_WISTIA_API_URL": url,
        "TAP_WISTIA_START_DATE": start,
        "TAP_WISTIA_BRAND_A_API_TOKEN": tokens[0],
        "TAP_WISTIA_BRAND_B_API_TOKEN": tokens[1],
        "TARGET_POSTGRES_HOST": "127.0.0.1",
        "TARGET_POSTGRES_PORT": str(port),
        "TARGET_POSTGRES_USER": "postgres",
        "TARGET_POSTGRES_PASSWORD": "",
        "TARGET_POSTGRES_DATABASE": dbname,
    }


def run(project: Path, extractor: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    meltano = shutil.which("meltano", path=str(Path(sys.executable).parent)) or "meltano"
    with log.open("w") as out:
        return subprocess.Popen(
            [meltano, "run", extractor, "target-postgres"],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


if __name__ == "__main__":
    sys.exit(main())
