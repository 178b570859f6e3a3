"""Password login state: the attempt limits and the sessions, kept in the server's memory.

Decisions:
- Attempt limits, per client and for the whole server, so that guessing costs time:
  after CLIENT_FREE_FAILURES failures a client waits 1 s, then twice as long after each
  further failure, up to CLIENT_MAX_DELAY (15 min); GLOBAL_FAILURES failures within
  GLOBAL_WINDOW (from any clients, e.g. a spray from many addresses) close the login for
  everyone for GLOBAL_LOCKOUT. While a client or the server is locked every attempt is
  refused unchecked (429 + Retry-After), the right password included: otherwise a guess
  that hits during a lockout would still tell the attacker it was right.
- A client is the connection's peer address. X-Forwarded-For is not trusted: anyone could
  send a new one per guess. Behind a reverse proxy every client is the proxy, so the
  per-client limit acts like a second global one; the login still works once it expires.
- A success forgets the client's failures. Memory is bounded: at most MAX_CLIENTS
  clients are remembered (the oldest forgotten first) and at most MAX_SESSIONS sessions.
- Sessions: a random 256-bit token per login, sent once in the cookie and kept here only
  as its SHA-256 (a memory dump or log of this table lets no one in), expiring after
  SESSION_SECONDS; logout forgets it; a restart logs everyone out.
- Time comes from an injectable monotonic clock, so tests need no sleeping.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

CLIENT_FREE_FAILURES = 5
CLIENT_FIRST_DELAY = 1.0
CLIENT_MAX_DELAY = 15 * 60.0
GLOBAL_FAILURES = 100
GLOBAL_WINDOW = 15 * 60.0
GLOBAL_LOCKOUT = 5 * 60.0
MAX_CLIENTS = 10_000
SESSION_SECONDS = 12 * 3600
MAX_SESSIONS = 10_000


@dataclass
class _Client:
    failures: int = 0
    locked_until: float = 0.0


class AttemptLimiter:
    """Counts failed logins; `wait` says how long a client must wait before trying."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._clients: OrderedDict[str, _Client] = OrderedDict()
        self._recent_failures: deque[float] = deque()
        self._global_locked_until = 0.0

    def wait(self, client: str) -> int:
        """Whole seconds before `client` may try again (0: it may try now)."""
        now = self._clock()
        entry = self._clients.get(client)
        until = max(self._global_locked_until, entry.locked_until if entry else 0.0)
        return max(0, math.ceil(until - now))

    def failed(self, client: str) -> None:
        now = self._clock()
        entry = self._clients.pop(client, None) or _Client()
        entry.failures += 1
        extra = entry.failures - CLIENT_FREE_FAILURES
        if extra >= 0:
            delay = min(CLIENT_FIRST_DELAY * 2 ** min(extra, 20), CLIENT_MAX_DELAY)
            entry.locked_until = now + delay
        self._clients[client] = entry  # most recent last
        while len(self._clients) > MAX_CLIENTS:
            self._clients.popitem(last=False)
        self._recent_failures.append(now)
        while self._recent_failures and self._recent_failures[0] <= now - GLOBAL_WINDOW:
            self._recent_failures.popleft()
        if len(self._recent_failures) >= GLOBAL_FAILURES:
            self._global_locked_until = now + GLOBAL_LOCKOUT
            self._recent_failures.clear()

    def succeeded(self, client: str) -> None:
        self._clients.pop(client, None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Logged-in sessions, by the SHA-256 of their cookie token."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def create(self) -> str:
        """A new session's token (for the cookie; only its hash is kept)."""
        now = self._clock()
        for digest in [d for d, until in self._expiry.items() if until <= now]:
            del self._expiry[digest]
        while len(self._expiry) >= MAX_SESSIONS:
            self._expiry.popitem(last=False)
        token = secrets.token_urlsafe(32)  # 256 random bits
        self._expiry[_digest(token)] = now + SESSION_SECONDS
        return token

    def valid(self, token: str) -> bool:
        until = self._expiry.get(_digest(token))
        if until is None:
            return False
        if until <= self._clock():
            del self._expiry[_digest(token)]
            return False
        return True

    def end(self, token: str) -> None:
        self._expiry.pop(_digest(token), None)
