"""The rate section of the benchmark: full runs of both clients at each latency under the
request budget, the max_concurrency sweep, and the incremental runs that resume from the
full run's state.

One section per module (throughput_runs.py, shapes.py are the others): they share one server
account, so the incremental runs live beside the full runs they resume from.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .harness import (
    Server,
    baseline_cmd,
    last_state,
    measure,
    tap_cmd,
    tap_config,
)
from .machine_info import tap_default
from .options import _ints
from .run_figures import _brief, _figures, _log


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
