"""Deterministic, API-shaped Wistia data for the fake Wistia server.

The records in a :class:`Dataset` are plain dicts shaped exactly like the Wistia Data API v1
answers them (see ``spec/openapi/wistia-data-api-v1-openapi.yml`` in this repository). Everything
that is not a field of those records (load factors, positions, visitor profiles, ...) lives in
private side tables, so a record can be compared 1:1 with what a client received.

Stats (per media, per project, per account, by date, engagement) are derived from the events
on every request, so they stay consistent with the data whenever the data changes. After
editing ``events``/``medias``/``visitors``/``projects`` by hand (instead of through the
mutators), call :meth:`Dataset.changed` so cached indexes are rebuilt.
"""

from __future__ import annotations

import hashlib
import math
import random
import string
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

Record = dict[str, Any]

PLAYABLE_TYPES = ("Video", "Audio")
MEDIA_TYPES = ("Video", "Audio", "Image", "PdfDocument", "MicrosoftOfficeDocument")
MEDIA_TYPE_WEIGHTS = (78, 10, 6, 4, 2)
_ALNUM = string.digits + string.ascii_lowercase

PROJECT_NAMES = (
    "Marketing",
    "Produits & démos",
    "Webinars, 2025 season",
    'The "Big" Launch',
    "日本語チャンネル",
    "Über uns",
    "Customer stories",
    "Support, FAQ & how-tos",
)
PROJECT_DESCRIPTIONS = (
    None,
    "",
    "Videos for the café team",
    'All "launch" material, 2025',
    "Öffentliche Videos: 日本語 included",
)
MEDIA_NAMES = (
    "Product tour",
    "Café tutorial: épisode",
    'Interview: "Why we build"',
    "Q3 results, part",
    "日本語の紹介ビデオ",
    "Grüße aus München",
    "Onboarding 101",
    "Webinar recording",
    'Customer story: Müller, "Söhne" & Co.',
    "Feature spotlight",
    "Behind the scenes",
    "Naïve Bayes, explained",
)
MEDIA_DESCRIPTIONS = (
    "",
    "<p>A short overview of the product.</p>",
    'Our "secret" sauce, explained in plain words, with examples.',
    "Démonstration complète — sous-titres en français.",
    "日本語の字幕付き",
)
SECTIONS = ("Getting started", "Advanced, for experts", "Bonus «extras»")
TAGS = ("marketing", "démo", "Q&A", "日本語", "how-to", "webinar", "product, launch", 'the "best"')
SUBFOLDER_NAMES = ("Raw footage", "Édition finale", 'Clips, "shorts" & teasers', None)

PEOPLE = (
    ("José", "García"),
    ("Zoë", "Müller"),
    ("太郎", "山田"),
    ("Jane", "Smith"),
    ("Chloé", "Dubois"),
    ("Jürgen", "Schäfer"),
    ("Ana", "Conceição"),
    ("Sven", "Ødegaard"),
    ("Priya", "Patel"),
    ("Liam", "O'Brien"),
    ("Mei", "Chen"),
    ("Ünal", "Çelik"),
)
NICKNAMES = ("Bob", "Zizi", "The Boss", "Ace")
VISITOR_ORGS = (
    ("Acme, Inc.", "VP, Marketing"),
    ("Müller & Söhne GmbH", "Geschäftsführerin"),
    ('"Quoted" Widgets LLC', "Engineer"),
    ("株式会社サンプル", "部長"),
    ("Café Société", "Ingénieure"),
    ("Initech", None),
    (None, "Consultant"),
)
EMAIL_DOMAINS = ("example.com", "example.org", "acme.test")
ISP_ORGS = (
    "Comcast Cable Communications, LLC",
    "Deutsche Telekom AG",
    "NTT Communications Corporation",
    "Orange S.A.",
    "Telefônica Brasil S.A.",
    '"Vodafone" Limited',
    "Amazon.com, Inc.",
    "Bell Canada",
)
LOCATIONS = (
    ("US", "Massachusetts", "Cambridge", 42.3736, -71.1097),
    ("US", "California", "San Francisco", 37.7749, -122.4194),
    ("DE", "Bayern", "München", 48.1351, 11.582),
    ("JP", "Tokyo", "東京", 35.6895, 139.6917),
    ("FR", "Île-de-France", "Paris", 48.8566, 2.3522),
    ("BR", "São Paulo", "São Paulo", -23.5505, -46.6333),
    ("GB", "England", "London", 51.5074, -0.1278),
    ("CA", "Québec", "Montréal", 45.5017, -73.5673),
)
USER_AGENTS = (
    ("Chrome", "122.0.0.0", "Windows", False),
    ("Safari", "17.3", "Mac", False),
    ("Mobile Safari", "17.2", "iPhone", True),
    ("Firefox", "123.0", "Linux", False),
    ("Chrome Mobile", "121.0.6167.178", "Android", True),
    ("Edge", "121.0.2277.128", "Windows", False),
)
EMBED_PAGES = (
    "https://www.example.com/",
    "https://www.example.com/blog/café-culture",
    "https://www.example.com/pricing?utm_source=newsletter&utm_medium=email",
    "https://example.org/webinars/2025",
    "https://www.example.com/日本語/ページ",
    "https://docs.example.com/getting-started#video",
)
GATE_TYPES = ("pre-roll-email", "post-roll-email", "mid-roll-email")


# --------------------------------------------------------------------------- helpers


def _h(*parts: object) -> int:
    """A stable 64-bit hash (Python's hash() is salted per process)."""
    raw = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")


@lru_cache(maxsize=1 << 18)
def parse_ts(value: str) -> datetime:
    """Parse any timestamp style the fake (and the live API) emits into an aware UTC datetime."""
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def format_ts(dt: datetime, style: int = 0) -> str:
    """0: ``2026-03-04T12:34:56.789Z``; 1: ``2026-03-04T12:34:56+00:00``; 2: ``...56Z``."""
    dt = _utc(dt)
    base = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if style == 0:
        return f"{base}.{dt.microsecond // 1000:03d}Z"
    if style == 1:
        return f"{base}+00:00"
    return f"{base}Z"


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _ascii_slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in norm.lower() if c.isalnum())


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


# --------------------------------------------------------------------------- factory


class _Factory:
    """Creates API-shaped records from one seeded RNG (so mutators stay deterministic)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.next_project_id = 4_200_000
        self.next_media_id = 118_000_000
        self.project_count = 0
        self.media_count = 0
        self.visitor_count = 0

    # ids -----------------------------------------------------------------
    def hashed_id(self) -> str:
        while True:
            value = "".join(self.rng.choice(_ALNUM) for _ in range(10))
            if value not in self.used and not value.isdigit():
                self.used.add(value)
                return value

    def uuid(self) -> str:
        v = f"{self.rng.getrandbits(128):032x}"
        return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"

    def ts(self, dt: datetime) -> str:
        """Format with the live API's mix: mostly ``.000Z``, some ``+00:00``, some no millis."""
        r = self.rng.random()
        return format_ts(dt, 0 if r < 0.8 else 1 if r < 0.9 else 2)

    def ts_pair(self, created: datetime, updated: datetime) -> tuple[str, str]:
        """Formatted (created, updated) with updated >= created even after truncation."""
        created_s = self.ts(created)
        updated_s = self.ts(max(created, updated))
        if parse_ts(updated_s) < parse_ts(created_s):
            updated_s = created_s
        return created_s, updated_s

    # records -------------------------------------------------------------
    def project(self, created: datetime, updated: datetime) -> Record:
        rng = self.rng
        i = self.project_count
        self.project_count += 1
        self.next_project_id += rng.randint(1, 60)
        base = PROJECT_NAMES[i % len(PROJECT_NAMES)]
        name = base if i < len(PROJECT_NAMES) else f"{base} ({i // len(PROJECT_NAMES) + 1})"
        public = rng.random() < 0.4
        created_s, updated_s = self.ts_pair(created, updated)
        return {
            "id": self.next_project_id,
            "name": name,
            "description": rng.choice(PROJECT_DESCRIPTIONS),
            "mediaCount": 0,
            "created": created_s,
            "updated": updated_s,
            "hashedId": self.hashed_id(),
            "public": public,
            "publicId": self.hashed_id()[:8] if public else None,
            "anonymousCanUpload": rng.random() < 0.1,
            "anonymousCanDownload": rng.random() < 0.3,
        }

    def subfolder(self, position: int, created: datetime) -> Record:
        rng = self.rng
        created_s, updated_s = self.ts_pair(created, created + timedelta(days=rng.uniform(0, 30)))
        return {
            "hashed_id": self.hashed_id(),
            "name": rng.choice(SUBFOLDER_NAMES),
            "description": rng.choice((None, "", "Sous-dossier, « brut »")),
            "position": position,
            "created": created_s,
            "updated": updated_s,
        }

    def duration_for(self, mtype: str, size: str | None = None) -> float | None:
        rng = self.rng
        if mtype == "Video":
            size = size or rng.choices(("short", "medium", "long"), (30, 50, 20))[0]
            lo, hi = {"short": (4.0, 60.0), "medium": (60.0, 1000.0), "long": (1000.5, 5400.0)}[
                size
            ]
            return round(rng.uniform(lo, hi), 3)
        if mtype == "Audio":
            return round(rng.uniform(30.0, 2400.0), 3)
        if mtype == "PdfDocument":
            return float(rng.randint(1, 40))  # number of pages
        return None  # omitted for other types

    def media(
        self,
        project: Record,
        subfolders: list[Record],
        created: datetime,
        updated: datetime,
        *,
        mtype: str | None = None,
        size: str | None = None,
    ) -> Record:
        rng = self.rng
        i = self.media_count
        self.media_count += 1
        self.next_media_id += rng.randint(1, 500)
        mtype = mtype or rng.choices(MEDIA_TYPES, MEDIA_TYPE_WEIGHTS)[0]
        hashed = self.hashed_id()
        base = MEDIA_NAMES[i % len(MEDIA_NAMES)]
        name = base if i < len(MEDIA_NAMES) else f"{base} {i // len(MEDIA_NAMES) + 1}"
        created_s, updated_s = self.ts_pair(created, updated)
        rec: Record = {
            "id": self.next_media_id,
            "hashed_id": hashed,
            "name": name,
            "type": mtype,
            "archived": False,
            "created": created_s,
            "updated": updated_s,
        }
        duration = self.duration_for(mtype, size)
        if duration is not None:
            rec["duration"] = duration
        rec["description"] = rng.choice(MEDIA_DESCRIPTIONS)
        rec["progress"] = 1.0
        rec["status"] = "ready"
        if rng.random() < 0.3:
            rec["section"] = rng.choice(SECTIONS)
        thumb = f"https://embed-ssl.wistia.com/deliveries/{rng.getrandbits(160):040x}.jpg"
        rec["thumbnail"] = {
            "url": f"{thumb}?image_crop_resized=200x120",
            "width": 200,
            "height": 120,
        }
        rec["project"] = {
            "id": project["id"],
            "name": project["name"],
            "hashedId": project["hashedId"],
        }
        rec["assets"] = self.assets(mtype, duration)
        if subfolders and rng.random() < 0.6:
            rec["subfolder"] = dict(rng.choice(subfolders))
        else:
            rec["subfolder"] = None
        rec["tags"] = [{"name": t} for t in rng.sample(TAGS, rng.randint(0, 3))]
        rec["embedCode"] = (
            f'<script src="https://fast.wistia.com/embed/medias/{hashed}.jsonp" async></script>'
            f'<div class="wistia_embed wistia_async_{hashed}" style="height:360px;width:640px">'
            "&nbsp;</div>"
        )
        return rec

    def assets(self, mtype: str, duration: float | None) -> list[Record]:
        rng = self.rng

        def asset(kind: str, content_type: str, width: int, height: int, size: int) -> Record:
            url = f"https://embed-ssl.wistia.com/deliveries/{rng.getrandbits(160):040x}.bin"
            return {
                "url": url,
                "width": width,
                "height": height,
                "fileSize": size,
                "contentType": content_type,
                "type": kind,
            }

        seconds = int(duration or 1)
        if mtype == "Video":
            out = [asset("OriginalFile", "video/mp4", 1920, 1080, seconds * 620_000 + 1)]
            out.append(asset("Mp4VideoFile", "video/mp4", 640, 360, seconds * 90_000 + 1))
            if rng.random() < 0.7:
                out.append(asset("HdMp4VideoFile", "video/mp4", 1280, 720, seconds * 250_000))
            out.append(asset("StillImageFile", "image/jpeg", 1920, 1080, 210_000))
            return out
        if mtype == "Audio":
            return [
                asset("OriginalFile", "audio/mpeg", 0, 0, seconds * 16_000 + 1),
                asset("Mp3AudioFile", "audio/mpeg", 0, 0, seconds * 16_000 + 1),
            ]
        if mtype == "Image":
            return [asset("OriginalFile", "image/png", 1600, 900, 480_000)]
        if mtype == "PdfDocument":
            return [asset("OriginalFile", "application/pdf", 0, 0, 1_200_000)]
        return [asset("OriginalFile", "application/octet-stream", 0, 0, 300_000)]

    def visitor(self, created: datetime, identified: bool | None = None) -> tuple[Record, Record]:
        """Return (API record, private profile)."""
        rng = self.rng
        i = self.visitor_count
        self.visitor_count += 1
        if identified is None:
            identified = rng.random() < 0.45
        key = f"v{_utc(created):%Y%m%d}_{self.uuid()}"
        first = last = ""
        name = ""
        email: str | None = None
        org: Record = {"name": None, "title": None}
        if identified:
            first, last = rng.choice(PEOPLE)
            style = rng.random()
            if style < 0.15:
                name = f"{last}, {first}"
            elif style < 0.25:
                name = f'{first} "{rng.choice(NICKNAMES)}" {last}'
            else:
                name = f"{first} {last}"
            if rng.random() < 0.1:  # known by email only
                name = ""
            if rng.random() < 0.85 or not name:
                slug = ".".join(s for s in (_ascii_slug(first), _ascii_slug(last)) if s)
                email = f"{slug or 'user'}.{i}@{rng.choice(EMAIL_DOMAINS)}"
            if rng.random() < 0.75:
                org_name, title = rng.choice(VISITOR_ORGS)
                org = {"name": org_name, "title": title}
        browser, version, platform, mobile = rng.choice(USER_AGENTS)
        created_s = self.ts(created)
        record: Record = {
            "visitor_key": key,
            "created_at": created_s,
            "last_active_at": created_s,
            "last_event_key": None,
            "load_count": 0,
            "play_count": 0,
            "identifying_event_key": None,
            "visitor_identity": {"name": name, "email": email, "org": org},
            "user_agent_details": {
                "browser": browser,
                "browser_version": version,
                "platform": platform,
                "mobile": mobile,
            },
        }
        if rng.random() < 0.1:
            ip = ":".join(f"{rng.getrandbits(16):x}" for _ in range(8))
        else:
            ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        profile: Record = {
            "identified": identified,
            "first_name": first,
            "last_name": last,
            "location": rng.choice(LOCATIONS),
            "isp": rng.choice(ISP_ORGS),
            "ip": ip,
            "extra_loads": rng.randint(0, 3),
            "email_gate": False,
        }
        return record, profile

    def event(self, visitor: Record, profile: Record, media: Record, when: datetime) -> Record:
        rng = self.rng
        key = f"v{_utc(when):%Y%m%d}_{self.uuid()}"
        pv = 1.0 if rng.random() < 0.1 else round(min(1.0, max(0.01, rng.betavariate(1.3, 1.6))), 4)
        country, region, city, lat, lon = profile["location"]
        if rng.random() < 0.15:  # travelling / roaming
            country, region, city, lat, lon = rng.choice(LOCATIONS)
        email = visitor["visitor_identity"]["email"]
        thumb = media.get("thumbnail") or {}
        return {
            "received_at": self.ts(when),
            "event_key": key,
            "visitor_key": visitor["visitor_key"],
            "embed_url": rng.choice(EMBED_PAGES),
            "percent_viewed": pv,
            "ip": profile["ip"],
            "org": profile["isp"],
            "country": country,
            "region": region,
            "city": city,
            "lat": round(lat + rng.uniform(-0.05, 0.05), 4),
            "lon": round(lon + rng.uniform(-0.05, 0.05), 4),
            "email": email if email and rng.random() < 0.2 else None,
            "media_id": media["hashed_id"],
            "media_name": media["name"],
            "media_url": f"https://home.wistia.com/medias/{media['hashed_id']}",
            "iframe_heatmap_url": (
                f"https://home.wistia.com/embed/iframe_heatmap/{media['hashed_id']}?event_key={key}"
            ),
            "thumbnail": {
                "url": thumb.get("url", ""),
                "width": thumb.get("width", 200),
                "height": thumb.get("height", 120),
                "fileSize": 18_000 + rng.randint(0, 9000),
                "contentType": "image/jpeg",
                "type": "StillImageFile",
            },
            "conversion_type": "",
            "conversion_data": {},
            "user_agent_details": dict(visitor["user_agent_details"]),
        }

    def convert(self, event: Record, visitor: Record, profile: Record) -> None:
        """Turn an event into an email-gate conversion for an identified visitor."""
        rng = self.rng
        email = visitor["visitor_identity"]["email"]
        event["conversion_type"] = rng.choice((*GATE_TYPES, 1, 2))
        event["conversion_data"] = {
            "email": email,
            "first_name": profile["first_name"],
            "last_name": profile["last_name"],
            "is_new_lead": rng.random() < 0.5,
        }
        if rng.random() < 0.5:
            event["email"] = email
        profile["email_gate"] = True


# --------------------------------------------------------------------------- index


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


# --------------------------------------------------------------------------- dataset


@dataclass
class Dataset:
    """The fake account's data. Records are API-shaped dicts; stats are derived from events."""

    projects: list[Record]
    medias: list[Record]
    visitors: list[Record]  # stored in the (deliberately unsorted) order the API lists them
    events: list[Record]  # any order; served newest first
    now: datetime
    seed: int = 1
    version: int = 0
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

    # -- derived stats ---------------------------------------------------
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

    def account_stats(self) -> Record:
        loads = plays = 0
        hours = 0.0
        for m in self.medias:
            ml, mp, mh = self._totals(m)
            loads, plays, hours = loads + ml, plays + mp, hours + mh
        return {"load_count": loads, "play_count": plays, "hours_watched": round(hours, 4)}

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


# --------------------------------------------------------------------------- generator


def generate_dataset(
    seed: int = 1,
    projects: int = 4,
    medias: int = 30,
    visitors: int = 250,
    events: int = 2000,
    days: int = 180,
    now: datetime | None = None,
) -> Dataset:
    """A deterministic dataset (for a given seed and ``now``) with exactly the given counts.

    Events are spread over the last ``days`` days up to ``now`` (default: current UTC time).
    """
    for label, value in (
        ("projects", projects),
        ("medias", medias),
        ("visitors", visitors),
        ("events", events),
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
    return ds
