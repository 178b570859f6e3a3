"""Request cost of the catalog, account statistics and webinar streams (issue 19): requests
per endpoint of a first run and of the next day's run on a sandbox account with 2,000
medias and 20 webinars, for this checkout and for another one (the code before the issue).

    python -m benchmarks.catalog_cost                        # this checkout, ~3 min on 2 cores
    python -m benchmarks.catalog_cost --before DIR           # and DIR's code (a git worktree)
    python -m benchmarks.catalog_cost --quick                # 200 medias, 2 webinars, ~20 s
    python -m benchmarks.catalog_cost --before DIR --checkout webinars=DIR2 ...
                                       # other checkouts too, each measured the same way

The account (`wistia_sandbox.long_tail.long_tail_dataset`): 2,000 medias of which 200 were
played, 20,000 events over 90 days, start_date 90 days ago, every stream selected with its
default settings, plus 20 webinars where the sandbox can serve them (`generate_dataset`'s
`webinars` argument; the code before the issue has none and reads none). The daily run:
300 new events on the played medias, the first run's last STATE aged by one day (as
`benchmarks.long_tail` does).

Decisions: the tap and the sandbox run in one process with a virtual clock (requests are
counted at the server, not timed), so the figures are the same on any machine. The other
checkout is measured by running this file as a script with that checkout first on
PYTHONPATH: the file imports only `tap_wistia` and `wistia_sandbox` in that mode, so both
come from the checkout measured, and the file needs no copy in it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import inspect
import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

DAILY_EVENTS = 300
SHAPE = {"medias": 2_000, "played": 200, "events": 20_000, "days": 90, "webinars": 20}
QUICK_SHAPE = {"medias": 200, "played": 20, "events": 2_000, "days": 30, "webinars": 2}
# Path segments after these are ids: `/folders/123/sharings` -> `/folders/{id}/sharings`.
ID_PARENTS = {"medias", "visitors", "folders", "projects", "channels", "webinars", "captions"}


class NoWaitClock:
    """The budget's clock, virtual: waits advance it instead of sleeping."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


def endpoint_of(path: str) -> str:
    parts = path.split("?", 1)[0].split("/")
    return "/".join(
        "{id}" if index and parts[index - 1] in ID_PARENTS else part
        for index, part in enumerate(parts)
    )


def measure(shape: dict[str, int]) -> dict[str, Any]:
    """Requests per endpoint of the first and the daily run, with the checkout's code."""
    from tap_wistia.tap import TapWistia
    from wistia_sandbox import FakeWistia, data
    from wistia_sandbox.long_tail import add_plays, age_state, long_tail_dataset

    webinars = shape["webinars"]
    serves_webinars = "webinars" in inspect.signature(data.generate_dataset).parameters
    if serves_webinars:
        # long_tail_dataset passes its keywords on to generate_dataset only where it knows
        # them: hand the webinar count over for the one call it makes per attempt.
        original = data.generate_dataset

        def with_webinars(**kwargs: Any) -> Any:
            return original(**kwargs, webinars=webinars)

        patched = sys.modules["wistia_sandbox.long_tail"]
        patched.generate_dataset = with_webinars  # type: ignore[attr-defined]
    dataset = long_tail_dataset(
        medias=shape["medias"], played=shape["played"], events=shape["events"], days=shape["days"]
    )
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=shape["days"] + 1)

    def sync(config: dict, state: dict | None) -> dict:
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

    def counted(server: Any) -> dict[str, int]:
        counts = Counter(endpoint_of(request.path) for request in server.requests)
        server.clear_requests()
        return dict(counts)

    with FakeWistia(dataset) as server:
        config = {
            "api_token": server.token,
            "api_url": server.url,
            "start_date": start.strftime("%Y-%m-%dT00:00:00Z"),
            "max_requests_per_minute": 1_000_000,
        }
        state = sync(config, None)
        first = counted(server)
        add_plays(dataset, DAILY_EVENTS)
        sync(config, age_state(state))
        daily = counted(server)
    return {
        "first": first,
        "daily": daily,
        "webinars_served": webinars if serves_webinars else 0,
        "streams": len(TapWistia(config=config, parse_env_config=False).discover_streams()),
    }


def measure_checkout(checkout: Path, quick: bool) -> dict[str, Any]:
    """`measure` with `checkout`'s code, in a child process."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    args = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    proc = subprocess.run(
        [*args, *(["--quick"] if quick else [])],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(proc.stdout.splitlines()[-1])
    result["commit"] = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return result


def table(results: dict[str, dict[str, Any]]) -> str:
    labels = list(results)
    endpoints = sorted(
        {e for r in results.values() for run in ("first", "daily") for e in r[run]},
        key=lambda e: (re.sub(r"^/modern", "", e), e),
    )
    head = "| endpoint | " + " | ".join(
        f"{run} run: {label}" for run in ("first", "daily") for label in labels
    )
    rows = [
        f"| `{endpoint}` | "
        + " | ".join(
            f"{results[label][run].get(endpoint, 0):,}"
            for run in ("first", "daily")
            for label in labels
        )
        + " |"
        for endpoint in endpoints
    ]
    totals = " | ".join(
        f"**{sum(results[label][run].values()):,}**"
        for run in ("first", "daily")
        for label in labels
    )
    streams = " | ".join(
        str(results[label]["streams"]) for _ in ("first", "daily") for label in labels
    )
    return "\n".join(
        [
            f"{head} |",
            "|:--|" + "--:|" * (2 * len(labels)),
            *rows,
            f"| **total** | {totals} |",
            f"| streams | {streams} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 medias, 2 webinars")
    parser.add_argument("--before", type=Path, help="a checkout of the code before (worktree)")
    parser.add_argument(
        "--checkout",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="another checkout to measure, labelled (repeatable)",
    )
    parser.add_argument("--no-here", action="store_true", help="skip this checkout")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    shape = QUICK_SHAPE if args.quick else SHAPE
    if args.worker:
        print(json.dumps(measure(shape)))
        return 0
    from .machine_info import machine

    started = time.monotonic()
    info = machine()
    here = Path(__file__).resolve().parents[1]
    checkouts: list[tuple[str, Path]] = []
    if args.before:
        checkouts.append(("before", args.before))
    for labelled in args.checkout:
        label, _, folder = labelled.partition("=")
        checkouts.append((label, Path(folder)))
    if not args.no_here:
        checkouts.append(("after", here))
    # One child process per checkout, all at once: each is single-threaded and the figures
    # are request counts, which sharing the CPU does not change.
    print(f"measuring {', '.join(str(path) for _, path in checkouts)} ...", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=len(checkouts)) as pool:
        measured = list(pool.map(lambda c: measure_checkout(c[1], args.quick), checkouts))
    results = {
        f"{label} ({result['commit']})": result
        for (label, _), result in zip(checkouts, measured, strict=True)
    }
    command = "python -m benchmarks.catalog_cost " + shlex.join(argv or sys.argv[1:])
    print(
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, "
        f"{info['os']}, Python {info['python']}, singer-sdk {info['singer_sdk']}; "
        f"{info['date']}.\nCommand: `{command.strip()}` "
        f"(took {time.monotonic() - started:.0f} s).\n"
        f"Account: {shape['medias']:,} medias ({shape['played']} played), "
        f"{shape['events']:,} events over {shape['days']} days; webinars served: "
        + ", ".join(f"{label} {r['webinars_served']}" for label, r in results.items())
        + f". Daily run: {DAILY_EVENTS} new events, state aged one day.\n"
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
