"""tap-wistia performance benchmark: the tap vs. a naive serial baseline, one table.

    python -m benchmarks.run            # the full benchmark (~20 min on 2 cores)
    python -m benchmarks.run --quick    # a smoke run (< 2 min)

Everything runs locally: the fake Wistia API (``wistia_sandbox``) in its own process,
then the tap (``python -m tap_wistia``) and the baseline (``python -m benchmarks.baseline``)
as measured child processes. See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import shapes
from .harness import (
    ROOT,
    STREAMS,
    Run,
    Server,
    baseline_cmd,
    catalog,
    last_state,
    measure,
    tap_cmd,
    tap_config,
)

UNTHROTTLED = 1_000_000  # max_requests_per_minute for the throughput runs

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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    preset = QUICK if args.quick else FULL
    for name, value in preset.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    latencies = _ints(args.latencies)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.quick:
        skip.add("shapes")
    if "incremental" not in skip and args.incremental_latency not in latencies:
        latencies.append(args.incremental_latency)
    args.settings = _settings(args.set)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="tap-wistia-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "python -m benchmarks.run "
        + shlex.join(argv if argv is not None else sys.argv[1:]),
        "budget": args.budget,
        "default_concurrency": tap_default("max_concurrency"),
        "concurrency": args.settings.get("max_concurrency", tap_default("max_concurrency")),
    }
    _log(f"working directory: {work}")
    if not {"rate", "incremental"} <= skip:
        results.update(rate_section(args, latencies, work, skip))
    if "throughput" not in skip:
        results["throughput"] = throughput_section(args, work)
    if "shapes" not in skip:
        results["shapes"] = shapes.section(args, work)
    results["total_seconds"] = round(time.monotonic() - began)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    print(render(results, args, latencies))
    return 0


# --------------------------------------------------------------------------- sections


def rate_section(
    args: argparse.Namespace, latencies: list[int], work: Path, skip: set[str]
) -> dict[str, Any]:
    """Full runs at each latency (both clients), the concurrency sweep, incremental runs."""
    out: dict[str, Any] = {"rate": {}, "sweep": {}, "incremental": {}}
    budget = args.budget
    _log(
        f"rate account: {args.medias} medias, {args.visitors} visitors, {args.events} events "
        f"over {args.days} days"
    )
    with Server(
        seed=args.seed,
        medias=args.medias,
        visitors=args.visitors,
        events=args.events,
        days=args.days,
    ) as srv:
        _log(f"server ready in {srv.info['build_seconds']} s")
        # max_concurrency unset: the tap's own default is what is measured
        tap_conf = tap_config(srv, work, "rate", days=args.days, budget=budget, **args.settings)
        states: dict[int, Path] = {}
        for ms in latencies:
            if "rate" in skip and ms != args.incremental_latency:
                continue
            srv.configure(ms / 1000, budget)  # a fresh 60 s window for each run
            stdout = work / f"tap-full-{ms}ms.jsonl"
            tap = measure(
                tap_cmd(tap_conf), server=srv, stdout=stdout, stderr=work / f"tap-{ms}ms.log"
            )
            states[ms] = stdout
            srv.configure(ms / 1000, budget)
            base = measure(baseline_cmd(tap_conf), server=srv, stderr=work / f"baseline-{ms}ms.log")
            out["rate"][ms] = {"tap": _figures(tap), "baseline": _figures(base)}
            _log(f"{ms} ms: tap {_brief(tap, budget)} | baseline {_brief(base, budget)}")
        if "rate" not in skip:
            top = max(latencies) if args.sweep_latency is None else args.sweep_latency
            default = args.settings.get("max_concurrency", tap_default("max_concurrency"))
            for conc in _ints(args.concurrency):
                if conc == default and top in out["rate"]:
                    out["sweep"][conc] = out["rate"][top]["tap"]
                    continue
                srv.configure(top / 1000, budget)
                conf = tap_config(
                    srv,
                    work,
                    f"sweep-{conc}",
                    days=args.days,
                    budget=budget,
                    **{**args.settings, "max_concurrency": conc},
                )
                run = measure(tap_cmd(conf), server=srv, stderr=work / f"sweep-{conc}.log")
                out["sweep"][conc] = _figures(run)
                _log(f"max_concurrency={conc} at {top} ms: {_brief(run, budget)}")
            out["sweep_latency"] = top
            out["sweep_default"] = default
        if "incremental" not in skip:
            out["incremental"] = incremental_runs(args, srv, tap_conf, states, out, work)
    return out


def incremental_runs(
    args: argparse.Namespace,
    srv: Server,
    tap_conf: Path,
    states: dict[int, Path],
    out: dict[str, Any],
    work: Path,
) -> dict[str, Any]:
    ms = args.incremental_latency
    full = out["rate"][ms]
    result: dict[str, Any] = {"latency": ms, "full": full}
    state_file = work / "state.json"
    state_file.write_text(json.dumps(last_state(states[ms])))
    for n in _ints(args.increments):
        if n:
            srv.call("add_events", n=n, new_visitors=n // 20)
        srv.configure(ms / 1000, args.budget)
        stdout = work / f"tap-incremental-{n}.jsonl"
        tap = measure(
            tap_cmd(tap_conf, state=state_file),
            server=srv,
            stdout=stdout,
            stderr=work / f"tap-incremental-{n}.log",
        )
        state_file.write_text(json.dumps(last_state(stdout)))
        if n == 0:
            base = full["baseline"]  # nothing changed: the same full re-read
        else:
            srv.configure(ms / 1000, args.budget)
            base = _figures(
                measure(baseline_cmd(tap_conf), server=srv, stderr=work / f"baseline-inc-{n}.log")
            )
        result[n] = {"tap": _figures(tap), "baseline": base}
        _log(
            f"incremental +{n} events: tap {tap.requests} requests {tap.wall:.1f} s | "
            f"baseline {base['requests']} requests {base['wall']:.1f} s"
        )
    return result


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
            tap = measure(tap_cmd(conf, cat), server=srv, stderr=log)
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


# --------------------------------------------------------------------------- figures


def _figures(run: Run) -> dict[str, Any]:
    return {
        "wall": round(run.wall, 2),
        "cpu": round(run.cpu, 2),
        "max_rss_mb": round(run.max_rss_mb, 1),
        "requests": run.requests,
        "status_429": run.rate_limited,
        "errors": int(run.server.get("errors", 0)),
        "per_minute": round(run.per_minute(), 1),
        "busiest_60s": run.server.get("busiest_60s", 0),
        "by_path": run.server.get("by_path", {}),
        "spans": run.server.get("spans", {}),  # seconds from the run's first request
        "server_cpu": round(run.server_cpu, 2),
    }


def _brief(run: Run, budget: int) -> str:
    return (
        f"{run.requests} req in {run.wall:.1f} s, {run.per_minute():.0f}/min "
        f"({100 * run.per_minute() / budget:.0f}%), {run.rate_limited} x 429"
    )


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


def tap_default(setting: str) -> Any:
    from tap_wistia.tap import TapWistia

    return TapWistia.config_jsonschema["properties"][setting].get("default")


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--", "tap_wistia"):
        commit += " (tap_wistia/ modified)"
    return {
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "singer_sdk": importlib.metadata.version("singer-sdk"),
        "requests": importlib.metadata.version("requests"),
        "commit": commit,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- rendering


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


if __name__ == "__main__":
    sys.exit(main())
