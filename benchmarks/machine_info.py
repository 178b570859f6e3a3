"""What the results were measured on: the machine, Python and library versions, the commit,
and the tap's own defaults (the settings a run leaves unset).

Split from run.py because the pipeline benchmark (pipeline.py) prints the same header.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from .harness import (
    ROOT,
)


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
