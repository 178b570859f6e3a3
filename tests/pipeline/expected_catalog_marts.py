"""The marts of issue 19 recomputed independently, in plain Python, from the sandbox's records,
and compared with the built warehouse.

Each function mirrors the documented meaning of one model (its yml under
transform/models/marts/), not its SQL. Wistia's figures are rebuilt from the events the
sandbox derives them from (`wistia_sandbox.analytics`: a play is an event, loads add a
stable number of loads without a play, rates are rounded to 4 places per response).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from tests.analytics_expected import local_day
from tests.pipeline.expected_gold import Options, kept_events
from wistia_sandbox import Dataset
from wistia_sandbox.analytics import extra_loads, traffic_dimensions

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
