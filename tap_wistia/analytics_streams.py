"""Streams of the modern API's media analytics (`/modern/analytics/medias/{id}/...`).

They fan out over the run's media catalog like the v1 stats streams and share the run's
budget, throttle, retries (a 503 "Analytics service is temporarily unavailable" is retried
like any 5xx) and concurrency. What differs:

* the base URL (`modern_api_url`, default `api_url` with `/v1` replaced by `/modern`) and the
  `X-Wistia-API-Version` header (`api_version`) on every call, so a new release never
  changes the answers silently;
* every call takes a `start_date` (inclusive) and an `end_date` (exclusive), account-local
  days, at most two years apart;
* an account whose plan or token cannot read analytics (403, or 404 on the whole family)
  costs one warning naming the streams skipped, and the run goes on, unless
  `analytics_required` is set.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import sys
import typing as t
import weakref
from dataclasses import dataclass, field

import requests
from singer_sdk.pagination import BaseAPIPaginator

from tap_wistia import analytics_schemas, state_checks
from tap_wistia.client import ResourceNotFound, WistiaAuthError, WistiaError, payload
from tap_wistia.media_streams import PerMediaStream
from tap_wistia.prefetch import ordered_prefetch
from tap_wistia.streams import PROGRESS_EVERY
from tap_wistia.timeutil import parse_timestamp

if sys.version_info >= (3, 12):
    from typing import override
else:  # singer-sdk depends on typing_extensions before 3.13
    from typing_extensions import override

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_wistia.media_catalog import CatalogMedia
    from tap_wistia.tap import TapWistia

DEFAULT_API_VERSION = "2026-03"  # the release whose OpenAPI document the tests validate
MAX_RANGE_DAYS = 730  # "The date range between start_date and end_date must not exceed 2 years"
# Stands in for a missing value in key columns: loaders refuse NULL keys, and some
# (target-duckdb) load "" as NULL.
NO_VALUE = "(none)"
TOP_N = 100  # breakdowns answer the top `per_page` (max 100) groups, without paging
TRAFFIC_DIMENSIONS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer_domain",
    "viewer_screen_size",
)
# A 404 on the family (not on one deleted media) shows as 404 for every media: this many
# distinct medias answering 404 before any success means the endpoints are not there.
FAMILY_404_MEDIAS = 3


def modern_api_url(config: t.Mapping[str, t.Any]) -> str | None:
    """The modern API's base URL: the setting, or `api_url` with its `/v1` made `/modern`."""
    if config.get("modern_api_url"):
        return str(config["modern_api_url"]).rstrip("/")
    api_url = str(config.get("api_url") or "").rstrip("/")
    if api_url.endswith("/v1"):
        return api_url[: -len("/v1")] + "/modern"
    return None


def analytics_settings_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    errors = []
    version = str(config.get("api_version") or DEFAULT_API_VERSION)
    try:
        dt.datetime.strptime(version, "%Y-%m")
    except ValueError:
        errors.append(f"api_version: '{version}' is not a release like {DEFAULT_API_VERSION}")
    if modern_api_url(config) is None:
        errors.append(
            "modern_api_url: api_url does not end in /v1, so the modern API's URL cannot be "
            "derived from it; set modern_api_url (e.g. https://api.wistia.com/modern)"
        )
    return errors


class AnalyticsUnavailable(WistiaAuthError):
    """403 on an analytics call: the plan or the token does not include analytics."""


class AnalyticsNotFound(ResourceNotFound):
    """404 on an analytics call: one media is gone, or the whole family is missing."""


@dataclass
class _FamilyGate:
    """Run-wide verdict on whether the analytics endpoints can be read."""

    closed: bool = False
    succeeded: bool = False
    missing: set[str] = field(default_factory=set)


_GATES: weakref.WeakKeyDictionary[TapWistia, _FamilyGate] = weakref.WeakKeyDictionary()


class AnalyticsStream(PerMediaStream):
    """Base of the analytics streams: one or more requests per media, each a date window."""

    returns_list = True

    @property
    @override
    def url_base(self) -> str:
        return t.cast("str", modern_api_url(self.config))

    @property
    @override
    def http_headers(self) -> dict:
        version = self.config.get("api_version") or DEFAULT_API_VERSION
        return {**super().http_headers, "X-Wistia-API-Version": version}

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        # The request's context carries its query (dates, group_by, ...) next to media_id.
        return {k: v for k, v in (context or {}).items() if k != "media_id"}

    @override
    def validate_response(self, response: requests.Response) -> None:
        try:
            super().validate_response(response)
        except WistiaAuthError as exc:
            if response.status_code == 403:
                raise AnalyticsUnavailable(str(exc)) from None
            raise
        except ResourceNotFound as exc:
            raise AnalyticsNotFound(str(exc)) from None

    # --- windows -------------------------------------------------------------------

    def end_date(self) -> dt.date:
        """The exclusive end: the day after the run's last day."""
        return self.wistia.last_day + dt.timedelta(days=1)

    def start_date(self, bookmark_day: dt.date | None = None) -> dt.date:
        first = self.wistia.extraction_start.date()
        if bookmark_day:
            first = max(first, bookmark_day)
        return max(first, self.end_date() - dt.timedelta(days=MAX_RANGE_DAYS))

    def window(self, first: dt.date, end: dt.date) -> dict:
        return {"start_date": first.isoformat(), "end_date": end.isoformat()}

    def requests_for(self, media: CatalogMedia) -> list[dict]:
        """The contexts (media_id + query) of the calls this stream makes for one media."""
        first, end = self.start_date(), self.end_date()
        if first >= end:
            return []
        return [{"media_id": media.hashed_id, **self.window(first, end)}]

    def jobs(self, medias: list[CatalogMedia]) -> list[tuple[CatalogMedia, dict]]:
        return [(media, request) for media in medias for request in self.requests_for(media)]

    # --- records -------------------------------------------------------------------

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        gate = _GATES.setdefault(self.wistia, _FamilyGate())
        if gate.closed:
            return
        medias = self.wistia.media_catalog.medias()
        jobs = self.jobs(medias)
        if not jobs:
            self.logger.info("%s: no complete day to read yet.", self.name)
            return
        fetched = ordered_prefetch(
            jobs, lambda job: self.request_records(job[1]), workers=self.wistia.max_concurrency
        )
        # Closing the prefetch when the family turns out unavailable stops its workers.
        with contextlib.closing(fetched):
            yield from self._records(jobs, fetched, gate)

    def _records(
        self,
        jobs: list[tuple[CatalogMedia, dict]],
        fetched: t.Iterator[tuple[tuple[CatalogMedia, dict], t.Iterator[dict]]],
        gate: _FamilyGate,
    ) -> t.Iterator[dict]:
        gone: set[str] = set()
        for done, ((media, request), rows) in enumerate(fetched, start=1):
            try:
                shaped = [self.shape_analytics(row, media, request) for row in rows]
            except AnalyticsUnavailable as exc:
                self._close_family(gate, str(exc))
                return
            except AnalyticsNotFound:
                if self._family_missing(gate, media):
                    return
                if media.hashed_id not in gone:
                    gone.add(media.hashed_id)
                    self.logger.warning(
                        "%s: media %s is gone (404); skipped.", self.name, media.hashed_id
                    )
                continue
            gate.succeeded = True
            self.check_truncation(shaped, request)
            yield from shaped
            if done % PROGRESS_EVERY == 0 or done == len(jobs):
                self.logger.info("%s: %d/%d requests done", self.name, done, len(jobs))

    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        return self.shape(row, media)

    def check_truncation(self, rows: list[dict], request: dict) -> None:
        """Breakdowns answer the top 100 groups with no further page: say when that cut."""
        if self.returns_list and request.get("per_page") == TOP_N and len(rows) >= TOP_N:
            self.logger.warning(
                "%s: media %s has more than %d groups for %s..%s; only the top %d by plays "
                "are available from the API.",
                self.name,
                request["media_id"],
                TOP_N,
                request["start_date"],
                request["end_date"],
                TOP_N,
            )

    # --- family-wide unavailability -----------------------------------------------

    def _family_missing(self, gate: _FamilyGate, media: CatalogMedia) -> bool:
        if gate.succeeded:
            return False
        gate.missing.add(media.hashed_id)
        if len(gate.missing) < min(FAMILY_404_MEDIAS, len(self.wistia.media_catalog.medias())):
            return False
        self._close_family(
            gate,
            f"the analytics endpoints answered 404 for {len(gate.missing)} medias the v1 API "
            f"lists (API release {self.http_headers['X-Wistia-API-Version']})",
        )
        return True

    def _close_family(self, gate: _FamilyGate, reason: str) -> None:
        if self.config.get("analytics_required"):
            raise WistiaError(
                f"Wistia analytics are unavailable: {reason}. The token needs 'Read detailed "
                "stats' and the plan must include analytics (analytics_required is set)."
            )
        gate.closed = True
        skipped = [
            stream.name
            for stream in self.wistia.streams.values()
            if isinstance(stream, AnalyticsStream) and stream.selected
        ]
        self.logger.warning(
            "Wistia analytics are unavailable (%s): skipping %s; the run goes on. The token "
            "needs 'Read detailed stats' and the plan must include analytics; set "
            "analytics_required: true to make this fatal.",
            reason,
            ", ".join(skipped),
        )


class MediaAnalyticsDailyStream(AnalyticsStream):
    """Daily metrics per media, incremental on `date` (account-local days).

    One bookmark for the stream (the last day read); each run re-reads that day, whose
    bucket keeps growing until it ends. `end_date` is exclusive: the tap asks up to the
    day after the last day it wants.
    """

    name = "media_analytics_daily"
    path = "/analytics/medias/{media_id}/timeseries"
    primary_keys = ("media_id", "date")
    replication_key = "date"
    is_sorted = False
    schema = analytics_schemas.MEDIA_ANALYTICS_DAILY
    timestamp_fields = ("timestamp",)

    @override
    def requests_for(self, media: CatalogMedia) -> list[dict]:
        bookmark = self.stream_state.get("replication_key_value")
        first = self.start_date(dt.date.fromisoformat(bookmark[:10]) if bookmark else None)
        end = self.end_date()
        if first >= end:
            return []
        return [{"media_id": media.hashed_id, **self.window(first, end), "granularity": "daily"}]

    @override
    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        stamp = row.get("timestamp") or ""
        # The bucket's own day, in the offset the API gives it (the account's timezone);
        # the timestamp itself is stored in UTC by `post_process`.
        day = stamp[:10] if len(stamp) >= 10 else None
        if not day:
            raise WistiaError(f"{self.name}: a timeseries bucket has no timestamp: {sorted(row)}")
        return {**self.shape(row, media), "date": day}


class MediaTrafficStream(AnalyticsStream):
    """Loads, plays and engagement per media by UTM tag, referrer and screen size.

    Design: one row per media, dimension, value and account-local calendar month
    (`period`, YYYY-MM). Monthly figures add up to any longer range for loads and plays,
    keep each breakdown well under the API's top-100 cut, and cost 5 calls per media per
    month. Incremental on `period`: each run re-reads the bookmark's month (still growing)
    and the months after; calls go month by month, so a stopped run resumes there.
    """

    name = "media_traffic"
    path = "/analytics/medias/{media_id}/traffic"
    primary_keys = ("media_id", "dimension", "value", "period")
    replication_key = "period"
    is_sorted = True  # jobs run month by month
    replication_key_kind = state_checks.MONTH
    schema = analytics_schemas.MEDIA_TRAFFIC

    def months(self) -> list[tuple[str, dt.date, dt.date]]:
        bookmark = self.stream_state.get("replication_key_value")
        first = self.start_date(dt.date.fromisoformat(f"{bookmark}-01") if bookmark else None)
        end = self.end_date()
        out = []
        while first < end:
            days_in_month = calendar.monthrange(first.year, first.month)[1]
            next_month = first.replace(day=1) + dt.timedelta(days=days_in_month)
            out.append((first.strftime("%Y-%m"), first, min(next_month, end)))
            first = next_month
        return out

    @override
    def jobs(self, medias: list[CatalogMedia]) -> list[tuple[CatalogMedia, dict]]:
        return [
            (
                media,
                {
                    "media_id": media.hashed_id,
                    **self.window(start, end),
                    "group_by": dimension,
                    "sort_by": "plays",
                    "sort_direction": "desc",
                    "per_page": TOP_N,
                },
            )
            for _, start, end in self.months()
            for media in medias
            for dimension in TRAFFIC_DIMENSIONS
        ]

    @override
    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        start = dt.date.fromisoformat(request["start_date"])
        return {
            **self.shape(row, media),
            "dimension": request["group_by"],
            "value": row.get(request["group_by"]) or NO_VALUE,
            "period": start.strftime("%Y-%m"),
            "period_start": request["start_date"],
            "period_end": request["end_date"],
        }


class ConversionPaginator(BaseAPIPaginator):
    """Cursor paging: the next page starts at `page_info.end_cursor`."""

    def __init__(self) -> None:
        super().__init__(None)

    @override
    def get_next(self, response: requests.Response) -> str | None:
        info = payload(response).get("page_info") or {}
        return info.get("end_cursor") if info.get("has_next_page") else None


class MediaConversionsStream(AnalyticsStream):
    """Form submissions (leads) per media, incremental on `converted_at`.

    Each run re-reads from the bookmark's day to the end, cursor page by cursor page; a
    re-read conversion is emitted again (upsert on the key).
    """

    name = "media_conversions"
    path = "/analytics/medias/{media_id}/conversions"
    primary_keys = ("media_id", "email", "converted_at")
    replication_key = "converted_at"
    is_sorted = False
    returns_list = False
    schema = analytics_schemas.MEDIA_CONVERSIONS
    timestamp_fields = ("converted_at",)
    page_size: t.ClassVar[int] = TOP_N

    @override
    def get_new_paginator(self) -> BaseAPIPaginator:
        return ConversionPaginator()

    @override
    def requests_for(self, media: CatalogMedia) -> list[dict]:
        bookmark = self.stream_state.get("replication_key_value")
        first = self.start_date(parse_timestamp(bookmark).date() if bookmark else None)
        end = self.end_date()
        if first >= end:
            return []
        return [
            {"media_id": media.hashed_id, **self.window(first, end), "per_page": self.page_size}
        ]

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        params = super().get_url_params(context, next_page_token)
        if next_page_token:
            params["cursor"] = next_page_token
        return params

    @override
    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        body = payload(response)
        data = body.get("data")
        if not isinstance(data, list):
            raise WistiaError(
                f"{self.name}: the conversions answer has no 'data' list; the API changed."
            )
        for item in data:
            if isinstance(item, dict):
                yield item

    @override
    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        # The email is part of the key, which must not be null or empty.
        return {**self.shape(row, media), "email": row.get("email") or NO_VALUE}


class AnalyticsSnapshotStream(AnalyticsStream):
    """Figures over the run's whole window, stamped with the run's UTC day (like media_stats).

    Key: media, snapshot_date and the row's own key; a rerun the same day replaces that
    day's rows. The window is `start_date` (or two years) to the run's last day.
    """

    replication_key = "snapshot_date"
    is_sorted = True
    query: t.ClassVar[dict] = {}

    @override
    def requests_for(self, media: CatalogMedia) -> list[dict]:
        return [{**request, **self.query} for request in super().requests_for(media)]

    @override
    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        return {**self.shape(row, media), "snapshot_date": self.wistia.snapshot_date}


class MediaEmbedLocationsStream(AnalyticsSnapshotStream):
    """Pages the media is embedded on, with their loads, plays and rates."""

    name = "media_embed_locations"
    path = "/analytics/medias/{media_id}/embed_locations"
    primary_keys = ("media_id", "snapshot_date", "embed_url")
    schema = analytics_schemas.MEDIA_EMBED_LOCATIONS
    query: t.ClassVar[dict] = {"sort_by": "plays", "sort_direction": "desc", "per_page": TOP_N}


class MediaLanguagesStream(AnalyticsSnapshotStream):
    """Plays per viewer browser language, and whether captions exist for it."""

    name = "media_languages"
    path = "/analytics/medias/{media_id}/languages"
    primary_keys = ("media_id", "snapshot_date", "language")
    schema = analytics_schemas.MEDIA_LANGUAGES
    query: t.ClassVar[dict] = {"per_page": TOP_N}


ANALYTICS_STREAM_TYPES = (
    MediaAnalyticsDailyStream,
    MediaTrafficStream,
    MediaConversionsStream,
    MediaEmbedLocationsStream,
    MediaLanguagesStream,
)
