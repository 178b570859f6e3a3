"""A hostile or absent API: the run fails fast and clearly, or recovers, never hangs."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable

import pytest
import requests
import urllib3.exceptions

from tap_wistia.http.budget import Throttle
from tap_wistia.http.concurrency import AdaptiveLimit
from tap_wistia.http.errors import RetriesExhausted, WistiaError
from tap_wistia.http.paging import PageIgnored, RepeatedPageGuard
from tap_wistia.http.retries import (
    FIRST_CONTACT_SECONDS,
    CannotConnect,
    CertificateNotTrusted,
    Retrier,
)
from tap_wistia.http.transport import (
    MAX_RESPONSE_BYTES,
    GuardedAdapter,
    RedirectRefused,
    ResponseTooLarge,
)
from tests.hostile_server import SELF_SIGNED_CERT, Reply, ScriptedServer, Seen
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
        throttle,
        logger,
        max_retries=8,
        rate_limit_budget_seconds=60,
        api_url="http://x/v1",
        concurrency=AdaptiveLimit(throttle.interval, 8, clock),
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


def projects(seen: Seen) -> Reply:
    return Reply(body=json.dumps([{"id": 1, "name": "p"}]).encode())


@pytest.mark.parametrize(
    ("body", "content_type", "named"),
    [
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "text/html", "an HTML page"),
        (b"<html><body>Proxy</body></html>", "application/json", "an HTML page"),
        (b'[{"id": 1, "plays": NaN}]', "application/json", "JSON containing NaN"),
        (b'[{"id": 1, "plays": -Infinity}]', "application/json", "JSON containing -Infinity"),
    ],
)
def test_html_and_non_finite_json_fail_at_once_saying_what_they_are(body, content_type, named):
    reply = Reply(body=body, headers={"Content-Type": content_type})
    clock = FakeClock()
    with ScriptedServer(lambda seen: reply) as server, pytest.raises(WistiaError) as failure:
        run_sync({"api_token": TOKEN, "api_url": server.url}, clock=clock, streams=("projects",))
    assert f"GET /v1/projects?page=1&per_page=100&sort_by=id answered {named}" in str(failure.value)
    assert len(server.seen) == 1  # not retried
    assert not [s for s in clock.sleeps if s >= 1]


def test_an_untrusted_certificate_fails_at_once_naming_requests_ca_bundle(monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    clock = FakeClock()
    with (
        ScriptedServer(projects, tls=True) as server,
        pytest.raises(CertificateNotTrusted) as failure,
    ):
        run_sync({"api_token": TOKEN, "api_url": server.url}, clock=clock, streams=("projects",))
    message = str(failure.value)
    assert "TLS certificate verification failed for 127.0.0.1" in message
    assert "self-signed certificate" in message and "REQUESTS_CA_BUNDLE" in message
    assert not [s for s in clock.sleeps if s >= 1]  # not retried


def test_requests_ca_bundle_is_honoured(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(SELF_SIGNED_CERT))
    with ScriptedServer(projects, tls=True) as server:
        result = run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("projects",))
    assert [r["id"] for r in result.records("projects")] == [1]


def redirect_to(location: str) -> Callable[[Seen], Reply]:
    def respond(seen: Seen) -> Reply:
        if seen.path.startswith("/v1/projects?"):
            return Reply(302, b"", {"Location": location + seen.path})
        return projects(seen)

    return respond


def test_a_redirect_within_the_host_is_followed():
    with ScriptedServer(redirect_to("/v1/again")) as server:
        result = run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("projects",))
    assert len(result.records("projects")) == 1
    assert [s.path.split("?")[0] for s in server.seen] == ["/v1/projects", "/v1/again/v1/projects"]


def test_a_redirect_to_another_host_is_refused():
    with ScriptedServer(projects) as elsewhere:
        target = f"http://localhost:{elsewhere.port}"
        with (
            ScriptedServer(redirect_to(target)) as server,
            pytest.raises(RedirectRefused, match=r"another host \(127.0.0.1 -> localhost\)"),
        ):
            run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("projects",))
    assert elsewhere.seen == []


def test_a_redirect_to_another_port_of_the_same_host_is_refused():
    with ScriptedServer(projects) as elsewhere:
        target = f"http://127.0.0.1:{elsewhere.port}"
        with (
            ScriptedServer(redirect_to(target)) as server,
            pytest.raises(RedirectRefused) as failure,
        ):
            run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("projects",))
    assert (
        f"redirected to another server on 127.0.0.1 (http port {server.port} -> http port "
        f"{elsewhere.port}); refused"
    ) in str(failure.value)
    assert elsewhere.seen == []


@pytest.mark.parametrize(
    ("body", "content_type", "named"),
    [
        (b'<?xml version="1.0"?><projects/>', "application/xml", "markup (XML?)"),
        (b"<projects><project/></projects>", "application/json", "markup (XML?)"),
        (b"maintenance until 10:00", "text/plain", "not JSON"),
    ],
)
def test_a_200_that_is_not_json_fails_at_once_naming_the_content_type(body, content_type, named):
    reply = Reply(body=body, headers={"Content-Type": content_type})
    clock = FakeClock()
    with ScriptedServer(lambda seen: reply) as server, pytest.raises(WistiaError) as failure:
        run_sync({"api_token": TOKEN, "api_url": server.url}, clock=clock, streams=("projects",))
    message = str(failure.value)
    assert f"answered HTTP 200 with a body that is {named} (Content-Type: {content_type})" in (
        message
    )
    assert len(server.seen) == 1  # not retried
    assert not [s for s in clock.sleeps if s >= 1]


def test_a_redirect_from_https_to_http_is_refused(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(SELF_SIGNED_CERT))
    with ScriptedServer(projects) as plain:
        target = f"http://127.0.0.1:{plain.port}"
        with (
            ScriptedServer(redirect_to(target), tls=True) as server,
            pytest.raises(RedirectRefused, match="from https to plain http"),
        ):
            run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("projects",))
    assert plain.seen == []


def test_cli_html_login_page_fails_fast_with_one_clear_line(tmp_path):
    page = Reply(200, b"<!doctype html><title>Sign in</title>", {"Content-Type": "text/html"})
    with ScriptedServer(lambda seen: page) as server:
        run = run_cli({"api_token": TOKEN, "api_url": server.url}, tmp_path)
    assert run.returncode == 1
    assert "answered an HTML page (HTTP 200), not the API's JSON" in run.stderr
    assert "Traceback" not in run.stderr
    assert len(server.seen) == 1


def test_two_equal_pages_pass_three_fail_in_any_arrival_order():
    page = [{"visitor_key": f"v{i}"} for i in range(100)]
    other = [{"visitor_key": f"w{i}"} for i in range(100)]
    last = [{"visitor_key": f"x{i}"} for i in range(100)]
    guard = RepeatedPageGuard(("visitor_key",))
    # 100 new events between two requests shift a newest-first list by exactly a page.
    for number, items in ((1, other), (2, page), (3, page), (4, last)):
        guard.check("{}", number, items, "GET /v1/stats/visitors")
    guard = RepeatedPageGuard(("visitor_key",))
    guard.check("{}", 3, page, "GET /v1/stats/visitors")
    guard.check("{}", 2, page[:50], "GET /v1/stats/visitors")  # a short page: the end
    guard.check("{}", 4, page, "GET /v1/stats/visitors")
    with pytest.raises(PageIgnored, match="pages 2 to 4 hold the same records"):
        guard.check("{}", 2, page, "GET /v1/stats/visitors")


def test_a_server_dripping_its_headers_fails_within_request_timeout_per_attempt():
    # One header byte every 0.2 s: each socket read succeeds, the headers never end in time.
    drip = Reply(body=visitors_page(3), drip_head=True, drip_seconds=0.2)
    drip.headers["X-Padding"] = "x" * 200
    began = time.monotonic()
    with (
        ScriptedServer(lambda seen: drip) as server,
        pytest.raises(RetriesExhausted) as failure,
    ):
        config = {"api_token": TOKEN, "api_url": server.url, "request_timeout": 3}
        run_sync({**config, "max_retries": 1}, streams=("visitors",))
    assert time.monotonic() - began < 9  # two attempts of 3 s, not for ever
    assert len(server.seen) == 2
    assert str(failure.value) == (
        "GET /v1/stats/visitors?page=1&per_page=100 still failing after 1 retries; last error: "
        "the response was still arriving when request_timeout ran out (a very slow or stalled "
        "server)"
    )


def test_a_proxy_dripping_its_headers_fails_within_request_timeout(monkeypatch):
    drip = Reply(body=visitors_page(3), drip_head=True, drip_seconds=0.2)
    drip.headers["X-Padding"] = "x" * 200
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    began = time.monotonic()
    with ScriptedServer(lambda seen: drip) as proxy, pytest.raises(RetriesExhausted):
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        api_url = f"http://127.0.0.1:{free_port()}/v1"  # reached only through the proxy
        config = {"api_token": TOKEN, "api_url": api_url, "request_timeout": 2}
        run_sync({**config, "max_retries": 0}, streams=("visitors",))
    assert time.monotonic() - began < 5
    assert [s.path.split("?")[0] for s in proxy.seen] == [f"{api_url}/stats/visitors"]
