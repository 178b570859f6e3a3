"""tap-wistia performance benchmark: the tap vs. a naive serial baseline, one table.

    python -m benchmarks.run            # the full benchmark (~20 min on 2 cores)
    python -m benchmarks.run --quick    # a smoke run (< 2 min)

Everything runs locally: the fake Wistia API (``wistia_sandbox``) in its own process,
then the tap (``python -m tap_wistia``) and the baseline (``python -m benchmarks.baseline``)
as measured child processes. See benchmarks/README.md for what each figure means.

This module runs the sections in order and prints the table; the options are in options.py,
the sections in rate_runs.py, throughput_runs.py and shapes.py, the table in main_table.py.
"""

from __future__ import annotations

import json
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import shapes
from .machine_info import machine, tap_default
from .main_table import render
from .options import FULL, QUICK, _ints, _parser, _settings
from .rate_runs import rate_section
from .run_figures import _log
from .throughput_runs import throughput_section


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


if __name__ == "__main__":
    sys.exit(main())
