"""The media streams: the media listing and the stats fetched once per media."""

from __future__ import annotations

import datetime as dt
import typing as t
from functools import cached_property

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from tap_wistia.http.paging import CursorGuard
from tap_wistia.http.workers import ordered_prefetch
from tap_wistia.sdk_private import mark_state_changed
from tap_wistia.state import bookmarks, deletions
from tap_wistia.state.media_refresh import ACTIVITY_THROUGH, FULL_REFRESH_AT, RefreshPlan
from tap_wistia.streams import schemas_v1 as schemas
from tap_wistia.streams.base import (
    PAGE_SIZE,
    PROGRESS_EVERY,
    ResourceNotFound,
    ScopedStream,
    SelfBookmarkingStream,
    WistiaError,
    payload,
)
from tap_wistia.streams.tombstones import TracksDeletions
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

    from tap_wistia.state.catalog import CatalogMedia


class CursorPaginator(BaseAPIPaginator):
    """v1 cursor paging: the next page starts after the last record's `cursor`."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(None)
        self.endpoint = endpoint
        self.guard = CursorGuard()

    @override
    def get_next(self, response: requests.Response) -> str | None:
        rows = payload(response)
        if len(rows) < PAGE_SIZE:
            return None
        cursor = rows[-1].get("cursor") if isinstance(rows[-1], dict) else None
        if not cursor:
            raise WistiaError(
                f"GET {self.endpoint} answered a full page without a cursor on its records: "
                "the API no longer supports cursor paging there."
            )
        self.guard.check(f"GET {self.endpoint}", str(cursor))
        return str(cursor)


class MediasStream(TracksDeletions, SelfBookmarkingStream):
    """Medias, incremental on `updated`.

    v1 has no "updated since" filter, so every run pages the whole list (one request per
    100 medias) and emits those updated at or after the bookmark. The listing also fills
    the run's media catalog for the per-media streams.

    Paging is by cursor in `created` order, which edits do not change: offset pages sorted
    by `updated` shift when a media is edited mid-crawl (it jumps to the end, and the
    record after a page boundary slides onto a page already read: skipped). Since the
    order is not by `updated`, the bookmark is set once the listing is complete, to its
    start (minus `CLOCK_SKEW` for Wistia's clock): a media edited during the crawl may
    have been read before the edit, and is then read again next run.

    Since every run lists every media, a media no longer listed is marked deleted, and a
    restored one is emitted again whatever its `updated` (`streams.tombstones`).
    """

    name = "medias"
    path = "/medias"
    primary_keys = ("hashed_id",)
    replication_key = "updated"
    is_sorted = False
    schema = schemas.MEDIA
    timestamp_fields = ("created", "updated")
    record_id_field = "hashed_id"
    state_fields: t.ClassVar[dict[str, str]] = {
        **SelfBookmarkingStream.state_fields,
        **deletions.STATE_FIELDS,
    }
    account_wide_state = tuple(deletions.STATE_FIELDS)

    @property
    @override
    def partitions(self) -> list[dict] | None:
        return [{"project_id": p} for p in sorted(self.run.settings.project_ids)] or None

    @override
    def get_new_paginator(self) -> BaseAPIPaginator:
        return CursorPaginator(self.path)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        # No `page`: the API refuses it together with a cursor.
        params: dict[str, t.Any] = {
            "per_page": PAGE_SIZE,
            "sort_by": "created",
            "sort_direction": 1,
        }
        if next_page_token:
            params["cursor[after]"] = next_page_token
        else:
            params["cursor[enabled]"] = 1
        if context and context.get("project_id"):
            params["project_id"] = context["project_id"]
        if self.run.settings.media_ids:
            params["hashed_ids[]"] = list(self.run.settings.media_ids)
        return params

    @override
    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        # Records without `cursor` (paging metadata, not media data); copies, because the
        # paginator reads the cursor from the response after its records are consumed.
        for row in super().parse_response(response):
            yield {key: value for key, value in row.items() if key != "cursor"}

    def list_all(self) -> t.Iterator[dict]:
        """Every media in scope, for the catalog when this stream is not selected."""
        for context in self.partitions or [None]:
            yield from self.request_records(context)

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        catalog = self.run.planner.catalog
        state = self.get_context_state(context)
        bookmark = state.get("replication_key_value")
        since = parse_timestamp(bookmark) if bookmark else None
        crawl_started = dt.datetime.now(dt.UTC)
        for row in self.request_records(context):
            self.require_key(row, "hashed_id", f"GET {self.path}")
            catalog.register(row)
            restored = self.listed(row)
            updated = row.get("updated")
            if since and updated and parse_timestamp(updated) < since and not restored:
                continue
            yield row
        mark = crawl_started - bookmarks.CLOCK_SKEW
        if since is None or mark > since:
            self.set_bookmark(format_timestamp(mark), context)
        if context is None or context == (self.partitions or [{}])[-1]:
            catalog.mark_complete()
            self.mark_deleted()


class PerMediaStream(ScopedStream):
    """A stats endpoint called once for every media of the run's catalog to refresh.

    Which medias: with `per_media_refresh: active` (the default) those with activity, plus
    each media on its periodic turn; with `all`, every media (see `state.media_refresh`).
    The state keeps what the next run's choice builds on (`activity_through`).
    """

    parent = "medias"
    # Events pick the medias; media_stats' lifetime plays tell which never played.
    planned_from = ("events", "media_stats")
    paginated = False
    # Lifetime totals: read for every media on the first run (else: medias with events).
    lifetime_totals: t.ClassVar[bool] = False
    state_fields: t.ClassVar[dict[str, str]] = {
        **ScopedStream.state_fields,
        ACTIVITY_THROUGH: bookmarks.TIMESTAMP,
        FULL_REFRESH_AT: bookmarks.TIMESTAMP,
    }

    @cached_property
    def refresh_plan(self) -> RefreshPlan:
        planner = self.run.planner
        plan = planner.media_refresh(self.stream_state, lifetime=self.lifetime_totals)
        if plan.warning and planner.first_time(plan.warning):
            self.logger.warning("%s", plan.warning)
        self.logger.info(
            "%s: refreshing %d media(s) (%s).", self.name, len(plan.medias), plan.reason
        )
        return plan

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        yield from self._refresh(self.refresh_plan.medias)
        self.refresh_done()

    def refresh_done(self) -> None:
        self.run.planner.media_refresh_done(self.stream_state)
        mark_state_changed(self)

    def _refresh(self, medias: list[CatalogMedia]) -> t.Iterable[dict]:
        fetched = ordered_prefetch(
            medias,
            lambda media: self.request_records({"media_id": media.hashed_id}),
            workers=self.run.settings.max_concurrency,
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
        return {**super().shape(row, media), "snapshot_date": self.run.window.snapshot_date}


class MediaStatsStream(SnapshotStream):
    """Lifetime totals per media."""

    name = "media_stats"
    path = "/stats/medias/{media_id}"
    schema = schemas.MEDIA_STATS
    planned_from = ("events",)
    lifetime_totals = True

    def shape(self, row: dict, media: CatalogMedia) -> dict:
        # Tells the later per-media streams which medias never played.
        self.run.planner.saw_lifetime_stats(media.hashed_id, row)
        return super().shape(row, media)


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

    def date_range(self, media_id: str | None = None) -> tuple[dt.date, dt.date]:
        """From the bookmark's day; for a media on its periodic turn, from the start of
        the look-back, so the loads of days it was skipped on are read."""
        first, last = self.run.window.start.date(), self.run.window.last_day
        bookmark = self.stream_state.get("replication_key_value")
        if bookmark:
            since = dt.date.fromisoformat(bookmark[:10])
            if media_id:
                since = self.refresh_plan.first_day(media_id, since, last)
            first = max(first, since)
        return first, last

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        first, last = self.date_range((context or {}).get("media_id"))
        return {"start_date": first.isoformat(), "end_date": last.isoformat()}

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        first, last = self.date_range()
        if first > last:
            self.logger.info("%s: no complete day to read yet.", self.name)
            return
        yield from super().get_records(context)
