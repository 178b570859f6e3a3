"""The adaptive in-flight limit, driven by a simulated API on a virtual clock (no sleeping).

The simulation is the tap's request path reduced to its timing: a request takes a slot of
the limit (`admit`), waits for its throttle slot (evenly spaced, as `Throttle` spaces
them), is answered after the server's latency, and frees its slot. The server's latency
may depend on how many requests it is serving. Figures are measured as the benchmark
measures them at the server: requests per minute from the first to the last request.
"""

from __future__ import annotations

import heapq
import logging
import random
import threading
import typing as t

import pytest
import requests

from tap_wistia.http.budget import Throttle
from tap_wistia.http.concurrency import HOLD_EPOCHS, AdaptiveLimit, Outcome
from tap_wistia.http.errors import RateLimited
from tap_wistia.http.retries import Retrier
from tests.tap_harness import FakeClock

BUDGET = 600


class Simulation:
    """Requests as fast as the limit and the budget allow, against a latency function."""

    def __init__(
        self, latency: t.Callable[[int, float], float], *, ceiling: int = 40, seed: int = 1
    ) -> None:
        self.clock = FakeClock()
        self.interval = Throttle(BUDGET).interval
        self.limit = AdaptiveLimit(self.interval, ceiling, self.clock)
        self.latency = latency  # (requests at the server, now) -> seconds
        self.random = random.Random(seed)
        self.sent_at: list[float] = []
        self.peak_admitted = 0
        self._admitted = 0
        self._at_server = 0
        self._next_slot = 0.0
        self._events: list[tuple[float, int, str, t.Any]] = []
        self._seq = 0
        self.rate_limit_next = False  # the next answer is a 429

    def _schedule(self, at: float, kind: str, slot: t.Any) -> None:
        self._seq += 1
        heapq.heappush(self._events, (at, self._seq, kind, slot))

    def _fill(self) -> None:
        while self._admitted < self.limit.limit:
            slot = self.limit.admit()  # never blocks: below the limit
            self._admitted += 1
            self.peak_admitted = max(self.peak_admitted, self._admitted)
            send = max(self.clock.now, self._next_slot)
            self._next_slot = send + self.interval
            self._schedule(send, "send", slot)

    def run(self, requests: int, *, jitter: float = 0.5) -> Simulation:
        self._fill()
        while len(self.sent_at) < requests or (self.rate_limit_next and self._events):
            at, _, kind, slot = heapq.heappop(self._events)
            self.clock.now = at
            if kind == "send":
                slot.sent()
                self._at_server += 1
                self.sent_at.append(at)
                factor = 1 + self.random.uniform(-jitter, jitter)
                self._schedule(at + self.latency(self._at_server, at) * factor, "answer", slot)
            else:
                self._at_server -= 1
                self._admitted -= 1
                outcome = Outcome.RATE_LIMITED if self.rate_limit_next else Outcome.ANSWERED
                self.rate_limit_next = False
                slot.done(outcome)
                self._fill()
        return self

    def share(self) -> float:
        first, last = self.sent_at[0], self.sent_at[-1]
        return (len(self.sent_at) - 1) / (last - first) * 60 / BUDGET

    def busiest_minute(self) -> int:
        busiest, low = 0, 0
        for high, at in enumerate(self.sent_at):
            while at - self.sent_at[low] >= 60.0:
                low += 1
            busiest = max(busiest, high - low + 1)
        return busiest


@pytest.mark.parametrize("seconds", [0.05, 0.3, 1.0, 3.0])
def test_the_whole_budget_at_any_latency_with_jitter_and_never_more(seconds):
    # 230 requests: the benchmark's 20,000 events over 30 days, start-up ramp included
    # (nothing is known before the first answer: at 3 s the ramp costs most of the 10 %).
    runs = [Simulation(lambda at_server, now: seconds, seed=seed).run(230) for seed in range(5)]
    assert sum(run.share() for run in runs) / len(runs) >= 0.9
    sim = runs[0]
    assert sim.busiest_minute() <= BUDGET  # the server would answer no 429
    assert sim.peak_admitted <= 40
    # Not more than the budget can use: about latency / interval, plus headroom.
    assert sim.limit.limit <= sim.limit.target(seconds * 1.5)


def test_past_the_first_latency_the_budget_is_used_in_full_at_3_s():
    # One minute of the budget: the ramp (one latency to learn it) weighs less.
    runs = [Simulation(lambda at_server, now: 3.0, seed=seed).run(600) for seed in range(5)]
    assert min(run.share() for run in runs) >= 0.94


def test_a_fixed_eight_in_flight_starves_the_budget_at_3_s():
    # What the adaptive limit replaces: the old fixed default.
    sim = Simulation(lambda at_server, now: 3.0, ceiling=8).run(230)
    assert sim.share() < 0.3


def test_a_429_halves_the_limit_at_once_and_holds_it():
    sim = Simulation(lambda at_server, now: 3.0).run(300, jitter=0.0)
    before = sim.limit.limit
    assert before >= 30
    sim.rate_limit_next = True
    sim.run(0)
    assert sim.limit.limit == before // 2
    sim.run(1_200, jitter=0.0)  # growth is held for HOLD_EPOCHS epochs, then comes back
    held = sim.limit.history[sim.limit.history.index(before // 2) :]
    assert held[0] == before // 2
    assert max(sim.limit.history[-1:]) > before // 2
    assert sim.limit.rate_limited == 1


def test_a_server_that_slows_under_load_is_not_pushed_harder():
    # Each request at the server adds 100 ms to every answer: 8 in flight take 1.1 s, 15
    # take 1.8 s. The budget would need about 300 in flight (30 s each).
    sim = Simulation(lambda at_server, now: 0.3 + 0.1 * at_server).run(2_000, jitter=0.2)
    assert max(sim.limit.history) <= 20
    # A server whose latency does not depend on load gets the formula's limit at once.
    steady = Simulation(lambda at_server, now: 1.8).run(300, jitter=0.2)
    assert steady.limit.limit >= 20


def test_latency_doubling_at_the_same_concurrency_cuts_the_limit():
    sim = Simulation(lambda at_server, now: 1.0 if now < 30 else 4.0).run(400, jitter=0.0)
    history = sim.limit.history
    settled = sim.limit.target(1.0)
    assert settled in history
    after = history[history.index(settled) + 1 :]
    assert after and after[0] == settled * 3 // 4  # backed off first ...
    sim.run(1_500, jitter=0.0)
    assert sim.limit.limit > settled  # ... then, held HOLD_EPOCHS, grew to the new latency
    assert HOLD_EPOCHS >= 1


def test_failures_cut_the_limit_by_a_quarter():
    clock = FakeClock()
    limit = AdaptiveLimit(0.1, 40, clock, initial=16)
    outcomes = [Outcome.ANSWERED] * 2 + [Outcome.FAILED, *[Outcome.ANSWERED] * 3] * 4
    for outcome in outcomes:  # the first epoch (2 answers), then one of 16 answers
        slot = limit.admit()
        slot.sent()
        clock.now += 1.0
        slot.done(outcome)
    assert limit.history == [16, 12]


def test_admit_blocks_at_the_limit_across_threads():
    limit = AdaptiveLimit(0.1, 2, FakeClock())
    inside, peak = 0, 0
    lock = threading.Lock()
    release = threading.Event()

    def worker() -> None:
        nonlocal inside, peak
        slot = limit.admit()
        with lock:
            inside += 1
            peak = max(peak, inside)
        release.wait(timeout=5)
        with lock:
            inside -= 1
        slot.done(Outcome.ANSWERED)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(timeout=5)
    assert peak <= 2
    assert not any(thread.is_alive() for thread in threads)


def test_every_attempt_of_the_run_holds_a_slot_and_a_429_reaches_the_limit():
    clock = FakeClock()
    throttle = Throttle(BUDGET, clock=clock)
    limit = AdaptiveLimit(throttle.interval, 40, clock)
    retrier = Retrier(
        throttle,
        logging.getLogger("tap-wistia.test-concurrency"),
        max_retries=2,
        rate_limit_budget_seconds=600,
        api_url="http://x/v1",
        concurrency=limit,
    )
    request = requests.Request("GET", "http://x/v1/medias").prepare()
    ok = requests.Response()
    ok.status_code = 200
    answers = iter([RateLimited("429", ok, 1.0), ok])

    def attempt() -> requests.Response:
        clock.now += 0.3  # the server's latency
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert retrier.send(request, attempt) is ok
    assert limit.rate_limited == 1
    assert limit.history == [16, 8]  # halved by the 429, from the start value


def test_without_a_real_budget_the_target_assumes_100_requests_a_second():
    unthrottled = AdaptiveLimit(Throttle(1_000_000).interval, 40, FakeClock())
    assert unthrottled.target(0.02) == 4  # not the ceiling: 40 in flight cost 340 MB at 1M
    assert AdaptiveLimit(Throttle(BUDGET).interval, 40, FakeClock()).target(3.0) == 39
