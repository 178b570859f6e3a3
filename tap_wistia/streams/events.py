"""The events stream: viewing sessions, read in UTC day windows, many pages at once.

The API lists events newest first with offset paging (100 a page, no total) and filters
by inclusive UTC dates, so each day is one listing (one per media with `media_ids`).

How a run reads them (the scheduling itself is `page_crawl`):
- A *closed* day (ended at least `CLOSED_AFTER` before the run started) gets no new
  events, so its pages are fixed: they are read in parallel, several days and several
  pages of one day at once, as many in flight as the run's request budget can use at
  the latency seen (`http.concurrency`), at most `max_concurrency`.
- The *open* day (today, while events still arrive at the head of the list) is read in
  parallel too, then proven complete by counting the distinct events seen against the
  listing's total, or read again in order (`open_day`).
- Records are emitted as pages arrive, not in day order (targets upsert on `event_key`).
- Memory is bounded by pages held (`max_concurrency + PAGES_AHEAD` pages of 100 events),
  not by the size of a day or the number of days.

State (the bookmark is what the next run trusts; it moves only once what it covers has
been emitted, and in one `dict.update`, so a STATE written at any moment is complete):
- `replication_key_value`: the end of the contiguous run of finished days from the
  start; every event received before it was emitted.
- `pages_read`: for closed days after it that are partly read, how many of their first
  pages were emitted; `days_read`: closed days after it already read in full. A resumed
  run skips those pages and days, so a killed backfill re-reads only the pages that were
  in flight (a few per cent of a run), not whole days. The open day is never recorded:
  resuming it mid-way would miss events that arrived at its head in between.
Incremental runs re-read from the start of the bookmark's UTC day, minus
`events_lookback_days`.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass

from typing_extensions import override

from tap_wistia.http.page_crawl import Listing, PageCrawl
from tap_wistia.state.resume_points import read_resume_points
from tap_wistia.streams import schemas_v1 as schemas
from tap_wistia.streams.base import PAGE_SIZE, SelfBookmarkingStream
from tap_wistia.streams.open_day import OpenDayCheck
from tap_wistia.timeutil import days_between, format_timestamp, parse_timestamp, start_of_day

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

# A day is read as closed only this long after it ended: events can reach the listing a
# little after their `received_at`, and a closed day is read in parallel, which a late
# insertion could make skip events (reading in order it would only re-list some).
CLOSED_AFTER = dt.timedelta(hours=1)
# Pages read and not yet emitted, beyond those in flight: what memory is bounded by.
PAGES_AHEAD = 16
PROGRESS_SHARE = 0.1  # log progress every 10 % of the days ...
PROGRESS_SECONDS = 30.0  # ... or every 30 s, whichever comes first


@dataclass(frozen=True)
class Window:
    day: dt.date
    media_id: str | None

    @property
    def key(self) -> str:
        """How the window is named in the state."""
        day = self.day.isoformat()
        return day if self.media_id is None else f"{day}/{self.media_id}"

    @property
    def context(self) -> dict:
        day = self.day.isoformat()
        return {"start_date": day, "end_date": day, "media_id": self.media_id}


class EventsStream(SelfBookmarkingStream):
    """Viewing sessions, incremental on `received_at`; see the module docstring."""

    name = "events"
    path = "/stats/events"
    primary_keys = ("event_key",)
    replication_key = "received_at"
    is_sorted = False
    schema = schemas.EVENT
    timestamp_fields = ("received_at",)
    # With project_ids, the medias listing tells which events are in scope.
    planned_from = ("medias",)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        params = super().get_url_params(context, next_page_token)
        if context:
            params.update({k: v for k, v in context.items() if v is not None})
        return params

    def first_day(self) -> dt.date:
        first = self.run.window.start.date()
        state = self.stream_state
        bookmark = state.get("replication_key_value")
        if bookmark and state.get("replication_key") == self.replication_key:
            lookback = dt.timedelta(days=self.run.settings.events_lookback_days)
            first = max(first, parse_timestamp(bookmark).date() - lookback)
        return first

    def is_closed(self, day: dt.date) -> bool:
        return (
            start_of_day(day + dt.timedelta(days=1)) + CLOSED_AFTER <= self.run.window.run_started
        )

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        run = self.run
        days = days_between(self.first_day(), run.window.last_day)
        media_scope: list[str | None] = list(run.settings.media_ids) or [None]
        # project_ids without media_ids: one account-wide listing, filtered here, costs
        # fewer requests than one listing per media of the projects.
        allowed = (
            run.planner.catalog.hashed_ids()
            if run.settings.project_ids and media_scope == [None]
            else None
        )
        # Visitors and per-media refreshes plan their work from the events read here.
        if days:
            run.planner.events_started(start_of_day(days[0]))
        self.logger.info(
            "events: reading %d UTC day(s) %s..%s",
            len(days),
            days[0] if days else "-",
            days[-1] if days else "-",
        )
        windows = [Window(day, media_id) for day in days for media_id in media_scope]
        pages_read, days_read = self._resume_points()
        todo: list[Window] = []
        listings: list[Listing] = []
        skipped: list[str] = []
        for window in windows:
            closed = self.is_closed(window.day)
            if closed and window.key in days_read:
                skipped.append(window.key)
                continue
            todo.append(window)
            # The open day too is read in parallel, then checked (`open_day`).
            listings.append(Listing(True, 1 + (pages_read.get(window.key, 0) if closed else 0)))
        open_windows = {i for i, window in enumerate(todo) if not self.is_closed(window.day)}
        if len(todo) < len(windows):
            # Named: a day skipped is a day not read again, never silently.
            self.logger.info(
                "events: resuming: %d day window(s) already read (%s), %d page(s) of partly "
                "read ones skipped",
                len(skipped),
                ", ".join(skipped[:5]) + (", ..." if len(skipped) > 5 else ""),
                sum(listing.first_page - 1 for listing in listings),
            )
        workers = run.settings.max_concurrency  # the ceiling; the run's limit adapts
        crawl: PageCrawl[dict] = PageCrawl(
            listings,
            lambda index, page: self.fetch_page(todo[index].context, page),
            workers=workers,
            page_size=PAGE_SIZE,
            max_held=workers + PAGES_AHEAD,
            max_open=2 * workers,
            depth=max(workers // 2, 1),
            concurrency=run.concurrency,
        )
        progress = _Progress(self, days, windows, todo, crawl, open_windows)
        seen: dict[int, set[str]] = {}
        for page in crawl.pages():
            # Keys are kept for the open day only, whose shifts re-list events and whose
            # check counts them; a closed day's pages are fixed and cannot overlap, and
            # keeping its keys would make memory grow with the days open at once.
            keys = seen.setdefault(page.listing, set()) if page.listing in open_windows else set()
            yield from self._new_events(page.rows, keys, allowed)
            progress.page_done(page.listing, crawl.consumed(page))
        for index in sorted(open_windows):
            check = OpenDayCheck(
                lambda number, read, index=index: self.fetch_page(
                    todo[index].context, number, read
                ),
                crawl.listings[index].short_at or 1,
                seen.setdefault(index, set()),
            )
            for rows in check.pages():
                yield from self._new_events(rows, check.seen, allowed)
            self.logger.info(
                "events: open day %s: %s after %d more request(s)",
                todo[index].key,
                "every event seen (counted)" if check.verified else "read again in order",
                check.requests,
            )
            progress.checks += check.requests
        progress.all_done()
        self.logger.info(
            "events: %d day(s) read with %d request(s) (%d past a day's end); requests in "
            "flight: limit %s",
            len(days),
            crawl.requests + progress.checks,
            crawl.wasted,
            " -> ".join(str(n) for n in run.concurrency.history[-12:]),
        )

    def _new_events(
        self, rows: list[dict], keys: set[str], allowed: set[str] | None
    ) -> t.Iterator[dict]:
        """Rows not seen before in their listing and within scope and the run's window;
        every row's key goes into `keys`, which is what the open day's count is made of."""
        start, end = self.run.window.start, self.run.window.end
        for row in rows:
            self.require_key(row, "event_key", f"GET {self.path}")
            if row["event_key"] in keys:
                continue
            keys.add(row["event_key"])
            if allowed is not None and row.get("media_id") not in allowed:
                continue
            if not self._within(row, start, end):
                continue
            self.run.planner.saw_event(row)
            yield row

    def _resume_points(self) -> tuple[dict[str, int], set[str]]:
        """What an interrupted run recorded of closed days after its bookmark; anything
        the tap could not have written is dropped with a warning (`resume_points`)."""
        state = self.stream_state
        if state.get("replication_key") != self.replication_key:
            return {}, set()
        return read_resume_points(state, self.is_closed, self.name, self.logger)

    @staticmethod
    def _within(row: dict, start: dt.datetime, end: dt.datetime) -> bool:
        received = row.get("received_at")
        if not received:
            return True
        try:
            at = parse_timestamp(received)
        except ValueError:
            return True  # keep it: an odd timestamp is no reason to lose an event
        return start <= at <= end

    def commit(self, covered_until: dt.datetime | None, pages: dict, days_read: list) -> None:
        """Move the bookmark (with the resume points after it) and emit a STATE."""
        update: dict[str, t.Any] = {
            "replication_key": self.replication_key,
            "pages_read": pages,
            "days_read": days_read,
        }
        if covered_until is not None:
            update["replication_key_value"] = format_timestamp(covered_until)
        self.stream_state.update(update)  # one call: a signal cannot split it
        self.emit_state()

    @override
    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        conversion_type = row.get("conversion_type")
        if conversion_type is not None and not isinstance(conversion_type, str):
            row["conversion_type"] = str(conversion_type)
        return super().post_process(row, context)


class _Progress:
    """Turns consumed pages into bookmarks, STATE messages and progress lines."""

    def __init__(
        self,
        stream: EventsStream,
        days: list[dt.date],
        windows: list[Window],
        todo: list[Window],
        crawl: PageCrawl,
        open_windows: set[int],
    ) -> None:
        self.stream = stream
        self.open_windows = open_windows  # never recorded: see the module docstring
        self.checks = 0  # requests of the open days' checks, after the crawl
        self.days = days
        self.todo = todo
        self.crawl = crawl
        self.clock = stream.run.clock
        self.end = stream.run.window.end
        # A day is finished when every listing of its windows is: `Listing.finished` is the
        # one source of truth (its pages up to the first short one all consumed), so a
        # page consumed after its listing finished (a page asked for past the end) changes
        # nothing. Windows skipped as already read have no listing.
        self.listings_of: dict[dt.date, list[Listing]] = {day: [] for day in days}
        for window, listing in zip(todo, crawl.listings, strict=True):
            self.listings_of[window.day].append(listing)
        # Closed windows after the bookmark: pages emitted, or read in full (a window
        # skipped as already read stays read).
        self.pages: dict[Window, int] = {}
        to_read = set(todo)
        self.read: set[Window] = {window for window in windows if window not in to_read}
        for window, listing in zip(todo, crawl.listings, strict=True):
            if listing.first_page > 1:
                self.pages[window] = listing.first_page - 1
        self.prefix = 0  # days[:prefix] are all finished
        self._advance()  # past days an earlier run read in full (days_read)
        # Progress counts every finished day, in whatever order days finish: the bookmark's
        # contiguous prefix can stay at 0 for most of a run whose first day is slow.
        self.finished_days = {day for day in days if self._day_finished(day)}
        self.last_written: tuple | None = None
        self.logged_days = 0
        self.logged_at = self.clock.monotonic()

    def page_done(self, index: int, listing: Listing) -> None:
        window = self.todo[index]
        if listing.finished:
            if window.day not in self.finished_days and self._day_finished(window.day):
                self.finished_days.add(window.day)
            self.pages.pop(window, None)
            if index not in self.open_windows:
                self.read.add(window)
        elif index not in self.open_windows and listing.done_through > 0:
            self.pages[window] = listing.done_through
        self._advance()
        self._write_state()
        self._log()

    def all_done(self) -> None:
        self._write_state()
        self._log(final=True)

    def _day_finished(self, day: dt.date) -> bool:
        return all(listing.finished for listing in self.listings_of[day])

    def _advance(self) -> None:
        while self.prefix < len(self.days) and self._day_finished(self.days[self.prefix]):
            self.prefix += 1

    def _write_state(self) -> None:
        covered = None
        if self.prefix:
            first_open = self.days[self.prefix - 1] + dt.timedelta(days=1)
            covered = min(start_of_day(first_open), self.end)
            self.pages = {w: n for w, n in self.pages.items() if w.day >= first_open}
            self.read = {w for w in self.read if w.day >= first_open}
        pages = {window.key: n for window, n in sorted(self.pages.items(), key=_by_key)}
        read = sorted(window.key for window in self.read)
        written = (covered, tuple(pages.items()), tuple(read))
        if written != self.last_written:
            self.last_written = written
            self.stream.commit(covered, pages, read)
            if covered is not None:
                self.stream.run.planner.window_done(covered)

    def _log(self, *, final: bool = False) -> None:
        total = len(self.days)
        done = len(self.finished_days)
        now = self.clock.monotonic()
        due = done - self.logged_days >= max(total * PROGRESS_SHARE, 1)
        if not total or not (final or due or now - self.logged_at >= PROGRESS_SECONDS):
            return
        if final and self.logged_days == done:
            return
        self.logged_days, self.logged_at = done, now
        self.stream.logger.info(
            "events: %d/%d days done, %d requests so far",
            done,
            total,
            self.crawl.requests + self.checks,
        )


def _by_key(item: tuple[Window, int]) -> str:
    return item[0].key
