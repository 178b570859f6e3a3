"""Account-wide listings: projects and visitors (medias: `medias`, events: `events`), and the
account itself, read once per run for every record's `account_id`."""

from __future__ import annotations

import datetime as dt
import typing as t

from typing_extensions import override

from tap_wistia.http.workers import ordered_prefetch, pages_ahead
from tap_wistia.sdk_private import mark_state_changed, tap_of
from tap_wistia.state import bookmarks
from tap_wistia.state.visitor_refresh import FULL_LISTING_AT
from tap_wistia.streams import schemas_v1 as schemas
from tap_wistia.streams.base import (
    PAGE_SIZE,
    PROGRESS_EVERY,
    CleanRecordsStream,
    ResourceNotFound,
    WistiaStream,
)
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


# The fields of `GET /account` the run uses (the catalog's `account` stream has them all).
_ACCOUNT = {
    "type": "object",
    "properties": {"id": {"type": ["integer"]}, "name": {"type": ["string", "null"]}},
}


class ProjectsStream(CleanRecordsStream):
    """All projects (folders); small, so always read in full."""

    name = "projects"
    path = "/projects"
    primary_keys = ("id",)
    replication_key = None
    schema = schemas.PROJECT
    timestamp_fields = ("created", "updated")

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {**super().get_url_params(context, next_page_token), "sort_by": "id"}

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        scope = self.run.planner.projects
        if not scope.wanted:
            yield from self.request_records(context)
            return
        projects = list(self.request_records(context))  # small: one request per 100
        scope.check(projects)
        yield from (p for p in projects if scope.matches(p))


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
    planned_from = ("events",)  # the visitors seen in new events are the ones re-read
    primary_keys = ("visitor_key",)
    replication_key = None
    schema = schemas.VISITOR
    timestamp_fields = ("created_at", "last_active_at")
    state_fields: t.ClassVar[dict[str, str]] = {
        "synced_through": bookmarks.TIMESTAMP,
        "visitor_count": bookmarks.COUNT,
        FULL_LISTING_AT: bookmarks.TIMESTAMP,
    }

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        return False  # a refresh run emits some visitors: never tell a target to drop the rest

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        plan = self.run.planner.visitor_plan()
        if plan.keys is None:
            self.logger.info("visitors: listing every visitor (%s).", plan.reason)
            yield from self._list_everyone(context)
            return
        self.logger.info(
            "visitors: re-reading %d visitor(s) one by one (%s).", len(plan.keys), plan.reason
        )
        known = self.run.planner.changed_visitors
        added = 0
        one_visitor = VisitorByKeyStream(tap=tap_of(self), run=self.run)
        fetched = ordered_prefetch(
            sorted(plan.keys),
            lambda key: one_visitor.request_records({"visitor_key": key}),
            workers=self.run.settings.max_concurrency,
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
            workers=self.run.settings.max_concurrency,
            page_size=PAGE_SIZE,
            expected_pages=self.run.planner.changed_visitors.listing_cost or 0,
            concurrency=self.run.concurrency,
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
        self._remember(self.run.window.run_started, len(seen))
        self.stream_state[FULL_LISTING_AT] = format_timestamp(self.run.window.run_started)

    def _remember(self, synced_through: dt.datetime | None, count: int) -> None:
        state = self.stream_state
        previous = state.get("synced_through")
        if previous and synced_through is not None:
            # A refresh keeps visitors in sync up to the later of the two.
            synced_through = max(synced_through, parse_timestamp(previous))
        if synced_through is not None:
            state["synced_through"] = format_timestamp(synced_through)
        state["visitor_count"] = count
        mark_state_changed(self)


class VisitorByKeyStream(WistiaStream):
    """One visitor by key; used by the visitors stream, never synced on its own."""

    name = "visitor_by_key"
    path = "/stats/visitors/{visitor_key}"
    discoverable = False
    primary_keys = ("visitor_key",)
    replication_key = None
    schema = schemas.VISITOR
    paginated = False


class AccountLookupStream(WistiaStream):
    """The account the token reads (`GET /account`), read once per run for every record's
    `account_id` (`state.account`); never synced on its own."""

    name = "account_lookup"
    path = "/account"
    discoverable = False
    primary_keys = ("id",)
    replication_key = None
    schema = _ACCOUNT
    paginated = False
