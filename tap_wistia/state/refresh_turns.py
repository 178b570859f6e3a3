"""When each media's periodic refresh comes round, and which months an event belongs to.

The periodic refresh of every media (`per_media_full_refresh_days`, N) is spread over N
days: a media's turn is the day whose number (days since 1970-01-01, UTC) is congruent to
a stable hash of its id modulo N, so each daily run refreshes about 1/N of the medias
instead of all of them on one day. A run refreshes every media whose turn fell on a day
after the previous run's day, up to today: a tap that skips days (or runs weekly) still
gives every media its turn, and a gap of N days or more makes every media due.

The hash is CRC-32 of the id: stable across processes and Python versions (`hash()` of a
str is salted per process).

Monthly breakdowns are by account-local calendar month, and the account's UTC offset is
not known to the tap: an event counts for the month of its UTC time shifted by each
possible offset (-12 h to +14 h), so one near a month boundary counts for both months.
"""

from __future__ import annotations

import datetime as dt
import zlib

EPOCH = dt.date(1970, 1, 1)
# The widest UTC offsets an account timezone can have.
OFFSETS = (dt.timedelta(hours=-12), dt.timedelta(hours=14))


def turn_of(media_id: str, every_days: int) -> int:
    """The media's turn: its day number modulo `every_days`."""
    return zlib.crc32(media_id.encode()) % every_days


def due_turns(last_run: dt.date | None, today: dt.date, every_days: int) -> frozenset[int]:
    """The turns of the days after `last_run` up to `today` (all of them after a gap of
    `every_days` or more, or without a previous run)."""
    if last_run is None or (today - last_run).days >= every_days:
        return frozenset(range(every_days))
    today_number = (today - EPOCH).days
    return frozenset((today_number - step) % every_days for step in range((today - last_run).days))


def months_of(received: dt.datetime) -> set[str]:
    """The account-local months (YYYY-MM) an event received at `received` may fall in."""
    return {(received + offset).strftime("%Y-%m") for offset in OFFSETS}
