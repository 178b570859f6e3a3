"""Account shapes (issue 9): the events stream on days of 1, 7 and 200 pages, open and
closed, at the budget and a latency (300 ms by default), beside the serial baseline.

Each shape gets its own fake API, built from a small account (100 medias, 2,000
visitors, 300 events over 30 days) plus the shape's events, spread over their UTC day.
Both clients read the same days: the tap from its state (or start_date), the baseline
(which has no state) from a config naming those days. Figures per run:

- share of the budget = whole-run requests / wall time (process start-up included) /
  max_requests_per_minute; 429s as counted by the server;
- lost = events the baseline read that the tap did not emit (by event_key).

The backfill shape is also killed (-9) mid-way and resumed from its last STATE: pages
read twice = killed + resumed - one full run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .harness import ROOT, Server, baseline_cmd, catalog, last_state, measure, tap_cmd

BASE_ACCOUNT = {"medias": 100, "visitors": 2_000, "events": 300, "days": 30}


@dataclass(frozen=True)
class Shape:
    key: str
    title: str
    add: tuple[tuple[int, int], ...]  # (events, days ago) added on top of the base account
    first_day_ago: int  # the first day both clients read
    settings: dict[str, Any] = field(default_factory=dict)
    bookmark_day_ago: int | None = None  # the state's bookmark: midnight of that day
    base_events: int = BASE_ACCOUNT["events"]
    kill_and_resume: bool = False


SHAPES = (
    Shape(
        "month",
        "20,000 events over 30 days (~7 pages a day), full run",
        add=(),
        first_day_ago=30,
        base_events=20_000,
    ),
    Shape(
        "backfill",
        "backfill of 18,600 events on 2 closed days (`complete_days_only`)",
        add=((9_300, 2), (9_300, 1)),
        first_day_ago=2,
        settings={"complete_days_only": True},
        kill_and_resume=True,
    ),
    Shape(
        "today",
        "daily run after 20,000 new events today (the open day)",
        add=((20_000, 0),),
        first_day_ago=0,
        bookmark_day_ago=0,
    ),
    Shape(
        "prod",
        "daily prod run (`complete_days_only`, lookback 1) after 20,000 events yesterday",
        add=((20_000, 1),),
        first_day_ago=2,
        settings={"complete_days_only": True, "events_lookback_days": 1},
        bookmark_day_ago=1,
    ),
)


def section(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    latency, budget = args.shapes_latency / 1000, args.budget
    out: dict[str, Any] = {"latency_ms": args.shapes_latency, "rows": {}}
    events_catalog = catalog(work, {"events"})
    for shape in SHAPES:
        account = {**BASE_ACCOUNT, "events": shape.base_events}
        with Server(seed=args.seed, **account) as srv:
            for n, days_ago in shape.add:
                srv.call("add_events", n=n, days_ago=days_ago)
            tap_conf, base_conf, state = _configs(srv, work, shape, budget, args.settings)
            srv.configure(latency, budget)
            tap_out = work / f"shape-{shape.key}-tap.jsonl"
            tap = measure(
                tap_cmd(tap_conf, events_catalog, state),
                server=srv,
                stdout=tap_out,
                stderr=work / f"shape-{shape.key}-tap.log",
            )
            srv.configure(latency, budget)
            base_out = work / f"shape-{shape.key}-baseline.jsonl"
            base = measure(
                [*baseline_cmd(base_conf, {"events"}), "--output", str(base_out)],
                server=srv,
                stderr=work / f"shape-{shape.key}-baseline.log",
            )
            tap_keys, base_keys = _event_keys(tap_out), _event_keys(base_out)
            row: dict[str, Any] = {
                "tap": _figures(tap, budget, len(base_keys - tap_keys)),
                "baseline": _figures(base, budget, 0),
                "events": len(base_keys),
            }
            if shape.kill_and_resume:
                srv.configure(latency, budget)
                row["resume"] = _kill_and_resume(
                    srv, work, shape, tap_conf, events_catalog, state, tap.requests, base_keys
                )
            out["rows"][shape.key] = row
            _log(f"shape {shape.key}: {_brief(row)}")
    return out


def _configs(
    srv: Server, work: Path, shape: Shape, budget: int, settings: dict[str, Any]
) -> tuple[Path, Path, Path | None]:
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=shape.first_day_ago)
    common = {"api_token": srv.token, "api_url": srv.url, "start_date": f"{first}T00:00:00Z"}
    tap_conf = work / f"shape-{shape.key}.config.json"
    tap_conf.write_text(
        json.dumps({**common, "max_requests_per_minute": budget, **shape.settings, **settings})
    )
    base = dict(common)
    if shape.settings.get("complete_days_only"):
        base["end_date"] = f"{today - dt.timedelta(days=1)}T23:59:59Z"
    base_conf = work / f"shape-{shape.key}.baseline.json"
    base_conf.write_text(json.dumps(base))
    state = None
    if shape.bookmark_day_ago is not None:
        mark = today - dt.timedelta(days=shape.bookmark_day_ago)
        bookmark = {"replication_key": "received_at", "replication_key_value": f"{mark}T00:00:00Z"}
        state = work / f"shape-{shape.key}.state.json"
        state.write_text(json.dumps({"bookmarks": {"events": bookmark}}))
    return tap_conf, base_conf, state


def _kill_and_resume(
    srv: Server,
    work: Path,
    shape: Shape,
    conf: Path,
    events_catalog: Path,
    state: Path | None,
    full_requests: int,
    expected: set[str],
) -> dict[str, Any]:
    """kill -9 once half the events are out, resume from the last STATE seen."""
    mark = srv.mark()
    cmd = tap_cmd(conf, events_catalog, state)
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    seen: set[str] = set()
    saved: dict[str, Any] | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        message = json.loads(line)
        if message["type"] == "RECORD":
            seen.add(message["record"]["event_key"])
        elif message["type"] == "STATE":
            saved = message["value"]
            if len(seen) >= len(expected) // 2:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait()
    killed = int(srv.stats(mark)["requests"])
    resume_state = work / f"shape-{shape.key}.resume-state.json"
    resume_state.write_text(json.dumps(saved or {}))
    out = work / f"shape-{shape.key}-resumed.jsonl"
    srv.configure(0.0, None)  # only the resumed run's requests are measured, not its speed
    resumed = measure(tap_cmd(conf, events_catalog, resume_state), server=srv, stdout=out)
    twice = killed + resumed.requests - full_requests
    return {
        "killed_requests": killed,
        "resumed_requests": resumed.requests,
        "read_twice": twice,
        "share": twice / full_requests,
        "lost": len(expected - seen - _event_keys(out)),
        "bookmark": last_state(out).get("bookmarks", {}).get("events", {}),
    }


def _event_keys(path: Path) -> set[str]:
    keys: set[str] = set()
    with open(path, "rb") as f:
        for line in f:
            if b'"event_key"' in line:
                message = json.loads(line)
                record = message.get("record", message)
                if message.get("type", "RECORD") == "RECORD" and "event_key" in record:
                    keys.add(record["event_key"])
    return keys


def _figures(run: Any, budget: int, lost: int) -> dict[str, Any]:
    per_minute = run.requests / run.wall * 60 if run.wall else 0.0
    return {
        "requests": run.requests,
        "wall": round(run.wall, 1),
        "per_minute": round(per_minute, 1),
        "share": round(100 * per_minute / budget, 1),
        "status_429": run.rate_limited,
        "lost": lost,
        "max_rss_mb": round(run.max_rss_mb),
    }


def _brief(row: dict[str, Any]) -> str:
    tap, base = row["tap"], row["baseline"]
    return (
        f"tap {tap['share']} % ({tap['requests']} req, {tap['wall']} s, {tap['status_429']} x "
        f"429, {tap['lost']} lost) | baseline {base['share']} % ({base['requests']} req, "
        f"{base['wall']} s)"
    )


def render(results: dict[str, Any], budget: int) -> list[str]:
    ms = results["latency_ms"]
    lines = [
        "",
        f"Account shapes, events stream only, {ms} ms per response, budget {budget}/min "
        "(share = whole-run requests / wall time incl. start-up / budget):",
        "",
        "| account shape | events read | tap-wistia: share of budget (requests, wall, "
        "429s, lost) | serial baseline: share (requests, wall) | wall time ratio |",
        "|:--|--:|--:|--:|--:|",
    ]
    for shape in SHAPES:
        row = results["rows"].get(shape.key)
        if row is None:
            continue
        tap, base = row["tap"], row["baseline"]
        lines.append(
            f"| {shape.title} | {row['events']:,} | **{tap['share']:.0f} %** "
            f"({tap['requests']}, {tap['wall']:.1f} s, {tap['status_429']}, {tap['lost']}) | "
            f"{base['share']:.0f} % ({base['requests']}, {base['wall']:.1f} s) | "
            f"{tap['wall'] / base['wall']:.2f}x |"
        )
    for shape in SHAPES:
        resume = results["rows"].get(shape.key, {}).get("resume")
        if resume:
            full = results["rows"][shape.key]["tap"]["requests"]
            lines += [
                "",
                f"Resume after kill -9 half-way through the {shape.key} shape: "
                f"{resume['killed_requests']} requests before the kill + "
                f"{resume['resumed_requests']} resumed - {full}"
                f" for a full run = **{resume['read_twice']} pages read twice "
                f"({100 * resume['share']:.1f} % of a full run)**, {resume['lost']} events lost.",
            ]
    return lines


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
