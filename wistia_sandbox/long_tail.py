"""Long-tail accounts (issue 21): many medias, few of them ever played.

``long_tail_dataset(medias=500, played=20, events=20_000, days=90)`` generates ``played``
medias (at least) with every event, then adds the quiet rest, created and last edited long before
the event window (as most of a real library is). ``now`` defaults to one day ago, so a
state written by a run over it can be aged by a day (`age_state`) and the next run is the
next day's run, with its periodic refresh turn.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from .data import generate_dataset
from .dataset import Dataset
from .record_basics import format_ts, parse_ts

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def long_tail_dataset(
    *,
    medias: int = 500,
    played: int = 20,
    events: int = 20_000,
    days: int = 90,
    visitors: int = 2_000,
    seed: int = 1,
    now: datetime | None = None,
) -> Dataset:
    now = now or datetime.now(UTC) - timedelta(days=1)
    # Some generated medias are not playable (images, archived, processing): generate a
    # few more until `played` of them have events; the others join the quiet tail.
    for extra in range(medias - played + 1):
        dataset = generate_dataset(
            seed=seed, medias=played + extra, visitors=visitors, events=events, days=days, now=now
        )
        if len({event["media_id"] for event in dataset.events}) >= played:
            break
    quiet = dataset.add_medias(medias - len(dataset.medias))
    for position, media in enumerate(quiet):
        created = now - timedelta(days=days + 30 + position % 700, seconds=position)
        media["created"] = format_ts(created)
        media["updated"] = format_ts(created + timedelta(days=3))
    dataset.changed()
    return dataset


def age_state(state: dict[str, Any], by: timedelta = timedelta(days=1)) -> dict[str, Any]:
    """`state` as if written `by` earlier: every date and date-time in it moved back (months,
    counts and ids unchanged)."""

    def aged(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: aged(item) for key, item in value.items()}
        if isinstance(value, list):
            return [aged(item) for item in value]
        if isinstance(value, str) and _DATE.match(value):
            return (datetime.fromisoformat(value) - by).date().isoformat()
        if isinstance(value, str) and _TIMESTAMP.match(value):
            return format_ts(parse_ts(value) - by)
        return value

    return aged(state)


# The path segment before an id, and the placeholder the streams' declared paths use.
_ID_AFTER = {
    "medias": "{media_id}",
    "visitors": "{visitor_key}",
    "webinars": "{webinar_id}",
    "folders": "{folder_id}",
    "projects": "{project_id}",
}


def endpoint_of(path: str) -> str:
    """A logged request's path with its first id as the placeholder the streams declare,
    e.g. ``/stats/medias/{media_id}/by_date``, ``/medias/{media_id}/captions`` or
    ``/analytics/webinars/{webinar_id}/audience``, to count requests per endpoint."""
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        if part in _ID_AFTER:
            parts[index + 1] = _ID_AFTER[part]
            break
    return "/".join(parts)


def add_plays(dataset: Dataset, n: int, when: datetime | None = None) -> None:
    """`n` new events (at `when`, default now) spread over the medias already played:
    the long tail stays unplayed."""
    played = sorted({event["media_id"] for event in dataset.events})
    for position, media_id in enumerate(played):
        share = n // len(played) + (position < n % len(played))
        if share:
            dataset.add_events(share, when=when, media_hashed_id=media_id)
