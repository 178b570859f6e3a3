"""What a measured run reports: its figures (the table's and ``--json``'s) and the one-line
progress messages on stderr.

Shared by the rate and throughput sections, so kept apart from both.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from .harness import (
    Run,
)


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


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
