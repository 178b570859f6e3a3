"""Timestamps and UTC day arithmetic.

Wistia mixes timestamp spellings (`...Z`, `...+00:00`, with or without milliseconds).
Every timestamp the tap emits is rewritten in one canonical UTC form so that bookmarks
compare correctly as strings and warehouses parse one format.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.UTC
RETENTION_DAYS = 730  # Wistia keeps events for two years.


def parse_timestamp(value: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp (or a bare date) into an aware UTC datetime."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_timestamp(value: dt.datetime) -> str:
    """The canonical spelling: UTC, microseconds, `+00:00` offset."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_timestamp(value: object) -> object:
    """Rewrite a timestamp string canonically; leave anything unparseable untouched."""
    if not isinstance(value, str) or not value:
        return value
    try:
        return format_timestamp(parse_timestamp(value))
    except ValueError:
        return value


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every UTC day from `first` to `last`, both included (empty when last < first)."""
    count = (last - first).days + 1
    return [first + dt.timedelta(days=offset) for offset in range(max(count, 0))]
