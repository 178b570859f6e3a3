"""Events bookkeeping under chosen page completion orders: no thread races, no sleeps.

The crawl's worker pool is replaced by one that keeps every request until the test picks
which one completes next; the request then runs in the consumer's thread against the
local API. So any interleaving of completions (a page past a day's end after the day
finished, one day finishing before an earlier one, ...) is replayed exactly.
"""

from __future__ import annotations

import datetime as dt
import random
import typing as t
from concurrent.futures import Future

import pytest
from typing_extensions import override

from tap_wistia.http import page_crawl
from tap_wistia.streams import events as events_module
from tap_wistia.streams.base import PAGE_SIZE as PAGE
from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import FakeClock, SyncResult, run_sync, tap_config
from tests.test_incremental import earlier_today, now

UTC = dt.UTC
Job = tuple[int, int]  # (listing index = window in day x media order, page number)
Chooser = t.Callable[[list[Job]], int]  # which pending request completes next


class TickingClock(FakeClock):
    """Every reading is a second later: round trips look long next to the throttle's
    spacing, so the crawl always asks for its speculative pages (the ones that can land
    past a day's end), whatever the order the test picks."""

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


class _DeferredPool:
    """Stands in for the crawl's worker pool: holds each request until it is picked."""

    def __init__(self, workers: int, name: str) -> None:
        self.pending: list[tuple[Future, t.Callable, tuple]] = []

    def submit(self, fn: t.Callable, *args: t.Any) -> Future:
        future: Future = Future()
        self.pending.append((future, fn, args))
        return future

    def close(self) -> None:
        for future, _, _ in self.pending:
            future.cancel()


@pytest.fixture
def completion_order(monkeypatch) -> t.Callable[[Chooser], list[Job]]:
    """`completion_order(choose)` makes the next runs complete requests in that order;
    returns the list the completed jobs are appended to, in order."""

    def install(choose: Chooser) -> list[Job]:
        completed: list[Job] = []
        pools: list[_DeferredPool] = []

        def make_pool(workers: int, name: str) -> _DeferredPool:
            pools.append(_DeferredPool(workers, name))
            return pools[-1]

        class OrderedCrawl(page_crawl.PageCrawl):
            @override
            def _next_completion(self) -> tuple[int, int, t.Any, float]:
                pending = pools[-1].pending
                future, fn, args = pending.pop(choose([job for _, _, job in pending]))
                try:
                    future.set_result(fn(*args))
                except Exception as error:  # raised to the consumer, as a worker would
                    future.set_exception(error)
                completed.append(args)
                return self._done.get_nowait()  # the future's callback queued it

        monkeypatch.setattr(page_crawl, "WorkerPool", make_pool)
        monkeypatch.setattr(events_module, "PageCrawl", OrderedCrawl)
        return completed

    return install


def _noon(days_ago: int) -> dt.datetime:
    day = now().date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(12), UTC)


def _ranked(ranks: dict[Job, int]) -> Chooser:
    """Completes the oldest request of the lowest rank (unranked ones: rank 0)."""
    return lambda pending: min(range(len(pending)), key=lambda i: ranks.get(pending[i], 0))


def _sync(server, **config: t.Any) -> SyncResult:
    return run_sync(tap_config(server, **config), streams=("events",), clock=TickingClock())


def _of_window(events: list[dict], window: str) -> set[str]:
    day, _, media = window.partition("/")
    return {
        e["event_key"]
        for e in events
        if e["received_at"][:10] == day and (not media or e["media_id"] == media)
    }


def _assert_state_follows_records(result: SyncResult, events: list[dict]) -> None:
    """Every STATE covers only what was emitted before it, and the bookmark never moves
    back: the next run may trust any STATE of this one."""
    emitted: set[str] = set()
    marks: list[dt.datetime] = []
    for message in result.messages:
        if message["type"] == "RECORD" and message["stream"] == "events":
            emitted.add(message["record"]["event_key"])
        elif message["type"] == "STATE":
            bookmark = message["value"]["bookmarks"].get("events", {})
            if "replication_key_value" in bookmark:
                marks.append(parse_timestamp(bookmark["replication_key_value"]))
                covered = {
                    e["event_key"] for e in events if parse_timestamp(e["received_at"]) < marks[-1]
                }
                assert covered <= emitted, f"bookmark {marks[-1]} before its records"
            for window in bookmark.get("days_read", []):
                assert _of_window(events, window) <= emitted, f"{window} read before emitted"
            for window, pages in bookmark.get("pages_read", {}).items():
                of_window = _of_window(events, window)
                assert len(of_window & emitted) >= min(pages * PAGE, len(of_window)), window
    assert marks == sorted(marks)
    assert marks and marks[-1] == result.tap.run.window.end


def test_a_page_past_the_end_after_its_day_finished_leaves_the_bookmark_whole(
    make_wistia, completion_order
):
    """The once-flaky full run: day D (3 pages) finishes, then its speculative page 4
    (past the end, empty) arrives, then the earlier day C. Counting that extra page as
    another finished window stopped the bookmark at D."""
    server = make_wistia(events=0, visitors=40, medias=3)
    added = server.dataset.add_events(50, when=_noon(3))  # C: 1 page
    added += server.dataset.add_events(250, when=_noon(2))  # D: 2 full pages + 1 short
    # Windows: 0 = C, 1 = D, 2 = yesterday, 3 = today.
    completed = completion_order(_ranked({(1, 4): 1, (0, 1): 2}))
    result = _sync(server, start_date=_noon(3).date().isoformat())
    assert completed[-2:] == [(1, 4), (0, 1)]  # the interleaving happened
    assert (1, 3) in completed[: completed.index((1, 4))]
    _assert_state_follows_records(result, added)
    assert sorted(r["event_key"] for r in result.records("events")) == sorted(
        e["event_key"] for e in added
    )


def test_a_day_is_not_finished_while_another_media_window_of_it_is_unread(
    make_wistia, completion_order
):
    """With media_ids a day has one window per media. The first media's window finishes
    and its page past the end arrives while the second media's window is not read yet:
    the bookmark must not pass the day (a run killed then would never read the rest)."""
    server = make_wistia(events=0, visitors=40, medias=3)
    first, second = server.dataset.media_ids()[:2]
    added = server.dataset.add_events(250, when=_noon(2), media_hashed_id=first)
    added += server.dataset.add_events(150, when=_noon(2), media_hashed_id=second)
    # Windows: 0 = D/first, 1 = D/second, 2-3 = yesterday, 4-5 = today.
    completed = completion_order(_ranked({(0, 4): 1, (1, 1): 2}))
    result = _sync(server, start_date=_noon(2).date().isoformat(), media_ids=[first, second])
    assert completed.index((0, 4)) < completed.index((1, 1))
    _assert_state_follows_records(result, added)
    assert sorted(r["event_key"] for r in result.records("events")) == sorted(
        e["event_key"] for e in added
    )


@pytest.mark.parametrize("per_media", [False, True])
def test_any_completion_order_loses_nothing_and_bookmarks_only_emitted_days(
    make_wistia, completion_order, per_media
):
    server = make_wistia(events=0, visitors=60, medias=3)
    medias = server.dataset.media_ids()[:2]
    sizes = {6: 250, 5: 0, 4: 100, 3: 420, 2: 199, 1: 300}  # days ago -> events
    added: list[dict] = []
    for days_ago, n in sizes.items():
        for media in medias:
            added += server.dataset.add_events(n // 2, when=_noon(days_ago), media_hashed_id=media)
    added += server.dataset.add_events(130, when=earlier_today())
    config: dict[str, t.Any] = {"start_date": _noon(6).date().isoformat()}
    if per_media:
        config["media_ids"] = medias
    wanted = sorted(e["event_key"] for e in added if not per_media or e["media_id"] in medias)
    in_scope = [e for e in added if e["event_key"] in set(wanted)]
    for seed in range(12):
        rng = random.Random(seed)
        completion_order(lambda pending, rng=rng: rng.randrange(len(pending)))
        result = _sync(server, **config)
        keys = [r["event_key"] for r in result.records("events")]
        assert sorted(keys) == wanted, f"seed {seed}"  # none lost, none twice
        _assert_state_follows_records(result, in_scope)
        final = result.bookmark("events")
        assert final["pages_read"] == {} and final["days_read"] == []


def test_progress_counts_days_finished_in_any_order(make_wistia, completion_order, caplog):
    """The first day's page completes last: the bookmark stays at the start until then, but
    the progress lines still count every day already read (once flaky under load)."""
    server = make_wistia(events=0, visitors=40, medias=3)
    server.dataset.add_events(30, when=_noon(40))
    completion_order(_ranked({(0, 1): 1}))  # window 0 = the first day, 40 days ago
    with caplog.at_level("INFO"):
        _sync(server, start_date=_noon(40).date().isoformat())
    progress = [r.getMessage() for r in caplog.records if "days done" in r.getMessage()]
    done = [int(line.split()[1].split("/")[0]) for line in progress]
    assert len(set(done)) >= 5 and done == sorted(done)  # not "0/41" until the very end
    assert progress[-1].startswith("events: 41/41 days done")
