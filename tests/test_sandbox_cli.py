"""The sandbox's command line (python -m wistia_sandbox): it serves, prints its URL and token,
and exits 0 on SIGTERM and SIGINT.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_exits_cleanly(sig: signal.Signals) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wistia_sandbox",
            "--port",
            "0",
            "--token",
            "cli-token",
            "--medias",
            "3",
            "--visitors",
            "5",
            "--events",
            "10",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        second = proc.stdout.readline().strip()
        assert first.startswith("Wistia sandbox: http://127.0.0.1:"), first
        assert first.endswith("/v1")
        assert second == "token: cli-token"
        url = first.split(": ", 1)[1]
        r = requests.get(f"{url}/medias", headers={"Authorization": "Bearer cli-token"}, timeout=5)
        assert r.status_code == 200 and len(r.json()) == 3
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
