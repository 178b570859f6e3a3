"""The throughput section of the benchmark: the events stream alone at 0 ms latency and no
budget, for each size: records per second, CPU per 10k events, peak RSS of both clients.

One section per module (rate_runs.py, shapes.py are the others).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from .harness import (
    METRICS_ON,
    Server,
    baseline_cmd,
    catalog,
    measure,
    tap_cmd,
    tap_config,
)
from .options import _ints
from .run_figures import _figures, _log

UNTHROTTLED = 1_000_000  # max_requests_per_minute for the throughput runs


def throughput_section(args: argparse.Namespace, work: Path) -> dict[int, Any]:
    """Events only, zero latency, no budget: records/s, CPU per 10k events, peak RSS."""
    out: dict[int, Any] = {}
    cat = catalog(work, {"events"})
    for size in _ints(args.sizes):
        bulk = size > 100_000
        with Server(
            seed=args.seed, medias=30, visitors=2000, events=size, days=args.size_days, bulk=bulk
        ) as srv:
            _log(f"{size} events ready in {srv.info['build_seconds']} s (bulk: {bulk})")
            srv.configure(0.0, None)
            conf = tap_config(
                srv, work, f"size-{size}", days=args.size_days, budget=UNTHROTTLED, **args.settings
            )
            log = work / f"tap-size-{size}.log"
            tap = measure(tap_cmd(conf, cat), server=srv, stderr=log, env=METRICS_ON)
            tap_records = emitted_records(log, "events")
            blog = work / f"baseline-size-{size}.log"
            base = measure(baseline_cmd(conf, {"events"}), server=srv, stderr=blog)
            base_records = json.loads(blog.read_text().strip().splitlines()[-1])["events"]
            for records in (tap_records, base_records):
                if records != size:
                    raise RuntimeError(f"expected {size} events, a client emitted {records}")
            out[size] = {
                "tap": {**_figures(tap), "records": tap_records},
                "baseline": {**_figures(base), "records": base_records},
                "bulk": bulk,
            }
            _log(
                f"{size} events: tap {size / tap.wall:,.0f} rec/s, {tap.max_rss_mb:.0f} MB | "
                f"baseline {size / base.wall:,.0f} rec/s, {base.max_rss_mb:.0f} MB"
            )
    return out


_METRIC = re.compile(r'"metric":"record_count","value":(\d+),"tags":\{"stream":"([^"]+)"')


def emitted_records(log: Path, stream: str) -> int:
    """Records of `stream` the tap reported (the SDK's record_count metric lines)."""
    total = 0
    with open(log, errors="replace") as f:
        for line in f:
            m = _METRIC.search(line)
            if m and m.group(2) == stream:
                total += int(m.group(1))
    return total
