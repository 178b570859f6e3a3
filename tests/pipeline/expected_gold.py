"""The gold marts recomputed independently, in plain Python, from the fake API's records.

Each function mirrors the documented meaning of one model (its yml,
transform/models/marts/<model>.yml), not its SQL: time zones go through `zoneinfo`, buckets
are walked hour by hour and day by day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tests.pipeline.expected import expected_view
from wistia_sandbox import Dataset, parse_ts

MILESTONES = (0.25, 0.5, 0.75, 1.0)
DAY_BUCKETS = {"1d": 1, "7d": 7, "30d": 30}
ANCHOR = dt.date(1970, 1, 5)  # var trend_bucket_anchor (a Monday)
TIERS = {"top": 0.8, "long tail": 0.5}  # vars tier_top_percentile, tier_long_tail_percentile


@dataclass(frozen=True)
class Options:
    """The dbt vars a run was built with."""

    views_filter: str = "all"
    reporting_timezone: str = "UTC"
    ip_privacy: str = "keep"
    email_privacy: str = "keep"
    privacy_salt: str = ""


def protect(value: str | None, mode: str, salt: str, *, normalise: bool = False) -> str | None:
    """keep / drop / hash (hex SHA-256 of salt + value; emails trimmed and lower-cased)."""
    if value is None or mode == "keep":
        return value
    if mode == "drop":
        return None
    text = value.strip().lower() if normalise else value
    return hashlib.sha256((salt + text).encode()).hexdigest()


def kept_events(dataset: Dataset, options: Options) -> list[dict]:
    if options.views_filter == "played":
        return [e for e in dataset.events if (e.get("percent_viewed") or 0) > 0]
    return list(dataset.events)


def _utc(event: dict) -> dt.datetime:
    return parse_ts(event["received_at"]).replace(tzinfo=None)


def _local(utc_naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)


def _hour(value: dt.datetime) -> dt.datetime:
    return value.replace(minute=0, second=0, microsecond=0)


def _day_bucket(day: dt.date, days: int) -> dt.datetime:
    start = ANCHOR + dt.timedelta(days=((day - ANCHOR).days // days) * days)
    return dt.datetime.combine(start, dt.time())


def _buckets(local: dt.datetime) -> dict[str, dt.datetime]:
    out = {"1h": _hour(local)}
    out.update({res: _day_bucket(local.date(), n) for res, n in DAY_BUCKETS.items()})
    return out


def _watch_hours(dataset: Dataset, event: dict) -> float:
    media = dataset.find_media(event["media_id"]) if event.get("media_id") else None
    duration = float((media or {}).get("duration") or 0.0)
    return float(event.get("percent_viewed") or 0.0) * duration / 3600.0


def expected_trends(
    dataset: Dataset, options: Options, *, per_media: bool
) -> dict[tuple[str, str, dt.datetime], tuple[int, int, int, float]]:
    """(key, resolution, bucket_start) -> (loads, plays, unique visitors, watch hours).

    key is the media id, or "account" for the account-wide trend.
    """
    tz = ZoneInfo(options.reporting_timezone)
    groups: dict[str, list[dict]] = defaultdict(list)
    for event in kept_events(dataset, options):
        if per_media and not event.get("media_id"):
            continue
        groups[event["media_id"] if per_media else "account"].append(event)

    out: dict[tuple[str, str, dt.datetime], tuple[int, int, int, float]] = {}
    for key, events in groups.items():
        sessions: dict[tuple[str, dt.datetime], list[dict]] = defaultdict(list)
        for event in events:
            for res, start in _buckets(_local(_utc(event), tz)).items():
                sessions[(res, start)].append(event)
        # Every bucket between the first and the last active one: walk real UTC hours (so a
        # skipped local hour never appears) and local calendar days.
        first_utc = min(_utc(e) for e in events)
        last_utc = max(_utc(e) for e in events)
        spine: set[tuple[str, dt.datetime]] = set()
        hour = _hour(first_utc) - dt.timedelta(hours=1)
        while hour <= _hour(last_utc) + dt.timedelta(hours=1):
            spine.add(("1h", _hour(_local(hour, tz))))
            hour += dt.timedelta(hours=1)
        day, last_day = _local(first_utc, tz).date(), _local(last_utc, tz).date()
        while day <= last_day:
            spine.update((res, _day_bucket(day, n)) for res, n in DAY_BUCKETS.items())
            day += dt.timedelta(days=1)
        for res in ("1h", *DAY_BUCKETS):
            active = [start for (r, start) in sessions if r == res]
            lo, hi = min(active), max(active)
            for r, start in spine:
                if r != res or not lo <= start <= hi:
                    continue
                mine = sessions.get((r, start), [])
                out[(key, r, start)] = (
                    len(mine),
                    sum(1 for e in mine if (e.get("percent_viewed") or 0) > 0),
                    len({e["visitor_key"] for e in mine if e.get("visitor_key")}),
                    sum(_watch_hours(dataset, e) for e in mine),
                )
    return out


def percent_rank(values: list[float]) -> list[float]:
    """SQL percent_rank(): (rank - 1) / (rows - 1), ties share the lowest rank."""
    n = len(values)
    if n <= 1:
        return [0.0] * n
    return [sum(1 for w in values if w < v) / (n - 1) for v in values]


def tier(rank: float) -> str:
    if rank >= TIERS["top"]:
        return "top"
    if rank < TIERS["long tail"]:
        return "long tail"
    return "middle"


def expected_media_overview(dataset: Dataset, options: Options) -> dict[str, dict]:
    """media_id -> the media_overview row."""
    by_media: dict[str, list[dict]] = defaultdict(list)
    for event in kept_events(dataset, options):
        by_media[event["media_id"]].append(event)
    rows: dict[str, dict] = {}
    for media in dataset.medias:
        stats = dataset.media_stats(media)
        events = by_media.get(media["hashed_id"], [])
        best: dict[str, float] = defaultdict(float)
        for event in events:
            key = event["visitor_key"]
            best[key] = max(best[key], float(event["percent_viewed"]))
        loads, plays = stats["load_count"], stats["play_count"]
        row = {
            "media_name": media["name"],
            "project_name": media["project"]["name"],
            "loads": loads,
            "plays": plays,
            "play_rate": plays / loads if loads else None,
            "hours_watched": stats["hours_watched"],
            "unique_visitors": len({e["visitor_key"] for e in events}),
            "avg_percent_viewed": (
                sum(float(e["percent_viewed"]) for e in events) / len(events) if events else None
            ),
            "engagement": stats["engagement"],
            "first_view_at": min((_utc(e) for e in events), default=None),
            "last_view_at": max((_utc(e) for e in events), default=None),
        }
        for mark in MILESTONES:
            row[f"reached_{round(mark * 100)}"] = sum(1 for v in best.values() if v >= mark)
        rows[media["hashed_id"]] = row
    ids = list(rows)
    for metric, value in (
        ("play_count", lambda r: r["plays"]),
        ("play_rate", lambda r: r["play_rate"] or 0.0),
        ("hours_watched", lambda r: r["hours_watched"]),
    ):
        ranks = percent_rank([value(rows[i]) for i in ids])
        for media_id, rank in zip(ids, ranks, strict=True):
            rows[media_id][f"{metric}_tier"] = tier(rank)
    return rows


def expected_lead_ready(dataset: Dataset, options: Options) -> dict[tuple[str, str], dict]:
    """(email, media_id) -> the lead_ready_viewers row."""
    sessions: dict[tuple[str, str], list[tuple[dict, tuple]]] = defaultdict(list)
    for event in kept_events(dataset, options):
        view = expected_view(event, dataset.find_visitor(event["visitor_key"]))
        email = protect(view[10], options.email_privacy, options.privacy_salt, normalise=True)
        if email is None or not event.get("media_id"):
            continue
        sessions[(email, event["media_id"])].append((event, view))
    rows: dict[tuple[str, str], dict] = {}
    for (email, media_id), items in sessions.items():
        latest_event, latest_view = max(
            items, key=lambda item: (_utc(item[0]), item[0]["event_key"])
        )
        best = max(float(e["percent_viewed"]) for e, _ in items)
        media = dataset.find_media(media_id)
        row = {
            "media_name": media["name"] if media else latest_event.get("media_name"),
            "name": latest_view[11],
            "organization": latest_view[8],
            "title": latest_view[9],
            "max_percent_viewed": best,
            "sessions": len(items),
            "first_view_at": min(_utc(e) for e, _ in items),
            "last_view_at": max(_utc(e) for e, _ in items),
        }
        for mark in MILESTONES:
            row[f"reached_{round(mark * 100)}"] = best >= mark
        rows[(email, media_id)] = row
    return rows
