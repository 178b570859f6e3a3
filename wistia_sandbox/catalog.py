"""The modern API's content catalog: account, folders, subfolders, sharings, tags, channels,
channel episodes and allowed domains, shaped as the 2026-03 document answers them.

What ties them to the rest of the data:

* ``/account`` counts the dataset's medias, projects and channels when asked;
* ``/folders`` *are* the dataset's projects, in the modern names (``hashed_id``,
  ``media_count``, ...), built on every request, so an edit to a project (or a media added
  to it) shows at once; paged like every modern list (offset or cursor: plain_lists.py);
* ``/folders/{id}/subfolders`` are the project's subfolders, the very records the medias'
  ``subfolder`` points at; ``/folders/{id}/sharings`` are stored per folder. Both are plain
  lists under their full path; a folder that does not exist answers 404 (``dispatch``);
* ``/tags`` are the tags the medias carry, counted (``taggingsCount``) when asked;
* ``/channels``, ``/channel_episodes`` (each episode one of the dataset's medias) and
  ``/allowed_domains`` (the hosts of the events' embed pages) are plain lists, made once by
  ``add_catalog``.

``add_catalog`` draws from a random generator of its own, so the rest of a dataset stays the
same for a given seed.
"""

from __future__ import annotations

import random
from datetime import timedelta
from urllib.parse import urlsplit

from .dataset import Dataset
from .http_plumbing import _error, _json, _Response
from .plain_lists import page_of
from .record_basics import Record, format_ts, parse_ts
from .sample_values import EMBED_PAGES

MODERN = "/modern"
CHANNEL_NAMES = ("Product tours", "Customer stories", "The podcast")
CONTACTS = (
    ("Contact", "Jim Halpert", "jim@example.com"),
    ("Contact", "Zoë Lefèvre", "zoe@example.com"),
    ("ContactGroup", "Agency, « partners »", "partners@example.com"),
)
ACCOUNT_LIMIT = 250  # videos the sandbox's plan allows


def add_catalog(dataset: Dataset) -> None:
    """Store the catalog's plain lists in ``dataset.lists`` (see the module docstring)."""
    rng = random.Random(dataset.seed * 7919 + 19)
    lists = dataset.lists
    for project in dataset.projects:
        folder = project["hashedId"]
        subfolders = dataset._subfolders.setdefault(folder, [])
        lists[f"{MODERN}/folders/{folder}/subfolders"] = subfolders
        lists[f"{MODERN}/folders/{folder}/sharings"] = _sharings(rng, project)
    channels, episodes = _channels(rng, dataset)
    lists[f"{MODERN}/channels"] = channels
    lists[f"{MODERN}/channel_episodes"] = episodes
    lists[f"{MODERN}/allowed_domains"] = _allowed_domains(dataset)


def _hashed_id(rng: random.Random, dataset: Dataset) -> str:
    used = dataset._factory.used
    while True:
        value = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10))
        if value not in used and not value.isdigit():
            used.add(value)
            return value


def _sharings(rng: random.Random, project: Record) -> list[Record]:
    people = rng.sample(CONTACTS, rng.randint(0, len(CONTACTS)))
    return [
        {
            "id": project["id"] * 10 + position,
            "is_admin": kind == "Contact" and rng.random() < 0.3,
            "can_share": rng.random() < 0.5,
            "can_download": rng.random() < 0.7,
            "can_upload": rng.random() < 0.4,
            "share": {"id": 500 + CONTACTS.index((kind, name, email)), "name": name,
                      "type": kind, "email": email},
            "folder": {"id": project["id"], "name": project["name"]},
        }
        for position, (kind, name, email) in enumerate(people, start=1)
    ]  # fmt: skip


def _channels(rng: random.Random, dataset: Dataset) -> tuple[list[Record], list[Record]]:
    medias = [m for m in dataset.medias if m["type"] in ("Video", "Audio")]
    if not medias:
        return [], []
    channels: list[Record] = []
    episodes: list[Record] = []
    for number, name in enumerate(CHANNEL_NAMES, start=1):
        created = dataset.now - timedelta(days=rng.uniform(200, 400))
        mine = rng.sample(medias, min(len(medias), rng.randint(1, 8)))
        channel: Record = {
            "id": 7000 + number,
            "hashed_id": _hashed_id(rng, dataset),
            "name": name,
            "description": f"{name}, every week.",
            "media_count": len(mine),
            "created": format_ts(created),
            "updated": format_ts(created),
        }
        for position, media in enumerate(mine):
            made = created + timedelta(days=rng.uniform(1, 150))
            touched = made + timedelta(days=rng.uniform(0, 40))
            published = rng.random() < 0.8
            episode: Record = {
                "hashed_id": _hashed_id(rng, dataset),
                "channel_hashed_id": channel["hashed_id"],
                "media_hashed_id": media["hashed_id"],
                "title": None if position == 2 else f"Episode {position + 1}: {media['name']}",
                "description": media.get("description") or "",
                "summary": "",
                "published": published,
                "created": format_ts(made),
                "updated": format_ts(touched),
            }
            if not published and rng.random() < 0.5:
                episode["publish_at"] = format_ts(dataset.now + timedelta(days=7))
            episodes.append(episode)
            channel["updated"] = max(channel["updated"], episode["updated"])
        channels.append(channel)
    episodes.sort(key=lambda e: parse_ts(e["created"]))  # stored in creation order
    return channels, episodes


def _allowed_domains(dataset: Dataset) -> list[Record]:
    hosts = sorted({urlsplit(url).hostname or "" for url in EMBED_PAGES})
    start = min((parse_ts(p["created"]) for p in dataset.projects), default=dataset.now)
    return [
        {"domain": host, "created_at": format_ts(start + timedelta(days=3 * i))}
        for i, host in enumerate(hosts)
    ]


# -- routes ------------------------------------------------------------------


def dispatch(dataset: Dataset, parts: list[str], query: dict[str, list[str]]) -> _Response | None:
    """The answer to a catalog path that is not a plain list, or None: not a catalog path."""
    if parts == ["account"]:
        return _json(200, account(dataset))
    if parts == ["folders"]:
        return _json(200, page_of(folders(dataset), query, modern=True))
    if parts == ["tags"]:
        return _json(200, page_of(tags(dataset), query, modern=True))
    if len(parts) == 3 and parts[0] == "folders" and parts[2] in ("subfolders", "sharings"):
        # A folder's lists are plain lists; reaching here means no such folder.
        return _error(404, f"Folder {parts[1]!r} not found")
    return None


def account(dataset: Dataset) -> Record:
    return {
        "id": dataset.account_id,  # the account every record's account_id names
        "name": dataset.account_name,
        "url": "https://sandbox-co.wistia.com",
        "media_count": len(dataset.medias),
        "video_limit": ACCOUNT_LIMIT,
        "folder_count": len(dataset.projects),
        "channel_count": len(dataset.lists.get(f"{MODERN}/channels", [])),
    }


def folders(dataset: Dataset) -> list[Record]:
    """The projects, in the modern API's names."""
    return [
        {
            "id": p["id"],
            "name": p["name"],
            "description": p["description"],
            "media_count": p["mediaCount"],
            "medias": {},
            "created": p["created"],
            "updated": p["updated"],
            "hashed_id": p["hashedId"],
            "public": p["public"],
            "public_id": p["publicId"],
            "anonymous_can_upload": p["anonymousCanUpload"],
            "anonymous_can_download": p["anonymousCanDownload"],
        }
        for p in dataset.projects
    ]


def tags(dataset: Dataset) -> list[Record]:
    """The medias' tags, in the order they were first used (their creation order)."""
    used: dict[str, list[Record]] = {}
    for media in sorted(dataset.medias, key=lambda m: parse_ts(m["created"])):
        for tag in media.get("tags") or ():
            used.setdefault(tag["name"], []).append(media)
    return [
        {
            "name": name,
            "taggingsCount": len(medias),
            "created": medias[0]["created"],
            "updated": format_ts(max(parse_ts(m["updated"]) for m in medias)),
        }
        for name, medias in used.items()
    ]
