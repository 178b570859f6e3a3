"""Which medias (and months) the per-media streams read (setting `per_media_refresh`).

`active` (the default): requests in proportion to activity. A media's figures change when
it is played (every play is an event) or edited (its `updated` moves). The events stream
runs before every per-media stream and reports here which medias had events, and in which
months; a per-media stream then reads:

- on its first run, when the events read cover the whole window: `media_stats` (lifetime
  totals, one request per media) for every media; every other per-media stream only for
  the medias with events in the window, and `media_traffic` only for the (media, month)
  pairs with events. A media nobody played in the window costs its lifetime stats only.
- on later runs: the medias with events received, or edits, since the stream's last read
  (`activity_through`, minus `LATE_EVENT_MARGIN`), plus the medias whose periodic turn came
  (`refresh_turns`: every media once every `per_media_full_refresh_days`, spread over
  those days by a hash of its id, so no run is a spike). On its turn a media is re-read
  over the last `per_media_full_refresh_days` days and every month in range: loads without
  a play (which make no event) arrive that late. Streams other than `media_stats` skip a
  media on its turn when this run's lifetime stats say it was never played.

A stream reads every media (and every month) when it cannot know what changed: with
`per_media_refresh: all` (the old behaviour), `per_media_full_refresh_days: 0`, when the
events stream is not selected (a warning says so), when the events read this run do not
reach back to its last read, or when its state has a bookmark but no `activity_through`
(a state from an earlier tap-wistia: one warning, one full read, then by activity).

The state keeps one timestamp per stream (`activity_through`); the turns are computed,
not stored. `full_refresh_at`, written by earlier versions, is dropped on the next write.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from tap_wistia.state.refresh_turns import due_turns, months_of, turn_of
from tap_wistia.state.visitor_refresh import LATE_EVENT_MARGIN
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    from tap_wistia.state.catalog import CatalogMedia

ACTIVITY_THROUGH = "activity_through"
FULL_REFRESH_AT = "full_refresh_at"  # written by earlier versions; read only to be checked

NO_EVENTS_WARNING = (
    "per_media_refresh is 'active' but the events stream is not selected: every per-media "
    "stream reads every media this run. Select events to read only medias with activity."
)
OLD_STATE_WARNING = (
    "The state of per-media streams has no activity mark (a state from an earlier tap-wistia, "
    "or a run without events): they read every media this run (see each stream's 'refreshing' "
    "line); later runs read by activity."
)


@dataclass(frozen=True)
class RefreshPlan:
    medias: list[CatalogMedia]
    full: bool  # every media, every month: nothing known about activity
    reason: str
    # Medias on their periodic turn: re-read over the last `look_back_days` days.
    on_turn: frozenset[str] = frozenset()
    # Medias read for every month in range (on their turn, or edited).
    every_month: frozenset[str] = frozenset()
    # The months in which each media had events (those it is read for).
    event_months: Mapping[str, frozenset[str]] = field(default_factory=dict)
    look_back_days: int = 0
    warning: str | None = None

    def reads_month(self, media_id: str, month: str) -> bool:
        return (
            self.full
            or media_id in self.every_month
            or month in self.event_months.get(media_id, frozenset())
        )

    def first_day(self, media_id: str, bookmark_day: dt.date, today: dt.date) -> dt.date:
        """Where a dated read of the media starts: the bookmark's day, or on its turn the
        start of the look-back (so the loads of the days it was skipped are read)."""
        if media_id in self.on_turn:
            return min(bookmark_day, today - dt.timedelta(days=self.look_back_days))
        return bookmark_day


class MediaActivity:
    """The latest event received per media and month, as this run's events stream reports,
    and the lifetime play counts `media_stats` read this run."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.latest: dict[str, dict[str, dt.datetime]] = {}  # media -> month -> latest
        self.unknown_time: set[str] = set()  # events without a parseable received_at
        self.lifetime_plays: dict[str, int] = {}
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
        months = self.latest.setdefault(media_id, {})
        for month in months_of(received):
            if month not in months or received > months[month]:
                months[month] = received

    def saw_lifetime_stats(self, media_id: str, row: dict) -> None:
        plays = row.get("play_count")
        if isinstance(plays, int):
            self.lifetime_plays[media_id] = plays

    def window_done(self, covered_until: dt.datetime) -> None:
        self.events_through = covered_until

    def plan(
        self,
        state: dict,
        medias: list[CatalogMedia],
        *,
        lifetime: bool,
        now: dt.datetime,
        window_start: dt.datetime,
        every_days: int,
    ) -> RefreshPlan:
        """Which of `medias` a stream with `state` reads this run, and why. `lifetime`:
        the stream holds lifetime totals (every media is read on its first run)."""
        if not self.enabled:
            return RefreshPlan(medias, True, "per_media_refresh=all")
        if every_days == 0:
            return RefreshPlan(medias, True, "per_media_full_refresh_days=0")
        if self.events_from is None or self.events_through is None:
            return RefreshPlan(
                medias, True, "the events stream did not run", warning=NO_EVENTS_WARNING
            )
        through = state.get(ACTIVITY_THROUGH)
        if not through and state.get("replication_key_value"):
            return RefreshPlan(
                medias,
                True,
                "no activity mark in its state",
                warning=OLD_STATE_WARNING,
            )
        covered_from = parse_timestamp(through) if through else window_start
        if self.events_from > covered_from:
            return RefreshPlan(
                medias,
                True,
                f"events were read from {format_timestamp(self.events_from)}, after "
                f"{format_timestamp(covered_from)}: activity may be missed",
            )
        # Events listed late (up to the margin) count as well.
        since = covered_from - LATE_EVENT_MARGIN if through else window_start
        event_months = self._event_months(since)
        if not through:
            return self._first(medias, event_months, lifetime=lifetime)
        turns = due_turns(parse_timestamp(through).date(), now.date(), every_days)
        on_turn = {m.hashed_id for m in medias if turn_of(m.hashed_id, every_days) in turns}
        if not lifetime:
            on_turn = {m for m in on_turn if self.lifetime_plays.get(m, 1) > 0}
        edited = {m.hashed_id for m in medias if _edited(m, since)} | self.unknown_time
        chosen = [m for m in medias if m.hashed_id in on_turn | edited | set(event_months)]
        return RefreshPlan(
            chosen,
            False,
            f"{len(chosen)} of {len(medias)} medias: {len(event_months)} played and "
            f"{len(edited)} edited since {through}, {len(on_turn)} on their periodic turn",
            on_turn=frozenset(on_turn),
            every_month=frozenset(on_turn | edited),
            event_months=event_months,
            look_back_days=every_days,
        )

    def _first(
        self,
        medias: list[CatalogMedia],
        event_months: Mapping[str, frozenset[str]],
        *,
        lifetime: bool,
    ) -> RefreshPlan:
        if lifetime:
            return RefreshPlan(medias, True, "first read: lifetime totals of every media")
        played = [m for m in medias if m.hashed_id in {*event_months, *self.unknown_time}]
        return RefreshPlan(
            played,
            False,
            f"first read: the {len(played)} of {len(medias)} medias with events in the window",
            every_month=frozenset(self.unknown_time),
            event_months=event_months,
        )

    def _event_months(self, since: dt.datetime) -> dict[str, frozenset[str]]:
        """Per media, the months of its events received since `since`."""
        out = {
            media_id: frozenset(month for month, latest in months.items() if latest >= since)
            for media_id, months in self.latest.items()
        }
        return {media_id: months for media_id, months in out.items() if months}

    def remember(self, state: dict) -> None:
        """After a complete read: what the next run's plan builds on (in every mode, so
        switching to `active` needs no extra full read)."""
        state.pop(FULL_REFRESH_AT, None)
        if self.events_through is None:
            # Without events there is no activity mark; the next run reads everything.
            state.pop(ACTIVITY_THROUGH, None)
        else:
            state[ACTIVITY_THROUGH] = format_timestamp(self.events_through)


def _edited(media: CatalogMedia, since: dt.datetime) -> bool:
    if not media.updated:
        return True
    try:
        return parse_timestamp(media.updated) >= since
    except ValueError:
        return True
