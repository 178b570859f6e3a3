"""Schemas of the media catalog streams (captions, localizations, customizations) and the
account and project statistics, field for field from the 2026-03 OpenAPI document.

As in `schemas_analytics`, every spec field is nullable here (the live API sends null where
the spec promises a value) except the key fields; each per-media record gains its media's
`media_id`, each project snapshot its `project_id` and `snapshot_date`, each monthly summary
its `period`. `tests/test_schemas.py` walks the document and fails on a field missing here.

Two spec fields are left out on purpose: a caption's `cursor` (paging metadata, and the
per-media list does not page) and the customizations' `encrypted` object, which holds the
media's viewing password in clear: a secret never goes to the warehouse. The nested player
settings (`plugin`, `private`) are declared as objects without properties: kept whole, as
JSON, since plugin names (`postRoll-v1`) make poor column names and vary by plugin.
"""

from __future__ import annotations

from singer_sdk import typing as th

from tap_wistia.streams.schemas_analytics import METRICS
from tap_wistia.streams.schemas_v1 import key_property

_SNAPSHOT_DATE = th.Property(
    "snapshot_date",
    th.DateType(nullable=False),
    required=True,
    description="UTC day of extraction: the figures are all-time totals as of that day.",
)

CAPTION = th.PropertiesList(
    key_property("id"),
    key_property("media_id"),
    th.Property("language", th.StringType, description="ISO 639-2 code (3 letters)."),
    th.Property("english_name", th.StringType),
    th.Property("native_name", th.StringType),
    th.Property("text", th.StringType, description="The captions in SRT format."),
    th.Property("is_draft", th.BooleanType),
).to_dict()

_TIMESTAMPS = (
    th.Property("created_at", th.DateTimeType),
    th.Property("updated_at", th.DateTimeType),
)

LOCALIZATION = th.PropertiesList(
    key_property("hashed_id"),
    key_property("media_id"),
    th.Property("language_code", th.StringType, description="IETF language tag."),
    th.Property("iso639_2_language_code", th.StringType),
    th.Property("language_name", th.StringType),
    th.Property("native_language_name", th.StringType),
    *_TIMESTAMPS,
    th.Property("ordered_at", th.DateTimeType),
    th.Property("enabled_at", th.DateTimeType),
    th.Property("enabled", th.BooleanType),
    th.Property(
        "source_media",
        th.ObjectType(
            th.Property("hashed_id", th.StringType),
            th.Property("name", th.StringType),
            th.Property("duration", th.NumberType),
            *_TIMESTAMPS,
        ),
    ),
    th.Property(
        "transcript",
        th.ObjectType(
            th.Property("hashed_id", th.StringType),
            th.Property("language_name", th.StringType),
            th.Property("native_language_name", th.StringType),
            th.Property("text", th.StringType),
            *_TIMESTAMPS,
        ),
        description="Not asked for (include_transcript): the captions stream has the texts.",
    ),
).to_dict()


def _strings(*names: str) -> list[th.Property]:
    """String properties, named one by one or in space-separated runs."""
    return [th.Property(name, th.StringType) for run in names for name in run.split()]


# An object kept whole: one JSON column, which the SDK's flattening does not split.
_JSON_OBJECT = th.CustomType({"type": ["object", "null"]})

# Player settings: Wistia answers every value as a string ("true", "54bbff", "10"); the
# flat settings are columns, the nested ones JSON.
CUSTOMIZATIONS = th.PropertiesList(
    key_property("media_id"),
    *_strings(
        "playerColor stillUrl autoPlay bpbTime controlsVisibleOnLoad endVideoBehavior "
        "fullscreenButton branding playbar playButton settingsControl showCustomerLogo "
        "qualityControl playbackRateControl smallPlayButton spherical volumeControl "
        "copyLinkAndThumbnailEnabled doNotTrack email fitStrategy "
        "fullscreenOnRotateToLandscape muted playlistLinks playlistLoop playsinline "
        "playPauseNotifier playSuspendedOffScreen preload qualityMax qualityMin resumable "
        "seo silentAutoPlay time thumbnailAltText videoFoam volume wmode keyMoments "
    ),
    th.Property(
        "plugin",
        _JSON_OBJECT,
        description="Player plugins (chapters, captions-v1, postRoll-v1, ...) and their "
        "settings, kept whole as JSON: their names and fields vary by plugin.",
    ),
    th.Property(
        "private",
        _JSON_OBJECT,
        description="Private settings (password_protect_on, show_comments), as JSON.",
    ),
).to_dict()

_TOTALS = (
    th.Property("load_count", th.IntegerType),
    th.Property("play_count", th.IntegerType),
    th.Property("hours_watched", th.NumberType),
)

ACCOUNT_DAILY_STATS = th.PropertiesList(
    th.Property("date", th.DateType(nullable=False), required=True, description="UTC day."),
    *_TOTALS,
).to_dict()

PROJECT_STATS = th.PropertiesList(
    key_property("project_id"),
    _SNAPSHOT_DATE,
    *_TOTALS,
    th.Property("number_of_videos", th.IntegerType, description="Deprecated by Wistia."),
).to_dict()

MEDIA_ANALYTICS_SUMMARY = th.PropertiesList(
    key_property("media_id"),
    th.Property(
        "period",
        th.StringType(nullable=False),
        required=True,
        description="The account-local calendar month the figures cover, YYYY-MM.",
    ),
    th.Property("period_start", th.DateType, description="First day read (inclusive)."),
    th.Property("period_end", th.DateType, description="Day after the last day read."),
    *METRICS,
).to_dict()
