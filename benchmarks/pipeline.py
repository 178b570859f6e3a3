"""End to end at scale: a backfill through the tap, `target-duckdb` and `dbt-duckdb:build`.

    python -m benchmarks.pipeline --events 1000000     # ~15 min on 2 cores

Needs the project's Meltano plugins installed (`bash scripts/test.sh` or `meltano install`).
Three measured steps, each a child process (`os.wait4`: wall, CPU, peak RSS of the process
and the children it waited for):

1. extract: `python -m tap_wistia` (every stream) against the local API at 0 ms latency and
   no budget, Singer messages to a file: the tap's own time;
2. load: `meltano invoke target-duckdb` reading that file into a fresh DuckDB file;
3. transform: `meltano invoke dbt-duckdb:build` on it (models, tests, the CSV export).

The API-bound extraction time is the run's request count at the 600/min budget (the
throttle's spacing, 0.101 s a request): what a real backfill of that size waits for.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from tap_wistia.streams.registry import STREAM_TYPES

from .harness import ROOT, Server, catalog, measure, tap_cmd, tap_config
from .machine_info import machine

SECONDS_PER_REQUEST = 60 / 600 * 1.01  # the throttle's spacing at the default budget


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.pipeline")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=180)
    p.add_argument("--workdir", help="keep the files here (default: a temp dir)")
    args = p.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="tap-wistia-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    meltano = shutil.which("meltano", path=str(Path(sys.executable).parent)) or "meltano"
    env = _meltano_env(work)
    steps: dict[str, Any] = {}
    with Server(medias=30, visitors=2000, events=args.events, days=args.days, bulk=True) as srv:
        srv.configure(0.0, None)
        # The extractor settings of meltano/extractors.meltano.yml: the dbt models read
        # flattened columns.
        conf = tap_config(
            srv,
            work,
            "pipeline",
            days=args.days,
            budget=1_000_000,
            flattening_enabled=True,
            flattening_max_depth=3,
        )
        singer = work / "singer.jsonl"
        # Every stream, analytics included: the dbt project reads all of their tables.
        every_stream = catalog(work, tuple(t.name for t in STREAM_TYPES))
        run = measure(
            tap_cmd(conf, every_stream), server=srv, stdout=singer, stderr=work / "extract.log"
        )
        steps["extract"] = _figures(run.wall, run.cpu, run.max_rss_mb)
        steps["extract"]["requests"] = run.requests
    steps["load"] = _step(
        [meltano, "invoke", "target-duckdb"], env, work / "load.log", stdin=singer
    )
    steps["transform"] = _step([meltano, "invoke", "dbt-duckdb:build"], env, work / "transform.log")
    with duckdb.connect(str(work / "wistia.duckdb"), read_only=True) as db:
        loaded = db.execute("select count(*) from tap_wistia.events").fetchone()[0]
        views = db.execute("select count(*) from analytics.wistia_views").fetchone()[0]
    if loaded != args.events or views != args.events:
        raise RuntimeError(f"{args.events} events: {loaded} loaded, {views} in wistia_views")
    api_bound = steps["extract"]["requests"] * SECONDS_PER_REQUEST
    result = {
        "machine": machine(),
        "command": "python -m benchmarks.pipeline " + " ".join(argv or sys.argv[1:]),
        "events": args.events,
        "steps": steps,
        "api_bound_extract_seconds": round(api_bound),
    }
    (work / "pipeline.json").write_text(json.dumps(result, indent=2))
    print(render(result))
    return 0


def _meltano_env(work: Path) -> dict[str, str]:
    prefixes = ("TAP_WISTIA_", "TARGET_", "DBT_", "MELTANO_", "WISTIA_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    db = work / "wistia.duckdb"
    env.update(
        MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
        MELTANO_CLI_DISABLE_VERSION_CHECK="true",
        MELTANO_HUB_URL="http://127.0.0.1:9/hub",
        MELTANO_DATABASE_URI=f"sqlite:///{work / 'meltano.db'}",
        TARGET_DUCKDB_FILEPATH=str(db),
        TARGET_DUCKDB_DEFAULT_TARGET_SCHEMA="tap_wistia",
        DBT_DUCKDB_PATH=str(db),
        DBT_DUCKDB_VIEWS_CSV_PATH=str(work / "output" / "wistia_views.csv"),
        DBT_TARGET_PATH=str(work / "dbt_target"),
        DBT_LOG_PATH=str(work / "dbt_logs"),
        NO_COLOR="1",
    )
    return env


def _step(cmd: list[str], env: dict[str, str], log: Path, stdin: Path | None = None) -> dict:
    began = time.monotonic()
    with open(stdin or os.devnull, "rb") as source, open(log, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=source, stdout=err, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - began
    if os.waitstatus_to_exitcode(status) != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{tail}")
    return _figures(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _figures(wall: float, cpu: float, rss_mb: float) -> dict[str, Any]:
    return {"wall": round(wall, 1), "cpu": round(cpu, 1), "max_rss_mb": round(rss_mb)}


def render(result: dict[str, Any]) -> str:
    steps, api = result["steps"], result["api_bound_extract_seconds"]
    extra = steps["load"]["wall"] + steps["transform"]["wall"]
    m = result["machine"]
    lines = [
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python "
        f"{m['python']}; tap-wistia {m['commit']}; {m['date']}.",
        f"Command: `{result['command'].strip()}`.",
        "",
        f"| step ({result['events']:,} events) | wall time | CPU | peak RSS |",
        "|:--|--:|--:|--:|",
    ]
    for name, label in (
        ("extract", f"extract (tap, 0 ms, no budget; {steps['extract']['requests']} requests)"),
        ("load", "load (`meltano invoke target-duckdb`)"),
        ("transform", "transform (`meltano invoke dbt-duckdb:build`)"),
    ):
        s = steps[name]
        lines.append(f"| {label} | {s['wall']:.0f} s | {s['cpu']:.0f} s | {s['max_rss_mb']} MB |")
    lines += [
        "",
        f"API-bound extraction at 600/min: {api} s; load + transform add {extra:.0f} s = "
        f"{100 * extra / api:.0f} % of it. Every event loaded and in `analytics.wistia_views`.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
