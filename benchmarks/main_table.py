"""The benchmark's Markdown output: the main table (one row per scenario, tap beside baseline,
with the ratio), the machine line, and the notes that say how each section was run.

Split from the sections so the measuring and the presenting of figures read apart.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from . import shapes
from .harness import (
    STREAMS,
)
from .throughput_runs import UNTHROTTLED


def _ratio(tap: float, base: float) -> str:
    if not base:
        return "-"
    return f"{tap / base:.2f}x"


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def render(results: dict[str, Any], args: argparse.Namespace, latencies: list[int]) -> str:
    budget = results["budget"]
    rows: list[tuple[str, str, str, str]] = []
    rate = results.get("rate", {})
    for ms in sorted(rate):
        tap, base = rate[ms]["tap"], rate[ms]["baseline"]
        rows.append(
            (
                f"Requests/min at {ms} ms latency (% of the {budget}/min budget)",
                f"{_n(tap['per_minute'])} ({100 * tap['per_minute'] / budget:.0f} %)",
                f"{_n(base['per_minute'])} ({100 * base['per_minute'] / budget:.0f} %)",
                _ratio(tap["per_minute"], base["per_minute"]),
            )
        )
    incremental_ms = results.get("incremental", {}).get("latency")
    if rate:
        order = sorted(rate)
        ms_list = "/".join(str(ms) for ms in order)
        rows.append(
            (
                f"429 responses received ({ms_list} ms; server limit = {budget}/60 s)",
                " / ".join(str(rate[ms]["tap"]["status_429"]) for ms in order),
                " / ".join(str(rate[ms]["baseline"]["status_429"]) for ms in order),
                "-",
            )
        )
        rows.append(
            (
                f"Busiest 60 s at the server, requests ({ms_list} ms)",
                " / ".join(str(rate[ms]["tap"]["busiest_60s"]) for ms in order),
                " / ".join(str(rate[ms]["baseline"]["busiest_60s"]) for ms in order),
                "-",
            )
        )
        for ms in order:
            tap, base = rate[ms]["tap"], rate[ms]["baseline"]
            rows.append(
                (
                    f"Full run at {ms} ms: wall time (requests)"
                    + (" = incremental runs' first run" if ms == incremental_ms else ""),
                    f"{tap['wall']:.1f} s ({tap['requests']})",
                    f"{base['wall']:.1f} s ({base['requests']})",
                    _ratio(tap["wall"], base["wall"]),
                )
            )
    sweep = results.get("sweep", {})
    if sweep:
        top = results["sweep_latency"]
        base = rate.get(top, {}).get("baseline")
        for conc in sorted(sweep):
            tap = sweep[conc]
            mark = " (default)" if conc == results.get("default_concurrency") else ""
            if conc == results.get("concurrency") and not mark:
                mark = " (as the runs above)"
            rows.append(
                (
                    f"max_concurrency={conc}{mark} at {top} ms: requests/min (% of budget), 429s",
                    f"{_n(tap['per_minute'])} ({100 * tap['per_minute'] / budget:.0f} %), "
                    f"{tap['status_429']}",
                    f"{_n(base['per_minute'])} (serial)" if base else "-",
                    _ratio(tap["per_minute"], base["per_minute"]) if base else "-",
                )
            )
    thr = results.get("throughput", {})
    for size in sorted(thr):
        tap, base = thr[size]["tap"], thr[size]["baseline"]
        rows.append(
            (
                f"Events/s end to end, {_n(size)} events, 0 ms, to /dev/null",
                _n(size / tap["wall"]),
                _n(size / base["wall"]),
                _ratio(size / tap["wall"], size / base["wall"]),
            )
        )
    for size in sorted(thr):
        tap, base = thr[size]["tap"], thr[size]["baseline"]
        rows.append(
            (
                f"CPU seconds per 10k events ({_n(size)} events)",
                f"{tap['cpu'] * 10_000 / size:.2f}",
                f"{base['cpu'] * 10_000 / size:.2f}",
                _ratio(tap["cpu"], base["cpu"]),
            )
        )
    for size in sorted(thr):
        tap, base = thr[size]["tap"], thr[size]["baseline"]
        rows.append(
            (
                f"Peak RSS at {_n(size)} events",
                f"{tap['max_rss_mb']:.0f} MB",
                f"{base['max_rss_mb']:.0f} MB",
                _ratio(tap["max_rss_mb"], base["max_rss_mb"]),
            )
        )
    inc = results.get("incremental", {})
    if inc:
        ms = inc["latency"]
        for key in [k for k in inc if isinstance(k, int)]:
            tap, base = inc[key]["tap"], inc[key]["baseline"]
            note = " (= full run)" if key == 0 else ""
            rows.append(
                (
                    f"Incremental run at {ms} ms, +{_n(key)} new events: requests, wall time",
                    f"{tap['requests']}, {tap['wall']:.1f} s",
                    f"{base['requests']}, {base['wall']:.1f} s{note}",
                    _ratio(tap["wall"], base["wall"]),
                )
            )
    m = results["machine"]
    lines = [
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, "
        f"Python {m['python']}, singer-sdk {m['singer_sdk']}, requests {m['requests']}; "
        f"tap-wistia {m['commit']}; {m['date']}.",
        f"Command: `{results['command'].strip()}` (took {results['total_seconds'] // 60} min "
        f"{results['total_seconds'] % 60} s).",
        "",
        "| scenario | tap-wistia | baseline | ratio (tap / baseline) |",
        "|:--|--:|--:|--:|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        *_notes(results, args),
    ]
    if results.get("shapes"):
        lines += shapes.render(results["shapes"], budget)
    return "\n".join(lines)


def _notes(results: dict[str, Any], args: argparse.Namespace) -> list[str]:
    notes = []
    if results.get("rate"):
        notes.append(
            f"Rate runs: full sync of every stream ({', '.join(STREAMS)}) of an account with "
            f"{args.medias} medias, {args.visitors:,} visitors and {args.events:,} events over "
            f"{args.days} days; max_requests_per_minute={results['budget']} and the server "
            f"answers 429 beyond {results['budget']} requests in 60 s; the tap runs with "
            f"max_concurrency={results['concurrency']}"
            + (" (its default)" if results["concurrency"] == results["default_concurrency"] else "")
            + ". Requests/min is measured at the server, first to last request of the run."
        )
    if args.settings:
        notes.append(f"Tap settings for every run: {json.dumps(args.settings)}.")
    thr = results.get("throughput", {})
    if thr:
        biggest = max(thr)
        notes.append(
            f"Throughput runs: events stream only, events spread over {args.size_days} days, "
            f"0 ms latency and no request budget (max_requests_per_minute={UNTHROTTLED:,}, so "
            "the figure is the tap's own speed, not the budget's); wall time and CPU include "
            f"process start-up. Server CPU during the {_n(biggest)}-event tap run: "
            f"{thr[biggest]['tap']['server_cpu']:.1f} s (same 2 cores)."
            + (
                " Sizes above 100,000 are served from a bulk store (see benchmarks/bulk.py)."
                if any(v["bulk"] for v in thr.values())
                else ""
            )
        )
    if results.get("incremental"):
        notes.append(
            "Incremental runs: each resumes from the previous run's last STATE after the "
            "new events (1 new visitor per 20) were added; the baseline has no state and "
            "re-reads everything."
        )
    return notes
