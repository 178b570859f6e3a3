"""Which medias the per-media streams refresh (setting `per_media_refresh`).

`all` (the default): every media in scope, every run: 3 requests per media per run,
whether or not anything happened (5,000 medias: 15,000 requests, 25 minutes of the
account's budget, every day).

`active`: a media's stats change when it is played (every play is an event) or edited
(its `updated` moves). The events stream runs before the per-media streams and reports
here which medias had events received since each stream's last refresh; those, and the
medias updated since, are refreshed. Every `per_media_full_refresh_days` every media is
refreshed anyway. The trade-off: a media that is loaded (its player shown) but not played
changes its load counts without an event; with `active` those loads reach `media_stats`
and `media_daily_stats` only at the next full refresh (daily stats then re-read every day
since the previous full refresh, so no day's loads are lost, only late). Snapshots
(`media_stats`, `media_engagement`) get a row for the run's day only for refreshed medias.

A stream refreshes every media when it cannot know what changed: on its first run, when
events are not selected, or when the events read this run do not reach back to its last
refresh. Each per-media stream keeps in its state `activity_through` (the events it
accounted for end there) and `full_refresh_at`.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass

from tap_wistia.state.visitor_refresh import LATE_EVENT_MARGIN
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    from tap_wistia.state.catalog import CatalogMedia

ACTIVITY_THROUGH = "activity_through"
FULL_REFRESH_AT = "full_refresh_at"


@dataclass(frozen=True)
class RefreshPlan:
    medias: list[CatalogMedia]
    full: bool
    reason: str


class MediaActivity:
    """The latest event received per media, as reported by this run's events stream."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.latest: dict[str, dt.datetime] = {}
        self.unknown_time: set[str] = set()  # events without a parseable received_at
        self.events_from: dt.datetime | None = None
        self.events_through: dt.datetime | None = None

    def events_started(self, read_from: dt.datetime) -> None:
        self.events_from = read_from

    def saw_event(self, event: dict) -> None:
        media_id = event.get("media_id")
        if not self.enabled or not isinstance(media_id, str):
            return
        try:
            received = parse_timestamp(event["received_at"])
        except (KeyError, TypeError, ValueError):
            self.unknown_time.add(media_id)
            return
        if media_id not in self.latest or received > self.latest[media_id]:
            self.latest[media_id] = received

    def window_done(self, covered_until: dt.datetime) -> None:
        self.events_through = covered_until

    def plan(
        self,
        state: dict,
        medias: list[CatalogMedia],
        *,
        now: dt.datetime,
        full_every: dt.timedelta,
    ) -> RefreshPlan:
        """Which of `medias` a stream with `state` refreshes this run, and why."""
        if not self.enabled:
            return RefreshPlan(medias, True, "per_media_refresh=all")
        if self.events_from is None or self.events_through is None:
            return RefreshPlan(medias, True, "the events stream did not run")
        through = state.get(ACTIVITY_THROUGH)
        last_full = state.get(FULL_REFRESH_AT)
        if not through or not last_full:
            return RefreshPlan(medias, True, "no earlier refresh recorded")
        if now - parse_timestamp(last_full) >= full_every:
            return RefreshPlan(
                medias,
                True,
                f"periodic full refresh: the last one was at {last_full}, "
                f"per_media_full_refresh_days={full_every.days}",
            )
        if self.events_from > parse_timestamp(through):
            return RefreshPlan(
                medias,
                True,
                f"events were read from {format_timestamp(self.events_from)}, after the last "
                f"refresh's events ({through}): activity may be missed",
            )
        since = parse_timestamp(through) - LATE_EVENT_MARGIN
        active = [m for m in medias if self._active(m, since)]
        reason = f"{len(active)} of {len(medias)} medias played or edited since {through}"
        return RefreshPlan(active, False, reason)

    def remember(self, state: dict, plan: RefreshPlan, now: dt.datetime) -> None:
        """After a complete refresh: what the next run's plan builds on (in both modes, so
        switching to `active` needs no extra full refresh)."""
        if plan.full:
            state[FULL_REFRESH_AT] = format_timestamp(now)
        if self.events_through is None:
            # Without events there is no activity mark; the next run refreshes everything.
            state.pop(ACTIVITY_THROUGH, None)
        else:
            state[ACTIVITY_THROUGH] = format_timestamp(self.events_through)

    def _active(self, media: CatalogMedia, since: dt.datetime) -> bool:
        hashed_id = media.hashed_id
        if hashed_id in self.unknown_time:
            return True
        latest = self.latest.get(hashed_id)
        if latest is not None and latest >= since:
            return True
        if not media.updated:
            return True
        try:
            return parse_timestamp(media.updated) >= since
        except ValueError:
            return True
