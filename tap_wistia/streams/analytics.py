"""The modern API's media analytics streams: daily series, traffic by source, conversions
(leads), embed locations and viewer languages. What they share (URL, version header,
date windows, the family-wide 403/404 verdict) is in `analytics_base`.
"""

from __future__ import annotations

import datetime as dt
import typing as t

import requests
from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from tap_wistia.http.errors import describe_request
from tap_wistia.http.paging import CursorGuard, payload
from tap_wistia.streams import schemas_analytics as analytics_schemas
from tap_wistia.streams.analytics_base import AnalyticsStream, MonthlyAnalyticsStream
from tap_wistia.streams.base import WistiaError
from tap_wistia.timeutil import parse_timestamp

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_wistia.state.catalog import CatalogMedia


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
        bookmark_day = dt.date.fromisoformat(bookmark[:10]) if bookmark else None
        first = self.start_date(bookmark_day, media.hashed_id)
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


class MediaTrafficStream(MonthlyAnalyticsStream):
    """Loads, plays and engagement per media by UTM tag, referrer and screen size.

    Design: one row per media, dimension, value and account-local calendar month
    (`period`, YYYY-MM; the months and which (media, month) pairs are read:
    `MonthlyAnalyticsStream`). Monthly figures add up to any longer range for loads and
    plays, keep each breakdown well under the API's top-100 cut, and cost 5 calls per
    media per month.
    """

    name = "media_traffic"
    path = "/analytics/medias/{media_id}/traffic"
    primary_keys = ("media_id", "dimension", "value", "period")
    schema = analytics_schemas.MEDIA_TRAFFIC

    @override
    def month_queries(self) -> list[dict]:
        return [
            {
                "group_by": dimension,
                "sort_by": "plays",
                "sort_direction": "desc",
                "per_page": TOP_N,
            }
            for dimension in TRAFFIC_DIMENSIONS
        ]

    @override
    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        return {
            **super().shape_analytics(row, media, request),
            "dimension": request["group_by"],
            "value": row.get(request["group_by"]) or NO_VALUE,
        }


class ConversionPaginator(BaseAPIPaginator):
    """Cursor paging: the next page starts at `page_info.end_cursor`."""

    def __init__(self) -> None:
        super().__init__(None)
        self.guard = CursorGuard()

    @override
    def get_next(self, response: requests.Response) -> str | None:
        info = payload(response).get("page_info") or {}
        cursor = info.get("end_cursor") if info.get("has_next_page") else None
        if cursor:
            self.guard.check(describe_request(response.request).split("?")[0], str(cursor))
        return cursor


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
        return {**self.shape(row, media), "snapshot_date": self.run.window.snapshot_date}


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
