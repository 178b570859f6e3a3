"""Webinars (modern API): the list, and per webinar its analytics, audience, registration
series, traffic by source and engagement histograms.

Decisions:

* **One family, optional.** A plan without webinars answers 403 ("Webinars are not
  available on your current plan"), or 404: the six streams are skipped with one warning,
  or the run fails when one of them is in `required_streams` (the mechanism every optional
  family uses, `optional_family`). The per-webinar streams fan out over the `webinars`
  listing (listed once per run, by the `webinars` stream or on first use when it is not
  selected), in parallel within the run's one budget and `max_concurrency` (`http.workers`).
  The listing is complete every run, so a webinar no longer listed is marked deleted
  (`streams.tombstones`); its figures are no longer read.
* **Which webinars a run reads.** A webinar's figures change until some time after it ends
  (on-demand views): each per-webinar stream re-reads a webinar every run until
  `webinar_refresh_days` after its end (`scheduled_for` + `event_duration`), then once more,
  and never again. The stream keeps one mark for this, `final_through` (declared in
  `state_fields`): every webinar that ended before it has had its last read. The first run
  reads every webinar once; a daily run reads only the upcoming, live and recent ones.
  A webinar without `scheduled_for` has no figures yet and is not read.
* **Before the end.** Aggregates and histograms answer 409 until the event has ended, so
  those two streams ask only for ended webinars (a 409 still met is logged and skipped);
  the audience, the registration series and the traffic exist before the event (people
  register) and are read for upcoming webinars too.
* **Keys.** The analytics answers carry no identifier: `webinar_id` is added; audience rows
  are keyed by email, registration buckets by `timestamp`, traffic rows by `dimension` and
  `value` (`schemas_webinars`). Re-read rows are emitted again (upsert on the key), and
  these streams never send ACTIVATE_VERSION: a run emits only the webinars it re-read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import typing as t
from dataclasses import dataclass

import requests
from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from tap_wistia.http.workers import ordered_prefetch
from tap_wistia.sdk_private import mark_state_changed, tap_of
from tap_wistia.state import bookmarks
from tap_wistia.streams import schemas_webinars as schemas
from tap_wistia.streams.analytics import NO_VALUE, TOP_N, ConversionPaginator
from tap_wistia.streams.base import PAGE_SIZE, CleanRecordsStream, ModernApi, WistiaError, payload
from tap_wistia.streams.optional_family import (
    FeatureNotFound,
    FeatureUnavailable,
    OptionalFamily,
)
from tap_wistia.streams.tombstones import AccountWideListing
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

FINAL_THROUGH = "final_through"  # state: webinars that ended before this had their last read
TRAFFIC_DIMENSIONS = ("utm_source", "utm_medium", "utm_campaign", "referrer_domain")


@dataclass(frozen=True)
class ListedWebinar:
    id: str
    ends: dt.datetime | None  # scheduled_for + event_duration; None: not scheduled

    @classmethod
    def of(cls, row: dict) -> ListedWebinar:
        try:
            starts = parse_timestamp(row["scheduled_for"]) if row.get("scheduled_for") else None
        except ValueError:  # an unreadable schedule is no schedule (the record keeps it)
            starts = None
        minutes = row.get("event_duration") or 0
        ends = starts + dt.timedelta(minutes=minutes) if starts else None
        return cls(str(row["id"]), ends)


class WebinarNotEnded(WistiaError):
    """409: "Aggregate analytics are not available until the event has ended"."""


class WebinarFamily(OptionalFamily, ModernApi, CleanRecordsStream):
    family = "webinars"
    family_label = "Wistia webinars"
    family_needs = (
        "The token needs 'Read all data' and 'Read detailed stats', and the plan must "
        "include webinars"
    )


class WebinarsStream(AccountWideListing, WebinarFamily):
    """Every webinar of the account; a short list, read in full every run. A webinar no
    longer listed is marked deleted (`streams.tombstones`)."""

    name = "webinars"
    path = "/webinars"
    primary_keys = ("id",)
    replication_key = None
    schema = schemas.WEBINAR
    timestamp_fields = ("scheduled_for", "created_at", "updated_at")
    record_id_field = "id"
    _listed: list[ListedWebinar] | None = None

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {"page": next_page_token or 1, "per_page": PAGE_SIZE, "sort_by": "id"}

    def list_webinars(self) -> list[dict] | None:
        """The listing, or None when the family is unavailable (then closed)."""
        if self.gate.closed:
            return None
        try:
            rows = list(self.request_records(None))
        except (FeatureUnavailable, FeatureNotFound) as exc:
            self.close_family(str(exc))
            return None
        # No `saw_success` here: the listing answering does not mean the per-webinar
        # analytics exist (a 404 on each of them still tells the family is missing).
        for row in rows:
            self.require_key(row, "id", f"GET {self.path}")
        self._listed = [ListedWebinar.of(row) for row in rows]
        return rows

    def fan_out_list(self) -> list[ListedWebinar] | None:
        """The webinars the per-webinar streams fan out over, listed once per run."""
        if self._listed is None and self.list_webinars() is None:
            return None
        return self._listed

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        rows = self.list_webinars()
        if rows is not None:  # None: the family is unavailable, nothing is concluded
            yield from self.tracked(rows)


class PerWebinarStream(WebinarFamily):
    """One or more calls per webinar to read (see the module docstring)."""

    parent = "webinars"
    paginated = False
    replication_key = None
    state_fields: t.ClassVar[dict[str, str]] = {FINAL_THROUGH: bookmarks.TIMESTAMP}
    # Aggregates that answer 409 until the webinar has ended.
    only_ended: t.ClassVar[bool] = False
    query: t.ClassVar[dict[str, str]] = {}

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        return False  # a run re-reads some webinars: never tell a target to drop the rest

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {k: v for k, v in (context or {}).items() if k != "webinar_id"}

    @override
    def validate_response(self, response: requests.Response) -> None:
        if response.status_code == 409:
            raise WebinarNotEnded(f"{self.name}: webinar not ended yet (409)")
        super().validate_response(response)

    def to_read(self, webinars: list[ListedWebinar], now: dt.datetime) -> list[ListedWebinar]:
        """The webinars whose figures can still change or were never read (in listing order)."""
        mark = self.stream_state.get(FINAL_THROUGH)
        final_through = parse_timestamp(mark) if mark else None
        return [
            webinar
            for webinar in webinars
            if webinar.ends is not None
            and not (self.only_ended and webinar.ends > now)
            and (final_through is None or webinar.ends >= final_through)
        ]

    def requests_for(self, webinar: ListedWebinar) -> list[dict]:
        return [{"webinar_id": webinar.id, **self.query}]

    def shape(self, row: dict, request: dict) -> dict:
        return {**row, "webinar_id": request["webinar_id"]}

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        if self.gate.closed:
            return
        webinars_stream = t.cast("WebinarsStream", tap_of(self).streams["webinars"])
        listed = webinars_stream.fan_out_list()
        if listed is None:
            return
        now = self.run.window.run_started
        chosen = self.to_read(listed, now)
        self.logger.info(
            "%s: reading %d of %d webinar(s) (the rest ended over %d days ago and were read).",
            self.name,
            len(chosen),
            len(listed),
            self.run.settings.webinar_refresh_days,
        )
        jobs = [request for webinar in chosen for request in self.requests_for(webinar)]
        fetched = ordered_prefetch(
            jobs, self.request_records, workers=self.run.settings.max_concurrency
        )
        # Closing the prefetch when the family turns out unavailable stops its workers.
        with contextlib.closing(fetched):
            yield from self._records(fetched, len(listed))
        if not self.gate.closed:
            cutoff = now - dt.timedelta(days=self.run.settings.webinar_refresh_days)
            self.stream_state[FINAL_THROUGH] = format_timestamp(cutoff)
            mark_state_changed(self)

    def _records(
        self, fetched: t.Iterator[tuple[dict, t.Iterator[dict]]], listed: int
    ) -> t.Iterator[dict]:
        gone: set[str] = set()
        for request, rows in fetched:
            webinar_id = request["webinar_id"]
            try:
                shaped = [self.shape(row, request) for row in rows]
            except FeatureUnavailable as exc:
                self.close_family(str(exc))
                return
            except WebinarNotEnded:
                self.logger.info("%s: webinar %s has not ended; skipped.", self.name, webinar_id)
                continue
            except FeatureNotFound:
                if self.family_missing(webinar_id, listed, "webinars /webinars lists"):
                    return
                if webinar_id not in gone:
                    gone.add(webinar_id)
                    self.logger.warning(
                        "%s: webinar %s is gone (404); skipped.", self.name, webinar_id
                    )
                continue
            self.gate.saw_success()
            yield from shaped


class WebinarAnalyticsStream(PerWebinarStream):
    """Aggregates per webinar, live and on demand (`include_post_event`); ended ones only."""

    name = "webinar_analytics"
    path = "/analytics/webinars/{webinar_id}"
    primary_keys = ("webinar_id",)
    schema = schemas.WEBINAR_ANALYTICS
    only_ended = True
    query: t.ClassVar[dict[str, str]] = {"include_post_event": "true"}


class WebinarAudienceStream(PerWebinarStream):
    """One row per registrant: attendance, engagement, UTM attribution (cursor pages)."""

    name = "webinar_audience"
    path = "/analytics/webinars/{webinar_id}/audience"
    primary_keys = ("webinar_id", "email")
    schema = schemas.WEBINAR_AUDIENCE
    timestamp_fields = ("registered_at", "attended_at")
    query: t.ClassVar[dict[str, str]] = {"per_page": str(TOP_N)}

    @override
    def get_new_paginator(self) -> BaseAPIPaginator:
        return ConversionPaginator()  # the same `page_info.end_cursor` pages

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        params = super().get_url_params(context, next_page_token)
        if next_page_token:
            params["cursor"] = next_page_token
        return params

    @override
    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        data = payload(response).get("data")
        if not isinstance(data, list):
            raise WistiaError(f"{self.name}: the audience answer has no 'data' list.")
        yield from (item for item in data if isinstance(item, dict))

    @override
    def shape(self, row: dict, request: dict) -> dict:
        # The email is part of the key, which must not be null or empty.
        return {**super().shape(row, request), "email": row.get("email") or NO_VALUE}


class WebinarRegistrationsStream(PerWebinarStream):
    """Registrations and impressions per day, the webinar's whole series on each read."""

    name = "webinar_registrations"
    path = "/analytics/webinars/{webinar_id}/registration"
    primary_keys = ("webinar_id", "timestamp")
    schema = schemas.WEBINAR_REGISTRATIONS
    timestamp_fields = ("timestamp",)
    returns_list = True
    query: t.ClassVar[dict[str, str]] = {"granularity": "daily", "include_post_event": "true"}


class WebinarTrafficStream(PerWebinarStream):
    """Registrations, attendees and impressions by UTM source, medium, campaign and
    referrer: one call per dimension (`group_by`)."""

    name = "webinar_traffic"
    path = "/analytics/webinars/{webinar_id}/traffic"
    primary_keys = ("webinar_id", "dimension", "value")
    schema = schemas.WEBINAR_TRAFFIC
    returns_list = True

    @override
    def requests_for(self, webinar: ListedWebinar) -> list[dict]:
        return [{"webinar_id": webinar.id, "group_by": d} for d in TRAFFIC_DIMENSIONS]

    @override
    def shape(self, row: dict, request: dict) -> dict:
        dimension = request["group_by"]
        return {
            **super().shape(row, request),
            "dimension": dimension,
            "value": row.get(dimension) or NO_VALUE,
        }


class WebinarHistogramsStream(PerWebinarStream):
    """Attendees, chats and focused viewers per time bucket of the event; ended ones only."""

    name = "webinar_histograms"
    path = "/analytics/webinars/{webinar_id}/histograms"
    primary_keys = ("webinar_id",)
    schema = schemas.WEBINAR_HISTOGRAMS
    only_ended = True
