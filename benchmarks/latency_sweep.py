"""The latency sweep (issue 21): share of the request budget as latency grows, with jitter.

    python -m benchmarks.latency_sweep                      # everything (long: see README)
    python -m benchmarks.latency_sweep --latencies 300,3000 --clients adaptive,fixed8

Closed days: a backfill of 20,000 events over 30 closed days (`complete_days_only`), the
events stream only, at 600/min, each response `latency x (1 +- jitter)`. Three clients in
the same run, on the same server:
- adaptive: the tap with its defaults (the in-flight limit learns the latency);
- fixed8: the tap with `max_concurrency=8`, the old fixed default (at and above 300 ms its
  limit sits at that ceiling, which is what a fixed 8 did);
- serial: the naive baseline (`benchmarks.baseline`), one request at a time;
- max128 (not run by default): the tap with `max_concurrency=128`, the highest allowed:
  the default ceiling of 40 is enough for 3 s; 10 s needs about 125 in flight.
Open day: a daily run after `--open-events` new events today, read as the tap reads the
open day (in parallel, then checked by counting), beside the baseline.

Share of the budget = requests per minute at the server from the first to the last
request / budget (the throttle's work; process start-up and the last answer's latency are
outside it), and the whole-run share (requests / wall time incl. start-up / budget).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .harness import Server, baseline_cmd, catalog, measure, tap_cmd
from .machine_info import machine
from .run_figures import _log

CLIENTS = ("adaptive", "fixed8", "serial")  # the default set; also: max128
DAYS = 30


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.latency_sweep")
    p.add_argument(
        "--latencies", default="50,300,1000,3000,10000", help="ms; empty: no closed-day rows"
    )
    p.add_argument("--jitter", type=float, default=0.5, help="latency x (1 +- jitter)")
    p.add_argument(
        "--clients", default=",".join(CLIENTS), help="adaptive,fixed8,serial (and max128)"
    )
    p.add_argument(
        "--serial-max-ms",
        type=int,
        default=1000,
        help="run the serial baseline only up to this latency (it takes 201 x latency)",
    )
    p.add_argument("--events", type=int, default=20_000)
    p.add_argument("--budget", type=int, default=600)
    p.add_argument("--open-latencies", default="300,3000", help="ms; empty: no open-day rows")
    p.add_argument("--open-events", type=int, default=2_000, help="new events today")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", help="also write every figure to this JSON file")
    p.add_argument("--workdir", help="keep configs and logs here (default: a temp dir)")
    return p


def _ms(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _write_config(work: Path, name: str, srv: Server, settings: dict[str, Any]) -> Path:
    today = dt.datetime.now(dt.UTC).date()
    config = {
        "api_token": srv.token,
        "api_url": srv.url,
        "start_date": f"{today - dt.timedelta(days=DAYS)}T00:00:00Z",
        **settings,
    }
    path = work / f"{name}.config.json"
    path.write_text(json.dumps(config))
    return path


_PAST_END = re.compile(r"events: .* read with \d+ request\(s\) \((\d+) past a day's end\)")


def _past_end(log: Path) -> int | None:
    """Pages the tap asked for past a day's end (its last events line), None: baseline."""
    found = _PAST_END.findall(log.read_text(errors="replace"))
    return int(found[-1]) if found else None


def _figures(run: Any, budget: int, log: Path) -> dict[str, Any]:
    whole = run.requests / run.wall * 60 if run.wall else 0.0
    return {
        "requests": run.requests,
        "past_end": _past_end(log),
        "status_429": run.rate_limited,
        "wall": round(run.wall, 1),
        "share": round(100 * run.per_minute() / budget, 1),
        "whole_run_share": round(100 * whole / budget, 1),
        "max_rss_mb": round(run.max_rss_mb),
    }


def closed_days(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    clients = [c for c in args.clients.split(",") if c]
    rows: dict[str, Any] = {}
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    with Server(seed=args.seed, medias=100, visitors=2_000, events=args.events, days=DAYS) as srv:
        cat = catalog(work, {"events"})
        tap = {"max_requests_per_minute": args.budget, "complete_days_only": True}
        configs = {
            "adaptive": _write_config(work, "sweep-adaptive", srv, tap),
            "fixed8": _write_config(work, "sweep-fixed8", srv, {**tap, "max_concurrency": 8}),
            "max128": _write_config(work, "sweep-max128", srv, {**tap, "max_concurrency": 128}),
            "serial": _write_config(work, "sweep-serial", srv, {"end_date": f"{yesterday}"}),
        }
        for ms in _ms(args.latencies):
            row: dict[str, Any] = {}
            for client in clients:
                if client == "serial" and ms > args.serial_max_ms:
                    continue
                srv.configure(ms / 1000, args.budget, args.jitter)
                log = work / f"sweep-{client}-{ms}.log"
                if client == "serial":
                    cmd = baseline_cmd(configs[client], {"events"})
                else:
                    cmd = tap_cmd(configs[client], cat)
                run = measure(cmd, server=srv, stderr=log, timeout=7200)
                row[client] = _figures(run, args.budget, log)
                _log(f"closed days, {ms} ms, {client}: {row[client]}")
            rows[str(ms)] = row
    return rows


def open_day(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    today = dt.datetime.now(dt.UTC).date()
    for ms in _ms(args.open_latencies):
        with Server(seed=args.seed, medias=100, visitors=2_000, events=300, days=DAYS) as srv:
            srv.call("add_events", n=args.open_events, days_ago=0)
            # Today only, as the baseline reads it: no look-back day.
            tap_conf = _write_config(
                work,
                "open-tap",
                srv,
                {"max_requests_per_minute": args.budget, "events_lookback_days": 0},
            )
            base_conf = work / "open-base.config.json"
            base_conf.write_text(
                json.dumps({"api_token": srv.token, "api_url": srv.url, "start_date": f"{today}"})
            )
            state = work / "open.state.json"
            bookmark = {
                "replication_key": "received_at",
                "replication_key_value": f"{today}T00:00:00Z",
                "scope": {"media_ids": None, "project_ids": None},  # the whole account's
            }
            state.write_text(json.dumps({"bookmarks": {"events": bookmark}}))
            row = {}
            for client, cmd in (
                ("adaptive", tap_cmd(tap_conf, catalog(work, {"events"}), state)),
                ("serial", baseline_cmd(base_conf, {"events"})),
            ):
                srv.configure(ms / 1000, args.budget, args.jitter)
                log = work / f"open-{client}-{ms}.log"
                run = measure(cmd, server=srv, stderr=log)
                row[client] = _figures(run, args.budget, log)
                _log(f"open day, {ms} ms, {client}: {row[client]}")
            rows[str(ms)] = row
    return rows


def render(results: dict[str, Any], args: argparse.Namespace) -> list[str]:
    def cell(figures: dict[str, Any] | None) -> str:
        if figures is None:
            return "-"
        past_end = figures.get("past_end")
        wasted = "" if past_end is None else f" incl. {past_end} past a day's end"
        return (
            f"**{figures['share']:.0f} %** ({figures['whole_run_share']:.0f} %; "
            f"{figures['requests']}{wasted}, {figures['wall']:.1f} s, {figures['status_429']})"
        )

    lines = [
        f"Closed days: {args.events:,} events over {DAYS} closed days, events stream only, "
        f"budget {args.budget}/min, latency x (1 +- {args.jitter:g}). Cells: share of the "
        "budget at the server, first to last request (whole-run share incl. start-up; "
        "requests, wall time, 429s).",
        "",
        "| latency | tap, adaptive (default, ceiling 40) | tap, max_concurrency=8 | "
        "serial baseline | tap, max_concurrency=128 |",
        "|--:|--:|--:|--:|--:|",
    ]
    for ms, row in results["closed"].items():
        lines.append(
            f"| {int(ms):,} ms | {cell(row.get('adaptive'))} | {cell(row.get('fixed8'))} | "
            f"{cell(row.get('serial'))} | {cell(row.get('max128'))} |"
        )
    if results.get("open"):
        lines += [
            "",
            f"Open day: daily run after {args.open_events:,} new events today (pages in "
            "parallel, then the count check), same cells:",
            "",
            "| latency | tap | serial baseline |",
            "|--:|--:|--:|",
        ]
        for ms, row in results["open"].items():
            lines.append(
                f"| {int(ms):,} ms | {cell(row.get('adaptive'))} | {cell(row.get('serial'))} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="tap-wistia-sweep-"))
    work.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "python -m benchmarks.latency_sweep " + " ".join(argv or sys.argv[1:]),
        "closed": closed_days(args, work) if args.latencies else {},
        "open": open_day(args, work) if args.open_latencies else {},
    }
    results["total_seconds"] = round(time.monotonic() - began)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    m = results["machine"]
    load = Path("/proc/loadavg").read_text().split()[0]
    print(
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, "
        f"Python {m['python']}; tap-wistia {m['commit']}; {m['date']}; load average {load} "
        "at the end."
    )
    print(f"Command: `{results['command']}` (took {results['total_seconds']} s)\n")
    print("\n".join(render(results, args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
