"""The events stream's resume points, read back from the state and checked.

An interrupted events run records, for closed days after its bookmark, how many first
pages of a day's listing it emitted (`pages_read`) and which days it read in full
(`days_read`); the next run skips those. A skipped day is data never read again, so
only what the tap could have written is trusted. Dropped, with one warning naming them,
and read again (which costs requests, never data):

- a key that is not a window key: `YYYY-MM-DD`, or `YYYY-MM-DD/<media id>` under
  `media_ids`;
- a day that is not closed at this run's start (today, a future day): the tap never
  records one, and skipping it would miss the events that arrive at its head;
- in `pages_read`, a count that is not a positive whole number.

The events stream names the day windows it skips as read (INFO), so none is silent.
"""

from __future__ import annotations

import datetime as dt
import typing as t

if t.TYPE_CHECKING:
    import logging

SHOWN = 5  # entries quoted in a warning; the rest are counted


def window_day(key: object) -> dt.date | None:
    """The day of a window key, or None if `key` is not one."""
    if not isinstance(key, str):
        return None
    day, slash, media_id = key.partition("/")
    if slash and not media_id.strip():
        return None
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        return None
    return parsed if parsed.isoformat() == day else None  # no other spelling of a day


def read_resume_points(
    state: t.Mapping[str, t.Any],
    is_closed: t.Callable[[dt.date], bool],
    stream_name: str,
    logger: logging.Logger,
) -> tuple[dict[str, int], set[str]]:
    """(`pages_read`, `days_read`) as far as they can be trusted; see the module docstring."""
    raw_pages, raw_days = state.get("pages_read"), state.get("days_read")
    dropped: list[str] = []
    pages: dict[str, int] = {}
    for key, count in raw_pages.items() if isinstance(raw_pages, dict) else ():
        day = window_day(key)
        valid_count = isinstance(count, int) and not isinstance(count, bool) and count > 0
        if day is not None and is_closed(day) and valid_count:
            pages[key] = count
        else:
            dropped.append(f"pages_read {key!r}: {count!r}")
    days: set[str] = set()
    for key in raw_days if isinstance(raw_days, list) else ():
        day = window_day(key)
        if day is not None and is_closed(day):
            days.add(t.cast("str", key))
        else:
            dropped.append(f"days_read {key!r}")
    if dropped:
        shown = "; ".join(dropped[:SHOWN]) + (
            f"; and {len(dropped) - SHOWN} more" if len(dropped) > SHOWN else ""
        )
        logger.warning(
            "%s: %d resume point(s) in the state are not what the tap writes (a malformed "
            "key or count, or a day not yet closed): %s. Dropped: those days are read again.",
            stream_name,
            len(dropped),
            shown,
        )
    return pages, days
