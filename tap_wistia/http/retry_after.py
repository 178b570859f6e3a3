"""How long a 429 asks to wait (`Retry-After`), sanitised and capped.

The header is either seconds or an HTTP-date. A hostile or broken server can send
anything: `999999` (11.6 days), a date in 2100, `inf`, `nan`, `-5`. Unusable values
(`nan`, negative, garbage) count as absent, so the caller backs off on its own; any
wait is capped at `MAX_RETRY_AFTER_SECONDS` (10 minutes, documented in the README), and
the run's total is bounded by `max_rate_limit_wait_minutes`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math

import requests

MAX_RETRY_AFTER_SECONDS = 600.0
# Never retry a 429 at once: `Retry-After: 0` from a server that stays saturated would
# otherwise loop without ever spending the wait budget.
MIN_RATE_LIMIT_WAIT_SECONDS = 1.0


def requested_wait(response: requests.Response) -> float | None:
    """What Retry-After asks for, in seconds (may be huge or `inf`); None if unusable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until_date(value, response.headers.get("Date"))
    if math.isnan(seconds) or seconds < 0:
        return None
    return seconds


def _seconds_until_date(value: str, date_header: str | None) -> float | None:
    when = _parse_http_date(value)
    if when is None:
        return None
    # Measured against the server's own clock when it says the time: no local skew.
    now = _parse_http_date(date_header) if date_header else None
    return max((when - (now or dt.datetime.now(dt.UTC))).total_seconds(), 0.0)


def _parse_http_date(value: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def capped(seconds: float) -> float:
    return min(max(seconds, MIN_RATE_LIMIT_WAIT_SECONDS), MAX_RETRY_AFTER_SECONDS)
