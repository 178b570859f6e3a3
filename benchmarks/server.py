"""The local Wistia API in its own process, driven by the harness over stdin/stdout.

    python -m benchmarks.server --events 100000 [--bulk] ...

prints one JSON line ``{"url": ..., "token": ..., ...}`` once it is serving, then answers
one JSON line per JSON command read from stdin:

    {"cmd": "configure", "latency": 0.3, "rate_limit": 600}   # also clears the 60 s window
    {"cmd": "configure", "latency": 3, "jitter": 0.5, ...}    # each response 1.5-4.5 s
    {"cmd": "mark"}                      # -> {"mark": <number of requests served so far>}
    {"cmd": "stats", "since": <mark>}    # -> counts, 429s, arrival span, busiest 60 s
    {"cmd": "add_events", "n": 100, "new_visitors": 10}   # now
    {"cmd": "add_events", "n": 9300, "days_ago": 2}       # spread over that UTC day
    {"cmd": "quit"}

It is the fake from ``wistia_sandbox`` (same data, routes, rate limiter and latency),
plus an arrival time for every request and a pre-encoded events listing (see `bulk`), so
that the server spends as little as possible of the 2 cores it shares with the tap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import threading
import time
from collections import Counter
from typing import Any

from wistia_sandbox.data import generate_dataset
from wistia_sandbox.dataset import Dataset
from wistia_sandbox.http_plumbing import JSON_TYPE, _Response
from wistia_sandbox.query_params import DEFAULT_PER_PAGE, MAX_PER_PAGE, _date_param, _first, _int
from wistia_sandbox.server import FakeWistia

from .bulk import EventStore, bulk_event_store


class BenchWistia(FakeWistia):
    """FakeWistia that timestamps every request and serves events from an `EventStore`."""

    def __init__(self, dataset: Dataset, *, bulk: EventStore | None = None, **kwargs: Any):
        super().__init__(dataset, **kwargs)
        self.bulk = bulk
        self._store: EventStore | None = None
        self._store_sig: tuple[int, ...] | None = None
        self.arrivals: list[tuple[float, int, str]] = []  # (monotonic, status, path)
        self.jitter = 0.0  # each response's latency is drawn from latency x (1 +- jitter)
        self._random = random.Random(0)
        self._arrivals_lock = threading.Lock()

    def _process(self, method: str, raw_path: str, *args: Any) -> Any:
        arrived = time.monotonic()
        response, entry = super()._process(method, raw_path, *args)
        with self._arrivals_lock:
            self.arrivals.append((arrived, entry.status, entry.path))
        return response, entry

    @property
    def latency(self) -> float:
        base = self._latency
        return base * (1 + self._random.uniform(-self.jitter, self.jitter)) if base else 0.0

    @latency.setter
    def latency(self, value: float) -> None:
        self._latency = value

    def event_store(self) -> EventStore:
        if self.bulk is not None:
            return self.bulk
        sig = self.dataset._signature()
        if self._store is None or self._store_sig != sig:
            self._store = EventStore.from_events(self.dataset.events_newest_first())
            self._store_sig = sig
        return self._store

    def _dispatch(self, parts: list[str], query: dict[str, list[str]]) -> _Response:
        if parts == ["stats", "events"] and not (
            _first(query, "media_id") or _first(query, "visitor_key")
        ):
            start = _date_param(query, "start_date")
            end = _date_param(query, "end_date")
            page = max(1, _int(_first(query, "page"), 1))
            per_page = _int(_first(query, "per_page"), DEFAULT_PER_PAGE)
            per_page = min(per_page if per_page >= 1 else DEFAULT_PER_PAGE, MAX_PER_PAGE)
            body = self.event_store().page(start, end, page, per_page)
            return _Response(200, body, JSON_TYPE)
        return super()._dispatch(parts, query)

    # -- figures for the harness ---------------------------------------------------
    def stats(self, since: int) -> dict[str, Any]:
        with self._arrivals_lock:
            rows = self.arrivals[since:]
        times = [t for t, _, _ in rows]
        statuses = Counter(status for _, status, _ in rows)
        paths = Counter(_path_kind(path) for _, _, path in rows)
        spans: dict[str, list[float]] = {}
        for t, _, path in rows:
            span = spans.setdefault(_path_kind(path), [t, t])
            span[1] = t
        busiest = 0
        lo = 0
        accepted = [t for t, status, _ in rows if status != 429]
        for hi, t in enumerate(accepted):
            while t - accepted[lo] >= 60.0:
                lo += 1
            busiest = max(busiest, hi - lo + 1)
        return {
            "requests": len(rows),
            "status_429": statuses.get(429, 0),
            "errors": sum(n for s, n in statuses.items() if s >= 400 and s != 429),
            "first": times[0] if times else None,
            "last": times[-1] if times else None,
            "busiest_60s": busiest,
            "by_path": dict(paths),
            "spans": {kind: [lo - times[0], hi - times[0]] for kind, (lo, hi) in spans.items()},
        }


def _path_kind(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 3 and parts[0] == "stats" and parts[1] == "medias":
        return "/stats/medias/{id}" + ("/" + parts[3] if len(parts) > 3 else "")
    if len(parts) == 3 and parts[0] == "stats" and parts[1] == "visitors":
        return "/stats/visitors/{key}"
    return "/" + "/".join(parts)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.server")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--projects", type=int, default=4)
    p.add_argument("--medias", type=int, default=30)
    p.add_argument("--visitors", type=int, default=250)
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--days", type=int, default=180)
    p.add_argument(
        "--bulk",
        action="store_true",
        help="serve --events cloned events from a pre-encoded store (for 1M events)",
    )
    p.add_argument("--latency", type=float, default=0.0)
    p.add_argument("--rate-limit-per-minute", type=int, default=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    began = time.monotonic()
    now = dt.datetime.now(dt.UTC)
    base_events = min(args.events, 2000) if args.bulk else args.events
    dataset = generate_dataset(
        seed=args.seed,
        projects=args.projects,
        medias=args.medias,
        visitors=args.visitors,
        events=base_events,
        days=args.days,
        now=now,
    )
    bulk = None
    if args.bulk:
        bulk = bulk_event_store(dataset, args.events, days=args.days, now=now, seed=args.seed)
    server = BenchWistia(
        dataset,
        bulk=bulk,
        latency=args.latency,
        rate_limit_per_minute=args.rate_limit_per_minute,
    ).start()
    events = server.event_store().count
    _reply(
        {
            "url": server.url,
            "token": server.token,
            "events": events,
            "medias": len(dataset.medias),
            "visitors": len(dataset.visitors),
            "build_seconds": round(time.monotonic() - began, 1),
        }
    )
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            cmd = json.loads(line)
            name = cmd.get("cmd")
            if name == "quit":
                _reply({"ok": True})
                break
            if name == "configure":
                server.latency = float(cmd.get("latency", server._latency))
                server.jitter = float(cmd.get("jitter", 0.0))
                server.rate_limit_per_minute = cmd.get("rate_limit")  # clears the window
                _reply({"ok": True})
            elif name == "mark":
                with server._arrivals_lock:
                    _reply({"mark": len(server.arrivals)})
            elif name == "stats":
                _reply(server.stats(int(cmd.get("since", 0))))
            elif name == "add_events":
                with server.lock:
                    new_visitors = int(cmd.get("new_visitors", 0))
                    for when, n in _spread(cmd):
                        fresh = min(new_visitors, n)
                        server.dataset.add_events(n, when=when, new_visitors=fresh)
                        new_visitors -= fresh
                    _reply({"events": server.event_store().count})
            else:
                _reply({"error": f"unknown command {name!r}"})
    finally:
        server.stop()
    return 0


def _spread(cmd: dict[str, Any]) -> list[tuple[dt.datetime | None, int]]:
    """`n` events now, or with `days_ago`, spread evenly over that UTC day (today: over
    the part already past), 100 instants, so the day's listing has realistic times."""
    n = int(cmd["n"])
    if cmd.get("days_ago") is None:
        return [(None, n)]
    now = dt.datetime.now(dt.UTC)
    day = dt.datetime.combine(
        now.date() - dt.timedelta(days=int(cmd["days_ago"])), dt.time(), dt.UTC
    )
    span = min(now - dt.timedelta(minutes=1), day + dt.timedelta(days=1)) - day
    instants = 100
    return [
        (day + span * (k + 0.5) / instants, n // instants + (k < n % instants))
        for k in range(instants)
    ]


def _reply(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
