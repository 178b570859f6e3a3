"""What the media catalog and account statistics streams must emit on a first run over a
sandbox dataset, computed from its medias, projects and events."""

from __future__ import annotations

import datetime as dt

from tests.analytics_expected import local_day
from wistia_sandbox import Dataset
from wistia_sandbox.media_catalog import caption_languages, localization_languages
from wistia_sandbox.record_basics import parse_ts


def summary_keys(data: Dataset, first: dt.date, last_day: dt.date) -> set[tuple[str, str]]:
    """(media, account-local month) of the events in a first run's window: received since
    `first` (UTC) and on an account-local day from `first` to `last_day`."""
    return {
        (e["media_id"], local_day(e).strftime("%Y-%m"))
        for e in data.events
        if parse_ts(e["received_at"]).date() >= first and first <= local_day(e) <= last_day
    }


def expected_catalog_counts(data: Dataset, first: dt.date, last_day: dt.date) -> dict[str, int]:
    return {
        "captions": sum(len(caption_languages(m)) for m in data.medias),
        "localizations": sum(len(localization_languages(m)) for m in data.medias),
        "customizations": len(data.medias),
        "account_daily_stats": (last_day - first).days + 1,
        "project_stats": len(data.projects),
        "media_analytics_summary": len(summary_keys(data, first, last_day)),
    }
