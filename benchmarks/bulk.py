"""Events for the benchmark server, pre-encoded and indexed by UTC day.

The fake Wistia API filters and JSON-encodes every events page from the whole event list,
which is fine for tests but makes a 1M-event listing cost the *server* minutes of CPU (on
the same 2 cores as the tap being measured). Here each event is encoded once, up front,
into per-day buckets kept newest first (the API's order), so a page is a slice and a join.

`EventStore.from_events` indexes a real `Dataset`'s events (the stores built from it serve
exactly what the fake serves). `bulk_event_store` makes N events cheaply by cloning the
shapes of a small generated dataset's events with new keys, times and visitors: generating
1M events through `generate_dataset` takes about a minute and several GB.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import random
from collections.abc import Iterable, Sequence

from wistia_sandbox.dataset import Dataset
from wistia_sandbox.record_basics import parse_ts

UTC = dt.UTC


class EventStore:
    """Encoded events by UTC day (newest first within a day)."""

    def __init__(self, buckets: dict[int, list[bytes]]) -> None:
        # day ordinal -> encoded events, newest first
        self.buckets = buckets
        self.days_desc = sorted(buckets, reverse=True)
        self.count = sum(len(b) for b in buckets.values())

    @classmethod
    def from_events(cls, events_newest_first: Iterable[dict]) -> EventStore:
        buckets: dict[int, list[bytes]] = {}
        for ev in events_newest_first:
            day = parse_ts(ev["received_at"]).date().toordinal()
            encoded = json.dumps(ev, ensure_ascii=False).encode("utf-8")
            buckets.setdefault(day, []).append(encoded)
        return cls(buckets)

    def page(self, start: dt.date | None, end: dt.date | None, page: int, per_page: int) -> bytes:
        """The JSON array of one page of events in [start, end] (inclusive), newest first."""
        days = self.days_desc
        lo = 0 if end is None else _first_at_or_before(days, end.toordinal())
        skip = (page - 1) * per_page
        out: list[bytes] = []
        first_day = start.toordinal() if start is not None else None
        for day in days[lo:]:
            if first_day is not None and day < first_day:
                break
            bucket = self.buckets[day]
            if skip >= len(bucket):
                skip -= len(bucket)
                continue
            take = bucket[skip : skip + per_page - len(out)]
            skip = 0
            out.extend(take)
            if len(out) >= per_page:
                break
        return b"[" + b",".join(out) + b"]"


def _first_at_or_before(days_desc: Sequence[int], ordinal: int) -> int:
    """Index of the first day <= ordinal in a descending list."""
    # bisect works on ascending keys: negate
    return bisect.bisect_left([-d for d in days_desc], -ordinal)


def bulk_event_store(
    base: Dataset, n: int, *, days: int, now: dt.datetime, seed: int = 1
) -> EventStore:
    """`n` API-shaped events over the `days` days before `now`, cloned from `base`'s shapes."""
    if not base.events or not base.visitors:
        raise ValueError("the base dataset needs events and visitors to clone")
    rng = random.Random(seed)
    templates = [_template(ev) for ev in base.events[:500]]
    visitor_keys = [v["visitor_key"] for v in base.visitors]
    span_ms = days * 86_400_000
    # offsets before `now`, ascending = newest first
    offsets = sorted(rng.randrange(span_ms) for _ in range(n))
    buckets: dict[int, list[bytes]] = {}
    epoch = now.astimezone(UTC).replace(tzinfo=None)
    cur_day = -1
    bucket: list[bytes] = []
    day_prefix = ""
    for off in offsets:
        at = epoch - dt.timedelta(milliseconds=off)
        day = at.toordinal()
        if day != cur_day:
            cur_day = day
            bucket = buckets.setdefault(day, [])
            day_prefix = f"v{at:%Y%m%d}_"
        u = f"{rng.getrandbits(128):032x}"
        key = f"{day_prefix}{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"
        received = f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z"
        text = rng.choice(templates) % {
            "ra": received,
            "ek": key,
            "vk": rng.choice(visitor_keys),
        }
        bucket.append(text.encode("utf-8"))
    return EventStore(buckets)


def _template(event: dict) -> str:
    """The event's JSON with %-placeholders for its time, key and visitor."""
    ev = dict(event)
    ev["received_at"] = "@@RA@@"
    ev["event_key"] = "@@EK@@"
    ev["visitor_key"] = "@@VK@@"
    media_id = ev.get("media_id", "")
    ev["iframe_heatmap_url"] = (
        f"https://home.wistia.com/embed/iframe_heatmap/{media_id}?event_key=@@EK@@"
    )
    text = json.dumps(ev, ensure_ascii=False).replace("%", "%%")
    for sentinel, name in (("@@RA@@", "ra"), ("@@EK@@", "ek"), ("@@VK@@", "vk")):
        text = text.replace(sentinel, f"%({name})s")
    return text
