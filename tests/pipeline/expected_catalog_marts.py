"""The marts of issue 19 recomputed independently, in plain Python, from the sandbox's records,
and compared with the built warehouse.

Each function mirrors the documented meaning of one model (its yml under
transform/models/marts/), not its SQL. Wistia's figures are rebuilt from the events the
sandbox derives them from (`wistia_sandbox.analytics`: a play is an event, loads add a
stable number of loads without a play, rates are rounded to 4 places per response).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from tests.analytics_expected import local_day
from tests.pipeline.expected_gold import Options, kept_events
from wistia_sandbox import Dataset, media_catalog
from wistia_sandbox.analytics import extra_loads, traffic_dimensions
from wistia_sandbox.record_basics import parse_ts

Fetch = Callable[[str], list[tuple]]
SOURCE_DIMENSIONS = ("utm_source", "utm_medium", "utm_campaign", "referrer_domain")
URL_TAGS = ("utm_source", "utm_medium", "utm_campaign")


def _rate(events: list[dict]) -> float:
    """Wistia's engagement rate of a response row: mean percent viewed, 4 places."""
    return round(sum(float(e["percent_viewed"]) for e in events) / len(events), 4)


def _url_tag(url: str | None, name: str) -> str:
    values = parse_qs(urlsplit(url or "").query).get(name)
    return values[0] if values and values[0] else "(none)"


def expected_channel_attribution(dataset: Dataset, options: Options) -> dict[tuple, dict]:
    """channel_attribution by (channel_type, channel), every sandbox event in the window."""
    # Wistia's figures: traffic rows per (media, dimension, value, month), embed rows per
    # (media, page) over the whole window; each row's rate rounded as the API does.
    rows: dict[tuple, list[dict]] = defaultdict(list)
    for event in dataset.events:
        month = local_day(event).strftime("%Y-%m")
        for dim in SOURCE_DIMENSIONS:
            value = traffic_dimensions(event)[dim] or "(none)"
            rows[(dim, value, event["media_id"], month)].append(event)
        rows[("embed_page", event["embed_url"], event["media_id"], "window")].append(event)
    channels: dict[tuple, dict] = defaultdict(
        lambda: {"medias": set(), "loads": 0, "plays": 0, "engaged": 0.0}
    )
    for (kind, value, media_id, _), events in rows.items():
        figures = channels[(kind, value)]
        figures["medias"].add(media_id)
        figures["loads"] += sum(1 + extra_loads(e) for e in events)
        figures["plays"] += len(events)
        figures["engaged"] += _rate(events) * len(events)

    # Sessions and conversions by the session's page and the utm tags in its URL.
    def tags(event: dict) -> list[tuple[str, str]]:
        return [(name, _url_tag(event["embed_url"], name)) for name in URL_TAGS] + [
            ("embed_page", event["embed_url"])
        ]

    sessions: dict[tuple, int] = defaultdict(int)
    for event in kept_events(dataset, options):
        for key in tags(event):
            sessions[key] += 1
    conversions: dict[tuple, list[str]] = defaultdict(list)
    for event in dataset.events:
        if event["conversion_data"]:
            for key in tags(event):
                conversions[key].append(event["conversion_data"]["email"].strip().lower())

    expected = {}
    for key in set(channels) | set(sessions) | set(conversions):
        wistia = channels.get(key, {"medias": set(), "loads": 0, "plays": 0, "engaged": 0.0})
        attributed = key[0] != "referrer_domain"
        emails = conversions.get(key, [])
        count = sessions.get(key, 0)
        expected[key] = {
            "medias": len(wistia["medias"]),
            "loads": wistia["loads"],
            "plays": wistia["plays"],
            "engagement_rate": wistia["engaged"] / wistia["plays"] if wistia["plays"] else None,
            "sessions": count if attributed else None,
            "form_conversions": len(emails) if attributed else None,
            "leads": (
                (0 if options.email_privacy == "drop" else len(set(emails))) if attributed else None
            ),
            "conversions_per_session": len(emails) / count if attributed and count else None,
        }
    return expected


def _close(got: object, want: object, tolerance: float = 1e-9) -> bool:
    if isinstance(want, float) and got is not None:
        return math.isclose(float(got), want, rel_tol=1e-9, abs_tol=tolerance)
    return got == want


def check_channel_attribution(fetch: Fetch, dataset: Dataset, options: Options) -> None:
    columns = [
        "medias", "loads", "plays", "engagement_rate", "sessions", "form_conversions", "leads",
        "conversions_per_session",
    ]  # fmt: skip
    got = {
        (kind, channel): dict(zip(columns, values, strict=True))
        for kind, channel, *values in fetch(
            f"select channel_type, channel, {', '.join(columns)} from analytics.channel_attribution"
        )
    }
    want = expected_channel_attribution(dataset, options)
    assert set(got) == set(want), sorted(set(got) ^ set(want))[:5]
    for key, expected in want.items():
        for name, value in expected.items():
            # The API rounds each row's rate to 4 places, after adding the percentages in its
            # own order: a sum landing on a half can round either way.
            tolerance = 1e-4 if name == "engagement_rate" else 1e-9
            assert _close(got[key][name], value, tolerance), (key, name, got[key][name], value)
    # The data exercises every kind of attribution.
    assert {kind for kind, _ in got} == {*SOURCE_DIMENSIONS, "embed_page"}
    assert any(v["form_conversions"] for (kind, _), v in got.items() if kind == "embed_page")
    assert any(c != "(none)" and v["sessions"] for (k, c), v in got.items() if k == "utm_source")


def _joined(names: list[str]) -> str | None:
    return "; ".join(sorted(set(names))) if names else None


def expected_content_inventory(dataset: Dataset) -> dict[str, dict]:
    """content_inventory by media: the sandbox's medias and what their catalog endpoints
    serve (`wistia_sandbox.media_catalog`), plays from their lifetime stats."""
    # The content catalog's channels and episodes, where the sandbox serves them.
    lists = getattr(dataset, "lists", {})
    channel_names = {c["hashed_id"]: c["name"] for c in lists.get("/modern/channels", [])}
    episodes: dict[str, list[dict]] = defaultdict(list)
    for episode in lists.get("/modern/channel_episodes", []):
        episodes[episode["media_hashed_id"]].append(episode)
    expected = {}
    for media in dataset.medias:
        mine = episodes.get(media["hashed_id"], [])
        names = [channel_names.get(e["channel_hashed_id"], e["channel_hashed_id"]) for e in mine]
        subfolder = (media.get("subfolder") or {}).get("name") or None
        project = media["project"]["name"]
        tags = [t["name"] for t in media.get("tags") or [] if t.get("name")]
        published = [c for c in media_catalog._captions(media, {}) if not c["is_draft"]]
        localized = media_catalog._localizations(media, {})
        plays = dataset.media_stats(media)["play_count"]
        expected[media["hashed_id"]] = {
            "folder_path": f"{project} / {subfolder}" if subfolder else project,
            "tag_count": len(set(tags)),
            "tags": _joined(tags),
            "channel_count": len(set(names)),
            "channels": _joined(names),
            "episode_count": len(mine),
            "published_episode_count": sum(bool(e["published"]) for e in mine),
            "caption_count": len({c["language"] for c in published}),
            "caption_languages": _joined([c["english_name"] for c in published]),
            "has_captions": bool(published),
            "localization_count": len(localized),
            "enabled_localization_count": sum(loc["enabled"] for loc in localized),
            "localization_languages": _joined([loc["language_name"] for loc in localized]),
            "plays": plays,
            "never_played": plays == 0,
        }
    return expected


def check_content_inventory(fetch: Fetch, dataset: Dataset) -> None:
    want = expected_content_inventory(dataset)
    columns = list(next(iter(want.values())))
    got = {
        media_id: dict(zip(columns, values, strict=True))
        for media_id, *values in fetch(
            f"select media_id, {', '.join(columns)} from analytics.content_inventory"
        )
    }
    assert got == want
    # Both questions the mart answers have medias on each side.
    assert {row["has_captions"] for row in want.values()} == {True, False}
    assert {row["never_played"] for row in want.values()} == {True, False}
    assert any(row["localization_count"] for row in want.values())


def check_account_daily_kpis(fetch: Fetch, dataset: Dataset) -> None:
    """account_daily_kpis: Wistia's totals per UTC day beside the sessions of that day."""
    by_day: dict[dt.date, list[dict]] = defaultdict(list)
    for event in dataset.events:
        by_day[parse_ts(event["received_at"]).date()].append(event)
    rows = fetch(
        "select stats_date, plays, sessions, played_sessions, unique_visitors,"
        " form_conversions, session_hours_watched, plays_minus_sessions, sessions_loaded"
        " from analytics.account_daily_kpis"
    )
    got = {dt.date.fromisoformat(str(row[0])[:10]): row[1:] for row in rows}
    first, last = min(by_day), max(by_day)
    served = {
        dt.date.fromisoformat(r["date"]): r["play_count"]
        for r in dataset.account_by_date(min(got), max(got))
    }
    assert first in got and last in got
    for day, (plays, sessions, played, visitors, converted, hours, diff, loaded) in got.items():
        events = by_day.get(day, [])
        assert plays == served[day] == len(events), day  # Wistia's plays = the day's events
        assert (sessions, played, visitors, converted, diff) == (
            len(events),
            sum(1 for e in events if float(e["percent_viewed"]) > 0),
            len({e["visitor_key"] for e in events}),
            sum(1 for e in events if e["conversion_type"]),
            0,
        ), day
        watched = sum(
            float(e["percent_viewed"]) * float(dataset.find_media(e["media_id"])["duration"] or 0)
            for e in events
        )
        assert math.isclose(hours, watched / 3600, rel_tol=1e-9, abs_tol=1e-9), day
        assert loaded == (first <= day <= last), day
