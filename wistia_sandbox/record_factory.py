"""The factory of API-shaped records (projects, subfolders, medias with assets, visitors with
their private profiles, events, email-gate conversions) from one seeded RNG.

Split from the Dataset (dataset.py) because it only builds single records: generate_dataset
(data.py) and the Dataset's mutators decide how many, when, and how they relate.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta

from .record_basics import Record, _utc, format_ts, parse_ts
from .sample_values import (
    _ALNUM,
    EMAIL_DOMAINS,
    EMBED_PAGES,
    GATE_TYPES,
    ISP_ORGS,
    LOCATIONS,
    MEDIA_DESCRIPTIONS,
    MEDIA_NAMES,
    MEDIA_TYPE_WEIGHTS,
    MEDIA_TYPES,
    NICKNAMES,
    PEOPLE,
    PROJECT_DESCRIPTIONS,
    PROJECT_NAMES,
    SECTIONS,
    SUBFOLDER_NAMES,
    TAGS,
    USER_AGENTS,
    VISITOR_ORGS,
)


def _ascii_slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in norm.lower() if c.isalnum())


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
            # Beyond the v1 spec, as the live API sends it (Wistia's 2026-01 document:
            # null when the media is not protected). Chosen by position, not by `rng`,
            # so the rest of the dataset stays the same for a given seed.
            "protected": True if i % 20 == 7 else None,
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
