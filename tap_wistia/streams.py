"""Wistia streams: the shared bases, projects, events and visitors (medias: `media_streams`)."""

from __future__ import annotations

import datetime as dt
import typing as t
from functools import cached_property

from typing_extensions import override

from tap_wistia import schemas, state_checks
from tap_wistia.client import PAGE_SIZE, ResourceNotFound, WistiaStream
from tap_wistia.prefetch import ordered_prefetch, pages_ahead
from tap_wistia.sanitise import Sanitiser
from tap_wistia.scope import adopt_scope
from tap_wistia.sdk_private import ManualBookmarks
from tap_wistia.timeutil import format_timestamp, parse_timestamp
from tap_wistia.visitor_refresh import FULL_LISTING_AT

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


PROGRESS_EVERY = 100  # log progress every N medias / windows on long runs


class CleanRecordsStream(WistiaStream):
    """Every record has its primary key and only values a loader can take (`sanitise`).

    A record without its key cannot be upserted or deduplicated: the run fails naming the
    endpoint rather than emit it. Repairs are counted and reported once when the stream ends.
    """

    @cached_property
    def sanitiser(self) -> Sanitiser:
        return Sanitiser()

    @override
    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        processed = super().post_process(self.sanitiser.clean(row), context)
        if processed is not None:
            for key in self.primary_keys:
                self.require_key(processed, key, f"GET {self.path}")
        return processed

    @override
    def sync(self, context: Context | None = None) -> None:
        try:
            super().sync(context)
        finally:
            self.sanitiser.report(self.name, self.logger)


class ProjectsStream(CleanRecordsStream):
    """All projects (folders); small, so always read in full."""

    name = "projects"
    path = "/projects"
    primary_keys = ("id",)
    replication_key = None
    schema = schemas.PROJECT
    timestamp_fields = ("created", "updated")

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {**super().get_url_params(context, next_page_token), "sort_by": "id"}

    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        scope = self.wistia.project_scope
        if not scope.wanted:
            yield from self.request_records(context)
            return
        projects = list(self.request_records(context))  # small: one request per 100
        scope.check(projects)
        yield from (p for p in projects if scope.matches(p))


class ScopedStream(CleanRecordsStream):
    """A stream whose output depends on `media_ids` / `project_ids`.

    Before it syncs, configured project ids are checked to exist, and an incremental
    bookmark made under a scope that does not cover this run's is dropped (see `scope`).
    """

    # Each stream's state records the scope its bookmark was made under.
    state_fields: t.ClassVar[dict[str, str]] = {"scope": state_checks.SCOPE}

    @override
    def sync(self, context: Context | None = None) -> None:
        self.wistia.project_scope.check()
        if self.replication_key:
            adopt_scope(self.name, self.stream_state, self.wistia.scope, self.logger)
        super().sync(context)


class SelfBookmarkingStream(ManualBookmarks, ScopedStream):
    """A scoped stream that moves its bookmark itself, once everything before the new value
    is read (see `sdk_private.ManualBookmarks`)."""


class VisitorsStream(CleanRecordsStream):
    """Every visitor on the first run; afterwards, only the visitors that can have changed.

    The API documents no order for the list, so a listing is read to its last (short) page
    and never stopped early; duplicates from pages shifting mid-crawl are dropped. When the
    events read this run cover everything since the last visitor sync, the visitors seen in
    the new events are re-read one by one instead, if that takes fewer requests (see
    `visitor_refresh`). The stream state remembers when visitors were last in sync.
    """

    name = "visitors"
    path = "/stats/visitors"
    primary_keys = ("visitor_key",)
    replication_key = None
    schema = schemas.VISITOR
    timestamp_fields = ("created_at", "last_active_at")
    state_fields: t.ClassVar[dict[str, str]] = {
        "synced_through": state_checks.TIMESTAMP,
        "visitor_count": state_checks.COUNT,
        FULL_LISTING_AT: state_checks.TIMESTAMP,
    }

    @property
    def emit_activate_version_messages(self) -> bool:
        return False  # a refresh run emits some visitors: never tell a target to drop the rest

    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        tap = self.wistia
        plan = tap.changed_visitors.plan()
        if plan.keys is None:
            self.logger.info("visitors: listing every visitor (%s).", plan.reason)
            yield from self._list_everyone(context)
            return
        self.logger.info(
            "visitors: re-reading %d visitor(s) one by one (%s).", len(plan.keys), plan.reason
        )
        known = tap.changed_visitors
        added = 0
        one_visitor = VisitorByKeyStream(tap=tap)
        fetched = ordered_prefetch(
            sorted(plan.keys),
            lambda key: one_visitor.request_records({"visitor_key": key}),
            workers=tap.max_concurrency,
        )
        for key, rows in fetched:
            try:
                found = list(rows)
            except ResourceNotFound:
                self.logger.warning("visitors: visitor %s is gone (404); skipped.", key)
                continue
            for row in found:
                created = row.get("created_at")
                if (
                    created
                    and known.synced_through
                    and parse_timestamp(created) >= known.synced_through
                ):
                    added += 1
                yield row
        self._remember(known.events_through, (known.known_count or 0) + added)

    def _list_everyone(self, context: Context | None) -> t.Iterable[dict]:
        pages = pages_ahead(
            lambda page: self.fetch_page(context, page),
            workers=self.wistia.max_concurrency,
            page_size=PAGE_SIZE,
            expected_pages=self.wistia.changed_visitors.listing_cost or 0,
        )
        seen: set[str] = set()
        for page_number, rows in enumerate(pages, start=1):
            for row in rows:
                self.require_key(row, "visitor_key", f"GET {self.path}")
                if row["visitor_key"] in seen:
                    continue
                seen.add(row["visitor_key"])
                yield row
            if page_number % PROGRESS_EVERY == 0:
                self.logger.info("visitors: %d listed", len(seen))
        self._remember(self.wistia.run_started, len(seen))
        self.stream_state[FULL_LISTING_AT] = format_timestamp(self.wistia.run_started)

    def _remember(self, synced_through: dt.datetime | None, count: int) -> None:
        state = self.stream_state
        previous = state.get("synced_through")
        if previous and synced_through is not None:
            # A refresh keeps visitors in sync up to the later of the two.
            synced_through = max(synced_through, parse_timestamp(previous))
        if synced_through is not None:
            state["synced_through"] = format_timestamp(synced_through)
        state["visitor_count"] = count
        self.state_manager.is_flushed = False


class VisitorByKeyStream(WistiaStream):
    """One visitor by key; used by the visitors stream, never synced on its own."""

    name = "visitor_by_key"
    path = "/stats/visitors/{visitor_key}"
    primary_keys = ("visitor_key",)
    replication_key = None
    schema = schemas.VISITOR
    paginated = False
