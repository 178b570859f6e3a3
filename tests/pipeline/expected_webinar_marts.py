"""webinar_attendance recomputed independently, in plain Python, from the sandbox's webinar
records (`Dataset.webinars`: each webinar's audience rows as the API serves them), and
compared with the built warehouse.

Mirrors the model's yml (transform/models/marts/webinar_attendance.yml), not its SQL. A
sandbox without webinars (the code before the webinar streams) must leave the mart empty.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

from wistia_sandbox import Dataset

Fetch = Callable[[str], list[tuple]]
COLUMNS = (
    "webinar_title", "impressions", "registrants", "attendees", "on_demand_viewers",
    "attendance_rate", "minutes_watched", "minutes_per_attendee", "focused_minutes_watched",
    "engagement_rate", "chats",
)  # fmt: skip
# The sandbox counts 3 impressions of the registration page per registrant, 1 per attendee.
IMPRESSIONS_PER_REGISTRANT = 3


def expected_webinar_attendance(dataset: Dataset) -> dict[tuple[str, str], dict]:
    data = getattr(dataset, "webinars", None)
    if data is None or not data.available:
        return {}
    expected = {}
    for webinar in data.webinars:
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in data.audience[webinar["id"]]:
            groups[row["utm_source"] or "(none)"].append(row)
        for source, rows in groups.items():
            live = [r for r in rows if r["attendance_status"] == "attended"]
            minutes = sum(r["played_time"] for r in rows) / 60
            expected[(webinar["id"], source)] = {
                "webinar_title": webinar["title"],
                "impressions": IMPRESSIONS_PER_REGISTRANT * len(rows) + len(live),
                "registrants": len(rows),
                "attendees": len(live),
                "on_demand_viewers": sum(
                    1 for r in rows if r["attendance_status"] == "watched_on_demand"
                ),
                "attendance_rate": len(live) / len(rows),
                "minutes_watched": float(minutes),
                "minutes_per_attendee": minutes / len(live) if live else None,
                "focused_minutes_watched": sum(r["focused_played_time"] for r in rows) / 60,
                "engagement_rate": (
                    sum(r["engagement_rate"] for r in live) / len(live) if live else None
                ),
                "chats": sum(r["chat_count"] for r in rows),
            }
    return expected


def _close(got: object, want: object) -> bool:
    if isinstance(want, float) and got is not None:
        return math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-9)
    return got == want


def check_webinar_attendance(fetch: Fetch, dataset: Dataset) -> None:
    got = {
        (webinar, source): dict(zip(COLUMNS, values, strict=True))
        for webinar, source, *values in fetch(
            f"select webinar_id, utm_source, {', '.join(COLUMNS)} from analytics.webinar_attendance"
        )
    }
    want = expected_webinar_attendance(dataset)
    assert set(got) == set(want), sorted(set(got) ^ set(want))[:5]
    for key, expected in want.items():
        for name, value in expected.items():
            assert _close(got[key][name], value), (key, name, got[key][name], value)
    if want:  # the funnel is exercised: sources with and without attendees, and '(none)'
        assert any(v["attendees"] for v in want.values())
        assert any(not v["attendees"] for v in want.values())
        assert any(source == "(none)" for _, source in want)
