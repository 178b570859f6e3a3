"""How many requests the run keeps in flight, learned from the latency it sees.

The request budget (`Throttle`) is the one limit a user sets; concurrency only has to be
high enough for the budget to be spent at the API's latency, and no higher. A fixed
number cannot be right: 8 requests in flight use the whole budget at 300 ms but a fifth
of it at 3 s, and Wistia's latency changes through the day.

Decisions:
- The target follows Little's law: to send one request every `interval` while each takes
  `latency`, `latency / interval` must be in flight. x1.25 absorbs jitter, +1 covers the
  request waiting for its slot. Floor 2 (one waits while one is out), ceiling
  `max_concurrency`. It is never a second budget: every request still waits for its slot
  in the throttle, so a too-high target costs threads, never a 429.
- Latency is measured per attempt from the moment the throttle let it go to the parsed
  response (throttle waits say nothing about the server; the client's own parsing does
  hold a slot). Concurrency at the server is counted the same way.
- The limit is reconsidered per *epoch*: once `max(limit, MIN_SAMPLES)` attempts sent
  under the current limit have answered. Attempts sent under another limit tell about
  another concurrency and are not mixed in.
- A server that slows down under load is not pushed harder. Once the concurrency at the
  server grew past a *reference* epoch's (the last one at the lowest recent load, so
  small steps cannot ratchet it up), latency growing by more than half as much (and
  beyond jitter) means the extra requests bought little throughput: the limit goes back
  to the reference's and holds for `HOLD_EPOCHS` epochs, then probes again (latency may
  have changed for other reasons).
  Latency doubling at unchanged concurrency, or `ERROR_SHARE` of an epoch's attempts
  failing (5xx, timeouts, network errors), cuts the limit by a quarter and holds.
- A 429 halves the limit at once and holds (someone else spends the account's budget).
- It starts at `INITIAL` (twice the old fixed default): the first answer takes one
  latency to arrive, and nothing is known before it. The first epoch ends at the
  `FIRST_SAMPLES`th answer, so a slow API gets its limit after one latency, not after
  many; being the fastest answers, they are no reference for the load check.

One instance per run, shared by every stream (they run one after another). `admit`
blocks a worker while the limit is reached, so pools may have up to `max_concurrency`
threads and still keep no more requests in flight than the limit.
"""

from __future__ import annotations

import enum
import math
import threading
from dataclasses import dataclass

from tap_wistia.http.budget import Clock, SystemClock

HEADROOM = 1.25
FLOOR = 2
INITIAL = 16
MIN_SAMPLES = 8
FIRST_SAMPLES = 2
HOLD_EPOCHS = 8
NOISE = 1.2  # latency ratios below this are jitter, not growth
GROWTH_SHARE = 0.5  # latency may grow half as fast as concurrency before it counts
ERROR_SHARE = 0.2
SMOOTHING = 0.1  # weight of a new answer in the smoothed latency
# A budget above 6,000/min (ten times Wistia's) is no budget (benchmarks, local mocks):
# the target then assumes 100 requests/s, as more in flight would only cost threads,
# CPU and memory (measured: 40 in flight took 340 MB at 1M events, 8 took 155 MB).
MIN_INTERVAL = 0.01


class Outcome(enum.Enum):
    ANSWERED = "answered"  # any HTTP answer but a 429 (errors are the caller's matter)
    RATE_LIMITED = "rate_limited"
    FAILED = "failed"  # 5xx, timeout, network error


@dataclass(frozen=True)
class Level:
    """What one epoch saw: its limit, mean latency and mean concurrency at the server."""

    limit: int
    latency: float
    concurrency: float


class Slot:
    """One attempt's admission; `sent()` when the throttle lets it go, `done()` always."""

    def __init__(self, owner: AdaptiveLimit, epoch: int) -> None:
        self._owner = owner
        self.epoch = epoch
        self.sent_at: float | None = None
        self.concurrency = 0

    def sent(self) -> None:
        self._owner._sent(self)

    def done(self, outcome: Outcome) -> None:
        self._owner._done(self, outcome)


class AdaptiveLimit:
    """The run's in-flight limit; see the module docstring."""

    def __init__(
        self, interval: float, ceiling: int, clock: Clock | None = None, *, initial: int = INITIAL
    ) -> None:
        self.interval = interval
        self.ceiling = max(ceiling, 1)
        self.floor = min(FLOOR, self.ceiling)
        self.clock: Clock = clock or SystemClock()
        self._limit = min(max(initial, self.floor), self.ceiling)
        self._changed = threading.Condition()
        self._admitted = 0  # holding a slot: waiting for the throttle or at the server
        self._at_server = 0
        self._epoch = 0
        self._hold = 0  # epochs left during which the limit may not grow
        self._previous: Level | None = None
        self._reference: Level | None = None  # the last epoch at the lowest recent load
        self._latency: float | None = None  # smoothed over every answer, of any epoch
        self._reset_epoch()
        self.history: list[int] = [self._limit]  # every limit taken, for logs and tests
        self.rate_limited = 0

    @property
    def limit(self) -> int:
        return self._limit

    def target(self, latency: float) -> int:
        """Requests in flight that spend the budget at `latency`, within floor and ceiling."""
        wanted = math.ceil(latency / max(self.interval, MIN_INTERVAL) * HEADROOM) + 1
        return min(max(wanted, self.floor), self.ceiling)

    def admit(self) -> Slot:
        """Block until fewer than `limit` attempts hold a slot, then take one."""
        with self._changed:
            self._changed.wait_for(lambda: self._admitted < self._limit)
            self._admitted += 1
            return Slot(self, self._epoch)

    # --- bookkeeping, under the lock -----------------------------------------------

    def _sent(self, slot: Slot) -> None:
        with self._changed:
            self._at_server += 1
            slot.concurrency = self._at_server
            slot.sent_at = self.clock.monotonic()

    def _done(self, slot: Slot, outcome: Outcome) -> None:
        with self._changed:
            self._admitted -= 1
            if slot.sent_at is not None:
                self._at_server -= 1
            if outcome is Outcome.RATE_LIMITED:
                self.rate_limited += 1
                self._set(self._limit // 2, hold=True)
            elif slot.sent_at is not None:
                self._answered(slot, self.clock.monotonic() - slot.sent_at, outcome)
            self._changed.notify_all()

    def _answered(self, slot: Slot, latency: float, outcome: Outcome) -> None:
        smoothed = self._latency
        self._latency = latency if smoothed is None else smoothed + SMOOTHING * (latency - smoothed)
        if slot.epoch != self._epoch:
            return
        self._samples += 1
        self._latency_sum += latency
        self._concurrency_sum += slot.concurrency
        self._failures += outcome is Outcome.FAILED
        if self._samples >= self._epoch_samples():
            self._end_epoch()

    def _epoch_samples(self) -> int:
        return FIRST_SAMPLES if self._epoch == 0 else max(self._limit, MIN_SAMPLES)

    def _end_epoch(self) -> None:
        level = Level(
            self._limit,
            self._latency_sum / self._samples,
            self._concurrency_sum / self._samples,
        )
        previous, reference = self._previous, self._reference
        if self._epoch > 0:
            self._previous = level
            if reference is None or level.concurrency <= reference.concurrency * 1.1:
                self._reference = level  # the latency of this load, as of now
        if self._failures >= ERROR_SHARE * self._samples:
            self._set(self._limit * 3 // 4, hold=True)
        elif reference is not None and _slowed_by_load(reference, level):
            self._set(reference.limit, hold=True)
        elif (
            previous is not None
            and level.latency > 2 * previous.latency
            and level.concurrency <= previous.concurrency * 1.1
        ):
            self._set(self._limit * 3 // 4, hold=True)
        else:
            target = self.target(max(level.latency, self._latency or 0.0))
            if self._epoch == 0:  # the fastest answers: enough to grow on, not to cut
                target = max(target, self._limit)
            if self._hold:
                self._hold -= 1
                target = min(target, self._limit)
            self._set(target, hold=False)

    def _set(self, limit: int, *, hold: bool) -> None:
        if hold:
            self._hold = HOLD_EPOCHS
        limit = min(max(limit, self.floor), self.ceiling)
        if limit != self._limit:
            self.history.append(limit)
        self._limit = limit
        self._epoch += 1
        self._reset_epoch()

    def _reset_epoch(self) -> None:
        self._samples = 0
        self._failures = 0
        self._latency_sum = 0.0
        self._concurrency_sum = 0.0


def _slowed_by_load(before: Level, after: Level) -> bool:
    """More requests at the server made each one slower by more than jitter, and by
    more than half as much as their number grew: the server is saturating."""
    grew = after.concurrency / max(before.concurrency, 1e-9) - 1
    slowed = after.latency / max(before.latency, 1e-9)
    return grew > 0.1 and slowed > NOISE and slowed - 1 > GROWTH_SHARE * grew
