"""generate_dataset: a deterministic fake account (projects, medias, visitors, events) with
exactly the requested counts, as a :class:`~wistia_sandbox.dataset.Dataset`.

How the records relate (creation order, event times, which visitor plays what, conversions)
is decided here; each record is built by record_factory.py; the Dataset model is in
dataset.py and its derived stats in dataset_stats.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from .catalog import add_catalog
from .dataset import Dataset
from .record_basics import PLAYABLE_TYPES, Record, _utc, parse_ts
from .record_factory import _Factory
from .webinars import generate_webinars


def generate_dataset(
    seed: int = 1,
    projects: int = 4,
    medias: int = 30,
    visitors: int = 250,
    events: int = 2000,
    days: int = 180,
    now: datetime | None = None,
    webinars: int = 5,
) -> Dataset:
    """A deterministic dataset (for a given seed and ``now``) with exactly the given counts.

    Events are spread over the last ``days`` days up to ``now`` (default: current UTC time).
    """
    for label, value in (
        ("projects", projects),
        ("medias", medias),
        ("visitors", visitors),
        ("events", events),
        ("webinars", webinars),
    ):
        if value < 0:
            raise ValueError(f"{label} must be >= 0")
    if days < 1:
        raise ValueError("days must be >= 1")
    if medias and not projects:
        raise ValueError("medias need at least one project")
    if events and not medias:
        raise ValueError("events need at least one media")
    if events and not visitors:
        raise ValueError("events need at least one visitor")
    now = _utc(now) if now is not None else datetime.now(UTC)
    now = now.replace(microsecond=(now.microsecond // 1000) * 1000)
    fac = _Factory(seed)
    rng = fac.rng
    window_start = now - timedelta(days=days)

    # projects (created long before their medias) -----------------------------
    project_recs: list[Record] = []
    subfolders: dict[str, list[Record]] = {}
    for _ in range(projects):
        created = window_start - timedelta(days=rng.uniform(1000, 1500))
        rec = fac.project(created, created)
        project_recs.append(rec)
        subfolders[rec["hashedId"]] = [
            fac.subfolder(pos, created + timedelta(days=rng.uniform(1, 60)))
            for pos in range(rng.randint(0, 2))
        ]

    # medias (created before the event window, ids follow creation order) ------
    created_times = sorted(
        window_start - timedelta(days=rng.uniform(1, 900), seconds=rng.randint(0, 86399))
        for _ in range(medias)
    )
    archived_index = 2 if medias >= 3 else -1
    media_recs: list[Record] = []
    positions: dict[str, int] = {}
    per_project: dict[str, int] = defaultdict(int)
    project_weights = [1.0 / (i + 1) ** 0.5 for i in range(len(project_recs))]
    for i, created in enumerate(created_times):
        project = project_recs[0] if i == 0 else rng.choices(project_recs, project_weights)[0]
        mtype = size = None
        if i < 3 or medias <= 3:
            mtype = "Video"
            size = ("short", "long", "medium")[i % 3]
        span = (now - created).total_seconds()
        updated = created + timedelta(seconds=int(span * rng.random() ** 2))
        rec = fac.media(
            project, subfolders[project["hashedId"]], created, updated, mtype=mtype, size=size
        )
        if i % 9 == 8 and media_recs:  # an occasional tie on `updated`
            prev = media_recs[-1]["updated"]
            if parse_ts(prev) >= parse_ts(rec["created"]):
                rec["updated"] = prev
        if i == archived_index or (i > 3 and rng.random() < 0.05):
            rec["archived"] = True
        if i == 4 and medias > 8:
            rec["status"], rec["progress"] = "processing", 0.45
        positions[rec["hashed_id"]] = per_project[project["hashedId"]]
        per_project[project["hashedId"]] += 1
        media_recs.append(rec)
    for p in project_recs:
        mine = [parse_ts(m["updated"]) for m in media_recs if m["project"]["id"] == p["id"]]
        if mine:
            p["updated"] = fac.ts_pair(parse_ts(p["created"]), max(mine))[1]

    playable = [
        m
        for m in media_recs
        if m["type"] in PLAYABLE_TYPES and m.get("duration") and m["status"] == "ready"
    ] or media_recs
    media_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(playable))]
    rng.shuffle(media_weights)

    # event times and visitor assignment -----------------------------------------
    seconds = days * 86400
    times = [now - timedelta(milliseconds=rng.randint(0, seconds * 1000)) for _ in range(events)]
    owner: list[int] = []
    if events:
        if events >= visitors:
            owner = list(range(visitors))
            weights = [rng.paretovariate(1.5) for _ in range(visitors)]
            owner += rng.choices(range(visitors), weights, k=events - visitors)
        else:
            owner = rng.sample(range(visitors), events)
        rng.shuffle(owner)
    first_seen: dict[int, datetime] = {}
    for t, o in zip(times, owner, strict=True):
        if o not in first_seen or t < first_seen[o]:
            first_seen[o] = t

    visitor_recs: list[Record] = []
    profiles: dict[str, Record] = {}
    for vi in range(visitors):
        if vi in first_seen:
            created = first_seen[vi] - timedelta(seconds=rng.randint(0, 2 * 86400))
        else:
            created = now - timedelta(seconds=rng.randint(0, seconds))
        rec, profile = fac.visitor(created)  # formatting only truncates: never after 1st event
        visitor_recs.append(rec)
        profiles[rec["visitor_key"]] = profile

    event_recs: list[Record] = []
    event_seq: dict[str, int] = {}
    for seq, (t, o) in enumerate(zip(times, owner, strict=True), start=1):
        visitor = visitor_recs[o]
        media = rng.choices(playable, media_weights)[0]
        ev = fac.event(visitor, profiles[visitor["visitor_key"]], media, t)
        event_recs.append(ev)
        event_seq[ev["event_key"]] = seq

    by_visitor: dict[str, list[Record]] = defaultdict(list)
    for ev in event_recs:
        by_visitor[ev["visitor_key"]].append(ev)
    for visitor in visitor_recs:
        profile = profiles[visitor["visitor_key"]]
        mine = by_visitor.get(visitor["visitor_key"])
        identified = profile["identified"] and visitor["visitor_identity"]["email"]
        if mine and identified and rng.random() < 0.35:
            fac.convert(rng.choice(mine), visitor, profile)

    rng.shuffle(visitor_recs)  # the API's visitor order is not by any field
    ds = Dataset(
        projects=project_recs,
        medias=media_recs,
        visitors=visitor_recs,
        events=event_recs,
        now=now,
        seed=seed,
        _factory=fac,
        _profiles=profiles,
        _subfolders=subfolders,
        _positions=positions,
        _event_seq=event_seq,
        _seq=len(event_recs),
    )
    for visitor in visitor_recs:
        profile = profiles[visitor["visitor_key"]]
        if visitor["visitor_key"] not in by_visitor:
            profile["extra_loads"] = max(1, profile["extra_loads"])
    ds._refresh_projects()
    ds._refresh_visitors()
    add_catalog(ds)
    # Last, with its own random numbers: the other records do not depend on it.
    ds.webinars = generate_webinars(webinars, visitor_recs, now, seed)
    return ds
