"""A local, Wistia-compatible HTTP server for tests, with fault injection: the Data API v1
under /v1, and the modern API's media analytics under /modern (see ``analytics``).

Standard library only. See ``FakeWistia`` for the public API.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import struct
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import analytics
from .cursor import CursorError, cursor_page, wants_cursor
from .data import generate_dataset
from .dataset import Dataset
from .record_basics import Record, parse_ts

API_PREFIX = "/v1"
MODERN_PREFIX = "/modern"  # the dated API; only its /analytics routes are served
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
FAULT_KINDS = ("status", "truncate", "reset", "delay")
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
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STOP_TIMEOUT_SECONDS = 2.0


# --------------------------------------------------------------------------- request log


@dataclass(frozen=True)
class RequestLog:
    """One request as served. ``path`` is relative to /v1 (or /modern) without ``.json``."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int  # status actually answered; 0 for a connection reset
    authorization: str | None
    fault: str | None
    api_version: str | None = None  # the X-Wistia-API-Version header, if sent


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    kind: str
    times: int = 1
    every: int | None = None
    path: str | None = None
    status: int | None = None
    retry_after: str | None = None
    delay: float | None = None
    body: str | bytes | None = None
    seen: int = 0  # matching requests that reached this fault (for ``every``)
    applied: int = 0

    def matches(self, path: str) -> bool:
        return self.path is None or path.startswith(self.path)

    @property
    def exhausted(self) -> bool:
        return self.every is None and self.applied >= self.times

    def take(self) -> bool:
        """Called for a matching request: does the fault apply to it?"""
        if self.every is not None:
            self.seen += 1
            if self.seen % self.every == 0:
                self.applied += 1
                return True
            return False
        if self.applied < self.times:
            self.applied += 1
            return True
        return False


class FaultSet:
    """Registered faults; the first one that applies to a request wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        kind: str,
        *,
        times: int = 1,
        every: int | None = None,
        path: str | None = None,
        status: int | None = None,
        retry_after: str | int | None = None,
        delay: float | None = None,
        body: str | bytes | None = None,
    ) -> Fault:
        """Register a fault.

        kind: "status" (answer ``status``), "truncate" (200 with half the JSON body), "reset"
        (close the connection without answering) or "delay" (sleep ``delay`` s, then answer).
        ``path`` is a prefix of the path relative to /v1 (e.g. "/stats/events"). ``times``: the
        next N matching requests; ``every``: every Nth matching request, indefinitely.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if kind == "status" and status is None:
            raise ValueError("a 'status' fault needs status=")
        if kind == "delay" and delay is None:
            raise ValueError("a 'delay' fault needs delay=")
        if every is not None and every < 1:
            raise ValueError("every must be >= 1")
        if path is not None and path.startswith(API_PREFIX + "/"):
            path = path[len(API_PREFIX) :]
        fault = Fault(
            kind=kind,
            times=times,
            every=every,
            path=path,
            status=status,
            retry_after=None if retry_after is None else str(retry_after),
            delay=delay,
            body=body,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pick(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.matches(path):
                    continue
                if fault.take():
                    return fault
            return None

    @property
    def pending(self) -> list[Fault]:
        """Faults that can still apply."""
        with self._lock:
            return [f for f in self._faults if not f.exhausted]

    def __len__(self) -> int:
        return len(self.pending)


# --------------------------------------------------------------------------- responses


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


# --------------------------------------------------------------------------- params


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values or values[0] == "":
        return None
    return values[0]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _per_page(query: dict[str, list[str]]) -> int:
    per_page = _int(_first(query, "per_page"), DEFAULT_PER_PAGE)
    if per_page < 1:
        per_page = DEFAULT_PER_PAGE
    return min(per_page, MAX_PER_PAGE)


def _paginate(items: list[Record], query: dict[str, list[str]]) -> list[Record]:
    page = _int(_first(query, "page"), 1)
    if page < 1:
        page = 1
    per_page = _per_page(query)
    start = (page - 1) * per_page
    return items[start : start + per_page]


def _date_param(query: dict[str, list[str]], name: str) -> date | None:
    value = _first(query, name)
    if value is None:
        return None
    if _DATE_RE.match(value):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise _BadRequest(
        _json(422, {"error": f"Invalid {name} {value!r}: dates must be formatted YYYY-MM-DD"})
    )


def _sorted(
    items: list[Record],
    query: dict[str, list[str]],
    keys: dict[str, Callable[[Record], Any]],
) -> list[Record]:
    sort_by = _first(query, "sort_by")
    desc = _first(query, "sort_direction") == "0"
    key = keys.get(sort_by or "id", keys["id"])
    return sorted(items, key=lambda r: (key(r), r["id"]), reverse=desc)


def _bool_param(value: str | None) -> bool | None:
    if value is None:
        return None
    low = value.lower()
    if low in ("true", "1", "yes"):
        return True
    if low in ("false", "0", "no"):
        return False
    return None


# --------------------------------------------------------------------------- server


class _HTTPServer(ThreadingHTTPServer):
    # Daemon handler threads: server_close() never joins them, and a handler the server
    # could not wake (stuck in a write to a client that stopped reading) cannot keep the
    # process alive. `FakeWistia.stop` wakes and joins them itself, with a deadline.
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: FakeWistia) -> None:
        self.app = app
        self.connections: set[socket.socket] = set()
        self.handler_threads: set[threading.Thread] = set()
        self.connections_lock = threading.Lock()
        self.stopping = threading.Event()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet
        return


class FakeWistia:
    """A local Wistia Data API v1 server (``srv.url`` = ``http://127.0.0.1:<port>/v1``).

    Usage::

        with FakeWistia(generate_dataset(seed=1)) as srv:
            requests.get(f"{srv.url}/medias", headers={"Authorization": f"Bearer {srv.token}"})
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        token: str = "test-token",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
        rate_limit_per_minute: int | None = None,
    ) -> None:
        self.dataset: Dataset = dataset if dataset is not None else generate_dataset()
        self.token = token
        self.host = host
        self.port = port
        self.lock = threading.RLock()
        self.faults = FaultSet()
        self.forbidden_prefixes: set[str] = set()
        self.latency = latency
        # Called (under `lock`) with (path, query) before each authorised request is routed,
        # so a test can change the data between two pages of one listing.
        self.on_request: Callable[[str, dict[str, list[str]]], None] | None = None
        self._rate_limit: int | None = rate_limit_per_minute
        self._window: deque[float] = deque()
        self._log: list[RequestLog] = []
        self.errors: list[str] = []  # tracebacks of unexpected server-side exceptions
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------
    def start(self) -> FakeWistia:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-wistia-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop serving within about `timeout` seconds, whatever the handlers are doing.

        Delayed responses are woken, every open connection is shut down (clients blocked on
        a response get an error at once), and handler threads are joined with a deadline:
        a hung request can never stall a test's teardown.
        """
        httpd = self._httpd
        if httpd is None:
            return
        self._httpd = None
        deadline = time.monotonic() + timeout
        httpd.stopping.set()  # wakes handlers sleeping in a delay
        httpd.shutdown()
        with httpd.connections_lock:
            conns = list(httpd.connections)
            handlers = list(httpd.handler_threads)
        for conn in conns:  # wake handler threads blocked on their connection
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        for thread in [self._thread, *handlers]:
            if thread is not None:
                thread.join(timeout=max(deadline - time.monotonic(), 0.0))
        self._thread = None

    def __enter__(self) -> FakeWistia:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def modern_url(self) -> str:
        return f"http://{self.host}:{self.port}{MODERN_PREFIX}"

    # -- knobs -----------------------------------------------------------
    @property
    def rate_limit_per_minute(self) -> int | None:
        return self._rate_limit

    @rate_limit_per_minute.setter
    def rate_limit_per_minute(self, value: int | None) -> None:
        with self.lock:
            self._rate_limit = value
            self._window.clear()

    # -- request log -----------------------------------------------------
    @property
    def requests(self) -> list[RequestLog]:
        """Every request served (including faulted ones), in arrival order (a copy)."""
        with self.lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self.lock:
            self._log.clear()

    def requests_to(self, path_prefix: str) -> list[RequestLog]:
        """Requests whose path (relative to /v1, no ``.json``) starts with ``path_prefix``."""
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    # -- request processing (called by the handler) ----------------------
    def _process(
        self,
        method: str,
        raw_path: str,
        authorization: str | None,
        api_version: str | None = None,
    ) -> tuple[_Response, RequestLog]:
        split = urlsplit(raw_path)
        query = parse_qs(split.query, keep_blank_values=True)
        path = unquote(split.path)
        rel: str | None = None
        modern = path.startswith(MODERN_PREFIX + "/")
        if modern:
            rel = path[len(MODERN_PREFIX) :].rstrip("/")
        elif path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            rel = path[len(API_PREFIX) :].rstrip("/")
            if rel.endswith(".json"):
                rel = rel[: -len(".json")]
        log_path = rel if rel is not None else path
        fault: Fault | None = None
        with self.lock:
            response = self._rate_check()
            if response is None and not self._authorized(authorization):
                response = _error(401)
            if response is None:
                fault = self.faults.pick(log_path)
                if fault is not None and fault.kind == "status":
                    response = self._fault_response(fault, log_path)
                elif fault is not None and fault.kind == "reset":
                    response = _Response(0, reset=True)
            if response is None:
                if self.on_request is not None:
                    self.on_request(log_path, query)
                response = self._route(method, rel, query, modern, api_version)
                if fault is not None and fault.kind == "truncate":
                    cut = response.body[: len(response.body) // 2]
                    response = _Response(200, cut, JSON_TYPE, response.headers)
                elif fault is not None and fault.kind == "delay":
                    response.delay = float(fault.delay or 0.0)
            entry = RequestLog(
                method=method,
                path=log_path,
                query=query,
                status=response.status,
                authorization=authorization,
                fault=fault.kind if fault is not None else None,
                api_version=api_version,
            )
            self._log.append(entry)
        return response, entry

    def _rate_check(self) -> _Response | None:
        limit = self._rate_limit
        if limit is None:
            return None
        now = time.monotonic()
        window = self._window
        while window and now - window[0] >= 60.0:
            window.popleft()
        if len(window) >= limit:
            wait = max(1, math.ceil(window[0] + 60.0 - now)) if window else 60
            return _rate_limited(str(wait))
        window.append(now)
        return None

    def _authorized(self, authorization: str | None) -> bool:
        """Only ``Authorization: Bearer <token>`` (Basic and ``api_password`` are refused)."""
        if not authorization:
            return False
        scheme, _, credentials = authorization.strip().partition(" ")
        return scheme.lower() == "bearer" and credentials.strip() == self.token

    def _fault_response(self, fault: Fault, path: str) -> _Response:
        status = int(fault.status or 500)
        headers = (("Retry-After", fault.retry_after),) if fault.retry_after is not None else ()
        if fault.body is not None:
            body = fault.body.encode("utf-8") if isinstance(fault.body, str) else fault.body
            try:
                json.loads(body)
                ctype = JSON_TYPE
            except ValueError:
                ctype = TEXT_TYPE
            return _Response(status, body, ctype, headers)
        if status == 429:
            return _rate_limited(fault.retry_after)
        if status == 404 and path.startswith(("/stats", "/analytics")):
            return _Response(404, b"", None, headers)
        if status == 503 and path.startswith("/analytics"):
            return _json(503, {"error": analytics.UNAVAILABLE_MESSAGE}, headers)
        response = _error(status)
        response.headers = headers
        return response

    def _route(
        self,
        method: str,
        rel: str | None,
        query: dict[str, list[str]],
        modern: bool = False,
        api_version: str | None = None,
    ) -> _Response:
        if rel is None:
            return _error(404, "Not found: the API lives under /v1")
        for prefix in self.forbidden_prefixes:
            if rel.startswith(prefix):
                return _error(403, FORBIDDEN_MESSAGE)
        if method != "GET":
            return _error(405, f"Method {method} not allowed")
        parts = [p for p in rel.split("/") if p]
        if modern:
            return self._modern(parts, query, api_version)
        try:
            return self._dispatch(parts, query)
        except _BadRequest as exc:
            return exc.response

    def _dispatch(self, parts: list[str], query: dict[str, list[str]]) -> _Response:
        ds = self.dataset
        n = len(parts)
        if parts == ["projects"]:
            return _json(200, self._list_projects(query))
        if parts == ["medias"]:
            return _json(200, self._list_medias(query))
        if n >= 2 and parts[0] == "stats":
            kind = parts[1]
            if parts[1:] == ["account"]:
                return _json(200, ds.account_stats())
            if kind == "projects" and n == 3:
                project = ds.find_project(parts[2])
                return _json(200, ds.project_stats(project)) if project else _empty(404)
            if kind == "medias" and n in (3, 4):
                media = ds.find_media(parts[2])
                if n == 3:
                    return _json(200, ds.media_stats(media)) if media else _empty(404)
                if parts[3] == "engagement":
                    return _json(200, ds.media_engagement(media)) if media else _empty(404)
                if parts[3] == "by_date":
                    return self._by_date(media, query) if media else _empty(404)
            if kind == "visitors" and n == 2:
                return _json(200, self._list_visitors(query))
            if kind == "visitors" and n == 3:
                visitor = ds.find_visitor(parts[2])
                return _json(200, visitor) if visitor else _empty(404)
            if kind == "events" and n == 2:
                return _json(200, self._list_events(query))
            if kind == "events" and n == 3:
                event = ds.find_event(parts[2])
                return _json(200, event) if event else _empty(404)
        return _error(404, f"No route for /{'/'.join(parts)}")

    def _modern(
        self, parts: list[str], query: dict[str, list[str]], api_version: str | None
    ) -> _Response:
        if api_version is not None and api_version not in analytics.SUPPORTED_VERSIONS:
            return _error(400, f"Unsupported X-Wistia-API-Version {api_version!r}")
        if not parts or parts[0] != "analytics":
            return _error(404, f"No route for /modern/{'/'.join(parts)}")
        try:
            return _json(200, analytics.dispatch(self.dataset, parts[1:], query))
        except analytics.AnalyticsError as exc:
            return _empty(exc.status) if exc.body is None else _json(exc.status, exc.body)

    # -- endpoints -------------------------------------------------------
    def _list_projects(self, query: dict[str, list[str]]) -> list[Record]:
        items = list(self.dataset.projects)
        wanted = set(query.get("hashed_ids[]", []) + query.get("hashed_ids", []))
        if wanted:
            items = [p for p in items if p["hashedId"] in wanted]
        items = _sorted(
            items,
            query,
            {
                "id": lambda p: p["id"],
                "name": lambda p: p["name"],
                "created": lambda p: parse_ts(p["created"]),
                "updated": lambda p: parse_ts(p["updated"]),
                "mediaCount": lambda p: p["mediaCount"],
            },
        )
        return _paginate(items, query)

    def _list_medias(self, query: dict[str, list[str]]) -> list[Record]:
        ds = self.dataset
        items = list(ds.medias)
        project_id = _first(query, "project_id")
        if project_id is not None:
            project = ds.find_project(project_id)
            pid = project["id"] if project else None
            items = [m for m in items if m["project"]["id"] == pid]
        wanted = [v for v in query.get("hashed_ids[]", []) + query.get("hashed_ids", []) if v]
        if wanted:
            items = [m for m in items if m["hashed_id"] in set(wanted)]
        hashed_id = _first(query, "hashed_id")
        if hashed_id is not None:
            items = [m for m in items if m["hashed_id"] == hashed_id]
        mtype = _first(query, "type")
        if mtype is not None:
            items = [m for m in items if m["type"] == mtype]
        archived = _bool_param(_first(query, "archived"))
        if archived is not None:
            items = [m for m in items if m["archived"] is archived]
        name = _first(query, "name")
        if name is not None:
            items = [m for m in items if m["name"] == name]
        tags = [t for t in query.get("tags[]", []) if t]
        if tags:
            items = [m for m in items if set(tags) <= {t["name"] for t in m.get("tags", [])}]
        keys: dict[str, Callable[[Record], Any]] = {
            "id": lambda m: m["id"],
            "name": lambda m: m["name"],
            "created": lambda m: parse_ts(m["created"]),
            "updated": lambda m: parse_ts(m["updated"]),
            "position": lambda m: (m["project"]["id"], ds.media_position(m)),
        }
        if wants_cursor(query):
            try:
                return cursor_page(
                    items, query, keys[_first(query, "sort_by") or "id"], _per_page(query)
                )
            except (CursorError, KeyError) as exc:
                message = str(exc) if isinstance(exc, CursorError) else "Invalid sort_by"
                raise _BadRequest(_json(400, {"error": message})) from None
        return _paginate(_sorted(items, query, keys), query)

    def _list_visitors(self, query: dict[str, list[str]]) -> list[Record]:
        ds = self.dataset
        items: list[Record] = ds.visitors
        flt = _first(query, "filter")
        if flt == "has_name":
            items = [v for v in items if v["visitor_identity"]["name"]]
        elif flt == "has_email":
            items = [v for v in items if v["visitor_identity"]["email"]]
        elif flt == "identified_by_email_gate":
            items = [v for v in items if ds.visitor_identified_by_email_gate(v)]
        search = _first(query, "search")
        if search is not None:
            needle = search.casefold()
            items = [
                v
                for v in items
                if needle in (v["visitor_identity"]["name"] or "").casefold()
                or needle in (v["visitor_identity"]["email"] or "").casefold()
            ]
        return _paginate(items, query)

    def _list_events(self, query: dict[str, list[str]]) -> list[Record]:
        ds = self.dataset
        start = _date_param(query, "start_date")
        end = _date_param(query, "end_date")
        media_id = _first(query, "media_id")
        visitor_key = _first(query, "visitor_key")
        if media_id is not None:
            media = ds.find_media(media_id)
            hashed = media["hashed_id"] if media else media_id
            items = ds.events_of_media(hashed)
            if visitor_key is not None:
                items = [e for e in items if e["visitor_key"] == visitor_key]
        elif visitor_key is not None:
            items = ds.events_of_visitor(visitor_key)
        else:
            items = ds.events_newest_first()
        if start is not None or end is not None:
            lo = datetime.combine(start, datetime.min.time(), UTC) if start else None
            hi = (
                datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC) if end else None
            )
            items = [
                e
                for e in items
                if (lo is None or parse_ts(e["received_at"]) >= lo)
                and (hi is None or parse_ts(e["received_at"]) < hi)
            ]
        return _paginate(items, query)

    def _by_date(self, media: Record, query: dict[str, list[str]]) -> _Response:
        start = _date_param(query, "start_date")
        end = _date_param(query, "end_date")
        today = datetime.now(UTC).date()
        if end is None:
            end = today if start is None or start <= today else start
        if start is None:
            start = end - timedelta(days=1)
        if start > end:
            return _json(200, [])
        return _json(200, self.dataset.media_by_date(media, start, end))


# --------------------------------------------------------------------------- handler


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
