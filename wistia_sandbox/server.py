"""A local, Wistia-compatible HTTP server for tests, with fault injection: the Data API v1
under /v1, and the modern API's media analytics under /modern (see ``analytics``).

Standard library only. See ``FakeWistia`` for the public API. This module holds FakeWistia's
lifecycle, knobs and request log, and the pipeline every request goes through (rate limit,
auth, faults, routing). Each token reads one account: ``token`` reads ``dataset``, and
``add_account`` serves another account's dataset to its own token on the same URL, as Wistia
does (several accounts, one API; ``accounts.py`` builds a second account whose ids overlap
the first's). Routing looks the path up in ``Dataset.lists`` first: a plain list
endpoint is data, served by plain_lists.py, so adding one touches no route. What the other
v1 paths answer is in v1_routes.py, the faults in faults.py, the HTTP server and handler in
http_plumbing.py.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from . import analytics, plain_lists
from .data import generate_dataset
from .dataset import Dataset
from .faults import Fault, FaultSet
from .http_plumbing import (
    API_PREFIX,
    FORBIDDEN_MESSAGE,
    JSON_TYPE,
    MODERN_PREFIX,
    TEXT_TYPE,
    _BadRequest,
    _empty,
    _error,
    _HTTPServer,
    _json,
    _rate_limited,
    _Response,
)
from .v1_routes import V1Routes

STOP_TIMEOUT_SECONDS = 2.0


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


class FakeWistia(V1Routes):
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
        # Further accounts by token (`add_account`); `token` reads `dataset`.
        self.other_accounts: dict[str, Dataset] = {}
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

    def add_account(self, token: str, dataset: Dataset) -> None:
        """Serve ``dataset`` as another account to requests bearing ``token``."""
        if token == self.token:
            raise ValueError("each account needs its own token")
        with self.lock:
            self.other_accounts[token] = dataset

    @property
    def tokens(self) -> dict[str, Dataset]:
        """Every account's dataset by token, the first account's first."""
        return {self.token: self.dataset, **self.other_accounts}

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
            dataset = self._account_of(authorization)
            if response is None and dataset is None:
                response = _error(401)
            if response is None:
                fault = self.faults.pick(log_path)
                if fault is not None and fault.kind == "status":
                    response = self._fault_response(fault, log_path)
                elif fault is not None and fault.kind == "reset":
                    response = _Response(0, reset=True)
            if response is None and dataset is not None:
                if self.on_request is not None:
                    self.on_request(log_path, query)
                response = self._route(dataset, method, rel, query, modern, api_version)
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

    def _account_of(self, authorization: str | None) -> Dataset | None:
        """The dataset of the account whose ``Authorization: Bearer <token>`` this is; None
        for anything else (Basic and ``api_password`` are refused)."""
        if not authorization:
            return None
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.tokens.get(credentials.strip())

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
        ds: Dataset,
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
        if modern and api_version is not None and api_version not in analytics.SUPPORTED_VERSIONS:
            return _error(400, f"Unsupported X-Wistia-API-Version {api_version!r}")
        parts = [p for p in rel.split("/") if p]
        api = MODERN_PREFIX if modern else API_PREFIX
        records = ds.lists.get(f"{api}/{'/'.join(parts)}")
        try:
            if records is not None:
                return _json(200, plain_lists.page_of(records, query, modern=modern))
            if modern:
                return self._modern(ds, parts, query)
            return self._dispatch(ds, parts, query)
        except _BadRequest as exc:
            return exc.response

    def _modern(self, ds: Dataset, parts: list[str], query: dict[str, list[str]]) -> _Response:
        if not parts or parts[0] != "analytics":
            return _error(404, f"No route for /modern/{'/'.join(parts)}")
        try:
            return _json(200, analytics.dispatch(ds, parts[1:], query))
        except analytics.AnalyticsError as exc:
            return _empty(exc.status) if exc.body is None else _json(exc.status, exc.body)
