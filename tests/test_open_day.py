"""The open day read in parallel and proven complete by counting, or read again in order."""

from __future__ import annotations

import logging

import pytest

from tap_wistia.streams.open_day import OpenDayCheck
from tests.tap_harness import run_sync, tap_config
from tests.test_incremental import earlier_today

PAGE = 100


class ChangingListing:
    """A newest-first listing of event keys, changed by the test between reads."""

    def __init__(self, size: int) -> None:
        self.rows = [f"old{n}" for n in range(size)]
        self.reads: list[int] = []
        self._new = 0

    def arrive(self, count: int, at: int = 0) -> None:
        """`count` events inserted at position `at` (0: the head; lower: late arrivals)."""
        fresh = [f"new{self._new + n}" for n in range(count)]
        self._new += count
        self.rows[at:at] = fresh

    def page(self, number: int, read: int = 0) -> list[dict]:
        self.reads.append(number)
        start = (number - 1) * PAGE
        return [{"event_key": key} for key in self.rows[start : start + PAGE]]


def run_check(listing: ChangingListing, seen: set[str], last_page: int) -> OpenDayCheck:
    check = OpenDayCheck(listing.page, last_page, seen)
    for rows in check.pages():
        seen.update(row["event_key"] for row in rows)
    return check


def test_a_quiet_open_day_is_proven_complete_with_two_more_requests():
    listing = ChangingListing(250)
    seen: set[str] = set()
    for number in (3, 1, 2):  # a parallel pass, answered in any order
        seen.update(row["event_key"] for row in listing.page(number))
    check = run_check(listing, seen, last_page=3)
    assert check.verified and check.requests == 2
    assert seen == set(listing.rows)


def test_a_gap_opened_by_a_shift_is_found_by_the_count_and_read_again_in_order():
    listing = ChangingListing(250)
    seen: set[str] = set()
    seen.update(row["event_key"] for row in listing.page(2))  # old100..old199
    listing.arrive(5)  # old95..old99 move to page 2, already read
    seen.update(row["event_key"] for row in listing.page(1))
    seen.update(row["event_key"] for row in listing.page(3))
    assert {f"old{n}" for n in range(95, 100)}.isdisjoint(seen)  # missed by the pass
    check = run_check(listing, seen, last_page=3)
    assert not check.verified
    # Two checks (the second shows nothing arrived since: a gap), then pages 1-3 in order.
    assert check.requests == 2 * 2 + 3
    assert seen == set(listing.rows)


def test_events_arriving_during_the_check_are_counted_in_once_they_stop():
    listing = ChangingListing(180)
    seen: set[str] = set()
    for number in (2, 1):
        seen.update(row["event_key"] for row in listing.page(number))
    # 30 late arrivals between the head and the last page of the first round, then none.
    arrivals = iter([0, 30])

    def page(number: int, read: int) -> list[dict]:
        listing.arrive(next(arrivals, 0), at=40)
        return listing.page(number)

    check = OpenDayCheck(page, 2, seen)
    for rows in check.pages():
        seen.update(row["event_key"] for row in rows)
    assert check.verified and check.rounds == 2
    assert seen == set(listing.rows)


def test_the_tap_proves_a_quiet_open_day_complete_with_two_more_requests(make_wistia, caplog):
    server = make_wistia(events=0, visitors=60, medias=5)
    today = earlier_today()
    original = server.dataset.add_events(1_450, when=today)
    config = tap_config(server, start_date=today.date().isoformat(), max_concurrency=8)
    with caplog.at_level(logging.INFO):
        result = run_sync(config, streams=("events",))
    assert sorted(r["event_key"] for r in result.records("events")) == sorted(
        e["event_key"] for e in original
    )
    assert "every event seen (counted) after 2 more request(s)" in caplog.text
    pages = [int(r.query["page"][0]) for r in server.requests_to("/stats/events")]
    assert len(pages) <= 15 + 4 + 2  # the pass (+ a few past the end), head, last page


@pytest.mark.parametrize("arrivals_until", [12, 10**6])
def test_the_tap_reads_an_open_day_with_late_arrivals_and_loses_nothing(
    make_wistia, caplog, arrivals_until
):
    server = make_wistia(events=0, visitors=60, medias=5)
    today = earlier_today()
    original = server.dataset.add_events(1_450, when=today)
    today_iso = today.date().isoformat()
    inserted: list[dict] = []
    calls = {"n": 0}

    def arrive_while_paging(path: str, query: dict) -> None:
        calls["n"] += 1
        if (
            path == "/stats/events"
            and query["start_date"] == [today_iso]
            and calls["n"] < arrivals_until
        ):
            # Plays arriving while the day is read (within the run's window).
            inserted.extend(server.dataset.add_events(10, when=today))

    server.on_request = arrive_while_paging
    config = tap_config(server, start_date=today_iso, max_concurrency=8)
    with caplog.at_level(logging.INFO):
        result = run_sync(config, streams=("events",))
    keys = [r["event_key"] for r in result.records("events")]
    assert len(keys) == len(set(keys))
    assert {e["event_key"] for e in original} <= set(keys)
    if arrivals_until == 12:  # arrivals during the parallel pass only: none lost
        assert {e["event_key"] for e in inserted} <= set(keys)
    else:  # arrivals all along: read again in order, as a serial read would
        assert "read again in order" in caplog.text
