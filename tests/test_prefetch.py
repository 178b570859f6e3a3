"""Parallel fetching that hands records back in order."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from tap_wistia.http.workers import ordered_prefetch, pages_ahead
from tap_wistia.streams.base import WistiaAuthError
from tests.tap_harness import run_cli, run_sync, tap_config


def test_records_come_back_in_job_order_whatever_finishes_first():
    release = {n: threading.Event() for n in range(6)}

    def fetch(job: int):
        # Later jobs finish first: job n waits until job n+1 has been released.
        if job < 5:
            release[job + 1].wait(timeout=5)
        release[job].set()
        return [f"{job}-a", f"{job}-b"]

    seen = [(job, list(rows)) for job, rows in ordered_prefetch(range(6), fetch, workers=6)]
    assert seen == [(n, [f"{n}-a", f"{n}-b"]) for n in range(6)]


def test_a_failing_job_raises_when_its_records_are_read():
    def fetch(job: int):
        if job == 2:
            raise LookupError("gone")
        return [job]

    results = []
    for _job, rows in ordered_prefetch(range(5), fetch, workers=3):
        try:
            results.append(list(rows))
        except LookupError:
            results.append("skipped")
    assert results == [[0], [1], "skipped", [3], [4]]


def test_workers_never_run_more_than_the_buffer_ahead():
    produced = {0: 0, 1: 0, 2: 0}
    changed = threading.Condition()

    def fetch(job: int):
        for n in range(100):
            with changed:
                produced[job] += 1
                changed.notify_all()
            yield n

    fetched = ordered_prefetch(range(3), fetch, workers=3, buffer=5)
    _job, rows = next(fetched)
    assert next(rows) == 0
    with changed:
        # Jobs 1 and 2 are not being read: they fill their buffers, then must block.
        assert changed.wait_for(lambda: produced[1] >= 6 and produced[2] >= 6, timeout=10)
    # At most `buffer` unread records, plus one in hand while it waits to put it.
    assert produced[1] <= 6 and produced[2] <= 6
    fetched.close()


def test_serial_mode_runs_jobs_one_by_one_in_the_callers_thread():
    threads = set()

    def fetch(job: int):
        threads.add(threading.current_thread().name)
        return [job]

    assert [list(r) for _, r in ordered_prefetch(range(4), fetch, workers=1)] == [
        [0],
        [1],
        [2],
        [3],
    ]
    assert threads == {threading.current_thread().name}


@pytest.mark.parametrize("workers", [1, 8])
def test_serial_and_parallel_runs_emit_the_same_records_and_requests(make_wistia, workers):
    server = make_wistia(medias=15, visitors=130, events=900, days=20)
    result = run_sync(tap_config(server, max_concurrency=workers))
    keys = [r["event_key"] for r in result.records("events")]
    assert sorted(keys) == sorted(e["event_key"] for e in server.dataset.events)
    v1_requests = [r for r in server.requests if r.api_version is None]  # no modern call
    # Lifetime stats of every media; engagement and daily stats of the medias played.
    played = len({e["media_id"] for e in server.dataset.events})
    open_day_check = 1  # the open day (one page) read once more: its total
    account = 1  # GET /account, once per run
    assert len(v1_requests) == account + 15 + 2 * played + 2 + 2 + open_day_check + len(
        set(r.query["start_date"][0] for r in server.requests_to("/stats/events"))
    )


def _fake_list(total: int, page_size: int = 100):
    asked: list[int] = []
    lock = threading.Lock()

    def fetch_page(page: int) -> list[int]:
        with lock:
            asked.append(page)
        start = (page - 1) * page_size
        return list(range(start, min(start + page_size, total)))

    return fetch_page, asked


@pytest.mark.parametrize("total", [0, 99, 100, 101, 950])
def test_short_lists_are_paged_without_a_wasted_request(total):
    fetch_page, asked = _fake_list(total)
    rows = [r for page in pages_ahead(fetch_page, workers=8, page_size=100) for r in page]
    assert rows == list(range(total))
    assert sorted(asked) == list(range(1, total // 100 + 2))


def test_long_lists_are_read_ahead_and_overshoot_by_less_than_the_workers():
    fetch_page, asked = _fake_list(5_050)
    rows = [r for page in pages_ahead(fetch_page, workers=8, page_size=100) for r in page]
    assert rows == list(range(5_050))
    needed = 51
    assert needed <= len(asked) < needed + 8
    assert sorted(asked) == list(range(1, len(asked) + 1))


def test_a_known_length_is_read_ahead_from_the_start_without_waste():
    fetch_page, asked = _fake_list(1_234)
    pages = pages_ahead(fetch_page, workers=8, page_size=100, expected_pages=13)
    assert sum(len(p) for p in pages) == 1_234
    assert sorted(asked) == list(range(1, 14))


# --- no thread outlives a sync ---------------------------------------------------------


def _worker_threads() -> list[str]:
    return [
        thread.name
        for thread in threading.enumerate()
        if thread.name.startswith(("wistia-fetch", "wistia-page"))
    ]


def test_no_worker_thread_outlives_a_successful_sync(make_wistia):
    server = make_wistia(medias=8, visitors=1_200, events=2_000, days=4)
    result = run_sync(tap_config(server, start_date=_days_ago(4)))
    assert len(result.records("events")) == 2_000
    assert len(result.records("visitors")) == 1_200  # listed with pages read ahead
    assert _worker_threads() == []


def test_no_worker_thread_outlives_a_sync_that_failed_mid_run(make_wistia):
    # Days of ~600 events: workers fill their buffers and block, the failing case of old.
    server = make_wistia(medias=8, visitors=100, events=3_000, days=5)
    server.faults.add("status", status=401, path="/stats/events", every=6)
    with pytest.raises(WistiaAuthError, match="rejected the API token"):
        run_sync(tap_config(server, start_date=_days_ago(5)), streams=("events",))
    assert _worker_threads() == []


def test_a_fatal_error_ends_the_process_within_ten_seconds(make_wistia, tmp_path):
    server = make_wistia(medias=8, visitors=100, events=3_000, days=5)
    server.latency = 0.01
    failed_at: list[float] = []

    def fail_mid_run(path: str, query: dict) -> None:
        if path == "/stats/events" and not failed_at and query.get("page") == ["2"]:
            failed_at.append(time.monotonic())
            server.faults.add("status", status=401, path="/stats/events", times=1_000)

    server.on_request = fail_mid_run
    config = tap_config(server, start_date=_days_ago(5), max_requests_per_minute=100_000)
    result = run_cli(config, tmp_path)
    ended = time.monotonic()
    assert result.returncode == 1
    assert "rejected the API token" in result.stderr
    assert "Traceback" not in result.stderr
    assert failed_at and ended - failed_at[0] < 10


def _days_ago(days: int) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).date().isoformat()
