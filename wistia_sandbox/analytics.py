"""The modern API's media analytics (`/modern/analytics/medias/{id}/...`, release 2026-03).

Every figure is derived from the dataset's events, so it stays consistent with the v1 stats
and with itself (timeseries plays = traffic plays = language plays for the same days):

* a play is an event; loads = plays + a deterministic number of loads without a play;
* buckets and date filters use the sandbox account's timezone (``ACCOUNT_TZ``, UTC-05:00):
  Wistia reports analytics in account-local days, and a non-UTC zone makes clients prove
  they convert bucket starts to UTC;
* ``end_date`` is exclusive on every endpoint of the family, ``start_date`` inclusive;
* UTM tags, referrer and screen size come from the embed page's query string when it has
  one, otherwise from a stable hash of the event (untagged visits group under "").

Responses follow ``spec/openapi/wistia-data-api-2026-03-openapi.yml``
(``tests/test_sandbox_analytics.py`` validates each kind).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .dataset import Dataset
from .record_basics import PLAYABLE_TYPES, Record, _h, parse_ts

ACCOUNT_TZ = timezone(timedelta(hours=-5))
SUPPORTED_VERSIONS = ("2026-03",)
MAX_RANGE_DAYS = 730  # "The date range between start_date and end_date must not exceed 2 years"
MAX_PER_PAGE = 100
UNAVAILABLE_MESSAGE = "Analytics service is temporarily unavailable"
GROUP_BY = ("utm_campaign", "utm_source", "utm_medium", "referrer_domain", "viewer_screen_size")
GRANULARITIES = ("daily", "weekly", "monthly")
# (utm_source, utm_medium, utm_campaign) of tagged links; None = an untagged visit.
UTM_TAGS = (
    ("google", "cpc", "spring-launch"),
    ("linkedin", "social", "webinar-2025"),
    ("newsletter", "email", "monthly-digest"),
    ("facebook", "social", "spring-launch"),
    None,
    None,
)
REFERRERS = ("google.com", "linkedin.com", "t.co", "news.example.com", "", "")
LANGUAGE_BY_COUNTRY = {
    "US": "en",
    "GB": "en",
    "CA": "fr",
    "FR": "fr",
    "DE": "de",
    "JP": "ja",
    "BR": "pt",
}
PAGE_TITLES = {
    "/": "Example — Home",
    "/blog/café-culture": "Café culture, explained",
    "/pricing": "Pricing",
    "/webinars/2025": "Webinars 2025",
    "/getting-started": "Getting started",
}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Query = dict[str, list[str]]


class AnalyticsError(Exception):
    """A request the API refuses: (status, JSON body or None for an empty 404)."""

    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(status, message)
        self.status = status
        self.body: Record | None = None if message is None else {"error": message}


# --------------------------------------------------------------------------- routing


def dispatch(dataset: Dataset, parts: list[str], query: Query) -> Any:
    """The JSON body for ``/analytics/<parts...>``; raises AnalyticsError for 4xx."""
    if len(parts) < 2 or parts[0] != "medias" or len(parts) > 3:
        raise AnalyticsError(404, f"No route for /analytics/{'/'.join(parts)}")
    media = dataset.find_media(parts[1])
    if media is None or media["hashed_id"] != parts[1]:
        raise AnalyticsError(404, None)  # modern routes take hashed ids only; empty body
    kind = parts[2] if len(parts) == 3 else "summary"
    handler = HANDLERS.get(kind)
    if handler is None:
        raise AnalyticsError(404, f"No route for /analytics/{'/'.join(parts)}")
    start, end = _date_range(query)
    events = [e for e in dataset.events_of_media(media["hashed_id"]) if start <= _day(e) < end]
    return handler(media, events, start, end, query)


def _summary(media: Record, events: list[Record], start: date, end: date, query: Query) -> Record:
    return _metrics(media, events)


def _timeseries(
    media: Record, events: list[Record], start: date, end: date, query: Query
) -> list[Record]:
    granularity = _choice(query, "granularity", GRANULARITIES, required=True)
    bucket_of = {"daily": _same_day, "weekly": _monday, "monthly": _first_of_month}[granularity]
    by_bucket: dict[date, list[Record]] = defaultdict(list)
    for event in events:
        by_bucket[bucket_of(_day(event))].append(event)
    rows = []
    bucket = bucket_of(start)
    while bucket < end:
        local_midnight = datetime(bucket.year, bucket.month, bucket.day, tzinfo=ACCOUNT_TZ)
        rows.append({"timestamp": local_midnight.isoformat(), **_metrics(media, by_bucket[bucket])})
        bucket = _next_bucket(bucket, granularity)
    return rows


def _traffic(
    media: Record, events: list[Record], start: date, end: date, query: Query
) -> list[Record]:
    group_by = _choice(query, "group_by", GROUP_BY, required=True)
    groups = _group(events, lambda e: traffic_dimensions(e)[group_by])
    rows = [
        {
            group_by: value,
            "loads": _loads(grouped),
            "plays": len(grouped),
            "engagement_rate": _engagement(grouped) or 0.0,
        }
        for value, grouped in groups.items()
    ]
    return _top(rows, query, ("plays", "loads", "engagement_rate"), default_per_page=100)


def _embed_locations(
    media: Record, events: list[Record], start: date, end: date, query: Query
) -> list[Record]:
    wanted = _first(query, "embed_url")
    if wanted is not None and not wanted.startswith(("http://", "https://")):
        raise AnalyticsError(400, "embed_url must be a valid HTTP or HTTPS URL")
    groups = _group(events, lambda e: e["embed_url"])
    rows = []
    for url, grouped in groups.items():
        if wanted is not None and url != wanted:
            continue
        parts = urlsplit(url)
        metrics = _metrics(media, grouped)
        rows.append(
            {
                "embed_domain": parts.netloc,
                "embed_path": parts.path or "/",
                "embed_url": url,
                "page_title": PAGE_TITLES.get(parts.path or "/", parts.netloc),
                "loads": _loads(grouped),
                "plays": len(grouped),
                "play_rate": metrics["play_rate"] or 0.0,
                "played_time": float(_played_seconds(media, grouped)),
                "engagement_rate": metrics["engagement_rate"] or 0.0,
                "unique_visitors": metrics["unique_visitors"],
                "cta_conversion_rate": metrics["cta_conversion_rate"] or 0.0,
            }
        )
    return _top(rows, query, ("plays", "loads", "engagement_rate", "play_rate"), 10)


def _languages(
    media: Record, events: list[Record], start: date, end: date, query: Query
) -> list[Record]:
    per_page = _per_page(query, 100)
    groups = _group(events, language_of)
    total = len(events)
    rows = [
        {
            "language": language,
            "plays": len(grouped),
            "percent_of_total_plays": round(len(grouped) / total, 4),
            "captions_support": _h("captions", media["hashed_id"], language) % 2 == 0,
        }
        for language, grouped in groups.items()
    ]
    rows.sort(key=lambda r: (-r["plays"], r["language"]))
    return rows[:per_page]


def _conversions(
    media: Record, events: list[Record], start: date, end: date, query: Query
) -> Record:
    per_page = _per_page(query, 25)
    converted = sorted(
        (e for e in events if e["conversion_data"]),
        key=lambda e: (parse_ts(e["received_at"]), e["event_key"]),
    )
    offset = _cursor_offset(_first(query, "cursor"))
    page = converted[offset : offset + per_page]
    after = offset + len(page)
    return {
        "data": [
            {
                "first_name": e["conversion_data"].get("first_name") or None,
                "last_name": e["conversion_data"].get("last_name") or None,
                "email": e["conversion_data"].get("email"),
                "converted_at": parse_ts(e["received_at"]).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
                + "Z",
            }
            for e in page
        ],
        "page_info": {
            "has_next_page": after < len(converted),
            "has_previous_page": offset > 0,
            "end_cursor": _cursor(after) if page else None,
            "start_cursor": _cursor(offset) if page else None,
        },
    }


HANDLERS: dict[str, Callable[[Record, list[Record], date, date, Query], Any]] = {
    "summary": _summary,
    "timeseries": _timeseries,
    "traffic": _traffic,
    "embed_locations": _embed_locations,
    "languages": _languages,
    "conversions": _conversions,
}


# --------------------------------------------------------------------------- derivations


def _day(event: Record) -> date:
    """The account-local day an event falls on."""
    return parse_ts(event["received_at"]).astimezone(ACCOUNT_TZ).date()


def extra_loads(event: Record) -> int:
    """Loads without a play counted alongside this play (0..2), stable per event."""
    return _h("extra-loads", event["event_key"]) % 3


def traffic_dimensions(event: Record) -> dict[str, str]:
    """An event's UTM tags, referrer and screen size ("" when it has none)."""
    tags = parse_qs(urlsplit(event["embed_url"]).query)
    h = _h("traffic", event["event_key"])
    picked = UTM_TAGS[h % len(UTM_TAGS)]
    source, medium, campaign = picked or ("", "", "")
    if "utm_source" in tags:
        source, medium, campaign = tags["utm_source"][0], tags.get("utm_medium", [""])[0], ""
    mobile = bool(event["user_agent_details"].get("mobile"))
    return {
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "referrer_domain": REFERRERS[(h >> 8) % len(REFERRERS)],
        "viewer_screen_size": "small" if mobile else ("medium", "large")[(h >> 16) % 2],
    }


def language_of(event: Record) -> str:
    return LANGUAGE_BY_COUNTRY.get(event["country"], "en")


def has_cta(media: Record) -> bool:
    return _h("actions", media["hashed_id"]) % 3 != 0


def cta_shown(media: Record, event: Record) -> bool:
    return has_cta(media) and _h("cta", event["event_key"]) % 2 == 0


def cta_clicked(media: Record, event: Record) -> bool:
    return cta_shown(media, event) and _h("cta-click", event["event_key"]) % 5 == 0


def _loads(events: list[Record]) -> int:
    return len(events) + sum(extra_loads(e) for e in events)


def _played_seconds(media: Record, events: list[Record]) -> int:
    playable = media["type"] in PLAYABLE_TYPES
    duration = float(media.get("duration") or 0.0) if playable else 0.0
    return int(sum(float(e["percent_viewed"]) * duration for e in events))


def _engagement(events: list[Record]) -> float | None:
    if not events:
        return None
    return round(sum(float(e["percent_viewed"]) for e in events) / len(events), 4)


def _metrics(media: Record, events: list[Record]) -> Record:
    unique_plays = len({e["visitor_key"] for e in events})
    unique_loads = unique_plays + sum(extra_loads(e) for e in events)
    impressions = sum(cta_shown(media, e) for e in events)
    clicks = sum(cta_clicked(media, e) for e in events)
    return {
        "unique_loads": unique_loads,
        "unique_plays": unique_plays,
        "plays": len(events),
        "play_rate": round(unique_plays / unique_loads, 4) if unique_loads else None,
        "played_time": _played_seconds(media, events),
        "unique_visitors": unique_loads,
        "engagement_rate": _engagement(events),
        "cta_impressions": impressions,
        "cta_conversions": clicks,
        "cta_conversion_rate": round(clicks / impressions, 4) if impressions else None,
        "form_conversions": sum(bool(e["conversion_data"]) for e in events),
    }


def _group(events: Iterable[Record], key: Callable[[Record], str]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for event in events:
        groups[key(event)].append(event)
    return groups


def _same_day(day: date) -> date:
    return day


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_bucket(bucket: date, granularity: str) -> date:
    if granularity == "daily":
        return bucket + timedelta(days=1)
    if granularity == "weekly":
        return bucket + timedelta(days=7)
    return (bucket.replace(day=28) + timedelta(days=4)).replace(day=1)


# --------------------------------------------------------------------------- params


def _first(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[0] if values and values[0] != "" else None


def _date_param(query: Query, name: str) -> date:
    value = _first(query, name)
    if value is None:
        raise AnalyticsError(400, f"{name} is required (YYYY-MM-DD)")
    if not _DATE_RE.match(value):
        raise AnalyticsError(400, f"Invalid {name} {value!r}: dates must be formatted YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AnalyticsError(400, f"Invalid {name} {value!r}") from None


def _date_range(query: Query) -> tuple[date, date]:
    start, end = _date_param(query, "start_date"), _date_param(query, "end_date")
    if end < start:
        raise AnalyticsError(400, "end_date must not be before start_date")
    if (end - start).days > MAX_RANGE_DAYS:
        raise AnalyticsError(
            400, "The date range between start_date and end_date must not exceed 2 years"
        )
    return start, end


def _choice(query: Query, name: str, allowed: tuple[str, ...], *, required: bool) -> str:
    value = _first(query, name)
    if value is None and required:
        raise AnalyticsError(400, f"{name} is required: one of {', '.join(allowed)}")
    if value is not None and value not in allowed:
        raise AnalyticsError(400, f"Invalid {name} {value!r}: one of {', '.join(allowed)}")
    return value or allowed[0]


def _per_page(query: Query, default: int) -> int:
    value = _first(query, "per_page")
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= MAX_PER_PAGE:
        raise AnalyticsError(400, f"Invalid per_page {value!r}: 1 to {MAX_PER_PAGE}")
    return int(value)


def _top(
    rows: list[Record], query: Query, sort_keys: tuple[str, ...], default_per_page: int
) -> list[Record]:
    """Sort by a metric (ties by the group's first field) and keep the first per_page."""
    sort_by = _choice(query, "sort_by", sort_keys, required=False)
    direction = _choice(query, "sort_direction", ("desc", "asc"), required=False)
    rows.sort(key=lambda r: str(next(iter(r.values()))))
    rows.sort(key=lambda r: r[sort_by], reverse=direction == "desc")
    return rows[: _per_page(query, default_per_page)]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _cursor_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    label, _, number = text.partition(":")
    if label != "offset" or not number.isdigit():
        raise AnalyticsError(400, f"Invalid cursor {cursor!r}")
    return int(number)
