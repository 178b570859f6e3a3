"""One deadline per attempt, from connecting to the last byte: status line, headers, body.

requests' read timeout bounds each socket read, not a response: a server that sends its
status line or headers one byte a second keeps an attempt alive for ever, and the body
guard in `transport` only starts once the headers are in. So every read of a response
here waits at most what is left of the attempt's deadline (and never longer than the
read timeout): past the deadline a read fails as a socket timeout, which urllib3 turns
into requests' `ReadTimeout`, retried like any timeout.

How it reaches the socket: `http.client` builds each response from the connection's
`response_class` with the socket, and reads everything through `sock.makefile("rb")`.
The adapter's pools (direct, or through a proxy from `HTTPS_PROXY`) use connection
classes whose `response_class` wraps that file. The deadline is the attempt's, set by
the adapter in a context variable around the send (requests reads a response in the
thread that sent it).
"""

from __future__ import annotations

import contextlib
import contextvars
import http.client
import io
import socket
import time
import typing as t

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# The monotonic time the current attempt must end by; None: no deadline.
_attempt_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "tap_wistia_attempt_deadline", default=None
)


@contextlib.contextmanager
def attempt_deadline(deadline: float | None) -> t.Iterator[None]:
    """Responses created inside this block are read under `deadline`."""
    token = _attempt_deadline.set(deadline)
    try:
        yield
    finally:
        _attempt_deadline.reset(token)


class _DeadlineReader(io.RawIOBase):
    """A socket's raw reader whose every read waits at most until the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # keeps the socket's reference count
        self._deadline = deadline
        self._read_timeout = sock.gettimeout()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the attempt's deadline passed")
        wait = left if self._read_timeout is None else min(left, self._read_timeout)
        self._sock.settimeout(wait)
        try:
            return self._raw.readinto(buffer)
        finally:
            # A pooled connection sends its next request with the timeout it has.
            with contextlib.suppress(OSError):  # closed meanwhile: nothing to restore
                self._sock.settimeout(self._read_timeout)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """What `http.client.HTTPResponse` is built with: only `makefile` is used."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str, *args: t.Any, **kwargs: t.Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: t.Any, **kwargs: t.Any) -> None:
        deadline = _attempt_deadline.get()
        wrapped = sock if deadline is None else _DeadlineSocket(sock, deadline)
        super().__init__(wrapped, *args, **kwargs)  # type: ignore[arg-type]


class _DeadlineHTTPConnection(HTTPConnection):
    response_class = _DeadlineResponse


class _DeadlineHTTPSConnection(HTTPSConnection):
    response_class = _DeadlineResponse


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


POOLS_BY_SCHEME: dict[str, type[HTTPConnectionPool]] = {
    "http": _DeadlineHTTPPool,
    "https": _DeadlineHTTPSPool,
}
