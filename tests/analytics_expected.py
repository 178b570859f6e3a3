"""What the analytics streams must emit for a sandbox dataset, computed from its events."""

from __future__ import annotations

import datetime as dt
import math
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


def played_medias(data: Dataset, first: dt.date) -> list[str]:
    """The medias a first run reads beyond their lifetime stats (per_media_refresh 'active',
    the default): those with events received since `first` (UTC midnight, the start_date)."""
    played = {
        e["media_id"] for e in data.events if parse_timestamp(e["received_at"]).date() >= first
    }
    return [m for m in data.media_ids() if m in played]


def expected_keys(
    data: Dataset, first: dt.date, end: dt.date, *, every_media: bool = False
) -> dict[str, set[tuple]]:
    """The primary keys each analytics stream must emit on a first run over a window
    (snapshot date aside). `every_media`: the run read every media (events not selected)."""
    events = window_events(data, first, end)
    medias = data.media_ids() if every_media else played_medias(data, first)
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
        # A month without a load gives no row.
        "media_analytics_summary": {
            (e["media_id"], local_day(e).strftime("%Y-%m")) for e in events
        },
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


def latest_copies(rows: list[tuple], key_width: int) -> dict[tuple, tuple]:
    """Rows by their first `key_width` columns, the copy with the newest last column
    (_sdc_batched_at) kept, as staging does; the batch time dropped."""
    kept: dict[tuple, tuple] = {}
    for row in rows:
        key, batched = row[:key_width], row[-1]
        if key not in kept or (batched is not None and (kept[key][-1] or batched) <= batched):
            kept[key] = row
    return {key: row[key_width:-1] for key, row in kept.items()}


def day(value: object) -> str:
    """A date, timestamp or ISO text as YYYY-MM-DD (the loaders type them differently)."""
    return str(value)[:10]


def assert_period_marts(rows_of: Callable[[str], list[tuple]], data: Dataset) -> None:
    """media_traffic_monthly and media_conversions_daily equal their recomputation from the
    raw tap tables (latest copy of each key), and agree with the sandbox's events."""
    raw = latest_copies(
        [
            (m, dim, value or "(none)", month, *rest)
            for m, dim, value, month, *rest in rows_of(
                "select media_id, dimension, value, period, period_start, period_end, loads,"
                " plays, engagement_rate, _sdc_batched_at from tap_wistia.media_traffic"
            )
        ],
        4,
    )
    expected = {
        key: (day(start), day(end), loads, plays, float(rate) * plays)
        for key, (start, end, loads, plays, rate) in raw.items()
    }
    mart = {
        tuple(key): (day(start), day(end), loads, plays, engaged)
        for *key, start, end, loads, plays, engaged in rows_of(
            "select media_id, dimension, dimension_value, period_month, period_start,"
            " period_end, loads, plays, engaged_plays from analytics.media_traffic_monthly"
        )
    }
    assert mart.keys() == expected.keys() and len(mart) > 0
    for key, (*counts, engaged) in mart.items():
        assert counts == list(expected[key][:4]), key
        assert math.isclose(engaged, expected[key][4], rel_tol=1e-9, abs_tol=1e-9), key
    # The days read of the month: from its first day (or the window's start) to its end.
    assert all(
        start.startswith(month) and start < end for (*_, month), (start, end, *_) in mart.items()
    )
    # Each sandbox session is one play of its media, counted in its account-local month.
    plays = Counter(
        (e["media_id"], dim, traffic_dimensions(e)[dim] or "(none)", local_day(e).strftime("%Y-%m"))
        for e in data.events
        for dim in GROUP_BY
    )
    assert {key: row[3] for key, row in mart.items() if row[3]} == dict(plays)
    assert len({key[3] for key in mart}) >= 2  # the datasets span two months or more

    raw_daily = latest_copies(
        [
            (m, day(date), *rest)
            for m, date, *rest in rows_of(
                "select media_id, date, plays, unique_plays, cta_impressions, cta_conversions,"
                " form_conversions, _sdc_batched_at from tap_wistia.media_analytics_daily"
            )
        ],
        2,
    )
    daily = {
        (m, day(date)): tuple(rest)
        for m, date, *rest in rows_of(
            "select media_id, analytics_date, plays, unique_plays, cta_impressions,"
            " cta_conversions, form_conversions from analytics.media_conversions_daily"
        )
    }
    assert daily == raw_daily and len(daily) > 0
    assert sum(row[4] for row in daily.values()) == sum(
        1 for e in data.events if e["conversion_data"]
    )
    assert sum(row[2] for row in daily.values()) > 0
