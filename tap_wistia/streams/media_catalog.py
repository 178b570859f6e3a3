"""The media catalog and the account's statistics (modern API, release 2026-03): captions,
localizations and player customizations per media; the account's stats by day; each
project's totals; and each media's analytics summary per calendar month.

Decisions (measured on the default sandbox in `tests/test_media_catalog_streams.py`):

* **Captions are read per media** (`/medias/{id}/captions`), not from the account-wide
  `/captions` list: that list's records do not say which media they belong to (the spec's
  caption has no media field), so it cannot give "languages per media" or find videos
  without captions; narrowing it with `media_id` costs one call per media, like the
  per-media path. Per media, the daily cost follows the edits (below), not the account's
  size.
* **The per-media catalog streams follow the medias' edits** (`state.edit_refresh`): a
  media's captions, localizations and player settings change when it is edited, which
  moves its `updated`. The first run reads every media; a later run only the medias
  edited since the stream's last read (no periodic re-read: `edit_refresh` says why);
  `per_media_refresh: all` reads every media every run. Rows are upserted by key;
  nothing is deleted when a caption is removed.
* **A plan without captions** (403, or 404 for the first medias asked with no success
  before) costs one warning and the run goes on, unless `captions` is in
  `required_streams`: the captions are an optional family like the analytics and the
  webinars (`optional_family`). `media_analytics_summary` is an analytics stream: it shares
  the analytics verdict and `analytics_required`.
* **Customizations** keep the spec's fields (plugins as nested JSON) except `encrypted`,
  the media's viewing password in clear, which is dropped before anything sees it.
* **account_daily_stats** is incremental on its UTC `date`: one call per run, from the
  bookmark's day (re-read: it grows until it ends) to the run's last day, inclusive.
* **project_stats** is a snapshot of every project in scope per UTC day (`snapshot_date`,
  like `media_stats`): one call per project, projects being few; the projects listing is
  the `projects` stream's, not read again.
* **media_analytics_summary**: unique visitors (and unique loads, plays) of a period cannot
  be summed from daily rows, so the API's summary is read per media and account-local
  calendar month (`MonthlyAnalyticsStream`): a closed month is read once after it closes,
  the open month again while it has activity; medias without events in a month are not
  asked about it (the activity plan of `state.media_refresh`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import typing as t
from functools import cached_property

from typing_extensions import override

from tap_wistia.http.workers import ordered_prefetch
from tap_wistia.sdk_private import mark_state_changed
from tap_wistia.state import bookmarks
from tap_wistia.state.edit_refresh import EDITS_THROUGH
from tap_wistia.state.scope import adopt_scope
from tap_wistia.streams import schemas_media_catalog as schemas
from tap_wistia.streams.analytics_base import MonthlyAnalyticsStream
from tap_wistia.streams.base import (
    PROGRESS_EVERY,
    CleanRecordsStream,
    ModernApi,
    ResourceNotFound,
    ScopedStream,
)
from tap_wistia.streams.medias import PerMediaStream
from tap_wistia.streams.optional_family import FeatureUnavailable, OptionalFamily

if t.TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

    from tap_wistia.state.media_refresh import RefreshPlan


class MediaCatalogStream(ModernApi, PerMediaStream):
    """One call per media edited since the stream's last read (see the module docstring).
    With `OptionalFamily` first in its bases, a plan without the feature skips it."""

    planned_from = ()  # the medias listing (its `updated`) is the whole plan
    replication_key = None
    state_fields: t.ClassVar[dict[str, str]] = {
        **ScopedStream.state_fields,
        EDITS_THROUGH: bookmarks.TIMESTAMP,
    }

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        return False  # a run re-reads some medias: never tell a target to drop the rest

    @cached_property
    @override
    def refresh_plan(self) -> RefreshPlan:
        plan = self.run.planner.media_edits(self.stream_state)
        self.logger.info("%s: reading %d media(s) (%s).", self.name, len(plan.medias), plan.reason)
        return plan

    @override
    def refresh_done(self) -> None:
        self.run.planner.media_edits_done(self.stream_state)
        mark_state_changed(self)

    @override
    def sync(self, context: Context | None = None) -> None:
        # No bookmark: the edits mark is what a narrower earlier scope would make wrong.
        adopt_scope(self.name, self.stream_state, self.run.scope, self.logger, (EDITS_THROUGH,))
        super().sync(context)

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        family = self if isinstance(self, OptionalFamily) else None
        if family is not None and family.gate.closed:
            return
        medias = self.refresh_plan.medias
        fetched = ordered_prefetch(
            medias,
            lambda media: self.request_records({"media_id": media.hashed_id}),
            workers=self.run.settings.max_concurrency,
        )
        # Closing the prefetch when the family turns out unavailable stops its workers.
        with contextlib.closing(fetched):
            for done, (media, rows) in enumerate(fetched, start=1):
                try:
                    shaped = [self.shape(row, media) for row in rows]
                except FeatureUnavailable as exc:  # only an optional family's 403
                    t.cast("OptionalFamily", family).close_family(str(exc))
                    return
                except ResourceNotFound:
                    in_scope = len(self.run.planner.catalog.medias())
                    if family is not None and family.family_missing(
                        media.hashed_id, in_scope, "medias the v1 API lists"
                    ):
                        return
                    self.logger.warning(
                        "%s: media %s is gone (404); skipped.", self.name, media.hashed_id
                    )
                    continue
                if family is not None:
                    family.gate.saw_success()
                yield from shaped
                if done % PROGRESS_EVERY == 0 or done == len(medias):
                    self.logger.info("%s: %d/%d medias done", self.name, done, len(medias))
        self.refresh_done()


class CaptionsStream(OptionalFamily, MediaCatalogStream):
    """Caption tracks per media: language and SRT text (none: a video without captions)."""

    family = "captions"
    family_label = "Wistia captions"
    family_needs = "The plan must include captions and the token must read media data"

    name = "captions"
    path = "/medias/{media_id}/captions"
    primary_keys = ("id",)
    returns_list = True
    schema = schemas.CAPTION

    @override
    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        # `cursor` is paging metadata (this list does not page), not caption data.
        for row in super().parse_response(response):
            yield {key: value for key, value in row.items() if key != "cursor"}


class LocalizationsStream(MediaCatalogStream):
    """Translations of a media into other languages (without transcripts: see captions)."""

    name = "localizations"
    path = "/medias/{media_id}/localizations"
    primary_keys = ("hashed_id",)
    returns_list = True
    schema = schemas.LOCALIZATION
    timestamp_fields = ("created_at", "updated_at", "ordered_at", "enabled_at")


class CustomizationsStream(MediaCatalogStream):
    """The player settings explicitly set on a media: one row per media."""

    name = "customizations"
    path = "/medias/{media_id}/customizations"
    primary_keys = ("media_id",)
    schema = schemas.CUSTOMIZATIONS

    @override
    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        for row in super().parse_response(response):
            row.pop("encrypted", None)  # the viewing password, in clear: never emitted
            yield row


class AccountDailyStatsStream(ModernApi, CleanRecordsStream):
    """Loads, plays and hours watched of the whole account per UTC day, incremental on
    `date`; each run re-reads the bookmark's day, which grows until it ends."""

    name = "account_daily_stats"
    path = "/stats/account/by_date"
    primary_keys = ("date",)
    replication_key = "date"
    is_sorted = True  # the API answers the days in order
    paginated = False
    returns_list = True
    schema = schemas.ACCOUNT_DAILY_STATS

    def date_range(self) -> tuple[dt.date, dt.date]:
        first, last = self.run.window.start.date(), self.run.window.last_day
        bookmark = self.stream_state.get("replication_key_value")
        if bookmark:
            first = max(first, dt.date.fromisoformat(bookmark[:10]))
        return first, last

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        first, last = self.date_range()
        return {"start_date": first.isoformat(), "end_date": last.isoformat()}

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        first, last = self.date_range()
        if first > last:
            self.logger.info("%s: no day to read yet.", self.name)
            return
        yield from super().get_records(context)


class ProjectStatsStream(ModernApi, ScopedStream):
    """All-time totals of each project in scope, one snapshot per project and UTC day."""

    name = "project_stats"
    path = "/stats/projects/{project_id}"
    parent = "projects"
    primary_keys = ("project_id", "snapshot_date")
    replication_key = "snapshot_date"
    is_sorted = True  # every record of a run has the same snapshot_date
    paginated = False
    schema = schemas.PROJECT_STATS

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        projects = [p["hashedId"] for p in self.run.planner.project_list() if p.get("hashedId")]
        fetched = ordered_prefetch(
            projects,
            lambda project_id: self.request_records({"project_id": project_id}),
            workers=self.run.settings.max_concurrency,
        )
        for project_id, rows in fetched:
            try:
                shaped = [
                    {
                        **row,
                        "project_id": project_id,
                        "snapshot_date": self.run.window.snapshot_date,
                    }
                    for row in rows
                ]
            except ResourceNotFound:
                self.logger.warning("%s: project %s is gone (404); skipped.", self.name, project_id)
                continue
            yield from shaped


class MediaAnalyticsSummaryStream(MonthlyAnalyticsStream):
    """Unique visitors, plays, loads, engagement and conversions per media and account-local
    calendar month (figures over a period that daily rows cannot add up to)."""

    name = "media_analytics_summary"
    path = "/analytics/medias/{media_id}"
    primary_keys = ("media_id", "period")
    returns_list = False
    schema = schemas.MEDIA_ANALYTICS_SUMMARY

    @override
    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        # A month is asked about when an event near its edge may fall in it (the account's
        # offset is unknown to the tap): a month without a load has nothing to report.
        if not row.get("unique_loads") and not row.get("plays"):
            return None
        return super().post_process(row, context)
