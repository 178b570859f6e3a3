"""The v1 stats a Dataset derives from its events on every request: per media (totals, by date,
engagement curve), per project and per account.

Deriving them on each request keeps them consistent with the data whenever the data changes.
A mixin of :class:`~wistia_sandbox.dataset.Dataset` (it reads the Dataset's ``_index()``,
``events_of_media()`` and ``medias``), split out because these computations are the only part
of the Dataset that is arithmetic rather than bookkeeping.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

from .record_basics import PLAYABLE_TYPES, Record, _h, parse_ts


def _loads_for_day(hashed_id: str, day: date, plays: int) -> int:
    """Loads on a day with ``plays`` plays: deterministic, always >= plays."""
    if plays <= 0:
        return 0
    factor = 0.3 + (_h("load-factor", hashed_id) % 1700) / 1000.0
    jitter = (_h("load-jitter", hashed_id, day.isoformat()) % 1000) / 1000.0
    return plays + int(plays * factor + jitter)


def engagement_cells(duration: float) -> int:
    """Number of engagement cells: one per second, exactly 1000 above 1000 s."""
    if duration > 1000:
        return 1000
    return max(1, math.ceil(duration))


class DatasetStats:
    """Stats of a Dataset, derived from its events (mixed into Dataset)."""

    def _daily(self, media: Record) -> dict[date, tuple[int, float]]:
        """Per UTC day: (plays, hours watched) for a media."""
        idx = self._index()
        hashed = media["hashed_id"]
        cached = idx.daily.get(hashed)
        if cached is not None:
            return cached
        duration = float(media.get("duration") or 0.0) if media["type"] in PLAYABLE_TYPES else 0.0
        plays: dict[date, int] = defaultdict(int)
        hours: dict[date, float] = defaultdict(float)
        for ev in idx.events_by_media.get(hashed, []):
            day = parse_ts(ev["received_at"]).date()
            plays[day] += 1
            hours[day] += float(ev["percent_viewed"]) * duration / 3600.0
        out = {d: (plays[d], hours[d]) for d in plays}
        idx.daily[hashed] = out
        return out

    def media_by_date(self, media: Record, start: date, end: date) -> list[Record]:
        """One row per day in [start, end] (inclusive), zero rows for idle days, ascending."""
        daily = self._daily(media)
        rows: list[Record] = []
        day = start
        while day <= end:
            plays, hours = daily.get(day, (0, 0.0))
            rows.append(
                {
                    "date": day.isoformat(),
                    "load_count": _loads_for_day(media["hashed_id"], day, plays),
                    "play_count": plays,
                    "hours_watched": round(hours, 4),
                }
            )
            day += timedelta(days=1)
        return rows

    def _totals(self, media: Record) -> tuple[int, int, float]:
        daily = self._daily(media)
        plays = sum(p for p, _ in daily.values())
        loads = sum(_loads_for_day(media["hashed_id"], d, p) for d, (p, _) in daily.items())
        hours = sum(h for _, h in daily.values())
        return loads, plays, hours

    def media_engagement(self, media: Record) -> Record:
        duration = media.get("duration")
        if media["type"] not in PLAYABLE_TYPES or not duration:
            return {"engagement": 0.0, "engagement_data": [], "rewatch_data": []}
        cells = engagement_cells(float(duration))
        diff = [0] * (cells + 1)
        rediff = [0] * (cells + 1)
        for ev in self.events_of_media(media["hashed_id"]):
            end = max(1, min(cells, round(float(ev["percent_viewed"]) * cells)))
            diff[0] += 1
            diff[end] -= 1
            h = _h("rewatch", ev["event_key"])
            if h % 4 == 0 and end >= 2:  # rewatched a short segment: a bump on the curve
                start = 1 + (h >> 8) % (end - 1)  # never cell 0: data[0] == number of plays
                stop = min(end, start + 1 + (h >> 24) % max(1, cells // 25))
                for arr in (diff, rediff):
                    arr[start] += 1
                    arr[stop] -= 1
        data: list[int] = []
        rewatch: list[int] = []
        acc = racc = 0
        for i in range(cells):
            acc += diff[i]
            racc += rediff[i]
            data.append(acc)
            rewatch.append(racc)
        engagement = 0.0
        if data[0] > 0:
            engagement = round(min(1.0, sum(data) / len(data) / data[0]), 4)
        return {"engagement": engagement, "engagement_data": data, "rewatch_data": rewatch}

    def media_stats(self, media: Record) -> Record:
        loads, plays, hours = self._totals(media)
        events = self.events_of_media(media["hashed_id"])
        actions: list[Record] = []
        h = _h("actions", media["hashed_id"])
        if h % 3 != 0:
            impressions = int(plays * (0.4 + (h % 50) / 100))
            done = int(impressions * ((h >> 8) % 30) / 100)
            actions.append(
                {
                    "type": "Call to Action",
                    "action_count": done,
                    "impression_count": impressions,
                    "rate": round(done / impressions, 4) if impressions else 0.0,
                }
            )
            if h % 3 == 2:
                clicks = int(plays * ((h >> 16) % 10) / 100)
                actions.append(
                    {
                        "type": "Annotation Link",
                        "action_count": clicks,
                        "impression_count": plays,
                        "rate": round(clicks / plays, 4) if plays else 0.0,
                    }
                )
        return {
            "load_count": loads,
            "play_count": plays,
            "play_rate": round(plays / loads, 4) if loads else 0.0,
            "hours_watched": round(hours, 4),
            "engagement": self.media_engagement(media)["engagement"],
            "visitors": len({e["visitor_key"] for e in events}),
            "actions": actions,
        }

    def project_stats(self, project: Record) -> Record:
        loads = plays = 0
        hours = 0.0
        videos = 0
        for m in self.medias:
            if m["project"]["hashedId"] != project["hashedId"]:
                continue
            ml, mp, mh = self._totals(m)
            loads, plays, hours = loads + ml, plays + mp, hours + mh
            videos += m["type"] == "Video"
        return {
            "load_count": loads,
            "play_count": plays,
            "hours_watched": round(hours, 4),
            "number_of_videos": videos,
        }

    def account(self) -> Record:
        """``GET /account``: the account's identity and counts."""
        slug = "".join(c for c in self.account_name.lower() if c.isalnum()) or "sandbox"
        return {
            "id": self.account_id,
            "name": self.account_name,
            "url": f"https://{slug}.wistia.com",
            "mediaCount": len(self.medias),
            "videoLimit": 1000,
            "projectCount": len(self.projects),
            "channelCount": 0,
        }

    def account_stats(self) -> Record:
        loads = plays = 0
        hours = 0.0
        for m in self.medias:
            ml, mp, mh = self._totals(m)
            loads, plays, hours = loads + ml, plays + mp, hours + mh
        return {"load_count": loads, "play_count": plays, "hours_watched": round(hours, 4)}
