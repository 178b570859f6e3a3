"""A tiny scripted HTTP(S) server for hostile-API tests: each request gets the `Reply` a
test's function returns (echoed headers, HTML, a slow drip, an endless body, redirects).

Like the sandbox, `stop()` never waits for a handler: drips and endless bodies end when
the server stops, sockets are shut, handler threads are joined with a deadline.

Every run first reads the account (`GET /v1/account`, for each record's `account_id`): the
server answers it with `ACCOUNT` itself, unseen by the script and not in `seen`, so a
script plays the endpoint under test only (`answer_account=False` hands it to the script).
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

CERT_DIR = Path(__file__).resolve().parent / "certs"
# Self-signed for localhost and 127.0.0.1 (valid until 2126): trusted by no CA bundle.
SELF_SIGNED_CERT = CERT_DIR / "localhost.pem"
SELF_SIGNED_KEY = CERT_DIR / "localhost-key.pem"
ACCOUNT = {"id": 7, "name": "Scripted"}


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    drip_seconds: float = 0.0  # pause between single bytes of the body
    drip_head: bool = False  # drip the status line and headers instead of the body
    endless: bool = False  # send `body` over and over, with no Content-Length


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True  # `ScriptedServer` joins its handlers itself, with a deadline
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # clients that hang up mid-reply are what these tests do: print nothing


class ScriptedServer:
    def __init__(
        self, respond: Callable[[Seen], Reply], *, tls: bool = False, answer_account: bool = True
    ) -> None:
        self.respond = respond
        self.answer_account = answer_account
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._handlers: set[threading.Thread] = set()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(SELF_SIGNED_CERT, SELF_SIGNED_KEY)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        with self._lock:
            connections, handlers = list(self._connections), list(self._handlers)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        for thread in [self._thread, *handlers]:
            thread.join(timeout=2)


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with server._lock:
                server._connections.add(self.connection)
                server._handlers.add(threading.current_thread())

        def finish(self) -> None:
            with server._lock:
                server._connections.discard(self.connection)
                server._handlers.discard(threading.current_thread())
            with contextlib.suppress(OSError):
                super().finish()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_GET(self) -> None:
            if server.answer_account and self.path.split("?")[0].endswith("/v1/account"):
                self._send(Reply(body=json.dumps(ACCOUNT).encode()))
                return
            seen = Seen(self.command, self.path, dict(self.headers.items()))
            with server._lock:
                server.seen.append(seen)
            reply = server.respond(seen)
            try:
                self._send(reply)
            except OSError:
                self.close_connection = True

        def _drip(self, data: bytes, seconds: float) -> bool:
            """Sends `data` a byte at a time; False if the server stopped meanwhile."""
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                if server.stopping.wait(seconds):
                    return False
            return True

        def _send(self, reply: Reply) -> None:
            if reply.drip_head:
                lines = [f"HTTP/1.1 {reply.status} OK"]
                lines += [f"{name}: {value}" for name, value in reply.headers.items()]
                lines.append(f"Content-Length: {len(reply.body)}")
                head = ("\r\n".join(lines) + "\r\n\r\n").encode()
                if self._drip(head, reply.drip_seconds):
                    self.wfile.write(reply.body)
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.endless:
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                while not server.stopping.is_set():
                    self.wfile.write(reply.body)
                return
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if not reply.drip_seconds:
                self.wfile.write(reply.body)
                return
            self._drip(reply.body, reply.drip_seconds)

    return Handler
