"""Benchmark of the analytics app (run by hand): first paint and a 1M-row CSV download.

    . .venv/bin/activate
    bash scripts/quickstart.sh                 # the sandbox warehouse this starts from
    python -m benchmarks.app                   # 1,000,000 viewing sessions
    python -m benchmarks.app --events 200000 --source path/to/wistia.duckdb

It copies the DuckDB file, grows `analytics.wistia_views_keyed` (the sessions the app
counts and exports) to --events rows by cloning sessions with new keys and dates, starts
`python -m app` on it, then measures:

- the main page's queries alone (data_days, media_catalog, the KPIs of two periods);
- server start: from launching `python -m app` until /_stcore/health answers 200 (the
  server has imported the app and accepts sessions);
- first paint: from Chromium's request of the main page until the six KPI cards show
  their figures, a fresh browser each time. "Cold" is the first visit to a server that
  has just become ready, with the app's query cache empty (three server starts); "warm"
  a later visit. Beside it, the same measure on Streamlit alone (a page of six static
  metric cards, same server flags): the floor this app cannot go under;
- the download of the whole 24-column CSV over HTTP: rows, MB, seconds, and the app
  process's peak RSS (VmHWM from /proc) before and after; then the same download gzipped,
  as a browser asks for it (Streamlit's server compresses it on the fly).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from app.__main__ import SERVER, streamlit_command
from app.warehouse import SANDBOX_DUCKDB


def grow(path: Path, events: int) -> tuple[str, str]:
    """Clone sessions until the table has `events` rows; return the first and last day."""
    with duckdb.connect(str(path)) as conn:
        (base,) = conn.execute("select count(*) from analytics.wistia_views_keyed").fetchone()
        copies = -(-events // base)
        conn.execute(
            "create or replace table analytics.wistia_views_keyed as "
            "select * replace (event_key || '-' || copy as event_key,"
            " viewed_at - to_days(cast(copy % 180 as integer)) as viewed_at)"
            f" from analytics.wistia_views_keyed, range({copies}) as r(copy) limit {events}"
        )
        first, last = conn.execute(
            "select cast(min(viewed_at) as date), cast(max(viewed_at) as date)"
            " from analytics.wistia_views_keyed"
        ).fetchone()
    return str(first), str(last)


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def first_paint(url: str) -> float:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        started = time.perf_counter()
        driver.get(url)
        WebDriverWait(driver, 120, poll_frequency=0.02).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')) == 6
        )
        return time.perf_counter() - started
    finally:
        driver.quit()


def main_page_queries(db: Path) -> float:
    """Seconds for the queries behind the main page (uncached), without browser or server."""
    import datetime as dt

    # The app's server imports pandas (which DuckDB needs to bind date parameters) at
    # start-up, so it is imported before the clock starts here too.
    import pandas  # noqa: F401

    from app import metrics
    from app.warehouse import Warehouse, WarehouseConfig

    wh = Warehouse(WarehouseConfig(duckdb_path=db))
    started = time.perf_counter()
    _first, last = metrics.data_days(wh)
    metrics.media_catalog(wh)
    period = metrics.Period(last - dt.timedelta(days=29), last)
    metrics.kpis(wh, period, None)
    metrics.kpis(wh, period.previous(), None)
    return time.perf_counter() - started


FLOOR_PAGE = """import streamlit as st

st.set_page_config(page_title="floor", layout="wide")
for column in [*st.columns(3), *st.columns(3)]:
    column.metric("Plays", "1,234", "+5.0 %", border=True)
"""


def wait_ready(url: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll /_stcore/health until it answers 200; stop with the server's log if it exits."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            sys.exit(f"the server exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            sys.exit(f"the server was not ready after {timeout:.0f} s:\n{log.read_text()[-2000:]}")
        time.sleep(0.02)


@contextmanager
def serving(
    command: list[str], env: dict[str, str], url: str, log: Path
) -> Iterator[tuple[subprocess.Popen, float]]:
    """A Streamlit server started by `command`, ready to serve, until the block ends;
    yields it and the seconds it took from launch to ready. Its output goes to `log`
    (a file, so a long download cannot fill a pipe nobody reads)."""
    started = time.perf_counter()
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_ready(url, server, log)
        yield server, time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass
class Download:
    rows: int  # CSV lines, header included
    wire_bytes: int  # as sent: compressed when gzip
    seconds: float


def download(url: str, gzip: bool) -> Download:
    """Read the whole response in 1 MB chunks; with `gzip`, ask for it as a browser does
    and count the rows of the inflated text."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    started = time.perf_counter()
    rows = wire = 0
    with urllib.request.urlopen(request) as resp:
        assert (resp.headers.get("Content-Encoding") == "gzip") == gzip, resp.headers
        while chunk := resp.read(1 << 20):
            wire += len(chunk)
            rows += (inflate.decompress(chunk) if gzip else chunk).count(b"\n")
    return Download(rows, wire, time.perf_counter() - started)


def spread(seconds: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--source", type=Path, default=SANDBOX_DUCKDB)
    parser.add_argument("--port", type=int, default=8599)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="app-bench-"))
    db = work / "wistia.duckdb"
    shutil.copy(args.source, db)
    first, last = grow(db, args.events)
    print(f"warehouse: {db} with {args.events:,} sessions, {first} to {last}", file=sys.stderr)
    queries = main_page_queries(db)
    env = {
        "WISTIA_APP_DUCKDB_PATH": str(db),
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(work),
    }
    url = f"http://127.0.0.1:{args.port}"
    log = work / "server.log"
    cold: list[float] = []
    ready: list[float] = []
    try:
        # The floor: Streamlit itself, same flags, a page of six metric cards and no data.
        floor_page = work / "floor.py"
        floor_page.write_text(FLOOR_PAGE)
        floor_command = [
            str(floor_page) if arg == str(SERVER) else arg
            for arg in streamlit_command("127.0.0.1", args.port)
        ]
        with serving(floor_command, env, url, log):
            floor = [first_paint(url) for _ in range(3)]
        app_command = [sys.executable, "-m", "app", "--port", str(args.port)]
        for start in range(3):
            with serving(app_command, env, url, log) as (server, seconds_to_ready):
                ready.append(seconds_to_ready)
                rss_ready = peak_rss_mb(server.pid)[0]
                cold.append(first_paint(url))
                if start < 2:
                    continue
                warm = [first_paint(url) for _ in range(2)]
                rss_before = peak_rss_mb(server.pid)
                views_url = f"{url}/download/views.csv?from={first}&to={last}"
                plain = download(views_url, gzip=False)
                rss_plain = peak_rss_mb(server.pid)
                packed = download(views_url, gzip=True)
                rss_after = peak_rss_mb(server.pid)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| measure | value |\n|---|---|")
    print(f"| sessions in the warehouse | {args.events:,} |")
    print(f"| main page queries, uncached (s) | {queries:.2f} |")
    print(f"| server start: launch to ready, median of 3 (s) | {statistics.median(ready):.2f} |")
    print(f"| first paint, cold: each of 3 server starts (s) | {spread(cold)} |")
    print(f"| first paint, warm: 2 visits (s) | {spread(warm)} |")
    print(f"| Streamlit floor: six static metric cards, 3 visits (s) | {spread(floor)} |")
    print(f"| app RSS when ready (MB) | {rss_ready:.0f} |")
    print(f"| peak RSS before download (MB) | {rss_before[1]:.0f} |")
    print(f"| CSV rows (without header) | {plain.rows - 1:,} |")
    print(f"| CSV size (MB) | {plain.wire_bytes / 1e6:.0f} |")
    print(f"| download time (s) | {plain.seconds:.1f} |")
    print(f"| peak RSS after download (MB) | {rss_plain[1]:.0f} |")
    print(f"| gzip download (as browsers ask): rows | {packed.rows - 1:,} |")
    print(f"| gzip download: MB sent | {packed.wire_bytes / 1e6:.0f} |")
    print(f"| gzip download: time (s) | {packed.seconds:.1f} |")
    print(f"| peak RSS after both downloads (MB) | {rss_after[1]:.0f} |")


if __name__ == "__main__":
    main()
