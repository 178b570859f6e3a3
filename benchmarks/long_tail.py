"""Long-tail cost table (issue 21): requests per stream, first run and next day's run, with
`per_media_refresh: active` (the default) beside `all` (the old behaviour), in one run.

    python -m benchmarks.long_tail            # the two shapes below, ~2 min on 2 cores
    python -m benchmarks.long_tail --quick    # smaller shapes, ~20 s

Shapes (`wistia_sandbox.long_tail`): a library of 500 medias of which 20 were ever played,
20,000 events over 90 days, start_date 90 days ago; and the issue's 90 medias with 20,000
events over two years, start_date two years ago. Every stream is selected.

Each run: the tap in this process against the sandbox (also in this process), with a
virtual clock (the budget never waits: requests are counted, not timed). The first run
starts without state; then 300 events are added, spread over the played medias, its last
STATE is aged by one day (as if it ran yesterday), and the daily run resumes from it.
Requests are counted at the server, per stream (by endpoint).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import shlex
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tap_wistia.streams.registry import STREAM_TYPES
from tap_wistia.tap import TapWistia
from wistia_sandbox import FakeWistia
from wistia_sandbox.long_tail import add_plays, age_state, endpoint_of, long_tail_dataset

from .machine_info import machine

MODES = ("active", "all")
STREAM_OF_ENDPOINT = {stream.path: stream.name for stream in STREAM_TYPES}
DAILY_EVENTS = 300


@dataclass(frozen=True)
class Shape:
    title: str
    medias: int
    played: int
    events: int
    days: int


SHAPES = (
    Shape("500 medias, 20 ever played, 20,000 events over 90 days", 500, 20, 20_000, 90),
    Shape("90 medias, 20,000 events over 2 years (issue 21)", 90, 90, 20_000, 730),
)
QUICK_SHAPES = (
    Shape("100 medias, 5 ever played, 2,000 events over 30 days", 100, 5, 2_000, 30),
    Shape("20 medias, 2,000 events over 1 year", 20, 20, 2_000, 365),
)


class NoWaitClock:
    """The budget's clock, virtual: waits advance it instead of sleeping."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


def sync(config: dict, state: dict | None) -> dict:
    """One tap run, every stream; returns its last STATE."""
    tap = TapWistia(config=config, state=state, parse_env_config=False, clock=NoWaitClock())
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    states = [
        message["value"]
        for message in map(json.loads, out.getvalue().splitlines())
        if message["type"] == "STATE"
    ]
    return states[-1]


def requests_per_stream(server: FakeWistia) -> Counter[str]:
    endpoints = (endpoint_of(request.path) for request in server.requests)
    counts = Counter(STREAM_OF_ENDPOINT.get(endpoint, endpoint) for endpoint in endpoints)
    server.clear_requests()
    return counts


def measure(shape: Shape, mode: str) -> dict[str, Counter[str]]:
    """Requests per stream of the first run and of the next day's run."""
    dataset = long_tail_dataset(
        medias=shape.medias, played=shape.played, events=shape.events, days=shape.days
    )
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=shape.days + 1)
    with FakeWistia(dataset) as server:
        config = {
            "api_token": server.token,
            "api_url": server.url,
            "start_date": start.strftime("%Y-%m-%dT00:00:00Z"),
            "max_requests_per_minute": 1_000_000,
            "per_media_refresh": mode,
        }
        state = sync(config, None)
        first = requests_per_stream(server)
        add_plays(dataset, DAILY_EVENTS)
        sync(config, age_state(state))
        return {"first": first, "daily": requests_per_stream(server)}


def table(shape: Shape, results: dict[str, dict[str, Counter[str]]]) -> str:
    head = (
        f"**{shape.title}**, every stream:\n\n"
        "| stream | first run: active (default) | first run: all (old) "
        f"| daily run after {DAILY_EVENTS} events: active | daily run: all (old) |\n"
        "|:--|--:|--:|--:|--:|"
    )
    names = [s.name for s in STREAM_TYPES]
    names += sorted({n for r in results.values() for c in r.values() for n in c} - set(names))
    rows = [
        f"| {name} | "
        + " | ".join(
            f"{results[mode][run][name]:,}" for run in ("first", "daily") for mode in MODES
        )
        + " |"
        for name in names
    ]
    totals = " | ".join(
        f"**{sum(results[mode][run].values()):,}**" for run in ("first", "daily") for mode in MODES
    )
    return "\n".join([head, *rows, f"| **total** | {totals} |"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller shapes (a smoke run)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    info: dict[str, Any] = machine()
    tables = []
    for shape in QUICK_SHAPES if args.quick else SHAPES:
        results = {}
        for mode in MODES:
            print(f"{shape.title}: per_media_refresh={mode} ...", file=sys.stderr)
            results[mode] = measure(shape, mode)
        tables.append(table(shape, results))
    command = "python -m benchmarks.long_tail " + shlex.join(argv or sys.argv[1:])
    print(
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, "
        f"{info['os']}, Python {info['python']}, singer-sdk {info['singer_sdk']}; "
        f"tap-wistia {info['commit']}; {info['date']}.\n"
        f"Command: `{command.strip()}` (took {time.monotonic() - started:.0f} s).\n"
    )
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
