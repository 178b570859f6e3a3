"""HTTP behaviour: the rate budget, retries, and failures a person can act on."""

from __future__ import annotations

import email.utils
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tap_wistia.http.budget import Throttle
from tap_wistia.http.errors import RetriesExhausted, WistiaAuthError
from tap_wistia.http.retries import RateLimitBudgetExhausted
from tests.tap_harness import FakeClock, run_cli, run_sync, tap_config

SECRET = "s3cr3t-T0KEN-never-to-be-printed"


def test_throttle_spaces_requests_evenly():
    clock = FakeClock()
    throttle = Throttle(600, clock=clock)
    starts = []
    for _ in range(5):
        throttle.acquire()
        starts.append(clock.now)
    # 600 per minute is 0.1 s apart, plus the 1 % margin that keeps jitter under the limit.
    assert starts == pytest.approx([0.0, 0.101, 0.202, 0.303, 0.404])


def test_throttle_pause_holds_back_the_next_request():
    clock = FakeClock()
    throttle = Throttle(600, clock=clock)
    throttle.acquire()
    throttle.pause(7)
    assert throttle.acquire() == pytest.approx(7)


def test_simultaneous_429_pauses_count_once_against_the_wait_budget():
    clock = FakeClock()
    throttle = Throttle(600, clock=clock)
    throttle.pause(7)  # eight workers told to wait at the same moment pause the run once
    throttle.pause(7)
    clock.now += 5
    throttle.pause(7)  # a later one extends the pause by 5 s
    assert throttle.rate_limited_seconds == pytest.approx(12)


def test_a_sync_stays_within_the_request_budget(make_wistia):
    server = make_wistia(medias=5, visitors=120, events=300, days=5)
    clock = FakeClock()
    result = run_sync(tap_config(server, max_requests_per_minute=60), clock=clock)
    served = len(server.requests)
    assert result.record_counts()["events"] == 300
    # 60 per minute = one a second (+1 % margin): n requests wait (n-1) x 1.01 seconds.
    assert sum(clock.sleeps) == pytest.approx((served - 1) * 1.01, abs=0.01)


@pytest.mark.parametrize("retry_after", ["7", "http-date"])
def test_429_waits_exactly_what_retry_after_says(make_wistia, retry_after):
    server = make_wistia(medias=3, visitors=30, events=50, days=3)
    if retry_after == "http-date":
        retry_after = email.utils.formatdate(time.time() + 30, usegmt=True)
    server.faults.add(
        "status", status=429, retry_after=retry_after, path="/stats/visitors", times=2
    )
    clock = FakeClock()
    result = run_sync(
        tap_config(server, max_requests_per_minute=100_000), clock=clock, streams=("visitors",)
    )
    assert len(result.records("visitors")) == 30
    waits = [s for s in clock.sleeps if s > 1]
    if retry_after == "7":
        assert waits == pytest.approx([7, 7])
    else:
        assert len(waits) == 2 and all(25 <= w <= 31 for w in waits)
    assert [r.status for r in server.requests_to("/stats/visitors")] == [429, 429, 200]


def test_5xx_truncated_bodies_and_resets_are_retried_until_complete(make_wistia):
    server = make_wistia(medias=8, visitors=150, events=400, days=4)
    server.faults.add("status", status=500, every=5)
    server.faults.add("status", status=503, path="/stats/events", times=2)
    server.faults.add("truncate", path="/stats/visitors", times=1)
    server.faults.add("reset", path="/medias", times=1)
    server.faults.add("truncate", path="/stats/medias", times=2)
    clock = FakeClock()
    result = run_sync(tap_config(server), clock=clock)
    data = server.dataset
    assert {r["event_key"] for r in result.records("events")} == {
        e["event_key"] for e in data.events
    }
    assert len(result.records("visitors")) == len(data.visitors)
    assert len(result.records("media_stats")) == len(data.medias)
    faulted = [r for r in server.requests if r.fault]
    assert len(faulted) >= 6
    # Each retry backed off (1 s, 2 s, ... plus jitter), in virtual time.
    assert len([s for s in clock.sleeps if s >= 1]) >= len(faulted)


def test_slow_response_beyond_request_timeout_is_retried(make_wistia):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    server.faults.add("delay", delay=2.5, path="/stats/visitors", times=1)
    result = run_sync(tap_config(server, request_timeout=1), streams=("visitors",))
    assert len(result.records("visitors")) == 5
    assert len(server.requests_to("/stats/visitors")) == 2


def test_persistent_failure_names_the_endpoint_and_last_status(make_wistia):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    server.faults.add("status", status=502, path="/stats/visitors", times=100)
    with pytest.raises(RetriesExhausted) as failure:
        run_sync(tap_config(server, max_retries=3), streams=("visitors",))
    message = str(failure.value)
    assert "GET /v1/stats/visitors" in message and "502" in message and "3 retries" in message
    assert len(server.requests_to("/stats/visitors")) == 4


def test_401_fails_at_once_with_a_clear_message(make_wistia):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    config = tap_config(server, api_token="wrong-token")
    with pytest.raises(WistiaAuthError, match="API token"):
        run_sync(config)
    assert [r.status for r in server.requests] == [401]


def test_403_on_stats_says_the_token_lacks_permission(make_wistia):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    server.forbidden_prefixes = {"/stats"}
    with pytest.raises(WistiaAuthError, match="lacks the permission"):
        run_sync(tap_config(server, max_concurrency=4), streams=("media_stats",))
    forbidden = server.requests_to("/stats")
    # No retries: at most the requests already in flight, each path asked once.
    assert {r.status for r in forbidden} == {403}
    assert len(forbidden) == len({r.path for r in forbidden}) <= 4


def test_cli_401_exits_nonzero_without_printing_the_token(make_wistia, tmp_path):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    run = run_cli(tap_config(server, api_token=SECRET), tmp_path)
    assert run.returncode == 1
    assert "Wistia rejected the API token" in run.stderr
    assert "Traceback" not in run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert len(server.requests) == 1


def test_token_appears_nowhere_in_a_run_with_failures(make_wistia, tmp_path):
    server = make_wistia(medias=3, visitors=20, events=40, days=2, token=SECRET)
    server.faults.add("status", status=500, times=1, path="/stats/visitors")
    server.faults.add("status", status=429, retry_after="0", times=2)
    server.faults.add("truncate", times=1, path="/stats/events")
    start = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%d")
    run = run_cli(tap_config(server, start_date=start, max_requests_per_minute=100_000), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert sorted(r.fault for r in server.requests if r.fault) == ["status"] * 3 + ["truncate"]
    assert '"type":"RECORD"' in run.stdout.replace(" ", "")
    assert '"type":"STATE"' in run.stdout.replace(" ", "")
    assert SECRET not in run.stdout + run.stderr


def test_sandbox_stop_does_not_wait_for_a_hung_handler(make_wistia):
    server = make_wistia(medias=1, visitors=1, events=1, days=1)
    server.faults.add("delay", delay=600, path="/projects")
    outcome: list[BaseException | int] = []
    started = threading.Event()

    def client() -> None:
        started.set()
        try:
            answer = requests.get(
                f"{server.url}/projects",
                headers={"Authorization": f"Bearer {server.token}"},
                timeout=60,
            )
            outcome.append(answer.status_code)
        except requests.RequestException as exc:
            outcome.append(exc)

    before = set(threading.enumerate())
    thread = threading.Thread(target=client)
    thread.start()
    started.wait()
    while not server.requests_to("/projects"):  # the request reached its 600 s delay
        threading.Event().wait(0.01)
    started_here = set(threading.enumerate()) - before  # the client and its handler
    began = time.monotonic()
    server.stop()
    thread.join(timeout=5)
    assert time.monotonic() - began < 3
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], requests.ConnectionError)
    assert len(started_here) >= 2
    assert not [t for t in started_here if t.is_alive()]


def test_429s_spend_no_retries(make_wistia):
    server = make_wistia(medias=2, visitors=30, events=5, days=2)
    server.faults.add("status", status=429, retry_after="2", path="/stats/visitors", times=12)
    clock = FakeClock()
    config = tap_config(server, max_retries=1, max_requests_per_minute=100_000)
    result = run_sync(config, clock=clock, streams=("visitors",))
    assert len(result.records("visitors")) == 30
    assert [s for s in clock.sleeps if s > 1] == pytest.approx([2] * 12)


def test_rate_limit_waits_are_bounded_by_the_budget(make_wistia):
    server = make_wistia(medias=2, visitors=30, events=5, days=2)
    server.faults.add("status", status=429, retry_after="60", path="/stats/visitors", times=100)
    clock = FakeClock()
    config = tap_config(server, max_rate_limit_wait_minutes=2, max_requests_per_minute=100_000)
    with pytest.raises(RateLimitBudgetExhausted, match=r"max_rate_limit_wait_minutes \(2\)"):
        run_sync(config, clock=clock, streams=("visitors",))
    assert [s for s in clock.sleeps if s > 1] == pytest.approx([60, 60])
    assert len(server.requests_to("/stats/visitors")) == 3


def far_future_date() -> str:
    return email.utils.format_datetime(datetime(2100, 1, 1, tzinfo=UTC), usegmt=True)


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        ("999999", 600, 600),  # capped at 10 min
        ("inf", 600, 600),
        ("far-future", 600, 600),
        ("0", 1, 1),  # never at once: a saturated server would loop
        ("nan", 1, 2),  # unusable: backoff (1 s + jitter)
        ("-5", 1, 2),
        ("soon", 1, 2),
    ],
)
def test_retry_after_is_sanitised_and_capped(make_wistia, retry_after, low, high):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    value = far_future_date() if retry_after == "far-future" else retry_after
    server.faults.add("status", status=429, retry_after=value, path="/stats/visitors")
    clock = FakeClock()
    config = tap_config(server, max_requests_per_minute=100_000)
    result = run_sync(config, clock=clock, streams=("visitors",))
    assert len(result.records("visitors")) == 5
    waits = [s for s in clock.sleeps if s > 0.5]
    assert len(waits) == 1 and low <= waits[0] <= high


def test_cli_rate_limit_budget_exhausted_is_one_clear_line(make_wistia, tmp_path):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    server.faults.add("status", status=429, retry_after="5", times=100)
    run = run_cli(tap_config(server, max_rate_limit_wait_minutes=0), tmp_path)
    assert run.returncode == 1
    assert "Wistia keeps answering 429" in run.stderr
    assert "Traceback" not in run.stderr
    assert len(server.requests) == 1
