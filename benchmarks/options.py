"""The command line of ``python -m benchmarks.run``: the full and quick presets, every option,
and the parsing of comma lists and ``--set SETTING=VALUE`` pairs.

Split from run.py so the knobs (what can be varied) read apart from how the runs go.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

FULL = {
    "latencies": "0,50,100,300",
    "concurrency": "4,8,16",
    "sizes": "10000,100000,1000000",
    "increments": "0,100,10000",
    "medias": 100,
    "visitors": 12_000,
    "events": 20_000,
    "days": 120,
}
QUICK = {
    "latencies": "0,50,100,300",
    "concurrency": "4,16",
    "sizes": "2000,10000",
    "increments": "0,10,100",
    "medias": 10,
    "visitors": 300,
    "events": 1500,
    "days": 20,
}


def _settings(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            out[name.strip()] = json.loads(value)
        except ValueError:
            out[name.strip()] = value
    return out


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Benchmark tap-wistia against a naive serial baseline on a local "
        "Wistia API and print one Markdown table.",
    )
    p.add_argument("--quick", action="store_true", help="small everything (smoke run, < 2 min)")
    p.add_argument("--latencies", help="ms added to every response, e.g. 0,50,100,300")
    p.add_argument(
        "--budget",
        type=int,
        default=600,
        help="max_requests_per_minute (tap) and the server's limit per 60 s",
    )
    p.add_argument(
        "--concurrency",
        help="max_concurrency values to sweep at the highest latency, e.g. 4,8,16",
    )
    p.add_argument(
        "--sweep-latency",
        type=int,
        help="ms of latency for the max_concurrency sweep (default: the highest of "
        "--latencies; the baseline is not run there)",
    )
    p.add_argument(
        "--sizes", help="event counts for throughput and peak RSS, e.g. 10000,100000,1000000"
    )
    p.add_argument(
        "--size-days", type=int, default=180, help="days the throughput events are spread over"
    )
    p.add_argument("--increments", help="new events before each incremental run, e.g. 0,100,10000")
    p.add_argument(
        "--incremental-latency",
        type=int,
        default=100,
        help="ms of latency for the incremental runs (one of --latencies)",
    )
    p.add_argument("--medias", type=int, help="medias in the account of the rate runs")
    p.add_argument("--visitors", type=int, help="visitors in the account of the rate runs")
    p.add_argument("--events", type=int, help="events in the account of the rate runs")
    p.add_argument("--days", type=int, help="days of events in the account of the rate runs")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--skip",
        default="",
        help="sections to skip: rate,throughput,incremental,shapes (--quick skips shapes)",
    )
    p.add_argument(
        "--shapes-latency",
        type=int,
        default=300,
        help="ms of latency for the account shapes (events stream only)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SETTING=VALUE",
        help="a tap setting for every tap run (value parsed as JSON), e.g. max_concurrency=16",
    )
    p.add_argument("--json", help="also write every measured figure to this JSON file")
    p.add_argument("--workdir", help="keep configs, outputs and logs here (default: a temp dir)")
    return p
