"""The modern API's per-media catalog and account statistics the sandbox serves under /modern:
``/medias/{id}/captions``, ``/medias/{id}/localizations``, ``/medias/{id}/customizations``,
``/stats/account/by_date`` and ``/stats/projects/{id}`` (release 2026-03).

Decisions:

* The catalog is derived from each media, not stored: a stable hash of its id decides which
  medias have captions (about two thirds of the playable ones: the rest are the "videos
  without captions" an analyst looks for), localizations (about a quarter) and which
  player settings are set. Texts quote the media's ``updated``, so an edit (``touch_media``)
  changes what the media's endpoints answer, as it does on Wistia.
* Account stats by date sum the per-media daily stats (``dataset_stats``), which count the
  events of each UTC day: the account's plays of a day are its events of that day.
  Project stats are ``Dataset.project_stats``: the sum of the project's medias.
* Responses follow ``spec/openapi/wistia-data-api-2026-03-openapi.yml``
  (``tests/test_sandbox_media_catalog.py`` validates each kind). A plan without captions is
  played by ``FakeWistia.forbidden_prefixes`` with the pattern ``/medias/*/captions``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from .dataset import Dataset
from .record_basics import PLAYABLE_TYPES, Record, _h, format_ts, parse_ts

Query = dict[str, list[str]]

# (ISO 639-2 code, English name, native name) of the caption languages.
CAPTION_LANGUAGES = (
    ("eng", "English", "English"),
    ("spa", "Spanish", "Español"),
    ("fra", "French", "Français"),
)
# (IETF code, ISO 639-1 code, English name, native name) of the localizations.
LOCALIZATION_LANGUAGES = (
    ("es-ES", "es", "Spanish", "Español"),
    ("de-DE", "de", "German", "Deutsch"),
    ("ja-JP", "ja", "Japanese", "日本語"),
)
PLAYER_COLORS = ("54bbff", "2949e5", "ff6600", "1e1e1e")


class CatalogError(Exception):
    """A request the API refuses: its status and JSON body (None: an empty body)."""

    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(status, message)
        self.status = status
        self.body: Record | None = None if message is None else {"error": message}


def dispatch(dataset: Dataset, parts: list[str], query: Query) -> Any:
    """The JSON body for ``/medias/<id>/<kind>`` or ``/stats/...``; raises CatalogError."""
    if parts == ["stats", "account", "by_date"]:
        start, end = _dates(query)
        return dataset.account_by_date(start, end) if start <= end else []
    if len(parts) == 3 and parts[:2] == ["stats", "projects"]:
        project = dataset.find_project(parts[2])
        if project is None:
            raise CatalogError(404, None)
        return dataset.project_stats(project)
    if len(parts) == 3 and parts[0] == "medias" and parts[2] in HANDLERS:
        media = dataset.find_media(parts[1])
        if media is None or media["hashed_id"] != parts[1]:
            raise CatalogError(404, f"Media with ID '{parts[1]}' not found.")
        return HANDLERS[parts[2]](media, query)
    raise CatalogError(404, f"No route for /modern/{'/'.join(parts)}")


# --------------------------------------------------------------------------- per media


def caption_languages(media: Record) -> list[tuple[str, str, str]]:
    """The languages the media has captions in; none for a third of the playable medias."""
    if media["type"] not in PLAYABLE_TYPES:
        return []
    count = _h("captions", media["hashed_id"]) % 3  # 0, 1 or 2 languages
    return list(CAPTION_LANGUAGES[:count])


def _captions(media: Record, query: Query) -> list[Record]:
    return [
        {
            "english_name": english,
            "native_name": native,
            "language": code,
            "text": f"1\n00:00:00,000 --> 00:00:04,000\n[{code}] {media['name']} "
            f"(as of {media['updated']})\n",
            "is_draft": _h("draft", media["hashed_id"], code) % 5 == 0,
            "id": f"{_h('caption-id', media['hashed_id'], code):016x}"[:10],
        }
        for code, english, native in caption_languages(media)
    ]


def localization_languages(media: Record) -> list[tuple[str, str, str, str]]:
    if media["type"] not in PLAYABLE_TYPES or _h("localized", media["hashed_id"]) % 4:
        return []
    return list(LOCALIZATION_LANGUAGES[: 1 + _h("locales", media["hashed_id"]) % 2])


def _localizations(media: Record, query: Query) -> list[Record]:
    created = parse_ts(media["created"])
    updated = parse_ts(media["updated"])
    with_transcript = (query.get("include_transcript") or ["false"])[0] == "true"
    out = []
    for n, (code, iso, english, native) in enumerate(localization_languages(media)):
        made = format_ts(created + timedelta(days=1 + n), 1)
        hashed = f"{_h('localization', media['hashed_id'], code):016x}"[:10]
        out.append(
            {
                "hashed_id": hashed,
                "language_code": code,
                "iso639_2_language_code": iso,
                "language_name": english,
                "native_language_name": native,
                "created_at": made,
                "updated_at": format_ts(max(updated, parse_ts(made)), 1),
                "ordered_at": made,
                "enabled_at": None if n else made,
                "enabled": n == 0,
                "source_media": {
                    "hashed_id": media["hashed_id"],
                    "name": media["name"],
                    "duration": media.get("duration") or 0.0,
                    "created_at": format_ts(created, 1),
                    "updated_at": format_ts(updated, 1),
                },
                "transcript": _transcript(hashed, english, native, made)
                if with_transcript
                else None,
            }
        )
    return out


def _transcript(hashed: str, english: str, native: str, made: str) -> Record:
    return {
        "hashed_id": f"t{hashed[1:]}",
        "language_name": english,
        "native_language_name": native,
        "text": f"({native})",
        "created_at": made,
        "updated_at": made,
    }


def password_of(media: Record) -> str | None:
    """The password of a password-protected media (one in seven); tests check it never
    reaches the tap's output."""
    if _h("password", media["hashed_id"]) % 7:
        return None
    return f"pw-{_h('secret', media['hashed_id']) % 10**8:08d}"


def _customizations(media: Record, query: Query) -> Record:
    h = _h("player", media["hashed_id"])
    has_captions = bool(caption_languages(media))
    settings: Record = {
        "playerColor": PLAYER_COLORS[h % len(PLAYER_COLORS)],
        "autoPlay": "true" if h % 5 == 0 else "false",
        "controlsVisibleOnLoad": "true",
        "endVideoBehavior": ("default", "reset", "loop")[h % 3],
        "fullscreenButton": "true",
        "playbar": "true",
        "volumeControl": "true",
        "seo": "true",
        "plugin": {"captions-v1": {"on": str(has_captions).lower(), "onByDefault": "false"}},
        "private": {"show_comments": "true" if h % 2 else "false"},
    }
    if h % 4 == 1:
        settings["plugin"]["chapters"] = {
            "on": "true",
            "visibleOnLoad": "false",
            "chapterList": [
                {"id": "1", "title": "Intro", "time": "0", "deleted": "false"},
                {"id": "2", "title": "Details", "time": "30", "deleted": "false"},
            ],
        }
    if h % 6 == 2:
        settings["plugin"]["postRoll-v1"] = {
            "on": "true",
            "text": "See pricing",
            "link": "https://example.com/pricing",
            "time": "end",
            "rewatch": "true",
            "autoSize": "true",
            "ctaType": "text",
            "style": {"backgroundColor": "#000000"},
            "conversionOpportunityKey": f"co_{h % 10**6:06d}",
        }
    password = password_of(media)
    if password is not None:
        settings["plugin"]["passwordProtectedVideo"] = {
            "on": "true",
            "src": "https://fast.wistia.com/assets/external/passwordProtectedVideo.js",
            "challenge": "Enter the password",
            "async": "false",
        }
        settings["private"]["password_protect_on"] = "true"
        settings["encrypted"] = {"password_protect_password": password}
    return settings


HANDLERS = {
    "captions": _captions,
    "localizations": _localizations,
    "customizations": _customizations,
}


# --------------------------------------------------------------------------- dates


def _dates(query: Query) -> tuple[date, date]:
    """Inclusive bounds; without them, yesterday and today (as the API documents)."""
    today = datetime.now(UTC).date()
    start = _date(query, "start_date") or today - timedelta(days=1)
    end = _date(query, "end_date") or today
    return start, end


def _date(query: Query, name: str) -> date | None:
    value = (query.get(name) or [None])[0]
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CatalogError(400, f"{name} must be a date (YYYY-MM-DD)") from None
