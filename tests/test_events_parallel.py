"""Events read many pages at once: nothing lost, nothing twice, bounded, cheap to resume."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import signal
import threading
from collections import Counter

from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import run_sync, tap_config
from tests.test_incremental import _catalog, _start_cli, earlier_today, now

UTC = dt.UTC


def _closed_day(days_ago: int) -> dt.datetime:
    """Noon of a day that ended long enough ago to be read in parallel."""
    day = now().date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(12), UTC)


def _event_pages(server) -> list[tuple[str, int]]:
    return [
        (r.query["start_date"][0], int(r.query["page"][0]))
        for r in server.requests_to("/stats/events")
    ]


def test_head_insertions_on_the_open_day_lose_nothing_while_closed_days_run_parallel(
    make_wistia, caplog
):
    server = make_wistia(events=0, visitors=60, medias=5)
    closed = [server.dataset.add_events(n, when=_closed_day(d)) for d, n in ((3, 730), (2, 1_210))]
    today = earlier_today()
    original = server.dataset.add_events(905, when=today)
    today_iso = today.date().isoformat()
    inserted: list[dict] = []
    fetch_threads: list[int] = []
    done: list[list[str]] = []

    def insert_while_paging(path: str, query: dict) -> None:
        fetch_threads.append(sum(t.name.startswith("wistia-fetch") for t in threading.enumerate()))
        today_page = path == "/stats/events" and query["start_date"] == [today_iso]
        if today_page and query["page"] in (["2"], ["4"], ["7"]) and query["page"] not in done:
            done.append(query["page"])  # plays arrive mid-crawl, once at each of these
            inserted.extend(server.dataset.add_events(37, when=today))

    server.on_request = insert_while_paging
    config = tap_config(server, start_date=_closed_day(3).date().isoformat(), max_concurrency=4)
    with caplog.at_level(logging.INFO):
        result = run_sync(config, streams=("events",))
    keys = [r["event_key"] for r in result.records("events")]
    assert len(keys) == len(set(keys))  # shifted pages re-list events: dropped, not emitted
    before = {e["event_key"] for batch in (*closed, original) for e in batch}
    assert before <= set(keys)
    assert max(fetch_threads) <= 4  # bounded threads
    # The open day was read in parallel, then its head and last page again; the plays
    # that arrived while it was read were counted in and emitted, none twice.
    assert {e["event_key"] for e in inserted} <= set(keys)
    today_pages = [p for d, p in _event_pages(server) if d == today_iso]
    assert today_pages.count(1) >= 2  # the head read again after the parallel pass
    assert "open day" in caplog.text


def test_serial_and_parallel_reads_of_long_days_are_the_same(make_wistia):
    server = make_wistia(events=0, visitors=60, medias=5)
    for days_ago, n in ((4, 2_050), (3, 100), (2, 1_999)):
        server.dataset.add_events(n, when=_closed_day(days_ago))
    server.dataset.add_events(420, when=earlier_today())
    start = _closed_day(4).date().isoformat()
    results = {}
    requests = {}
    for workers in (1, 8):
        server.clear_requests()
        result = run_sync(tap_config(server, start_date=start, max_concurrency=workers))
        results[workers] = sorted(json.dumps(r, sort_keys=True) for r in result.records("events"))
        requests[workers] = Counter(_event_pages(server))
    assert results[1] == results[8]
    assert len(results[8]) == 2_050 + 100 + 1_999 + 420
    assert set(requests[1]) <= set(requests[8])
    today = now().date().isoformat()
    twice = {page for page, n in requests[8].items() if n > 1}
    assert twice == {(today, 1), (today, 5)}  # only the open day's head and last page
    # Pages past a day's end: at most min(max_concurrency // 2, full pages // 2) a day.
    assert sum(requests[8].values()) - sum(requests[1].values()) <= 4 + 0 + 4


def test_a_killed_backfill_of_long_closed_days_rereads_few_pages(make_wistia, tmp_path):
    server = make_wistia(events=0, visitors=60, medias=5)
    for days_ago in (3, 2):
        server.dataset.add_events(5_000, when=_closed_day(days_ago))  # 51 pages each
    server.latency = 0.005
    config = tap_config(
        server,
        start_date=_closed_day(3).date().isoformat(),
        complete_days_only=True,
        max_concurrency=4,
        max_requests_per_minute=100_000,
    )
    full = run_sync(config, streams=("events",))
    full_pages = len(server.requests_to("/stats/events"))
    assert len(full.records("events")) == 10_000

    server.clear_requests()
    process = _start_cli(tmp_path, config, _catalog(config, "events"), state=None)
    last_state = None
    seen: set[str] = set()
    assert process.stdout is not None
    for line in process.stdout:
        message = json.loads(line)
        if message["type"] == "RECORD":
            seen.add(message["record"]["event_key"])
        if message["type"] == "STATE" and message["value"]["bookmarks"].get("events"):
            last_state = message["value"]
            if len(seen) >= 4_000:  # mid-way through the first day
                process.send_signal(signal.SIGKILL)
                break
    process.wait(timeout=30)
    assert last_state is not None and last_state["bookmarks"]["events"]["pages_read"]
    killed_pages = len(server.requests_to("/stats/events"))

    server.clear_requests()
    resumed = run_sync(config, state=last_state, streams=("events",))
    resumed_pages = len(server.requests_to("/stats/events"))
    everything = {e["event_key"] for e in server.dataset.events}
    assert seen | {r["event_key"] for r in resumed.records("events")} == everything
    read_twice = killed_pages + resumed_pages - full_pages
    assert read_twice <= 0.15 * full_pages
    mark = parse_timestamp(resumed.bookmark("events")["replication_key_value"])
    assert mark == dt.datetime.combine(now().date(), dt.time(), UTC)


def test_a_long_run_logs_progress_not_sdk_noise(make_wistia, caplog):
    server = make_wistia(medias=6, visitors=80, events=1_500, days=30)
    config = tap_config(server, max_requests_per_minute=100_000)  # 201 days, most empty
    with caplog.at_level(logging.INFO):
        result = run_sync(config)
    assert len(result.records("media_daily_stats")) > 0  # an unsorted SDK stream ran too
    assert "Pagination stopped" not in caplog.text
    assert "assumed to be unsorted" not in caplog.text
    progress = [r.getMessage() for r in caplog.records if "days done" in r.getMessage()]
    # A line each time another 10 % of the days is done (time barely passes): days finish
    # in parallel, so the count of done days may jump past a 10 % mark between two lines.
    done = [int(line.split()[1].split("/")[0]) for line in progress]
    assert 5 <= len(progress) <= 11
    assert all(b - a >= 201 * 0.1 for a, b in itertools.pairwise(done[:-1]))
    assert done == sorted(done)
    assert progress[-1].startswith("events: 201/201 days done, ")
    assert progress[-1].endswith(f"{len(server.requests_to('/stats/events'))} requests so far")


def test_progress_is_logged_every_30_seconds_on_a_slow_run(make_wistia, caplog):
    server = make_wistia(medias=3, visitors=50, events=300, days=3)
    # 60 requests a minute: the injected clock moves ~1 s per request, no real wait.
    config = tap_config(server, start_date=_closed_day(2).date().isoformat())
    config["max_requests_per_minute"] = 60
    server.dataset.add_events(9_000, when=_closed_day(1))  # one day of 91 pages
    with caplog.at_level(logging.INFO):
        run_sync(config, streams=("events",))
    progress = [r.getMessage() for r in caplog.records if "days done" in r.getMessage()]
    requests = len(server.requests_to("/stats/events"))
    assert requests >= 93
    # The other two days are done at once; the long day takes ~90 s: a line every ~30 s
    # while it runs, not only when it ends.
    assert sum(line.startswith("events: 2/3 days done") for line in progress) >= 3
    assert len(progress) >= requests // 31
