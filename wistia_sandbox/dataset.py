"""The fake account's data: the :class:`Dataset` of API-shaped records, its lookup indexes,
the bookkeeping that keeps derived fields consistent, and its mutators.

The records in a :class:`Dataset` are plain dicts shaped exactly like the Wistia Data API v1
answers them (see ``spec/openapi/wistia-data-api-v1-openapi.yml`` in this repository). Everything
that is not a field of those records (load factors, positions, visitor profiles, ...) lives in
private side tables, so a record can be compared 1:1 with what a client received.

Stats (per media, per project, per account, by date, engagement) are derived from the events
on every request (dataset_stats.py), so they stay consistent with the data whenever the data
changes. After editing ``events``/``medias``/``visitors``/``projects`` by hand (instead of
through the mutators), call :meth:`Dataset.changed` so cached indexes are rebuilt.
generate_dataset (data.py) builds a Dataset; record_factory.py builds its single records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .dataset_stats import DatasetStats
from .record_basics import PLAYABLE_TYPES, Record, _utc, format_ts, parse_ts
from .record_factory import _Factory


@dataclass
class _Index:
    signature: tuple[int, ...]
    events_desc: list[Record]
    events_by_key: dict[str, Record]
    events_by_media: dict[str, list[Record]]
    events_by_visitor: dict[str, list[Record]]
    medias_by_key: dict[str, Record]
    projects_by_key: dict[str, Record]
    visitors_by_key: dict[str, Record]
    daily: dict[str, dict[date, tuple[int, float]]] = field(default_factory=dict)


@dataclass
class Dataset(DatasetStats):
    """The fake account's data. Records are API-shaped dicts; stats are derived from events."""

    projects: list[Record]
    medias: list[Record]
    visitors: list[Record]  # stored in the (deliberately unsorted) order the API lists them
    events: list[Record]  # any order; served newest first
    now: datetime
    seed: int = 1
    version: int = 0
    # The account (``GET /account``): what tells two accounts' overlapping ids apart.
    account_id: int = 1001
    account_name: str = "Wistia Sandbox"
    # Plain list endpoints by API path ("/v1/tags", "/modern/folders"): records served as
    # they are, paged and sorted generically (plain_lists.py). Nothing derives from them.
    lists: dict[str, list[Record]] = field(default_factory=dict)
    _factory: _Factory = field(default_factory=lambda: _Factory(0), repr=False)
    _profiles: dict[str, Record] = field(default_factory=dict, repr=False)
    _subfolders: dict[str, list[Record]] = field(default_factory=dict, repr=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False)
    _event_seq: dict[str, int] = field(default_factory=dict, repr=False)
    _seq: int = field(default=0, repr=False)
    _index_cache: _Index | None = field(default=None, repr=False)

    # -- bookkeeping -----------------------------------------------------
    def changed(self) -> None:
        """Invalidate cached indexes (call after editing the record lists by hand)."""
        self.version += 1

    def _signature(self) -> tuple[int, ...]:
        return (
            self.version,
            len(self.events),
            len(self.medias),
            len(self.visitors),
            len(self.projects),
            id(self.events),
            id(self.medias),
            id(self.visitors),
            id(self.projects),
        )

    def _index(self) -> _Index:
        sig = self._signature()
        if self._index_cache is not None and self._index_cache.signature == sig:
            return self._index_cache
        seq = self._event_seq
        events_desc = sorted(
            self.events,
            key=lambda e: (parse_ts(e["received_at"]), seq.get(e["event_key"], 0)),
            reverse=True,
        )
        by_media: dict[str, list[Record]] = defaultdict(list)
        by_visitor: dict[str, list[Record]] = defaultdict(list)
        for ev in events_desc:
            by_media[ev["media_id"]].append(ev)
            by_visitor[ev["visitor_key"]].append(ev)
        medias_by_key: dict[str, Record] = {}
        for m in self.medias:
            medias_by_key[str(m["id"])] = m
        for m in self.medias:
            medias_by_key[m["hashed_id"]] = m
        projects_by_key: dict[str, Record] = {}
        for p in self.projects:
            projects_by_key[str(p["id"])] = p
        for p in self.projects:
            projects_by_key[p["hashedId"]] = p
        self._index_cache = _Index(
            signature=sig,
            events_desc=events_desc,
            events_by_key={e["event_key"]: e for e in self.events},
            events_by_media=dict(by_media),
            events_by_visitor=dict(by_visitor),
            medias_by_key=medias_by_key,
            projects_by_key=projects_by_key,
            visitors_by_key={v["visitor_key"]: v for v in self.visitors},
        )
        return self._index_cache

    # -- lookups ---------------------------------------------------------
    def find_media(self, key: str) -> Record | None:
        """By hashed id or numeric id (as a string)."""
        return self._index().medias_by_key.get(key)

    def find_project(self, key: str) -> Record | None:
        """By hashedId or numeric id (as a string)."""
        return self._index().projects_by_key.get(key)

    def find_visitor(self, key: str) -> Record | None:
        return self._index().visitors_by_key.get(key)

    def find_event(self, key: str) -> Record | None:
        return self._index().events_by_key.get(key)

    def events_newest_first(self) -> list[Record]:
        return self._index().events_desc

    def events_of_media(self, hashed_id: str) -> list[Record]:
        """Newest first."""
        return self._index().events_by_media.get(hashed_id, [])

    def events_of_visitor(self, visitor_key: str) -> list[Record]:
        """Newest first."""
        return self._index().events_by_visitor.get(visitor_key, [])

    def event_keys(self) -> set[str]:
        return {e["event_key"] for e in self.events}

    def visitor_keys(self) -> list[str]:
        """In the API's listing order."""
        return [v["visitor_key"] for v in self.visitors]

    def media_ids(self) -> list[str]:
        """Hashed ids, in storage order."""
        return [m["hashed_id"] for m in self.medias]

    def media_position(self, media: Record) -> int:
        return self._positions.get(media["hashed_id"], 0)

    def visitor_identified_by_email_gate(self, visitor: Record) -> bool:
        profile = self._profiles.get(visitor["visitor_key"])
        return bool(profile and profile.get("email_gate"))

    # -- consistency -----------------------------------------------------
    def _refresh_projects(self) -> None:
        counts: dict[str, int] = defaultdict(int)
        for m in self.medias:
            counts[m["project"]["hashedId"]] += 1
        for p in self.projects:
            p["mediaCount"] = counts.get(p["hashedId"], 0)

    def _refresh_visitors(self, keys: set[str] | None = None) -> None:
        for v in self.visitors:
            key = v["visitor_key"]
            if keys is not None and key not in keys:
                continue
            events = self.events_of_visitor(key)  # newest first
            profile = self._profiles.get(key, {})
            v["play_count"] = len(events)
            v["load_count"] = len(events) + int(profile.get("extra_loads", 0))
            if events:
                v["last_active_at"] = events[0]["received_at"]
                v["last_event_key"] = events[0]["event_key"]
            else:
                v["last_active_at"] = v["created_at"]
                v["last_event_key"] = None
            if profile.get("identified") and events:
                gate = [e for e in events if e["conversion_data"]]
                v["identifying_event_key"] = (gate or events)[-1]["event_key"]

    def _insert_visitor_randomly(self, record: Record) -> None:
        pos = self._factory.rng.randint(0, len(self.visitors))
        self.visitors.insert(pos, record)

    def _playable_medias(self) -> list[Record]:
        return [m for m in self.medias if m["type"] in PLAYABLE_TYPES and m.get("duration")]

    # -- mutators --------------------------------------------------------
    def add_events(
        self,
        n: int,
        *,
        when: datetime | None = None,
        media_hashed_id: str | None = None,
        new_visitors: int = 0,
    ) -> list[Record]:
        """Add ``n`` events at ``when`` (default: now, UTC) plus ``new_visitors`` new visitors.

        Each new visitor gets at least one of the new events; the other events go to existing
        visitors. Returns the new events.
        """
        if n < 0 or new_visitors < 0:
            raise ValueError("n and new_visitors must be >= 0")
        if new_visitors > n:
            raise ValueError("each new visitor needs at least one of the new events")
        when = _utc(when) if when is not None else datetime.now(UTC)
        fac = self._factory
        rng = fac.rng
        if media_hashed_id is not None:
            media = self.find_media(media_hashed_id)
            if media is None:
                raise ValueError(f"unknown media {media_hashed_id!r}")
            medias = [media]
        else:
            medias = self._playable_medias() or list(self.medias)
        if n and not medias:
            raise ValueError("cannot add events: the dataset has no medias")
        existing = list(self.visitors)
        fresh: list[Record] = []
        for _ in range(new_visitors):
            record, profile = fac.visitor(when)
            self._profiles[record["visitor_key"]] = profile
            self._insert_visitor_randomly(record)
            fresh.append(record)
        pool = existing or fresh
        if n > new_visitors and not pool:
            raise ValueError("cannot add events: the dataset has no visitors")
        out: list[Record] = []
        for i in range(n):
            visitor = fresh[i] if i < len(fresh) else rng.choice(pool)
            profile = self._profiles.get(visitor["visitor_key"])
            if profile is None:  # a visitor added to the list by hand
                profile = self._profiles[visitor["visitor_key"]] = fac.visitor(when, False)[1]
            ev = fac.event(visitor, profile, rng.choice(medias), when)
            identified = profile.get("identified") and visitor["visitor_identity"]["email"]
            if identified and rng.random() < 0.05:
                fac.convert(ev, visitor, profile)
            self._seq += 1
            self._event_seq[ev["event_key"]] = self._seq
            self.events.append(ev)
            out.append(ev)
        self.changed()
        self._refresh_visitors({e["visitor_key"] for e in out})
        return out

    def add_visitors(self, n: int) -> list[Record]:
        """Add ``n`` visitors who loaded but never played (no events), at random positions."""
        now = datetime.now(UTC)
        out: list[Record] = []
        for _ in range(n):
            record, profile = self._factory.visitor(now)
            record["load_count"] = profile["extra_loads"] = max(1, profile["extra_loads"])
            self._profiles[record["visitor_key"]] = profile
            self._insert_visitor_randomly(record)
            out.append(record)
        self.changed()
        return out

    def add_medias(self, n: int, project_hashed_id: str | None = None) -> list[Record]:
        """Add ``n`` ready Video medias (created = updated = now) to a project."""
        if n and not self.projects:
            raise ValueError("cannot add medias: the dataset has no projects")
        fac = self._factory
        project: Record | None = None
        if project_hashed_id is not None:
            project = self.find_project(project_hashed_id)
            if project is None:
                raise ValueError(f"unknown project {project_hashed_id!r}")
        now = datetime.now(UTC)
        out: list[Record] = []
        for _ in range(n):
            target = project or fac.rng.choice(self.projects)
            media = fac.media(target, self._subfolders.get(target["hashedId"], []), now, now)
            media["type"] = "Video"
            media["duration"] = fac.duration_for("Video")
            media["assets"] = fac.assets("Video", media["duration"])
            siblings = [m for m in self.medias if m["project"]["hashedId"] == target["hashedId"]]
            self._positions[media["hashed_id"]] = len(siblings)
            self.medias.append(media)
            target["updated"] = media["updated"]
            out.append(media)
        self.changed()
        self._refresh_projects()
        return out

    def touch_media(self, hashed_id: str, when: datetime | None = None) -> Record:
        """Set a media's ``updated`` (default: now)."""
        media = self.find_media(hashed_id)
        if media is None:
            raise KeyError(hashed_id)
        media["updated"] = format_ts(_utc(when) if when is not None else datetime.now(UTC))
        self.changed()
        return media

    def delete_media(self, hashed_id: str, *, drop_events: bool = False) -> Record:
        """Delete a media. Its events stay (history) unless ``drop_events``."""
        media = self.find_media(hashed_id)
        if media is None:
            raise KeyError(hashed_id)
        self.medias.remove(media)
        touched: set[str] = set()
        if drop_events:
            keep = [e for e in self.events if e["media_id"] != media["hashed_id"]]
            touched = {e["visitor_key"] for e in self.events if e["media_id"] == hashed_id}
            self.events[:] = keep
        self.changed()
        self._refresh_projects()
        if touched:
            self._refresh_visitors(touched)
        return media
