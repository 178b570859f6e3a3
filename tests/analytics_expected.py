"""What the analytics streams must emit for a sandbox dataset, computed from its events."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

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
            (
                e["media_id"],
                dim,
                traffic_dimensions(e)[dim] or "(none)",
                local_day(e).strftime("%Y-%m"),
            )
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


def assert_analytics_marts(
    rows_of: Callable[[str], list[tuple]],
    data: Dataset,
    email_of: Callable[[str], str | None] = lambda email: email,
) -> None:
    """The traffic and conversion marts agree with the sandbox's events (every event of the
    pipeline datasets lies inside the extraction window). `email_of` is what the warehouse
    holds for an email (the dbt var email_privacy may hash it)."""
    events = data.events
    account = rows_of(
        "select dimension, dimension_value, plays, play_rate, engagement_rate "
        "from analytics.media_traffic_sources where scope = 'account'"
    )
    expected = Counter(
        (dim, traffic_dimensions(e)[dim] or "(none)") for e in events for dim in GROUP_BY
    )
    assert {(d, v): p for d, v, p, _, _ in account} == dict(expected)
    assert all(0 <= rate <= 1 and 0 <= engaged <= 1 for *_, rate, engaged in account)
    per_media = rows_of(
        "select media_id, sum(plays) from analytics.media_traffic_sources "
        "where scope = 'media' and dimension = 'utm_source' group by media_id"
    )
    assert dict(per_media) == dict(Counter(e["media_id"] for e in events))

    converted = [e for e in events if e["conversion_data"]]
    visitor_by_email = {
        email_of(v["visitor_identity"]["email"]): v["visitor_key"]
        for v in data.visitors
        if v["visitor_identity"]["email"]
    }
    leads = rows_of(
        "select media_id, email, visitor_key, sessions_on_media_before_conversion "
        "from analytics.media_conversions"
    )
    assert sorted((m, e) for m, e, _, _ in leads) == sorted(
        (e["media_id"], email_of(e["conversion_data"]["email"])) for e in converted
    )
    assert converted
    # Every sandbox lead is a known visitor, whose converting session counts.
    assert all(key == visitor_by_email[email] for _, email, key, _ in leads)
    assert all(before >= 1 for *_, before in leads)
    rates = rows_of(
        "select sum(form_conversions), sum(distinct_leads), min(cta_conversion_rate), "
        "max(cta_conversion_rate) from analytics.media_conversion_rates"
    )[0]
    assert rates[0] == len(converted)
    assert rates[1] >= 1 and 0 <= rates[2] <= rates[3] <= 1
