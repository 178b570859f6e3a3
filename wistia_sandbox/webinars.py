"""The sandbox's webinars: ``/modern/webinars`` and ``/modern/analytics/webinars/{id}/...``.

Decisions:

* **The data ties together.** Each webinar's registrants are the account's identified
  visitors (their email and name; generated people only when there are too few), and every
  figure is derived from the audience rows on each request: the aggregates' registrations,
  attendance, watch time and chats are the audience's sums, the daily registration series
  sums to the registrant count, each ``group_by`` breakdown sums to the totals, and the
  histograms are the sums of the attendees' own histograms. An impression is counted as 3
  per registration plus 1 per attendee, so impressions tie too.
* **A mix of ages** (``SCHEDULE``, by default 5): two ended long ago, one ended recently,
  one live now, one upcoming; more webinars repeat the ended ones further back. Upcoming
  webinars have registrants but no attendees; aggregates and histograms answer 409 until
  the event has ended, as the 2026-03 document says.
* **A plan without webinars**: ``WebinarData.available = False`` (``--no-webinars``) answers
  403 "Webinars are not available on your current plan" to every webinar endpoint.
* Generated after everything else with an RNG of its own, so adding webinars changes none
  of the other records of a seed.
"""

from __future__ import annotations

import base64
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .query_params import _bool_param, _first, _int, _paginate
from .record_basics import Record, format_ts, parse_ts

Query = dict[str, list[str]]
NOT_AVAILABLE = "Webinars are not available on your current plan"
NOT_ENDED = "Aggregate analytics are not available until the event has ended"
# Start of each webinar relative to now, in days (LIVE: started 20 minutes ago).
LIVE = "live"
SCHEDULE: tuple[float | str, ...] = (-400, -120, -10, LIVE, 14)
DURATION_MINUTES = 60
IMPRESSIONS_PER_REGISTRATION = 3
GROUP_BY = ("utm_campaign", "utm_source", "utm_medium", "referrer_domain")
TRAFFIC_SORTS = ("registrations", "attendees", "impressions")
GRANULARITIES = ("daily", "weekly", "monthly")
AUDIENCE_PER_PAGE = (1, 100, 25)  # minimum, maximum, default
SOURCES = ("newsletter", "linkedin", "google", "")
MEDIUMS = ("email", "social", "cpc", "")
CAMPAIGNS = ("spring-launch", "webinar-series", "")
REFERRERS = ("lumon.example.com", "news.example.org", "")


class WebinarError(Exception):
    """A request the API refuses: (status, JSON body or None for an empty 404)."""

    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(status, message)
        self.status = status
        self.body: Record | None = None if message is None else {"error": message}


@dataclass
class WebinarData:
    """The account's webinars (API-shaped) and each one's audience rows."""

    webinars: list[Record] = field(default_factory=list)
    audience: dict[str, list[Record]] = field(default_factory=dict)
    available: bool = True  # False: a plan without webinars (403)

    def find(self, webinar_id: str) -> Record | None:
        return next((w for w in self.webinars if w["id"] == webinar_id), None)


def generate_webinars(count: int, visitors: list[Record], now: datetime, seed: int) -> WebinarData:
    rng = random.Random(f"webinars-{seed}")
    people = [
        (v["visitor_identity"]["email"], v["visitor_identity"].get("name") or "")
        for v in visitors
        if v.get("visitor_identity", {}).get("email")
    ]
    people += [(f"guest{i}@example.com", f"Guest {i}") for i in range(max(0, 30 - len(people)))]
    data = WebinarData()
    for i in range(count):
        offset = SCHEDULE[i] if i < len(SCHEDULE) else -(150 + 40 * i)
        if offset == LIVE:
            starts = now - timedelta(minutes=20)
        else:
            starts = now + timedelta(days=float(offset), hours=rng.randint(0, 8))
        webinar = _webinar(rng, i, starts, now)
        data.webinars.append(webinar)
        chosen = rng.sample(people, min(len(people), rng.randint(8, 30)))
        data.audience[webinar["id"]] = [_registrant(rng, p, webinar, now) for p in chosen]
    return data


def _webinar(rng: random.Random, index: int, starts: datetime, now: datetime) -> Record:
    webinar_id = f"wb{rng.getrandbits(40):010x}"
    ends = starts + timedelta(minutes=DURATION_MINUTES)
    created = min(starts, now) - timedelta(days=30)
    status = "ended" if ends <= now else "live" if starts <= now else "scheduled"
    base = f"https://lumon-industries.wistia.com/live/events/{webinar_id}"
    return {
        "id": webinar_id,
        "title": f"Webinar {index + 1}",
        "description": None if index % 2 else f"Session {index + 1} of the series",
        "scheduled_for": format_ts(starts, 2),
        "event_duration": DURATION_MINUTES,
        "lifecycle_status": status,
        "registration_status": "published",
        "created_at": format_ts(created, 2),
        "updated_at": format_ts(min(ends, now), 2),
        "audience_link": base,
        "host_link": f"{base}/onair",
        "panelist_link": f"{base}/onair/{webinar_id}-panel",
    }


def _registrant(
    rng: random.Random, person: tuple[str, str], webinar: Record, now: datetime
) -> Record:
    email, name = person
    first, _, last = name.partition(" ")
    starts = parse_ts(webinar["scheduled_for"])
    created = parse_ts(webinar["created_at"])
    registered = created + (min(starts, now) - created) * rng.random()
    watched_until = min(starts + timedelta(minutes=DURATION_MINUTES), now)
    minutes_open = max(0, int((watched_until - starts).total_seconds() // 60))
    roll = rng.random()
    attended = minutes_open > 0 and roll < 0.6
    on_demand = webinar["lifecycle_status"] == "ended" and 0.6 <= roll < 0.75
    watched = rng.randint(1, minutes_open) if attended else 0
    focused = rng.randint(0, watched)
    chats = [
        {"rounded_player_position": minute * 60, "chats": [f"question {minute}"]}
        for minute in sorted(rng.sample(range(watched), min(watched, rng.randint(0, 3))))
    ]
    return {
        "first_name": first or None,
        "last_name": last or None,
        "email": email,
        "phone_number": None,
        "company": rng.choice(("Lumon", "Optics and Design", None)),
        "job_title": rng.choice(("Refiner", "Manager", None)),
        "country": "US",
        "registered_at": format_ts(registered, 2),
        "attended_at": format_ts(starts + timedelta(minutes=rng.randint(0, 5)), 2)
        if attended
        else None,
        "attendance_status": "attended"
        if attended
        else "watched_on_demand"
        if on_demand
        else "registered",
        "restriction_status": "allowed",
        "origin_method": "registration_form",
        "utm_campaign": rng.choice(CAMPAIGNS),
        "utm_source": rng.choice(SOURCES),
        "utm_medium": rng.choice(MEDIUMS),
        "referrer_domain": rng.choice(REFERRERS),
        "ip_country": "US",
        "ip_city": rng.choice(("Kier", "Salt Lake City", None)),
        "engagement_rate": round(watched / DURATION_MINUTES, 4),
        "focused_rate": round(focused / watched, 4) if watched else 0.0,
        "played_time": watched * 60,
        "focused_played_time": focused * 60,
        "chat_count": len(chats),
        "annotation_click_count": rng.randint(0, 2) if attended else 0,
        "poll_responses_count": rng.randint(0, 1) if attended else 0,
        "attendee_histogram": [1 if m < watched else 0 for m in range(DURATION_MINUTES)],
        "focused_attendee_histogram": [1 if m < focused else 0 for m in range(DURATION_MINUTES)],
        "chats": chats,
    }


# --------------------------------------------------------------------------- routing


def dispatch(data: WebinarData, parts: list[str], query: Query, now: datetime) -> Any:
    """The JSON body for ``/webinars`` or ``/analytics/webinars/<id>[/<kind>]``."""
    if not data.available:
        raise WebinarError(403, NOT_AVAILABLE)
    if parts == ["webinars"]:
        return _list(data, query, now)
    if parts[:2] != ["analytics", "webinars"] or len(parts) not in (3, 4):
        raise WebinarError(404, f"No route for /{'/'.join(parts)}")
    webinar = data.find(parts[2])
    if webinar is None:
        raise WebinarError(404, None)  # the document's 404 has no body
    handler = HANDLERS.get(parts[3] if len(parts) == 4 else "summary")
    if handler is None:
        raise WebinarError(404, f"No route for /{'/'.join(parts)}")
    return handler(webinar, data.audience[webinar["id"]], query, now)


def _list(data: WebinarData, query: Query, now: datetime) -> list[Record]:
    if any(name.startswith("cursor") for name in query):
        raise WebinarError(400, "The sandbox pages /webinars by page and per_page only")
    rows = list(data.webinars)
    wanted = query.get("hashed_ids[]")
    if wanted:
        rows = [w for w in rows if w["id"] in wanted]
    started = _bool_param(_first(query, "started"))
    if started is not None:
        rows = [w for w in rows if (parse_ts(w["scheduled_for"]) <= now) == started]
    sort_by = _first(query, "sort_by") or "id"
    if sort_by not in ("id", "scheduled_for"):
        raise WebinarError(400, f"Invalid sort_by {sort_by!r}")
    rows.sort(key=lambda w: w[sort_by], reverse=_first(query, "sort_direction") == "0")
    return _paginate(rows, query)


def _ended(webinar: Record, now: datetime) -> None:
    ends = parse_ts(webinar["scheduled_for"]) + timedelta(minutes=webinar["event_duration"])
    if ends > now:
        raise WebinarError(409, NOT_ENDED)


def _impressions(rows: list[Record]) -> int:
    attendees = sum(1 for r in rows if r["attendance_status"] == "attended")
    return IMPRESSIONS_PER_REGISTRATION * len(rows) + attendees


def _summary(webinar: Record, rows: list[Record], query: Query, now: datetime) -> Record:
    _ended(webinar, now)
    post_event = bool(_bool_param(_first(query, "include_post_event")))
    attendees = [r for r in rows if r["attendance_status"] == "attended"]
    on_demand = [r for r in rows if r["attendance_status"] == "watched_on_demand"]
    watch_time = sum(r["played_time"] for r in attendees)
    engagement = [r["engagement_rate"] for r in attendees]
    voted = sum(r["poll_responses_count"] for r in attendees)
    return {
        "registrations": len(rows),
        "imported_registrations": 0,
        "on_demand_registrations": len(on_demand) if post_event else None,
        "imported_on_demand_registrations": 0 if post_event else None,
        "total_watch_time": watch_time,
        "average_watch_time": watch_time // len(attendees) if attendees else 0,
        "attendance": len(attendees),
        "chatted_attendees": sum(1 for r in attendees if r["chat_count"]),
        "engagement_rate": round(sum(engagement) / len(engagement), 4) if engagement else 0.0,
        "chats": sum(r["chat_count"] for r in rows),
        "currently_watching": 0,
        "engaged_attendees": sum(1 for r in attendees if r["engagement_rate"] >= 0.5),
        "impressions": _impressions(rows),
        "on_demand_impressions": len(on_demand) if post_event else None,
        "on_demand_plays": len(on_demand) if post_event else None,
        "on_demand_engagement_rate": 0.5 if post_event and on_demand else None,
        "event_time": webinar["event_duration"] * 60,
        "qa_questions": sum(r["chat_count"] for r in rows) // 3,
        "poll_questions": [
            {
                "id": 1,
                "poll_id": 1,
                "text": "Was this useful?",
                "response_count": voted,
                "options": [
                    {"id": 1, "text": "Yes", "count": voted, "percent": 100.0 if voted else 0.0},
                    {"id": 2, "text": "No", "count": 0, "percent": 0.0},
                ],
            }
        ],
    }


def _registration(webinar: Record, rows: list[Record], query: Query, now: datetime) -> list[Record]:
    granularity = _first(query, "granularity")
    if granularity not in GRANULARITIES:
        raise WebinarError(400, "granularity must be one of daily, weekly, monthly")
    buckets: dict[datetime, list[Record]] = defaultdict(list)
    for row in rows:
        day = parse_ts(row["registered_at"]).replace(hour=0, minute=0, second=0, microsecond=0)
        if granularity == "weekly":
            day -= timedelta(days=day.weekday())
        elif granularity == "monthly":
            day = day.replace(day=1)
        buckets[day].append(row)
    out = []
    for start in sorted(buckets):
        mine = buckets[start]
        on_demand = sum(1 for r in mine if r["attendance_status"] == "watched_on_demand")
        out.append(
            {
                "timestamp": format_ts(start, 2),
                "registrations": len(mine),
                "impressions": _impressions(mine),
                "on_demand_registrations": on_demand,
                "on_demand_impressions": on_demand,
                "completion_rate": round(len(mine) / _impressions(mine), 4),
                "on_demand_completion_rate": 1.0 if on_demand else 0.0,
            }
        )
    return out


def _traffic(webinar: Record, rows: list[Record], query: Query, now: datetime) -> list[Record]:
    group_by = _first(query, "group_by")
    if group_by not in GROUP_BY:
        raise WebinarError(400, f"group_by must be one of {', '.join(GROUP_BY)}")
    sort_by = _first(query, "sort_by") or "registrations"
    if sort_by not in TRAFFIC_SORTS:
        raise WebinarError(400, f"Invalid sort_by {sort_by!r}")
    groups: dict[str, list[Record]] = defaultdict(list)
    for row in rows:
        groups[row[group_by] or ""].append(row)
    out = [
        {
            group_by: value,
            "registrations": len(mine),
            "attendees": sum(1 for r in mine if r["attendance_status"] == "attended"),
            "impressions": _impressions(mine),
        }
        for value, mine in groups.items()
    ]
    ascending = _first(query, "sort_direction") == "asc"
    out.sort(key=lambda g: (g[sort_by], g[group_by]), reverse=not ascending)
    return out


def _audience(webinar: Record, rows: list[Record], query: Query, now: datetime) -> Record:
    low, high, default = AUDIENCE_PER_PAGE
    per_page = _int(_first(query, "per_page"), default)
    if not low <= per_page <= high:
        raise WebinarError(400, f"per_page must be between {low} and {high}")
    ordered = sorted(rows, key=lambda r: (r["registered_at"], r["email"]))
    start = _offset(_first(query, "cursor"), len(ordered))
    page = ordered[start : start + per_page]
    end = start + len(page)
    return {
        "data": page,
        "page_info": {
            "has_next_page": end < len(ordered),
            "has_previous_page": start > 0,
            "end_cursor": _cursor(end) if page else None,
            "start_cursor": _cursor(start) if page else None,
        },
    }


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"audience:{offset}".encode()).decode()


def _offset(cursor: str | None, total: int) -> int:
    if cursor is None:
        return 0
    try:
        label, _, offset = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if label == "audience" and 0 <= int(offset) <= total:
            return int(offset)
    except ValueError:
        pass
    raise WebinarError(400, f"Invalid cursor {cursor!r}")


def _histograms(webinar: Record, rows: list[Record], query: Query, now: datetime) -> Record:
    _ended(webinar, now)
    minutes = range(webinar["event_duration"])
    chats_at: dict[int, int] = defaultdict(int)
    for row in rows:
        for bucket in row["chats"]:
            chats_at[bucket["rounded_player_position"] // 60] += len(bucket["chats"])
    return {
        "attendees_histogram": [sum(r["attendee_histogram"][m] for r in rows) for m in minutes],
        "chat_histogram": [chats_at[m] for m in minutes],
        "visual_focus_played_histogram": [
            sum(r["focused_attendee_histogram"][m] for r in rows) for m in minutes
        ],
    }


HANDLERS: dict[str, Callable[[Record, list[Record], Query, datetime], Any]] = {
    "summary": _summary,
    "registration": _registration,
    "traffic": _traffic,
    "audience": _audience,
    "histograms": _histograms,
}
