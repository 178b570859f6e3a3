"""The base of the modern API's media analytics streams (`/modern/analytics/medias/{id}/...`).

They fan out over the medias the run's refresh plan picks (`state.media_refresh`: those
with activity, by default) like the v1 stats streams, and share the run's
budget, throttle, retries (a 503 "Analytics service is temporarily unavailable" is retried
like any 5xx) and concurrency. What differs:

* the base URL (`modern_api_url`, default `api_url` with `/v1` replaced by `/modern`) and the
  `X-Wistia-API-Version` header (`api_version`) on every call (`base.ModernApi`);
* every call takes a `start_date` (inclusive) and an `end_date` (exclusive), account-local
  days, at most two years apart;
* an account whose plan or token cannot read analytics (403, or 404 on the whole family)
  costs one warning naming the streams skipped, and the run goes on, unless
  `analytics_required` is set or one of them is in `required_streams` (`optional_family`,
  shared with the webinars, catalog and captions). The verdict is run-wide: once one
  stream finds the family unavailable, the others make no request.

The streams themselves are in `analytics`.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import typing as t

from typing_extensions import override

from tap_wistia.http.workers import ordered_prefetch
from tap_wistia.state import bookmarks
from tap_wistia.streams.base import PROGRESS_EVERY, ModernApi
from tap_wistia.streams.medias import PerMediaStream
from tap_wistia.streams.optional_family import (
    FeatureNotFound,
    FeatureUnavailable,
    OptionalFamily,
)

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_wistia.state.catalog import CatalogMedia
    from tap_wistia.state.planner import FeatureGate

MAX_RANGE_DAYS = 730  # "The date range between start_date and end_date must not exceed 2 years"


class AnalyticsStream(OptionalFamily, ModernApi, PerMediaStream):
    """Base of the analytics streams: one or more requests per media, each a date window."""

    family = "analytics"
    family_label = "Wistia analytics"
    family_needs = "The token needs 'Read detailed stats' and the plan must include analytics"
    required_setting = "analytics_required"
    returns_list = True

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        # The request's context carries its query (dates, group_by, ...) next to media_id.
        return {k: v for k, v in (context or {}).items() if k != "media_id"}

    # --- windows -------------------------------------------------------------------

    def end_date(self) -> dt.date:
        """The exclusive end: the day after the run's last day."""
        return self.run.window.last_day + dt.timedelta(days=1)

    def start_date(self, bookmark_day: dt.date | None = None, media_id: str = "") -> dt.date:
        """The window's start, or the bookmark's day (earlier for a media on its periodic
        turn: `RefreshPlan.first_day`)."""
        first = self.run.window.start.date()
        if bookmark_day:
            if media_id:
                bookmark_day = self.refresh_plan.first_day(
                    media_id, bookmark_day, self.run.window.last_day
                )
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
        gate = self.gate
        if gate.closed:
            return
        medias = self.refresh_plan.medias
        if medias and self.start_date() >= self.end_date():
            self.logger.info("%s: no complete day to read yet.", self.name)
            return
        jobs = self.jobs(medias)
        fetched = ordered_prefetch(
            jobs,
            lambda job: self.request_records(job[1]),
            workers=self.run.settings.max_concurrency,
        )
        # Closing the prefetch when the family turns out unavailable stops its workers.
        with contextlib.closing(fetched):
            yield from self._records(jobs, fetched, gate)
        if not gate.closed:
            self.refresh_done()

    def _records(
        self,
        jobs: list[tuple[CatalogMedia, dict]],
        fetched: t.Iterator[tuple[tuple[CatalogMedia, dict], t.Iterator[dict]]],
        gate: FeatureGate,
    ) -> t.Iterator[dict]:
        gone: set[str] = set()
        for done, ((media, request), rows) in enumerate(fetched, start=1):
            try:
                shaped = [self.shape_analytics(row, media, request) for row in rows]
            except FeatureUnavailable as exc:
                self.close_family(str(exc))
                return
            except FeatureNotFound:
                medias_in_scope = len(self.run.planner.catalog.medias())
                if self.family_missing(media.hashed_id, medias_in_scope, "medias the v1 API lists"):
                    return
                if media.hashed_id not in gone:
                    gone.add(media.hashed_id)
                    self.logger.warning(
                        "%s: media %s is gone (404); skipped.", self.name, media.hashed_id
                    )
                continue
            gate.saw_success()
            self.check_truncation(shaped, request)
            yield from shaped
            if done % PROGRESS_EVERY == 0 or done == len(jobs):
                self.logger.info("%s: %d/%d requests done", self.name, done, len(jobs))

    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        return self.shape(row, media)

    def check_truncation(self, rows: list[dict], request: dict) -> None:
        """Breakdowns answer the top `per_page` groups with no further page: say when that
        cut (a full answer)."""
        top = request.get("per_page")
        if self.returns_list and top and len(rows) >= top:
            self.logger.warning(
                "%s: media %s has more than %d groups for %s..%s; only the top %d by plays "
                "are available from the API.",
                self.name,
                request["media_id"],
                top,
                request["start_date"],
                request["end_date"],
                top,
            )


class MonthlyAnalyticsStream(AnalyticsStream):
    """Figures per media and account-local calendar month (`period`, YYYY-MM).

    Incremental on `period`: each run re-reads the bookmark's month (still growing) and the
    months after it; a closed month is read once more after the month it was open in, then
    never again. Calls go month by month, so a stopped run resumes at its last month. Only
    the (media, month) pairs the refresh plan reads: by default the months a media had
    events in (or every month in range on its periodic turn or after an edit), so a quiet
    media costs nothing.
    """

    replication_key = "period"
    is_sorted = True  # jobs run month by month
    replication_key_kind = bookmarks.MONTH

    def months(self) -> list[tuple[str, dt.date, dt.date]]:
        """(YYYY-MM, first day, exclusive end) of each month this run reads."""
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

    def month_queries(self) -> list[dict]:
        """The query (beyond the dates) of each call per media and month."""
        return [{}]

    @override
    def jobs(self, medias: list[CatalogMedia]) -> list[tuple[CatalogMedia, dict]]:
        return [
            (media, {"media_id": media.hashed_id, **self.window(start, end), **query})
            for month, start, end in self.months()
            for media in medias
            if self.refresh_plan.reads_month(media.hashed_id, month)
            for query in self.month_queries()
        ]

    @override
    def shape_analytics(self, row: dict, media: CatalogMedia, request: dict) -> dict:
        start = dt.date.fromisoformat(request["start_date"])
        return {
            **self.shape(row, media),
            "period": start.strftime("%Y-%m"),
            "period_start": request["start_date"],
            "period_end": request["end_date"],
        }
