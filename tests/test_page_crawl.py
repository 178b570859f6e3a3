"""The page crawl: closed days' pages in parallel, open days serial, bounded everything."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from tap_wistia.http.page_crawl import Listing, PageCrawl

PAGE = 100


class FakeListings:
    """Listings of `sizes[i]` rows each; records every request and the concurrency."""

    def __init__(self, sizes: list[int]) -> None:
        self.sizes = sizes
        self.asked: list[tuple[int, int]] = []
        self.in_flight: Counter = Counter()  # listing -> requests in flight
        self.peak_per_listing: Counter = Counter()
        self.peak = 0
        self.threads_seen: set[str] = set()
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.hold_until = 0  # requests wait until this many are in flight (or 2 s pass)

    def fetch(self, listing: int, page: int) -> list[str]:
        with self.lock:
            self.asked.append((listing, page))
            self.in_flight[listing] += 1
            self.peak_per_listing[listing] = max(
                self.peak_per_listing[listing], self.in_flight[listing]
            )
            self.peak = max(self.peak, sum(self.in_flight.values()))
            self.threads_seen.add(threading.current_thread().name)
            self.changed.notify_all()
            if self.hold_until:
                # Completes only once the crawl has that many requests out at once.
                reached = self.changed.wait_for(
                    lambda: sum(self.in_flight.values()) >= self.hold_until, timeout=2
                )
                self.hold_until = 0 if reached else self.hold_until
        start = (page - 1) * PAGE
        rows = [f"{listing}:{n}" for n in range(start, min(start + PAGE, self.sizes[listing]))]
        with self.lock:
            self.in_flight[listing] -= 1
        return rows


def crawl(
    fake: FakeListings, stable: list[bool], *, workers: int = 8, first: list[int] | None = None
) -> tuple[list[str], PageCrawl]:
    listings = [Listing(s, first_page=(first[i] if first else 1)) for i, s in enumerate(stable)]
    job: PageCrawl[str] = PageCrawl(
        listings,
        fake.fetch,
        workers=workers,
        page_size=PAGE,
        max_held=2 * workers,
        max_open=2 * workers,
        depth=max(workers // 2, 1),
    )
    rows: list[str] = []
    for page in job.pages():
        rows.extend(page.rows)
        job.consumed(page)
    return rows, job


def everything(sizes: list[int]) -> list[str]:
    return [f"{i}:{n}" for i, size in enumerate(sizes) for n in range(size)]


SIZES = [0, 99, 100, 101, 700, 20_000, 350, 0, 1_234]


@pytest.mark.parametrize("workers", [1, 3, 8])
def test_every_row_once_whatever_the_workers(workers):
    fake = FakeListings(SIZES)
    rows, job = crawl(fake, [True] * len(SIZES), workers=workers)
    assert sorted(rows) == sorted(everything(SIZES))  # serial == parallel, no duplicate
    needed = sum(size // PAGE + 1 for size in SIZES)
    assert len(fake.asked) == job.requests == needed + job.wasted
    # Past-the-end pages only on listings that proved long, at most `depth` each.
    depth = max(workers // 2, 1)
    assert job.wasted <= sum(min(depth, size // PAGE // 2) for size in SIZES)
    assert job.held_peak <= 2 * workers
    assert fake.peak <= workers
    assert len(fake.threads_seen) <= workers


def test_a_long_closed_day_is_read_many_pages_at_once():
    fake = FakeListings([20_000])  # 201 pages
    fake.hold_until = 4
    rows, job = crawl(fake, [True], workers=8)
    assert len(rows) == 20_000
    assert fake.peak_per_listing[0] >= 4
    assert job.wasted <= 4  # of 205 requests


def test_the_open_day_is_read_one_page_after_the_other_in_order():
    sizes = [1_500, 2_000, 950]
    fake = FakeListings(sizes)
    rows, _ = crawl(fake, [True, True, False], workers=8)
    assert sorted(rows) == sorted(everything(sizes))
    assert fake.peak_per_listing[2] == 1
    assert [page for listing, page in fake.asked if listing == 2] == list(range(1, 11))
    # It is started first (its serial chain is the longest wait). Threads may reach the
    # server in any order, so the submission order is read with one worker, where requests
    # arrive as they were submitted.
    one_worker = FakeListings(sizes)
    crawl(one_worker, [True, True, False], workers=1)
    assert one_worker.asked[0] == (2, 1)


def test_memory_is_bounded_by_pages_held_not_by_listings_or_their_size():
    sizes = [5_000] * 40
    fake = FakeListings(sizes)
    listings = [Listing(True) for _ in sizes]
    job: PageCrawl[str] = PageCrawl(
        listings, fake.fetch, workers=4, page_size=PAGE, max_held=6, max_open=8, depth=2
    )
    pages = job.pages()
    total = 0
    for page in pages:
        total += len(page.rows)
        job.consumed(page)
        started = sum(listing.started and not listing.finished for listing in listings)
        assert started <= 8
    assert total == sum(sizes)
    assert job.held_peak <= 6


def test_resuming_skips_the_pages_read_before():
    fake = FakeListings([1_000, 1_000])
    rows, _ = crawl(fake, [True, True], first=[6, 1])
    assert sorted(rows) == sorted(
        [f"0:{n}" for n in range(500, 1_000)] + [f"1:{n}" for n in range(1_000)]
    )
    assert min(page for listing, page in fake.asked if listing == 0) == 6


def test_a_failed_request_stops_the_crawl_at_once_and_its_workers():
    fake = FakeListings([5_000] * 10)

    def fetch(listing: int, page: int) -> list[str]:
        if (listing, page) == (3, 2):
            raise PermissionError("401")
        return fake.fetch(listing, page)

    job: PageCrawl[str] = PageCrawl(
        [Listing(True) for _ in range(10)],
        fetch,
        workers=8,
        page_size=PAGE,
        max_held=16,
        max_open=16,
        depth=4,
    )
    with pytest.raises(PermissionError):
        for page in job.pages():
            job.consumed(page)
    assert len(fake.asked) < 500  # stopped, not read to the end
    assert not [t for t in threading.enumerate() if t.name.startswith("wistia-fetch")]


def test_alike_days_cost_almost_no_page_past_their_end():
    # A backfill's days are alike: 6 full pages and a short one each. Once a day has been
    # seen to end, no day is read ahead past that page until it proves longer.
    fake = FakeListings([650] * 30)
    rows, job = crawl(fake, [True] * 30, workers=16)
    assert len(rows) == 650 * 30
    assert job.wasted <= 3  # of 210 pages (30+ before: every day read ahead past its end)
