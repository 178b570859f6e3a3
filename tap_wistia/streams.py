"""Wistia streams: what each one asks for, its keys and how it replicates."""

from __future__ import annotations

import datetime as dt
import typing as t

from tap_wistia import schemas
from tap_wistia.client import PAGE_SIZE, ResourceNotFound, WistiaStream
from tap_wistia.prefetch import ordered_prefetch, pages_ahead
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_wistia.media_catalog import CatalogMedia

PROGRESS_EVERY = 100  # log progress every N medias / windows on long runs


class ProjectsStream(WistiaStream):
    """All projects (folders); small, so always read in full."""

    name = "projects"
    path = "/projects"
    primary_keys = ("id",)
    replication_key = None
    schema = schemas.PROJECT
    timestamp_fields = ("created", "updated")

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {**super().get_url_params(context, next_page_token), "sort_by": "id"}

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        wanted = self._tap.project_ids
        if wanted and not {str(row.get("id")), row.get("hashedId")} & wanted:
            return None
        return super().post_process(row, context)


class MediasStream(WistiaStream):
    """Medias, incremental on `updated`.

    v1 has no "updated since" filter, so every run pages the whole list (one request per
    100 medias) in ascending `updated` order and emits those at or after the bookmark.
    The listing also fills the run's media catalog for the per-media streams.
    """

    name = "medias"
    path = "/medias"
    primary_keys = ("hashed_id",)
    replication_key = "updated"
    # Ascending by `updated`, so the bookmark may advance record by record. Should the API
    # ever break that order, the bookmark would only move back (re-emit, never skip).
    is_sorted = True
    check_sorted = False
    schema = schemas.MEDIA
    timestamp_fields = ("created", "updated")

    @property
    def partitions(self) -> list[dict] | None:
        return [{"project_id": p} for p in sorted(self._tap.project_ids)] or None

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        params = {
            **super().get_url_params(context, next_page_token),
            "sort_by": "updated",
            "sort_direction": 1,
        }
        if context and context.get("project_id"):
            params["project_id"] = context["project_id"]
        if self.config.get("media_ids"):
            params["hashed_ids[]"] = list(self.config["media_ids"])
        return params

    def list_all(self) -> t.Iterator[dict]:
        """Every media in scope, for the catalog when this stream is not selected."""
        for context in self.partitions or [None]:
            yield from self.request_records(context)

    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        catalog = self._tap.media_catalog
        bookmark = self.get_context_state(context).get("replication_key_value")
        since = parse_timestamp(bookmark) if bookmark else None
        for row in self.request_records(context):
            self.require_key(row, "hashed_id", f"GET {self.path}")
            catalog.register(row)
            updated = row.get("updated")
            if since and updated and parse_timestamp(updated) < since:
                continue
            yield row
        if context is None or context == (self.partitions or [{}])[-1]:
            catalog.mark_complete()


class PerMediaStream(WistiaStream):
    """A stats endpoint called once for every media of the run's catalog."""

    paginated = False

    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        medias = self._tap.media_catalog.medias()
        fetched = ordered_prefetch(
            medias,
            lambda media: self.request_records({"media_id": media.hashed_id}),
            workers=self._tap.max_concurrency,
        )
        for done, (media, rows) in enumerate(fetched, start=1):
            try:
                shaped = [self.shape(row, media) for row in rows]
            except ResourceNotFound:
                # Deleted between the listing and now: nothing to extract, not a failure.
                self.logger.warning(
                    "%s: media %s is gone (404); skipped.", self.name, media.hashed_id
                )
                continue
            yield from shaped
            if done % PROGRESS_EVERY == 0 or done == len(medias):
                self.logger.info("%s: %d/%d medias done", self.name, done, len(medias))

    def shape(self, row: dict, media: CatalogMedia) -> dict:
        return {**row, "media_id": media.hashed_id}


class SnapshotStream(PerMediaStream):
    """All-time figures per media, stamped with the run's UTC day.

    Each run adds one snapshot per media and day (key: media_id + snapshot_date), so a
    rerun the same day replaces that day's rows and earlier days stay: they are the
    history that turns cumulative totals into per-day changes.
    """

    primary_keys = ("media_id", "snapshot_date")
    replication_key = "snapshot_date"
    is_sorted = True  # every record of a run has the same snapshot_date

    def shape(self, row: dict, media: CatalogMedia) -> dict:
        return {**super().shape(row, media), "snapshot_date": self._tap.snapshot_date}


class MediaStatsStream(SnapshotStream):
    """Lifetime totals per media."""

    name = "media_stats"
    path = "/stats/medias/{media_id}"
    schema = schemas.MEDIA_STATS


class MediaEngagementStream(SnapshotStream):
    """The engagement graph (all time) per media, with the media's duration."""

    name = "media_engagement"
    path = "/stats/medias/{media_id}/engagement"
    schema = schemas.MEDIA_ENGAGEMENT

    def shape(self, row: dict, media: CatalogMedia) -> dict:
        return {**super().shape(row, media), "duration": media.duration}


class MediaDailyStatsStream(PerMediaStream):
    """Loads, plays and hours watched per media per UTC day, incremental on `date`.

    One bookmark for the whole stream (the last day read); each run re-reads that day,
    because today's row keeps growing until the day ends. Bounds are inclusive.
    """

    name = "media_daily_stats"
    path = "/stats/medias/{media_id}/by_date"
    primary_keys = ("media_id", "date")
    replication_key = "date"
    is_sorted = False
    returns_list = True
    schema = schemas.MEDIA_DAILY_STATS

    def date_range(self) -> tuple[dt.date, dt.date]:
        bookmark = self.stream_state.get("replication_key_value")
        first = self._tap.extraction_start.date()
        if bookmark:
            first = max(first, dt.date.fromisoformat(bookmark[:10]))
        return first, self._tap.last_day

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        first, last = self.date_range()
        return {"start_date": first.isoformat(), "end_date": last.isoformat()}

    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        first, last = self.date_range()
        if first > last:
            self.logger.info("%s: no complete day to read yet.", self.name)
            return
        yield from super().get_records(context)


class VisitorsStream(WistiaStream):
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

    @property
    def emit_activate_version_messages(self) -> bool:
        return False  # a refresh run emits some visitors: never tell a target to drop the rest

    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        tap = self._tap
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
            workers=self._tap.max_concurrency,
            page_size=PAGE_SIZE,
            expected_pages=self._tap.changed_visitors.listing_cost or 0,
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
        self._remember(self._tap.run_started, len(seen))

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
