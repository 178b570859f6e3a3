"""Injected faults of the sandbox: a :class:`Fault` (a status, a truncated body, a connection
reset or a delay, for the next N or every Nth request under a path) and the :class:`FaultSet`
a FakeWistia picks them from.

Split from server.py: registering and selecting faults is independent of serving; the server
only asks ``faults.pick(path)`` for each request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .http_plumbing import API_PREFIX

FAULT_KINDS = ("status", "truncate", "reset", "delay")


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
