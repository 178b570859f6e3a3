"""What the media catalog and account statistics streams must emit on a first run over a
sandbox dataset, computed from its medias, projects and days (media_analytics_summary's keys
are with the analytics streams', in `analytics_expected`)."""

from __future__ import annotations

import datetime as dt

from wistia_sandbox import Dataset
from wistia_sandbox.media_catalog import caption_languages, localization_languages


def expected_media_catalog_counts(
    data: Dataset, first: dt.date, last_day: dt.date
) -> dict[str, int]:
    return {
        "captions": sum(len(caption_languages(m)) for m in data.medias),
        "localizations": sum(len(localization_languages(m)) for m in data.medias),
        "customizations": len(data.medias),
        "account_daily_stats": (last_day - first).days + 1,
        "project_stats": len(data.projects),
    }  # media_analytics_summary: with the analytics streams (analytics_expected)
