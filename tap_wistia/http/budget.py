"""One request budget for the whole run.

Wistia allows a fixed number of requests per minute per account (600 today), shared by
every integration of the account. The tap spaces its requests evenly, 1 % wider than
`60 / max_requests_per_minute` seconds: at exact spacing 601 requests span exactly 60 s,
and network jitter let the server count all of them in one minute (measured: one 429 per
run at full speed). A 429 pauses every request of the run, not just the one that got it.

Time comes from a `Clock` so tests can observe waits without sleeping.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


SAFETY_MARGIN = 1.01


class Throttle:
    """Evenly spaced request slots, thread-safe, with a shared pause for 429s."""

    def __init__(self, requests_per_minute: int, clock: Clock | None = None) -> None:
        if requests_per_minute <= 0:
            raise ValueError("requests_per_minute must be positive")
        self.interval = 60.0 / requests_per_minute * SAFETY_MARGIN
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._next_slot: float | None = None
        self._paused_until: float | None = None
        self.rate_limited_seconds = 0.0

    def acquire(self) -> float:
        """Block until this caller may send one request; return the seconds waited."""
        with self._lock:
            now = self.clock.monotonic()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        wait = slot - now
        self.clock.sleep(wait)
        return wait

    def pause(self, seconds: float) -> None:
        """Hold back every request of the run for `seconds` (a 429's Retry-After).

        `rate_limited_seconds` grows by the time this adds to the run's pause: workers
        that get a 429 at the same moment pause the run once, not once each.
        """
        with self._lock:
            now = self.clock.monotonic()
            resume_at = now + seconds
            paused_until = max(now, self._paused_until or now)
            self.rate_limited_seconds += max(resume_at - paused_until, 0.0)
            self._paused_until = max(paused_until, resume_at)
            if self._next_slot is None or self._next_slot < resume_at:
                self._next_slot = resume_at
