"""The open day read in parallel, then proven complete by counting, or read again in order.

Today's events listing changes while it is read: new events arrive at its head (newest
first) and, a little late, just below it, pushing every older event down. Pages read in
parallel can then miss the events a shift pushes across a page boundary between the
reads of two neighbouring pages; read one after the other in order, a shift only re-lists
events. Reading in order costs one round trip per page (32 % of the budget at 300 ms).

So the open day is read like a closed one, all its pages in parallel, and then checked:

1. re-read page 1 (events that arrived at the head since), unless it is the last page;
2. then re-read the listing's last page (and on, while pages are full): the listing's
   total now, `(last page - 1) x 100 + its rows`;
3. every event seen (the parallel pass and these re-reads, deduplicated by `event_key`)
   is in the listing, and the listing only grows: if as many distinct events were seen
   as the total, every event was seen. Nothing missed, by counting alone, whatever the
   order in which pages were answered and wherever events were inserted. (The head is
   read before the total: events arriving in between make the count fall short, which
   only costs another round, never a false "complete".)

If the count falls short because events arrived during the check (the total grew since
the last round), steps 1-3 are tried again, `ROUNDS` times in all. If it falls short
with the total unchanged, a shift opened a gap during the parallel pass, which more
checks cannot fill. Then the listing is read once more from page 1 in order, the way it
always was, which misses nothing a serial read would.
Assumes events are never deleted from the listing (a deletion could hide a miss from
the count); Wistia's events are an append-only log of views.
"""

from __future__ import annotations

import typing as t

PAGE_SIZE = 100
ROUNDS = 3


class OpenDayCheck:
    """Pages that complete a parallel read of an open day; see the module docstring.

    Iterate `pages()` and add every row's key to `seen` before taking the next page: the
    count is made from `seen`.
    """

    def __init__(
        self, fetch_page: t.Callable[[int, int], list[dict]], last_page: int, seen: set[str]
    ) -> None:
        """`fetch_page(page, read)`: `read` numbers this check's reads of the listing (1,
        2, ...; the pass was 0), which the repeated-page guard tells apart."""
        self._fetch = fetch_page
        self._last = max(last_page, 1)
        self.seen = seen
        self.requests = 0
        self.rounds = 0
        self.verified = False

    def _page(self, number: int) -> list[dict]:
        self.requests += 1
        return self._fetch(number, self.rounds)

    def pages(self) -> t.Iterator[list[dict]]:
        previous = None
        for _ in range(ROUNDS):
            self.rounds += 1
            if self._last > 1:  # else the last page is the head: one read is both
                yield self._page(1)
            total = yield from self._total()
            if len(self.seen) >= total:
                self.verified = True
                return
            if total == previous:
                break  # nothing arrived during the check: a gap in the pass, not arrivals
            previous = total
        # Not proven: read it all again in order (a shift then only re-lists events).
        self.rounds += 1
        number = 1
        while True:
            rows = self._page(number)
            yield rows
            if len(rows) < PAGE_SIZE:
                return
            number += 1

    def _total(self) -> t.Generator[list[dict], None, int]:
        """The listing's size now, from its last page (read on while pages are full). An
        empty last page gives an upper bound, `(page - 1) x 100`, which proves as much:
        as many events seen as the bound means as many as the listing holds."""
        while True:
            rows = self._page(self._last)
            yield rows
            if len(rows) < PAGE_SIZE:
                return (self._last - 1) * PAGE_SIZE + len(rows)
            self._last += 1
