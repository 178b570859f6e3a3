"""The sandbox's HTTP plumbing: where the APIs live (/v1, /modern), the response type and its
builders (JSON, errors, empty bodies, 429s), and the threaded HTTP server and request handler
that hand each request to :meth:`FakeWistia._process <wistia_sandbox.server.FakeWistia>` and
write (or delay, or reset) its answer.

Split from server.py so the socket-level code (keep-alive, Nagle, prompt shutdown, resets) is
apart from what the fake API answers. server.py imports this module, never the reverse: what
the handler needs of FakeWistia is the `ServedApp` protocol here, so the two modules form no
import cycle (tests/test_import_graph.py).
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

API_PREFIX = "/v1"
MODERN_PREFIX = "/modern"  # the dated API: its /analytics routes and Dataset.lists entries
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
UNAUTHORIZED_BODY = {"code": "unauthorized_credentials", "error": "Invalid credentials."}
FORBIDDEN_MESSAGE = "Stats API access is not available on your current plan"
STATUS_MESSAGES = {
    400: "Bad request",
    403: FORBIDDEN_MESSAGE,
    404: "Not found",
    405: "Method not allowed",
    422: "Unprocessable entity",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service Unavailable",
    504: "Gateway timeout",
}


@dataclass
class _Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    reset: bool = False
    delay: float = 0.0


def _json(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> _Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _Response(status, body, JSON_TYPE, headers)


def _error(status: int, message: str | None = None) -> _Response:
    if status == 401:
        return _json(401, UNAUTHORIZED_BODY)
    text = message or STATUS_MESSAGES.get(status)
    if text is None:
        try:
            text = HTTPStatus(status).phrase
        except ValueError:
            text = "Error"
    return _json(status, {"error": text})


def _empty(status: int) -> _Response:
    return _Response(status, b"", None)


def _rate_limited(retry_after: str | None) -> _Response:
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return _Response(429, b"Rate limit exceeded", TEXT_TYPE, headers)


class _BadRequest(Exception):
    def __init__(self, response: _Response) -> None:
        super().__init__(response.status)
        self.response = response


class ServedApp(Protocol):
    """What the handler uses of the fake API it serves (FakeWistia)."""

    latency: float
    errors: list[str]  # tracebacks of requests that raised

    def _process(
        self,
        method: str,
        raw_path: str,
        authorization: str | None,
        api_version: str | None = None,
    ) -> tuple[_Response, Any]: ...


class _HTTPServer(ThreadingHTTPServer):
    # Daemon handler threads: server_close() never joins them, and a handler the server
    # could not wake (stuck in a write to a client that stopped reading) cannot keep the
    # process alive. `FakeWistia.stop` wakes and joins them itself, with a deadline.
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: ServedApp) -> None:
        self.app = app
        self.connections: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        self.connections_lock = threading.Lock()
        self.stopping = threading.Event()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet
        return


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK stall every keep-alive response by ~40 ms.
    disable_nagle_algorithm = True
    server_version = "FakeWistia/1.0"
    sys_version = ""
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)
            self.server.handler_threads.add(threading.current_thread())

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
            self.server.handler_threads.discard(threading.current_thread())
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._serve()

    def _other(self) -> None:
        self._drain_body()
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _other

    def _drain_body(self) -> None:
        length = self.headers.get("Content-Length")
        if length is not None:
            with contextlib.suppress(ValueError, OSError):
                self.rfile.read(int(length))
        elif self.headers.get("Transfer-Encoding"):
            self.close_connection = True

    def _serve(self) -> None:
        app = self.server.app
        try:
            response, _ = app._process(
                self.command,
                self.path,
                self.headers.get("Authorization"),
                self.headers.get("X-Wistia-API-Version"),
            )
        except Exception:
            app.errors.append(traceback.format_exc())
            response = _error(500)
        pause = float(app.latency or 0.0) + response.delay
        # An Event, not time.sleep: `stop()` ends the wait at once.
        if pause > 0 and self.server.stopping.wait(pause):
            self.close_connection = True
            return
        if response.reset:
            self._reset()
            return
        try:
            self.send_response(response.status)
            if response.content_type is not None:
                self.send_header("Content-Type", response.content_type)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD" and response.body:
                self.wfile.write(response.body)
        except OSError:
            self.close_connection = True

    def _reset(self) -> None:
        """Drop the connection with a TCP RST and no response."""
        self.close_connection = True
        conn = self.connection
        with self.server.connections_lock:
            self.server.connections.discard(conn)
        with contextlib.suppress(OSError):
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            socket.close(conn.detach())
