"""Building blocks of the benchmark: the server process, measured child runs, configs."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tap_wistia.streams.registry import ANALYTICS_STREAM_TYPES, STREAM_TYPES

ROOT = Path(__file__).resolve().parent.parent
# The Data API v1 streams, which the baseline reads too; the analytics streams (modern API)
# have no baseline and are left out of every run unless a catalog selects them.
STREAMS = tuple(
    stream_type.name for stream_type in STREAM_TYPES if stream_type not in ANALYTICS_STREAM_TYPES
)


class Server:
    """`python -m benchmarks.server` in its own process, so its CPU and memory are its own."""

    def __init__(self, **options: Any) -> None:
        cmd = [sys.executable, "-m", "benchmarks.server"]
        for name, value in options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                cmd.append(flag)
            elif value not in (None, False):
                cmd += [flag, str(value)]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        info = self._read()
        self.url: str = info["url"]
        self.token: str = info["token"]
        self.info = info

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmark server exited ({self.proc.wait()})")
        return json.loads(line)

    def call(self, cmd: str, **args: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def configure(self, latency: float, rate_limit: int | None, jitter: float = 0.0) -> None:
        self.call("configure", latency=latency, rate_limit=rate_limit, jitter=jitter)

    def mark(self) -> int:
        return int(self.call("mark")["mark"])

    def stats(self, since: int) -> dict[str, Any]:
        return self.call("stats", since=since)

    def cpu_seconds(self) -> float:
        return _proc_cpu(self.proc.pid)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.call("quit")
                self.proc.wait(timeout=30)
            except (OSError, RuntimeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Run:
    """One measured child process."""

    wall: float
    cpu: float  # user + system seconds
    max_rss_mb: float
    returncode: int
    server: dict[str, Any] = field(default_factory=dict)  # the server's request figures
    server_cpu: float = 0.0
    stdout: Path | None = None
    stderr: Path | None = None

    @property
    def requests(self) -> int:
        return int(self.server.get("requests", 0))

    @property
    def rate_limited(self) -> int:
        return int(self.server.get("status_429", 0))

    def per_minute(self) -> float:
        """Requests per minute as the server saw them arrive (first to last request)."""
        first, last, n = self.server.get("first"), self.server.get("last"), self.requests
        if not first or not last or n < 2 or last <= first:
            return 0.0
        return (n - 1) / (last - first) * 60.0


def measure(
    cmd: list[str],
    *,
    server: Server,
    stdout: Path | str = os.devnull,
    stderr: Path | str = os.devnull,
    timeout: float = 1800.0,
    env: dict[str, str] | None = None,
) -> Run:
    """Run `cmd`, wait for it with wait4 (its own rusage: CPU and peak RSS); `env` is
    added to the environment."""
    mark = server.mark()
    server_cpu = server.cpu_seconds()
    began = time.monotonic()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
    wall = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    run = Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024.0,  # KiB on Linux
        returncode=proc.returncode,
        server=server.stats(mark),
        server_cpu=server.cpu_seconds() - server_cpu,
        stdout=Path(stdout) if stdout != os.devnull else None,
        stderr=Path(stderr) if stderr != os.devnull else None,
    )
    if run.returncode != 0:
        tail = Path(stderr).read_text(errors="replace")[-2000:] if stderr != os.devnull else ""
        raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}\n{tail}")
    return run


# The tap's METRIC lines are off by default; `emitted_records` counts from them.
METRICS_ON = {"SINGER_SDK_LOG_CONFIG": str(ROOT / "scripts" / "sdk-logging" / "metrics-on.yml")}


def tap_config(
    server: Server, workdir: Path, name: str, *, days: int, budget: int, **extra: Any
) -> Path:
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)
    config = {
        "api_token": server.token,
        "api_url": server.url,
        "start_date": f"{start.isoformat()}T00:00:00Z",
        "max_requests_per_minute": budget,
        **extra,
    }
    path = workdir / f"{name}.config.json"
    path.write_text(json.dumps(config, indent=2))
    return path


_CATALOG: dict[str, Any] | None = None


def catalog(workdir: Path, streams: tuple[str, ...] | set[str]) -> Path:
    """A catalog from the tap's --discover with only `streams` selected."""
    global _CATALOG
    if _CATALOG is None:
        config = workdir / "discover.config.json"
        config.write_text(json.dumps({"api_token": "x", "api_url": "http://127.0.0.1:9/v1"}))
        out = subprocess.run(
            [sys.executable, "-m", "tap_wistia", "--config", str(config), "--discover"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        _CATALOG = json.loads(out)
    cat = json.loads(json.dumps(_CATALOG))
    for stream in cat["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in streams
    path = workdir / ("catalog." + "-".join(sorted(streams)) + ".json")
    path.write_text(json.dumps(cat))
    return path


def tap_cmd(config: Path, catalog_path: Path | None = None, state: Path | None = None) -> list:
    cmd = [sys.executable, "-m", "tap_wistia", "--config", str(config)]
    cmd += ["--catalog", str(catalog_path or catalog(config.parent, STREAMS))]
    if state is not None:
        cmd += ["--state", str(state)]
    return cmd


def baseline_cmd(config: Path, streams: tuple[str, ...] | set[str] = STREAMS) -> list:
    return [
        sys.executable,
        "-m",
        "benchmarks.baseline",
        "--config",
        str(config),
        "--streams",
        ",".join(s for s in STREAMS if s in streams),
    ]


def last_state(stdout: Path) -> dict[str, Any]:
    """The last STATE message's value in a tap's output."""
    state: dict[str, Any] = {}
    with open(stdout, "rb") as f:
        for line in f:
            if b'"type":"STATE"' in line or b'"type": "STATE"' in line:
                state = json.loads(line)["value"]
    return state


def record_counts(stdout: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with open(stdout, "rb") as f:
        for line in f:
            if b'"RECORD"' in line:
                stream = json.loads(line)["stream"]
                counts[stream] = counts.get(stream, 0) + 1
    return counts
