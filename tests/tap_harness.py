"""Run the tap in-process against the local Wistia API and collect what it emits."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

from tap_wistia.tap import TapWistia


class FakeClock:
    """Virtual time for the tap's throttle and retries: waits are recorded, never slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.sleeps.append(seconds)
            self.now += seconds


@dataclass
class SyncResult:
    messages: list[dict]
    clock: FakeClock
    tap: TapWistia
    stdout: str = field(repr=False, default="")

    def records(self, stream: str) -> list[dict]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def record_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for m in self.messages:
            if m["type"] == "RECORD":
                counts[m["stream"]] = counts.get(m["stream"], 0) + 1
        return counts

    @property
    def states(self) -> list[dict]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def final_state(self) -> dict:
        return self.states[-1]

    def bookmark(self, stream: str) -> dict:
        return self.final_state["bookmarks"].get(stream, {})


def tap_config(server, **overrides) -> dict:
    """Settings for a run against `server`, reading the last 200 days by default."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    config = {
        "api_token": server.token,
        "api_url": server.url,
        "start_date": start.strftime("%Y-%m-%dT00:00:00Z"),
    }
    config.update(overrides)
    return config


def select_only(tap: TapWistia, *names: str) -> None:
    for stream in tap.streams.values():
        stream.selected = stream.name in names


def run_sync(
    config: dict,
    *,
    state: dict | None = None,
    streams: tuple[str, ...] | None = None,
    clock: FakeClock | None = None,
) -> SyncResult:
    clock = clock or FakeClock()
    tap = TapWistia(config=config, state=state, parse_env_config=False, clock=clock)
    if streams:
        select_only(tap, *streams)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    text = out.getvalue()
    messages = [json.loads(line) for line in text.splitlines() if line.strip()]
    return SyncResult(messages=messages, clock=clock, tap=tap, stdout=text)


def run_cli(
    config: dict, tmp_path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`python -m tap_wistia --config ...` as a user runs it, output captured; `env` is
    added to the environment (SINGER_SDK_LOG_CONFIG is left out unless given there)."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    environment = {k: v for k, v in os.environ.items() if k != "SINGER_SDK_LOG_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tap_wistia", "--config", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**environment, **(env or {})},
    )
