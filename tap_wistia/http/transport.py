"""The HTTP transport under every request: time and size limits no server can stretch.

requests' `timeout` bounds connecting and each socket read, not a whole response: a server
sending one byte every few seconds keeps a request alive forever, and a body with no end
grows memory until the process dies. Here:

- connecting takes at most `CONNECT_TIMEOUT_SECONDS` (or `request_timeout` if lower);
- the whole attempt (connecting, status line, headers and body) must end within
  `request_timeout`; later it is abandoned as a timeout naming that, and retried (every
  socket read waits at most what is left, see `deadline`);
- a body larger than `MAX_RESPONSE_BYTES` (64 MB, decompressed; a full page of 100
  records is well under 1 MB) fails the run: it cannot be a Wistia page;
- a redirect to another host, port or scheme is refused: data from elsewhere must not
  be loaded as Wistia's (requests would follow it silently);
- certificates are checked against `REQUESTS_CA_BUNDLE` when it is set (the SDK sends
  prepared requests, which skips requests' own reading of that variable).
"""

from __future__ import annotations

import os
import time
import typing as t
from urllib.parse import SplitResult, urlsplit

import requests
import requests.adapters
import urllib3.exceptions
from typing_extensions import override

from tap_wistia.http.deadline import POOLS_BY_SCHEME, attempt_deadline
from tap_wistia.http.errors import WistiaError, describe_request

CONNECT_TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
DEADLINE_SLACK_SECONDS = 0.05


def new_session(pool_size: int) -> requests.Session:
    session = SameOriginSession()
    session.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )
    adapter = GuardedAdapter(pool_connections=1, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class RedirectRefused(WistiaError):
    """A redirect off the API's host, or down to plain http."""


class SameOriginSession(requests.Session):
    """Follows redirects only within one host, and never from https to http."""

    @override
    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        # Called for every redirect hop before it is sent: the one place to refuse it.
        source = urlsplit(response.request.url or "")
        target = urlsplit(prepared_request.url or "")
        endpoint = describe_request(response.request)
        if target.hostname != source.hostname:
            raise RedirectRefused(
                f"{endpoint} redirected to another host ({source.hostname} -> "
                f"{target.hostname}); refused, so no data from elsewhere is loaded. Check "
                "api_url: use the URL the redirect points to if it is really the API."
            )
        if source.scheme == "https" and target.scheme != "https":
            raise RedirectRefused(
                f"{endpoint} redirected from https to plain http; refused, it would expose "
                "the request. Check api_url and any proxy."
            )
        # Another port or scheme on one host is another server (a debug port, another
        # service behind the same name): refused like another host.
        if (target.scheme, _port(target)) != (source.scheme, _port(source)):
            raise RedirectRefused(
                f"{endpoint} redirected to another server on {source.hostname} "
                f"({source.scheme} port {_port(source)} -> {target.scheme} port "
                f"{_port(target)}); refused, so no data from elsewhere is loaded. Check api_url."
            )
        super().rebuild_auth(prepared_request, response)


def _port(url: SplitResult) -> int | None:
    return url.port or {"http": 80, "https": 443}.get(url.scheme)


class ResponseTooLarge(WistiaError):
    """A body past `MAX_RESPONSE_BYTES`: not an API page, and a risk to memory."""


class ResponseDeadlineExceeded(requests.exceptions.ReadTimeout):
    """The response kept arriving past `request_timeout` (a slow drip of its status line,
    headers or body): retried like a timeout."""


DEADLINE_REASON = (
    "the response was still arriving when request_timeout ran out (a very slow or stalled server)"
)


def _deadline_exceeded(endpoint: str) -> ResponseDeadlineExceeded:
    return ResponseDeadlineExceeded(f"{endpoint}: {DEADLINE_REASON}")


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """`HTTPAdapter` with a connect timeout, a whole-response deadline and a size cap."""

    max_response_bytes = MAX_RESPONSE_BYTES

    @override
    def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOLS_BY_SCHEME

    @override
    def proxy_manager_for(self, proxy: str, **proxy_kwargs: t.Any) -> urllib3.PoolManager:
        # Through a proxy (HTTPS_PROXY) too, every attempt has one deadline.
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = POOLS_BY_SCHEME
        return manager

    def send(  # type: ignore[override]  # same parameters; requests leaves them untyped
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | None = None,
        verify: bool | str = True,
        cert: t.Any = None,
        proxies: t.Mapping[str, str] | None = None,
    ) -> requests.Response:
        total = _total_seconds(timeout)
        started = time.monotonic()
        connect = None if total is None else min(CONNECT_TIMEOUT_SECONDS, total)
        deadline = None if total is None else started + total
        endpoint = describe_request(request)
        # Always streamed: `Session.send` reads the body afterwards (unless the caller
        # streams), through the guard below.
        try:
            with attempt_deadline(deadline):
                response = super().send(
                    request, stream=True, timeout=(connect, total), verify=verify,
                    cert=cert, proxies=proxies,
                )  # fmt: skip
        except requests.exceptions.ReadTimeout:
            if _past(deadline):
                raise _deadline_exceeded(endpoint) from None
            raise
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            response.close()
            raise _too_large(endpoint, self.max_response_bytes)
        response.raw = _GuardedBody(response.raw, endpoint, deadline, self.max_response_bytes)
        return response


def _past(deadline: float | None) -> bool:
    """Whether a read that timed out was ended by the attempt's deadline (a socket timeout
    may fire a few milliseconds early by the monotonic clock)."""
    return deadline is not None and time.monotonic() >= deadline - DEADLINE_SLACK_SECONDS


def _total_seconds(timeout: float | tuple[float, float] | None) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout


def _too_large(endpoint: str, limit: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{endpoint} answered a body larger than {_size(limit)}: no Wistia page "
        "is that large, so a proxy or a broken server answered. Check api_url."
    )


def _size(count: int) -> str:
    mib = 1024 * 1024
    return f"{count // mib} MB" if count % mib == 0 else f"{count:,} bytes"


class _GuardedBody:
    """The body stream requests reads `Response.content` from, with the deadline and cap.

    requests reads a raw body through its `stream()` and translates urllib3's errors
    into its own (retriable) ones; the errors raised here are already the tap's.
    """

    def __init__(self, raw: t.Any, endpoint: str, deadline: float | None, limit: int) -> None:
        self._raw = raw
        self._endpoint = endpoint
        self._deadline = deadline
        self._limit = limit

    def stream(self, amt: int = 2**16, decode_content: bool | None = None) -> t.Iterator[bytes]:
        size = 0
        while True:
            if self._deadline is not None and time.monotonic() > self._deadline:
                self._raw.close()
                raise _deadline_exceeded(self._endpoint)
            # read1: at most one socket read, so the deadline is checked between reads
            # even when bytes trickle in (each read also ends at the deadline: `deadline`).
            try:
                chunk = self._raw.read1(amt, decode_content=decode_content)
            except urllib3.exceptions.ReadTimeoutError:
                if not _past(self._deadline):
                    raise
                self._raw.close()
                raise _deadline_exceeded(self._endpoint) from None
            if not chunk:
                return
            size += len(chunk)
            if size > self._limit:
                self._raw.close()
                raise _too_large(self._endpoint, self._limit)
            yield chunk

    def close(self) -> None:
        self._raw.close()

    def release_conn(self) -> None:
        self._raw.release_conn()
