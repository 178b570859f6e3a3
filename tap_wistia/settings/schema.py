"""The tap's settings, declared once: names, JSON types, defaults and descriptions.

This schema is the single source. The tap validates against it (`validation` adds the
checks a JSON schema cannot express), Meltano's setting entries (`meltano/`) and the
README's settings table are checked equal to it by `tests/test_readme.py`, and
`tap-wistia --about` prints it.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

DEFAULT_API_URL = "https://api.wistia.com/v1"
DEFAULT_API_VERSION = "2026-03"  # the release whose OpenAPI document the tests validate
PER_MEDIA_ALL, PER_MEDIA_ACTIVE = "all", "active"
SECRET_SETTINGS = ("api_token",)

SCHEMA: dict[str, t.Any] = th.PropertiesList(
    th.Property(
        "api_token",
        th.StringType(nullable=False),
        required=True,
        secret=True,
        title="API token",
        description="Wistia API token (Account > Settings > API Access), sent as "
        "`Authorization: Bearer`. Needs 'Read all data' for stats.",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description="Earliest data to extract. Default: now minus 2 years (Wistia keeps "
        "events for 2 years); older values are clamped with a warning.",
    ),
    th.Property(
        "end_date",
        th.DateTimeType,
        title="End date",
        description="Optional upper bound for bounded backfills. Default: now.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        title="API URL",
        description="Base URL of the Data API v1; tests and proxies point it elsewhere. "
        "Must be https unless the host is loopback.",
    ),
    th.Property(
        "media_ids",
        th.ArrayType(th.StringType),
        title="Media ids",
        description="Restrict per-media streams and events to these media hashed ids. "
        "Default: all medias.",
    ),
    th.Property(
        "project_ids",
        # JSON numbers too: numeric project ids are often written unquoted.
        th.ArrayType(th.CustomType({"type": ["string", "integer"]})),
        title="Project ids",
        description="Restrict projects, medias and everything per media to these projects "
        "(hashed or numeric ids). Default: all projects.",
    ),
    th.Property(
        "max_requests_per_minute",
        th.IntegerType,
        default=600,
        title="Max requests per minute",
        description="Client-side budget shared by every request of the run. Wistia allows "
        "600/min per account, shared by all its integrations.",
    ),
    th.Property(
        "max_concurrency",
        th.IntegerType,
        default=40,
        title="Max concurrency",
        description="Ceiling on requests in flight at once. Below it the tap keeps as many "
        "in flight as max_requests_per_minute can use at the latency it sees, fewer when "
        "the API slows down under load or answers 429. 1 = serial.",
    ),
    th.Property(
        "request_timeout",
        th.IntegerType,
        default=60,
        title="Request timeout",
        description="Per-request timeout in seconds (a full events page can take ~30 s).",
    ),
    th.Property(
        "max_retries",
        th.IntegerType,
        default=8,
        title="Max retries",
        description="Retries for 5xx / network errors / unparseable bodies before the run "
        "fails. 429s spend none: see max_rate_limit_wait_minutes.",
    ),
    th.Property(
        "max_rate_limit_wait_minutes",
        th.IntegerType,
        default=30,
        title="Max rate-limit wait minutes",
        description="Total time a run may pause for 429s (each pause as Retry-After asks, "
        "at most 10 min) before it fails.",
    ),
    th.Property(
        "events_lookback_days",
        th.IntegerType,
        default=0,
        title="Events lookback days",
        description="Extra UTC days of events to re-read before the bookmark's day, for "
        "sessions whose percent_viewed is still growing. Re-read events are emitted again "
        "(upsert on event_key).",
    ),
    th.Property(
        "complete_days_only",
        th.BooleanType,
        default=False,
        title="Complete days only",
        description="Never read past the last complete UTC day, so every day is read once "
        "it is closed.",
    ),
    th.Property(
        "visitors_full_refresh_days",
        th.IntegerType,
        default=7,
        title="Visitors full refresh days",
        description="Days between full visitor listings. In between, only visitors seen "
        "in new events are re-read; the full listing also catches visitors that change "
        "without a play. 0 = list every visitor on every run.",
    ),
    th.Property(
        "per_media_refresh",
        th.StringType,
        default=PER_MEDIA_ACTIVE,
        allowed_values=[PER_MEDIA_ALL, PER_MEDIA_ACTIVE],
        title="Per-media refresh",
        description="Which medias the per-media streams (stats and analytics) read each "
        "run: 'active' (medias with new events or edits since their last read, media_traffic "
        "only for months with events, plus each media on its turn every "
        "per_media_full_refresh_days; loads without a play then arrive late; captions, "
        "localizations and customizations: medias edited since their last read) or 'all' "
        "(every media and month, every run). See docs/requests.md.",
    ),
    th.Property(
        "per_media_full_refresh_days",
        th.IntegerType,
        default=7,
        title="Per-media full refresh days",
        description="With per_media_refresh 'active': every media is re-read once in this "
        "many days, on a day set by its id (so each run re-reads about 1/N of them). "
        "0 = every media every run.",
    ),
    th.Property(
        "api_version",
        th.StringType,
        default=DEFAULT_API_VERSION,
        title="API version",
        description="Release of Wistia's modern API the modern-API streams ask for, sent as "
        "`X-Wistia-API-Version` (without it Wistia answers with its newest release).",
    ),
    th.Property(
        "modern_api_url",
        th.StringType,
        title="Modern API URL",
        description="Base URL of the modern API (analytics, catalog streams). Default: api_url "
        "with its /v1 replaced by /modern.",
    ),
    th.Property(
        "analytics_required",
        th.BooleanType,
        default=False,
        title="Analytics required",
        description="Fail the run when the account or token cannot read analytics (403, "
        "or 404 on the family). Default: skip the analytics streams with one warning.",
    ),
    th.Property(
        "webinar_refresh_days",
        th.IntegerType,
        default=30,
        title="Webinar refresh days",
        description="A webinar's analytics (audience, registrations, traffic, histograms) "
        "are re-read every run until this many days after it ended, then once more and never "
        "again. See docs/webinars.md.",
    ),
    th.Property(
        "required_streams",
        th.ArrayType(th.StringType),
        title="Required streams",
        description="Streams (e.g. webinars, channels, captions) whose 403 or 404 fails the "
        "run. Default: a family of streams the plan lacks is skipped with one warning.",
    ),
).to_dict()

# Each setting's default as declared above (None where there is none).
DEFAULTS: dict[str, t.Any] = {
    name: prop.get("default") for name, prop in SCHEMA["properties"].items()
}
