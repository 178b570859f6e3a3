"""Which medias the per-media catalog streams (captions, localizations, customizations) read.

A media's captions, localizations and player settings change when the media is edited, and
an edit moves the media's `updated` (which the medias listing, read every run, carries). So
these streams follow the media's edits rather than its plays (`media_refresh` is about
plays): with `per_media_refresh: active` (the default) a stream reads

- on its first run (no `edits_through` in its state), every media in scope;
- afterwards, only the medias whose `updated` is at or after the stream's last read
  (`edits_through`: the run's start minus `CLOCK_SKEW` for Wistia's clock), or that have no
  readable `updated`.

No periodic re-read: it would cost 3 M / N requests a day (every media of a 500-media
library once a week, for each of the three streams) to guard against a change that does not
move `updated`; `per_media_refresh: all` (or `per_media_full_refresh_days: 0`) reads every
media every run for an account where that happens. The mark is written only after a
complete read, so a failed run repeats its reads.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from tap_wistia.state.bookmarks import CLOCK_SKEW
from tap_wistia.state.media_refresh import RefreshPlan
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    from tap_wistia.state.catalog import CatalogMedia

EDITS_THROUGH = "edits_through"


def plan_by_edits(
    state: dict,
    medias: list[CatalogMedia],
    *,
    active: bool,
    every_days: int,
) -> RefreshPlan:
    """Which of `medias` a catalog stream with `state` reads this run, and why."""
    if not active:
        return RefreshPlan(medias, True, "per_media_refresh=all")
    if every_days == 0:
        return RefreshPlan(medias, True, "per_media_full_refresh_days=0")
    through = state.get(EDITS_THROUGH)
    if not through:
        return RefreshPlan(medias, True, "first read: every media")
    since = parse_timestamp(through)
    chosen = [m for m in medias if _edited(m, since)]
    return RefreshPlan(
        chosen, False, f"{len(chosen)} of {len(medias)} medias edited since {through}"
    )


def remember_edits(state: dict, run_started: dt.datetime) -> None:
    """After a complete read: edits from the run's start on are read next time."""
    state[EDITS_THROUGH] = format_timestamp(run_started - CLOCK_SKEW)


def _edited(media: CatalogMedia, since: dt.datetime) -> bool:
    if not media.updated:
        return True
    try:
        return parse_timestamp(media.updated) >= since
    except ValueError:
        return True
