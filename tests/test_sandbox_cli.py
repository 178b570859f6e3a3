"""The sandbox's command line (python -m wistia_sandbox): it serves, prints its URL and token,
and exits 0 on SIGTERM and SIGINT; `--no-analytics` stands for an account whose plan or
token cannot read analytics.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from wistia_sandbox.__main__ import build_parser, build_server

REPO_ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--port", "0", "--medias", "3", "--visitors", "10", "--events", "40", "--days", "10"]


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


def answers(no_analytics: bool) -> tuple[int, int]:
    """Status of one v1 call and one modern analytics call."""
    flags = ["--no-analytics"] if no_analytics else []
    server = build_server(build_parser().parse_args([*SMALL, *flags])).start()
    try:
        auth = {"Authorization": f"Bearer {server.token}", "X-Wistia-API-Version": "2026-03"}
        media_id = server.dataset.media_ids()[0]
        v1 = requests.get(f"{server.url}/medias", headers=auth, timeout=10)
        analytics = requests.get(
            f"{server.modern_url}/analytics/medias/{media_id}/timeseries",
            headers=auth,
            params={"start_date": "2026-01-01", "end_date": "2026-01-08", "granularity": "daily"},
            timeout=10,
        )
        return v1.status_code, analytics.status_code
    finally:
        server.stop()


def test_no_analytics_forbids_only_the_analytics_api():
    assert answers(no_analytics=True) == (200, 403)


def test_analytics_answer_by_default():
    assert answers(no_analytics=False) == (200, 200)


def test_two_accounts_answer_each_token_with_its_own_account():
    server = build_server(build_parser().parse_args([*SMALL, "--accounts", "2"])).start()
    try:
        assert list(server.tokens) == ["test-token", "test-token-2"]
        answered = {}
        for token in server.tokens:
            auth = {"Authorization": f"Bearer {token}"}
            account = requests.get(f"{server.url}/account", headers=auth, timeout=10).json()
            medias = requests.get(f"{server.url}/medias", headers=auth, timeout=10).json()
            answered[account["id"]] = {m["hashed_id"]: m["name"] for m in medias}
        (first, one), (second, two) = answered.items()
        assert first != second
        assert set(two) <= set(one) and len(two) < len(one)  # the same ids, fewer medias
        assert all(one[key] != name for key, name in two.items())  # another account's data
    finally:
        server.stop()


def test_the_command_line_prints_every_account_token():
    proc = subprocess.Popen(
        [sys.executable, "-m", "wistia_sandbox", *SMALL, "--accounts", "2"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(3)]
        assert lines[1] == "token: test-token"
        assert lines[2] == "token: test-token-2 (account 2002, Wistia Sandbox Two)"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
