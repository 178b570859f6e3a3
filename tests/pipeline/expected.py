"""What the warehouse should contain, computed independently from the fake API's data."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from app.exports import neutralise
from wistia_sandbox import Dataset, parse_ts

VIEW_COLUMNS = [
    "Date",
    "IP",
    "Country",
    "Region",
    "City",
    "Latitude",
    "Longitude",
    "Organization",
    "Employment Organization",
    "Title",
    "Email",
    "Name",
    "Tagline",
    "Gender",
    "Twitter Handle",
    "LinkedIn Handle",
    "Facebook Handle",
    "Percent Viewed",
    "Embed URL",
    "Links Clicked",
    "Browser",
    "Browser Version",
    "Platform",
    "Device",
]

# Flattened columns of each stream (the tap flattens nested objects with `__`).
STREAM_COLUMNS = {
    "projects": [
        "id", "hashedId", "name", "description", "mediaCount", "created", "updated", "public",
        "publicId", "anonymousCanUpload", "anonymousCanDownload", "_sdc_deleted_at",
    ],
    "medias": [
        "hashed_id", "id", "name", "type", "archived", "protected", "created", "updated",
        "duration", "description", "progress", "status", "section", "embedCode",
        "thumbnail__url", "thumbnail__width", "thumbnail__height", "project__id",
        "project__name", "project__hashedId", "assets", "subfolder__hashed_id",
        "subfolder__name", "subfolder__description", "subfolder__position",
        "subfolder__created", "subfolder__updated", "tags", "_sdc_deleted_at",
    ],
    "media_stats": [
        "media_id", "snapshot_date", "load_count", "play_count", "play_rate", "hours_watched",
        "engagement", "visitors", "actions",
    ],
    "media_engagement": [
        "media_id", "snapshot_date", "duration", "engagement", "engagement_data", "rewatch_data",
    ],
    "media_daily_stats": ["media_id", "date", "load_count", "play_count", "hours_watched"],
    "visitors": [
        "visitor_key", "created_at", "last_active_at", "last_event_key", "identifying_event_key",
        "load_count", "play_count", "visitor_identity__name", "visitor_identity__email",
        "visitor_identity__org__name", "visitor_identity__org__title",
        "user_agent_details__browser", "user_agent_details__browser_version",
        "user_agent_details__platform", "user_agent_details__mobile",
    ],
    "events": [
        "event_key", "received_at", "visitor_key", "media_id", "media_name", "media_url",
        "embed_url", "percent_viewed", "ip", "org", "country", "region", "city", "lat", "lon",
        "email", "iframe_heatmap_url", "thumbnail__url", "thumbnail__width",
        "thumbnail__height", "thumbnail__fileSize", "thumbnail__contentType",
        "thumbnail__type", "conversion_type", "conversion_data__email",
        "conversion_data__first_name", "conversion_data__last_name",
        "conversion_data__is_new_lead", "user_agent_details__browser",
        "user_agent_details__browser_version", "user_agent_details__platform",
        "user_agent_details__mobile",
    ],
    "media_analytics_daily": [
        "media_id", "date", "timestamp", "unique_loads", "unique_plays", "plays", "play_rate",
        "played_time", "unique_visitors", "engagement_rate", "cta_impressions",
        "cta_conversions", "cta_conversion_rate", "form_conversions",
    ],
    "media_traffic": [
        "media_id", "dimension", "value", "period", "period_start", "period_end",
        "utm_campaign", "utm_source", "utm_medium", "referrer_domain", "viewer_screen_size",
        "loads", "plays", "engagement_rate",
    ],
    "media_conversions": ["media_id", "email", "converted_at", "first_name", "last_name"],
    "media_embed_locations": [
        "media_id", "snapshot_date", "embed_url", "embed_domain", "embed_path", "page_title",
        "loads", "plays", "play_rate", "played_time", "engagement_rate", "unique_visitors",
        "cta_conversion_rate",
    ],
    "media_languages": [
        "media_id", "snapshot_date", "language", "plays", "percent_of_total_plays",
        "captions_support",
    ],
    "account": [
        "id", "name", "url", "media_count", "video_limit", "folder_count", "channel_count",
    ],
    "folders": [
        "hashed_id", "id", "name", "description", "media_count", "medias__id", "medias__name",
        "medias__type", "medias__archived", "medias__created", "medias__updated",
        "medias__duration", "medias__embedCode", "medias__hashed_id", "medias__description",
        "medias__progress", "medias__status", "medias__section", "medias__thumbnail__url",
        "medias__thumbnail__width", "medias__thumbnail__height", "created", "updated", "public",
        "public_id", "anonymous_can_upload", "anonymous_can_download",
    ],
    "subfolders": [
        "hashed_id", "folder_hashed_id", "name", "description", "position", "created", "updated",
    ],
    "folder_sharings": [
        "id", "folder_hashed_id", "is_admin", "can_share", "can_download", "can_upload",
        "share__id", "share__name", "share__type", "share__email", "folder__id", "folder__name",
    ],
    "tags": ["name", "taggingsCount", "created", "updated", "_sdc_deleted_at"],
    "channels": [
        "hashed_id", "id", "name", "description", "media_count", "created", "updated",
        "_sdc_deleted_at",
    ],
    "channel_episodes": [
        "hashed_id", "channel_hashed_id", "media_hashed_id", "title", "description", "summary",
        "published", "publish_at", "created", "updated",
    ],
    "allowed_domains": ["domain", "created_at"],
    "webinars": [
        "id", "title", "description", "scheduled_for", "event_duration",
        "lifecycle_status", "registration_status", "created_at", "updated_at",
        "audience_link", "host_link", "panelist_link", "_sdc_deleted_at"
    ],
    "webinar_analytics": [
        "webinar_id", "registrations", "imported_registrations",
        "on_demand_registrations", "imported_on_demand_registrations",
        "total_watch_time", "average_watch_time", "attendance", "chatted_attendees",
        "engagement_rate", "chats", "currently_watching", "engaged_attendees",
        "impressions", "on_demand_impressions", "on_demand_plays",
        "on_demand_engagement_rate", "event_time", "qa_questions", "poll_questions"
    ],
    "webinar_audience": [
        "webinar_id", "email", "first_name", "last_name", "phone_number", "company",
        "job_title", "country", "registered_at", "attended_at", "attendance_status",
        "restriction_status", "origin_method", "utm_campaign", "utm_source",
        "utm_medium", "referrer_domain", "ip_country", "ip_city", "engagement_rate",
        "focused_rate", "played_time", "focused_played_time", "chat_count",
        "annotation_click_count", "poll_responses_count", "attendee_histogram",
        "focused_attendee_histogram", "chats"
    ],
    "webinar_registrations": [
        "webinar_id", "timestamp", "registrations", "impressions",
        "on_demand_registrations", "on_demand_impressions", "completion_rate",
        "on_demand_completion_rate"
    ],
    "webinar_traffic": [
        "webinar_id", "dimension", "value", "utm_campaign", "utm_source", "utm_medium",
        "referrer_domain", "registrations", "attendees", "impressions"
    ],
    "webinar_histograms": [
        "webinar_id", "attendees_histogram", "chat_histogram",
        "visual_focus_played_histogram"
    ],
    "captions": ["id", "media_id", "language", "english_name", "native_name", "text", "is_draft"],
    "localizations": [
        "hashed_id", "media_id", "language_code", "iso639_2_language_code", "language_name",
        "native_language_name", "created_at", "updated_at", "ordered_at", "enabled_at",
        "enabled", "source_media__hashed_id", "source_media__name", "source_media__duration",
        "source_media__created_at", "source_media__updated_at", "transcript__hashed_id",
        "transcript__language_name", "transcript__native_language_name", "transcript__text",
        "transcript__created_at", "transcript__updated_at",
    ],
    "customizations": [
        "media_id", "playerColor", "stillUrl", "autoPlay", "bpbTime", "controlsVisibleOnLoad",
        "endVideoBehavior", "fullscreenButton", "branding", "playbar", "playButton",
        "settingsControl", "showCustomerLogo", "qualityControl", "playbackRateControl",
        "smallPlayButton", "spherical", "volumeControl", "copyLinkAndThumbnailEnabled",
        "doNotTrack", "email", "fitStrategy", "fullscreenOnRotateToLandscape", "muted",
        "playlistLinks", "playlistLoop", "playsinline", "playPauseNotifier",
        "playSuspendedOffScreen", "preload", "qualityMax", "qualityMin", "resumable", "seo",
        "silentAutoPlay", "time", "thumbnailAltText", "videoFoam", "volume", "wmode",
        "keyMoments", "plugin", "private",
    ],
    "account_daily_stats": ["date", "load_count", "play_count", "hours_watched"],
    "project_stats": [
        "project_id", "snapshot_date", "load_count", "play_count", "hours_watched",
        "number_of_videos",
    ],
    "media_analytics_summary": [
        "media_id", "period", "period_start", "period_end", "unique_loads", "unique_plays",
        "plays", "play_rate", "played_time", "unique_visitors", "engagement_rate",
        "cta_impressions", "cta_conversions", "cta_conversion_rate", "form_conversions",
    ],
}  # fmt: skip
# The base stream adds `extra_fields` (fields the schema does not declare, one JSON column)
# last to every stream (tap_wistia/streams/extra_fields.py), and `account_id` (the account
# the record came from) first (tap_wistia/streams/base.py).
for _columns in STREAM_COLUMNS.values():
    _columns.insert(0, "account_id")
    _columns.append("extra_fields")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text or None


def _utc_naive(value: str) -> dt.datetime:
    return parse_ts(value).astimezone(dt.UTC).replace(tzinfo=None)


def links_clicked(conversion_type: str | None, captured_email: bool) -> str | None:
    """Names are kept; Wistia's undocumented numeric codes are labelled, not guessed."""
    if conversion_type is None:
        return "conversion" if captured_email else None
    if not conversion_type.isdigit():
        return conversion_type
    kind = "email-gate" if captured_email else "conversion"
    return f"{kind} (code {conversion_type})"


def expected_view(event: dict, visitor: dict | None) -> tuple:
    """One wistia_views row for an API event and its visitor, by the documented mapping."""
    identity = (visitor or {}).get("visitor_identity") or {}
    org = identity.get("org") or {}
    conversion = event.get("conversion_data") or {}
    event_ua = event.get("user_agent_details") or {}
    ua = (
        event_ua
        if _text(event_ua.get("browser"))
        else (visitor or {}).get("user_agent_details") or {}
    )
    name = _text(identity.get("name"))
    if name is None:
        full = f"{conversion.get('first_name') or ''} {conversion.get('last_name') or ''}".strip()
        name = full or None
    links = links_clicked(_text(event.get("conversion_type")), bool(_text(conversion.get("email"))))
    mobile = ua.get("mobile")
    return (
        _utc_naive(event["received_at"]),
        _text(event.get("ip")),
        _text(event.get("country")),
        _text(event.get("region")),
        _text(event.get("city")),
        event.get("lat"),
        event.get("lon"),
        _text(event.get("org")),
        _text(org.get("name")),
        _text(org.get("title")),
        _text(event.get("email")) or _text(identity.get("email")) or _text(conversion.get("email")),
        name,
        None,
        None,
        None,
        None,
        None,
        event.get("percent_viewed"),
        _text(event.get("embed_url")),
        links,
        _text(ua.get("browser")),
        _text(ua.get("browser_version")),
        _text(ua.get("platform")),
        None if mobile is None else ("Mobile" if mobile else "Desktop"),
    )


def expected_views(dataset: Dataset) -> list[tuple]:
    return [expected_view(e, dataset.find_visitor(e["visitor_key"])) for e in dataset.events]


def sort_key(row: tuple) -> tuple:
    return tuple((v is None, str(v)) for v in row)


def normalise_row(row: tuple) -> tuple:
    """Database values -> comparable Python values (timestamps naive UTC, floats as float)."""
    out = []
    for value in row:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        elif hasattr(value, "as_integer_ratio") and not isinstance(value, int | bool):
            value = float(value)
        out.append(value)
    return tuple(out)


def expected_chunks(viewers: list[float], rewatch: list[float], k: int = 20) -> list[dict]:
    """Chunk the engagement graph exactly like media_engagement_chunks (overlap-weighted)."""
    n = len(viewers)
    chunks: list[dict] = []
    for c in range(k):
        lo_c, hi_c = c / k, (c + 1) / k
        weight = views = rewatches = 0.0
        for i in range(n):
            overlap = min((i + 1) / n, hi_c) - max(i / n, lo_c)
            if overlap > 0:
                weight += overlap
                views += viewers[i] * overlap
                rewatches += rewatch[i] * overlap
        if weight > 0:
            chunks.append(
                {"chunk_index": c, "avg_viewers": views / weight, "avg_rewatch": rewatches / weight}
            )
    first = chunks[0]["avg_viewers"] if chunks else 0
    for chunk in chunks:
        chunk["retention_pct"] = 100 * chunk["avg_viewers"] / first if first > 0 else None
    return chunks


def csv_cell(value: Any) -> str:
    """How the CSV exports write a database value: UTC 'YYYY-MM-DD HH:MM:SS', NULL empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def spreadsheet_safe(cell: str) -> str:
    """OWASP CSV injection: a cell a spreadsheet would run as a formula gets a leading '.
    The app's rule (tests/app/test_exports.py checks the dbt exports apply the same)."""
    return neutralise(cell)


def expected_csv_rows(dataset: Dataset) -> list[tuple[str, ...]]:
    """The 24-column export's data rows as CSV cells, one per event of the API."""
    return [tuple(spreadsheet_safe(csv_cell(v)) for v in row) for row in expected_views(dataset)]


DETAILED_COLUMNS = ["Account ID", "Media ID", "Media Name", "Project", "Event Key", *VIEW_COLUMNS]


def media_file_name(name: str | None, hashed_id: str) -> str:
    """views_by_media/<media name slug>-<hashed id>.csv: accents dropped, [a-z0-9-] only."""
    decomposed = unicodedata.normalize("NFKD", (name or "").lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-") or "media"
    return f"{slug}-{hashed_id}.csv"
