"""What the analytics streams must emit for a sandbox dataset, computed from its events."""

from __future__ import annotations

import datetime as dt

from tap_wistia.timeutil import parse_timestamp
from wistia_sandbox import Dataset
from wistia_sandbox.analytics import (
    ACCOUNT_TZ,
    GROUP_BY,
    language_of,
    traffic_dimensions,
)


def local_day(event: dict) -> dt.date:
    return parse_timestamp(event["received_at"]).astimezone(ACCOUNT_TZ).date()


def window_events(data: Dataset, first: dt.date, end: dt.date) -> list[dict]:
    """Events whose account-local day is in [first, end)."""
    return [e for e in data.events if first <= local_day(e) < end]


def expected_keys(data: Dataset, first: dt.date, end: dt.date) -> dict[str, set[tuple]]:
    """The primary keys each analytics stream must emit for a window (snapshot date aside)."""
    events = window_events(data, first, end)
    medias = data.media_ids()
    days = [first + dt.timedelta(days=n) for n in range((end - first).days)]
    return {
        "media_analytics_daily": {(m, d.isoformat()) for m in medias for d in days},
        "media_traffic": {
            (e["media_id"], dim, traffic_dimensions(e)[dim], local_day(e).strftime("%Y-%m"))
            for e in events
            for dim in GROUP_BY
        },
        "media_conversions": {
            (e["media_id"], e["conversion_data"]["email"], parse_timestamp(e["received_at"]))
            for e in events
            if e["conversion_data"]
        },
        "media_embed_locations": {(e["media_id"], e["embed_url"]) for e in events},
        "media_languages": {(e["media_id"], language_of(e)) for e in events},
    }


def expected_counts(data: Dataset, config: dict, last_day: dt.date) -> dict[str, int]:
    """Record counts of the analytics streams for a run's settings (or TAP_WISTIA_* env)."""
    first = parse_timestamp(config.get("start_date") or config["TAP_WISTIA_START_DATE"]).date()
    keys = expected_keys(data, first, last_day + dt.timedelta(days=1))
    return {name: len(found) for name, found in keys.items()}
