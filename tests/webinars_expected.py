"""What the webinar streams should emit, recomputed from the sandbox's webinar data."""

from __future__ import annotations

import datetime as dt

from wistia_sandbox.dataset import Dataset
from wistia_sandbox.record_basics import parse_ts
from wistia_sandbox.webinars import GROUP_BY

WEBINAR_STREAMS = (
    "webinars",
    "webinar_analytics",
    "webinar_audience",
    "webinar_registrations",
    "webinar_traffic",
    "webinar_histograms",
)


def ends(webinar: dict) -> dt.datetime:
    return parse_ts(webinar["scheduled_for"]) + dt.timedelta(minutes=webinar["event_duration"])


def expected_webinar_keys(
    data: Dataset, now: dt.datetime, read_from: dt.datetime | None = None
) -> dict[str, set[tuple]]:
    """The keys each stream emits in a run at `now`; `read_from`: the previous run's
    `final_through` (webinars that ended before it are not read again)."""
    webinars = data.webinars.webinars
    read = [w for w in webinars if read_from is None or ends(w) >= read_from]
    ended = {w["id"] for w in read if ends(w) <= now}
    audience = data.webinars.audience
    return {
        "webinars": {(w["id"],) for w in webinars},
        "webinar_analytics": {(w,) for w in ended},
        "webinar_histograms": {(w,) for w in ended},
        "webinar_audience": {(w["id"], r["email"]) for w in read for r in audience[w["id"]]},
        "webinar_registrations": {
            (w["id"], parse_ts(r["registered_at"]).date()) for w in read for r in audience[w["id"]]
        },
        "webinar_traffic": {
            (w["id"], dim, r[dim] or "(none)")
            for w in read
            for r in audience[w["id"]]
            for dim in GROUP_BY
        },
    }


def expected_webinar_counts(data: Dataset, now: dt.datetime) -> dict[str, int]:
    return {name: len(keys) for name, keys in expected_webinar_keys(data, now).items()}
