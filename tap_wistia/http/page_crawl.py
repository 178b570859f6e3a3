"""Read many offset-paged listings at once, pages in any order, with bounded memory.

Each listing (an events day window) is paged 1, 2, ... up to its first short page; the
API gives no total. A *stable* listing (a closed UTC day: nothing is inserted any more)
has fixed pages, so page N is an independent request and its pages can be read in
parallel. An *unstable* listing (today's window, where new events push everything down)
is read strictly one page after the other: a later page read before an earlier one would
skip the events that moved across the boundary in between (read in order, a shift only
re-lists events, which the consumer drops as duplicates).

Scheduling, decided in the consumer's thread whenever a worker is free, in this order:
1. a *certain* page of some listing: its page 1, or the page after the highest page known
   full. Unstable listings come first (their serial chain is the critical path), then
   stable ones oldest first, starting at most `max_open` listings that are not finished.
2. a *speculative* page of a stable listing that proved long: the next pages past the
   last known full one, at most `min(depth, full pages read // 2)` ahead (a day of 1 or
   3 pages gets none), never at or past a page known short. A page past the end costs
   one request and is the only waste: at most that many per listing. Nor past the
   highest last page of the listings seen to end so far, until this listing's full pages
   reach it (days of a backfill are alike: at high latency, most of the waste was the
   pages after a typical day's last).
Both only while fewer requests are in flight than the run's adaptive limit
(`concurrency.AdaptiveLimit`: as many as the budget can use at the latency seen, within
`workers`). Beyond that, more requests would only wait in the throttle, and a
speculative one may be wasted.

Memory is bounded by pages, not per listing: at most `max_held` pages are in flight or
read but not yet consumed (fewer by as much as the adaptive limit is below `workers`,
and listings open shrink in proportion), so memory does not grow with the number of
listings or the size of a day. Pages come back in completion order; `consumed()` tells
the caller how far each listing is done (`done_through`: every page up to it consumed;
`finished`).
Any failure of a page request is raised at once and stops every worker.
"""

from __future__ import annotations

import queue
import typing as t
from dataclasses import dataclass, field

from tap_wistia.http.workers import WorkerPool

if t.TYPE_CHECKING:
    from tap_wistia.http.concurrency import AdaptiveLimit

R = t.TypeVar("R")
_WAKE_SECONDS = 0.5  # a blocked consumer still gets to run signal handlers this often


@dataclass
class Listing:
    """One paged listing. `first_page` > 1 resumes a stable listing read in part before."""

    stable: bool
    first_page: int = 1
    # Progress, maintained by the crawl:
    issued: int = field(default=0, init=False)  # highest page number requested
    full_through: int = field(default=0, init=False)  # every page up to it is full
    short_at: int | None = field(default=None, init=False)  # lowest page seen short
    in_flight: int = field(default=0, init=False)
    done_through: int = field(default=0, init=False)  # every page up to it consumed
    consumed_above: set[int] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.issued = self.full_through = self.done_through = self.first_page - 1

    @property
    def started(self) -> bool:
        return self.issued >= self.first_page

    @property
    def finished(self) -> bool:
        """Every page up to the last (short) one consumed."""
        return self.short_at is not None and self.done_through >= self.short_at


@dataclass
class Page(t.Generic[R]):
    listing: int  # index into the crawl's listings
    number: int
    rows: list[R]


class PageCrawl(t.Generic[R]):
    """See the module docstring. Iterate `pages()`; call `consumed(page)` after each."""

    def __init__(
        self,
        listings: list[Listing],
        fetch_page: t.Callable[[int, int], list[R]],
        *,
        workers: int,
        page_size: int,
        max_held: int,
        max_open: int,
        depth: int,
        concurrency: AdaptiveLimit | None = None,
    ) -> None:
        self.listings = listings
        self._fetch_page = fetch_page
        self.workers = max(workers, 1)
        self.page_size = page_size
        self.max_held = max(max_held, self.workers)
        self.max_open = max(max_open, 1)
        self.depth = depth
        self.concurrency = concurrency
        self.requests = 0  # pages asked for so far
        self.held_peak = 0
        self._held = 0  # pages in flight + read and not yet consumed
        self._in_flight = 0
        self._lowest_open = 0  # every listing before it is finished
        self._longest_ended = 0  # the highest last page of any listing seen to end
        self._done: queue.SimpleQueue = queue.SimpleQueue()
        self._unstable = [i for i, listing in enumerate(listings) if not listing.stable]

    # --- the consumer's side -----------------------------------------------------------

    def pages(self) -> t.Iterator[Page[R]]:
        pool = WorkerPool(self.workers, "wistia-fetch")
        try:
            while not self._all_finished():
                self._fill(pool)
                if self._in_flight == 0:  # nothing to wait for: a bug, never a hang
                    raise RuntimeError("page crawl stalled with unfinished listings")
                index, number, future = self._next_completion()
                listing = self.listings[index]
                listing.in_flight -= 1
                self._in_flight -= 1
                rows = future.result()  # a failed request raises here, in the caller
                if len(rows) >= self.page_size:
                    listing.full_through = max(listing.full_through, number)
                elif listing.short_at is None or number < listing.short_at:
                    listing.short_at = number
                    self._longest_ended = max(self._longest_ended, number)
                self._fill(pool)  # keep the workers busy while the caller handles the page
                yield Page(index, number, rows)
        finally:
            pool.close()

    def consumed(self, page: Page[R]) -> Listing:
        """Record that `page`'s rows were handled; returns its listing's progress."""
        listing = self.listings[page.listing]
        self._held -= 1
        if page.number > listing.done_through:
            listing.consumed_above.add(page.number)
        while listing.done_through + 1 in listing.consumed_above:
            listing.done_through += 1
            listing.consumed_above.discard(listing.done_through)
        while self._lowest_open < len(self.listings) and self.listings[self._lowest_open].finished:
            self._lowest_open += 1
        return listing

    @property
    def wasted(self) -> int:
        """Pages asked for past the end of their listing (known once it is finished)."""
        return sum(
            listing.issued - listing.short_at
            for listing in self.listings
            if listing.short_at is not None
        )

    def _in_flight_limit(self) -> int:
        if self.concurrency is None:
            return self.workers
        return min(self.workers, self.concurrency.limit)

    def _open_cap(self) -> int:
        return max(1, self.max_open * self._in_flight_limit() // self.workers)

    def _all_finished(self) -> bool:
        return self._lowest_open >= len(self.listings) and self._in_flight == 0

    def _next_completion(self) -> tuple[int, int, t.Any]:
        while True:
            try:
                return self._done.get(timeout=_WAKE_SECONDS)
            except queue.Empty:
                continue

    # --- scheduling ----------------------------------------------------------------

    def _fill(self, pool: WorkerPool) -> None:
        limit = self._in_flight_limit()
        # Below the ceiling, pages held and listings open shrink with the limit: memory
        # follows what is in flight now, not what `workers` would allow.
        held_cap = self.max_held - (self.workers - limit)
        while self._in_flight < limit and self._held < held_cap:
            job = self._certain_job() or self._speculative_job()
            if job is None:
                return
            index, number = job
            listing = self.listings[index]
            listing.issued = number
            listing.in_flight += 1
            self._in_flight += 1
            self._held += 1
            self.held_peak = max(self.held_peak, self._held)
            self.requests += 1
            future = pool.submit(self._fetch_page, index, number)
            future.add_done_callback(lambda done, job=(index, number): self._done.put((*job, done)))

    def _open_stable(self) -> t.Iterator[int]:
        """Unfinished stable listings, oldest first, of which at most `max_open` started."""
        opened = 0
        for index in range(self._lowest_open, len(self.listings)):
            listing = self.listings[index]
            if listing.finished or not listing.stable:
                continue
            if not listing.started and opened >= self._open_cap():
                return
            opened += 1
            yield index

    def _certain_job(self) -> tuple[int, int] | None:
        for index in self._unstable:
            listing = self.listings[index]
            if listing.in_flight == 0 and _next_is_certain(listing):
                return index, listing.issued + 1
        for index in self._open_stable():
            if _next_is_certain(self.listings[index]):
                return index, self.listings[index].issued + 1
        return None

    def _speculative_job(self) -> tuple[int, int] | None:
        for index in self._open_stable():
            listing = self.listings[index]
            proven = listing.full_through - listing.first_page + 1  # full pages read
            number = listing.issued + 1
            if number - (listing.full_through + 1) > min(self.depth, proven // 2):
                continue
            if listing.short_at is not None and number >= listing.short_at:
                continue
            longest = self._longest_ended
            if longest and number > longest and listing.full_through < longest:
                continue  # past where every listing seen so far ended, until this one is not
            return index, number
        return None


def _next_is_certain(listing: Listing) -> bool:
    """The listing's next page exists for sure, or is its first: it must be read."""
    return listing.short_at is None and listing.issued <= listing.full_through
