"""A hostile or absent API: the run fails fast and clearly, or recovers, never hangs."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest
import requests
import urllib3.exceptions

from tap_wistia.paging import PageIgnored
from tap_wistia.retries import FIRST_CONTACT_SECONDS, CannotConnect, Retrier
from tap_wistia.throttle import Throttle
from tap_wistia.transport import MAX_RESPONSE_BYTES, GuardedAdapter, ResponseTooLarge
from tests.hostile_server import Reply, ScriptedServer, Seen
from tests.tap_harness import FakeClock, run_cli, run_sync, tap_config

TOKEN = "hostile-test-token"


def free_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoggedBeforeClock(FakeClock):
    """Checks that every wait was announced in the log before it started."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        super().__init__()
        self.caplog = caplog
        self.unannounced: list[float] = []

    def sleep(self, seconds: float) -> None:
        if seconds >= 1 and f"retrying in {seconds:.1f} s" not in self.caplog.text:
            self.unannounced.append(seconds)
        super().sleep(seconds)


@pytest.mark.parametrize(
    ("api_url", "why"),
    [
        (f"http://127.0.0.1:{free_port()}/v1", "connection refused"),
        ("https://nonexistent-host.invalid/v1", "host name not found"),
    ],
)
def test_first_request_that_cannot_connect_fails_fast_naming_api_url(caplog, api_url, why):
    clock = LoggedBeforeClock(caplog)
    began = time.monotonic()
    with caplog.at_level(logging.WARNING), pytest.raises(CannotConnect) as failure:
        run_sync({"api_token": TOKEN, "api_url": api_url}, clock=clock)
    message = str(failure.value)
    assert f"Cannot connect to api_url {api_url} ({why}" in message
    assert sum(clock.sleeps) <= FIRST_CONTACT_SECONDS
    assert len([s for s in clock.sleeps if s >= 1]) >= 2  # a blip is retried
    assert clock.unannounced == []
    assert time.monotonic() - began < 30


def test_cli_cannot_connect_exits_1_within_30_seconds(tmp_path):
    api_url = f"http://127.0.0.1:{free_port()}/v1"
    began = time.monotonic()
    run = run_cli({"api_token": TOKEN, "api_url": api_url}, tmp_path)
    assert time.monotonic() - began < 30
    assert run.returncode == 1
    assert f"Cannot connect to api_url {api_url} (connection refused" in run.stderr
    assert "Traceback" not in run.stderr
    # Each wait was announced before it began, in the order they happened.
    assert run.stderr.index("retrying in") < run.stderr.index("Cannot connect")


def refused() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")
    return requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(None, "/v1/medias", reason)
    )


def test_refused_connections_after_the_api_answered_keep_retrying(caplog):
    clock = LoggedBeforeClock(caplog)
    throttle = Throttle(100_000, clock=clock)
    logger = logging.getLogger("tap-wistia.test-retrier")
    retrier = Retrier(
        throttle, logger, max_retries=8, rate_limit_budget_seconds=60, api_url="http://x/v1"
    )
    request = requests.Request("GET", "http://x/v1/medias").prepare()
    ok = requests.Response()
    ok.status_code = 200
    assert retrier.send(request, lambda: ok) is ok
    failures = iter([refused()] * 6)

    def attempt() -> requests.Response:
        error = next(failures, None)
        if error is not None:
            raise error
        return ok

    with caplog.at_level(logging.WARNING, logger=logger.name):
        assert retrier.send(request, attempt) is ok
    waits = [s for s in clock.sleeps if s >= 1]
    assert len(waits) == 6 and sum(waits) > FIRST_CONTACT_SECONDS  # 1+2+4+8+16+32 s
    assert clock.unannounced == []
    assert caplog.text.count("connection refused; retrying in") == 6


def visitors_page(count: int, start: int = 0) -> bytes:
    return json.dumps([{"visitor_key": f"v{i}"} for i in range(start, start + count)]).encode()


def test_a_slow_drip_is_abandoned_at_request_timeout_and_retried():
    body = visitors_page(3)
    replies = iter([Reply(body=body, drip_seconds=0.05)])  # ~6 s for the whole body

    def respond(seen: Seen) -> Reply:
        return next(replies, Reply(body=body))

    began = time.monotonic()
    with ScriptedServer(respond) as server:
        config = {"api_token": TOKEN, "api_url": server.url, "request_timeout": 1}
        result = run_sync(config, streams=("visitors",))
    assert time.monotonic() - began < 4
    assert len(result.records("visitors")) == 3
    assert len(server.seen) == 2


def test_a_body_with_no_end_fails_at_the_64_mb_cap():
    chunk = b" " * 65536

    def respond(seen: Seen) -> Reply:
        return Reply(body=b"[" + chunk, endless=True)

    with ScriptedServer(respond) as server, pytest.raises(ResponseTooLarge) as failure:
        run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("projects",))
    assert str(failure.value).startswith("GET /v1/projects?page=1&per_page=100&sort_by=id")
    assert "answered a body larger than 64 MB" in str(failure.value)
    assert MAX_RESPONSE_BYTES == 64 * 1024 * 1024
    assert len(server.seen) == 1  # not retried


def test_a_declared_length_over_the_cap_fails_before_reading(monkeypatch):
    monkeypatch.setattr(GuardedAdapter, "max_response_bytes", 1000)
    with (
        ScriptedServer(lambda seen: Reply(body=visitors_page(100))) as server,
        pytest.raises(ResponseTooLarge, match="larger than 1,000 bytes"),
    ):
        run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("visitors",))
    assert len(server.seen) == 1


def ignore_page(path: str, query: dict[str, list[str]]) -> None:
    query["page"] = ["1"]


@pytest.mark.parametrize(
    ("stream", "endpoint"),
    [("visitors", "GET /v1/stats/visitors"), ("projects", "GET /v1/projects")],
)
def test_a_server_that_ignores_page_is_stopped_naming_the_endpoint(make_wistia, stream, endpoint):
    server = make_wistia(projects=150, medias=2, visitors=250, events=2, days=1)
    server.on_request = ignore_page
    with pytest.raises(PageIgnored) as failure:
        run_sync(tap_config(server, max_requests_per_minute=100_000), streams=(stream,))
    message = str(failure.value)
    assert message.startswith(endpoint) and "ignores the page parameter" in message
    assert len(server.requests) <= 12  # the look-ahead's workers at most, not thousands
