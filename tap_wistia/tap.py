"""tap-wistia: settings, their validation, and the stream list."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
import typing as t
from functools import cached_property

import simplejson
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers import capabilities
from typing_extensions import override

from tap_wistia import media_streams, streams
from tap_wistia.analytics_streams import (
    ANALYTICS_STREAM_TYPES,
    DEFAULT_API_VERSION,
    analytics_settings_errors,
)
from tap_wistia.client import WistiaError
from tap_wistia.event_watchers import EventWatchers
from tap_wistia.events import EventsStream
from tap_wistia.media_activity import ACTIVE, ALL, MediaActivity
from tap_wistia.media_catalog import MediaCatalog, ProjectScope, UnknownScopeIds
from tap_wistia.prefetch import stop_all_workers
from tap_wistia.redaction import install_log_redaction, register_secret
from tap_wistia.retries import Retrier
from tap_wistia.scope import Scope, scope_of
from tap_wistia.sdk_logs import quiet_sdk_noise
from tap_wistia.sdk_private import Interrupted, SignalsInterrupt
from tap_wistia.settings import (
    DEFAULT_API_URL,
    api_url_errors,
    clean_token,
    hide_secret_values,
    token_errors,
    unknown_setting_warnings,
    value_errors,
)
from tap_wistia.state_checks import check_bookmarks
from tap_wistia.throttle import Throttle
from tap_wistia.timeutil import RETENTION_DAYS, parse_timestamp, start_of_day
from tap_wistia.visitor_refresh import ChangedVisitors

# Synced in this order (see `load_streams`).
STREAM_TYPES = (
    streams.ProjectsStream,
    media_streams.MediasStream,
    # Events before the per-media streams and visitors: both plan their requests from the
    # events just read (`media_activity`, `visitor_refresh`).
    EventsStream,
    media_streams.MediaStatsStream,
    media_streams.MediaEngagementStream,
    media_streams.MediaDailyStatsStream,
    streams.VisitorsStream,
    # The modern API's analytics, per media like the stats streams.
    *ANALYTICS_STREAM_TYPES,
)


class TapWistia(SignalsInterrupt):
    """Singer tap for the Wistia Data API v1."""

    name = "tap-wistia"

    config_jsonschema = th.PropertiesList(
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
            default=8,
            title="Max concurrency",
            description="Requests in flight at once (event day windows, per-media calls, "
            "visitor lookups), all within max_requests_per_minute. 1 = serial.",
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
            default=ALL,
            allowed_values=[ALL, ACTIVE],
            title="Per-media refresh",
            description="Which medias media_stats, media_engagement and media_daily_stats "
            "re-read each run: 'all', or 'active' (only medias with new events or changes "
            "since their last refresh, plus every media every per_media_full_refresh_days; "
            "loads without a play then arrive late).",
        ),
        th.Property(
            "per_media_full_refresh_days",
            th.IntegerType,
            default=7,
            title="Per-media full refresh days",
            description="With per_media_refresh 'active': days between refreshes of every "
            "media. 0 = every run.",
        ),
        th.Property(
            "api_version",
            th.StringType,
            default=DEFAULT_API_VERSION,
            title="API version",
            description="Release of Wistia's modern API the analytics streams ask for, sent as "
            "`X-Wistia-API-Version` (without it Wistia answers with its newest release).",
        ),
        th.Property(
            "modern_api_url",
            th.StringType,
            title="Modern API URL",
            description="Base URL of the modern API (analytics streams). Default: api_url "
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
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        _check_state_shape(kwargs.get("state"))
        install_log_redaction()
        if isinstance(kwargs.get("config"), dict):
            register_secret(kwargs["config"].get("api_token"))
        try:
            super().__init__(*args, **kwargs)
        except ConfigValidationError as exc:
            # The SDK's messages quote the offending value: never for the token.
            config = kwargs.get("config") if isinstance(kwargs.get("config"), dict) else {}
            raise ConfigValidationError(
                str(exc), errors=hide_secret_values(exc.errors, config or {}), schema=exc.schema
            ) from None
        register_secret(self.config.get("api_token"))  # it may come from the environment
        self._check_settings()
        # Before any stream syncs: a bad bookmark must not fail (or silently stall) mid-run.
        check_bookmarks(self.state, self.streams, self.run_started)

    # --- settings ------------------------------------------------------------------

    def _check_settings(self) -> None:
        config = self.config
        defaults = {
            name: prop.get("default") for name, prop in self.config_jsonschema["properties"].items()
        }
        errors = token_errors(config.get("api_token")) + value_errors(config, defaults)
        for warning in unknown_setting_warnings(config, known_settings()):
            self.logger.warning("%s", warning)
        if config.get("per_media_refresh", ALL) not in (ALL, ACTIVE):
            errors.append(
                f"per_media_refresh: must be '{ALL}' or '{ACTIVE}', "
                f"got {config.get('per_media_refresh')!r}"
            )
        if config.get("modern_api_url"):
            errors += ["modern_" + error for error in api_url_errors(config["modern_api_url"])]
        errors += analytics_settings_errors({"api_url": DEFAULT_API_URL, **config})
        if not errors and self.extraction_start > self.extraction_end:
            errors.append(
                f"start_date: {self.extraction_start.isoformat()} is after end_date "
                f"{self.extraction_end.isoformat()}"
            )
        if errors:
            raise ConfigValidationError("tap-wistia settings are invalid", errors=errors)

    @cached_property
    def run_started(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    @cached_property
    def snapshot_date(self) -> str:
        """The UTC day media snapshots are stamped with (a rerun that day replaces them)."""
        return self.run_started.date().isoformat()

    @cached_property
    def extraction_start(self) -> dt.datetime:
        earliest = start_of_day(self.run_started.date() - dt.timedelta(days=RETENTION_DAYS))
        configured = self.config.get("start_date")
        if not configured:
            return earliest
        start = parse_timestamp(configured)
        if start < earliest:
            self.logger.warning(
                "start_date %s is older than Wistia's 2-year event retention; using %s.",
                configured,
                earliest.isoformat(),
            )
            return earliest
        return start

    @cached_property
    def extraction_end(self) -> dt.datetime:
        """The instant reading stops at (with complete_days_only: today's midnight, exclusive)."""
        end = self.run_started
        if self.config.get("end_date"):
            end = min(end, parse_timestamp(self.config["end_date"]))
        if self.config.get("complete_days_only"):
            end = min(end, start_of_day(self.run_started.date()))
        return end

    @cached_property
    def last_day(self) -> dt.date:
        """The last UTC day to read (events windows, daily stats)."""
        if self.config.get("complete_days_only"):
            return (self.extraction_end - dt.timedelta(microseconds=1)).date()
        return self.extraction_end.date()

    @cached_property
    def api_token(self) -> str:
        return clean_token(self.config["api_token"])

    @cached_property
    def max_concurrency(self) -> int:
        return int(self.config["max_concurrency"])

    @cached_property
    def project_ids(self) -> set[str]:
        return {str(p) for p in self.config.get("project_ids") or []}

    @cached_property
    def scope(self) -> Scope:
        """What incremental bookmarks are recorded under (see `scope`)."""
        return scope_of(self.config)

    # --- run-scoped shared objects -------------------------------------------------

    @cached_property
    def throttle(self) -> Throttle:
        return Throttle(int(self.config["max_requests_per_minute"]))

    @cached_property
    def retrier(self) -> Retrier:
        return Retrier(
            self.throttle,
            self.logger,
            max_retries=int(self.config["max_retries"]),
            rate_limit_budget_seconds=60.0 * int(self.config["max_rate_limit_wait_minutes"]),
            api_url=self.config["api_url"],
        )

    @cached_property
    def project_scope(self) -> ProjectScope:
        projects = self.streams["projects"]
        return ProjectScope(self.project_ids, lambda: projects.request_records(None))

    @cached_property
    def media_catalog(self) -> MediaCatalog:
        medias = t.cast("media_streams.MediasStream", self.streams["medias"])
        return MediaCatalog(medias.list_all, wanted_ids=self.config.get("media_ids"))

    @cached_property
    def changed_visitors(self) -> ChangedVisitors:
        """Visitors seen in this run's new events (see `visitor_refresh`)."""
        visitors, events = self.streams["visitors"], self.streams["events"]
        scoped = bool(self.config.get("media_ids") or self.project_ids)
        return ChangedVisitors(
            visitors.stream_state,
            enabled=visitors.selected and events.selected and not scoped,
            now=self.run_started,
            full_listing_every=dt.timedelta(days=int(self.config["visitors_full_refresh_days"])),
        )

    @cached_property
    def media_activity(self) -> MediaActivity:
        """Medias with new events this run (see `media_activity`)."""
        return MediaActivity(enabled=self.config.get("per_media_refresh") == ACTIVE)

    @cached_property
    def event_watchers(self) -> EventWatchers:
        return EventWatchers(self.changed_visitors, self.media_activity)

    def discover_streams(self) -> list[streams.WistiaStream]:
        discovered = [stream_type(tap=self) for stream_type in STREAM_TYPES]
        quiet_sdk_noise(stream.logger for stream in discovered)
        return discovered

    def load_streams(self) -> list[streams.WistiaStream]:
        """Streams in `STREAM_TYPES` order; the SDK would sort them by name.

        Order saves requests: `medias` fills the media catalog before the per-media
        streams need it, and events are read before the per-media streams and visitors
        decide from them what to refresh.
        """
        return self.discover_streams()

    @override
    def sync_all(self) -> None:
        try:
            super().sync_all()
        except Interrupted:
            # Streams change their state only once what it covers has been emitted (events
            # in one `dict.update`), so the state as it is now is complete: emit it last.
            self.state_writer.write_state(self.state)
            raise
        finally:
            # Whatever ended the sync (success, an API error, a signal), no worker thread
            # outlives it: a generator abandoned on an error path is never closed.
            stop_all_workers()

    # --- command line --------------------------------------------------------------

    @classmethod
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        """Run the CLI; known failures end with one clear line and exit code 1."""
        try:
            super().invoke(*args, **kwargs)
        except Interrupted as exc:
            cls.logger.error(
                "Interrupted by %s: stopped after emitting the last complete STATE; the next "
                "run resumes from it.",
                signal.Signals(exc.signum).name,
            )
            sys.exit(128 + exc.signum)
        except (WistiaError, UnknownScopeIds) as exc:
            cls.logger.error("%s", exc)
            sys.exit(1)
        except (json.JSONDecodeError, simplejson.JSONDecodeError) as exc:
            cls.logger.error("The state or catalog file is not valid JSON: %s", exc)
            sys.exit(1)


def known_settings() -> set[str]:
    """The tap's settings and the SDK's standard ones (stream maps, flattening, batch)."""
    names = set(TapWistia.config_jsonschema["properties"])
    for config in (
        capabilities.STREAM_MAPS_CONFIG,
        capabilities.FLATTENING_CONFIG,
        capabilities.BATCH_CONFIG,
    ):
        names |= set(config["properties"])
    return names


class StateError(WistiaError):
    """A state file that cannot be a Singer state; resuming from it could lose data."""


def _check_state_shape(state: object) -> None:
    if state is None or state == {}:
        return
    problem = None
    if not isinstance(state, dict):
        problem = f"the state is a JSON {type(state).__name__}, not an object"
    elif not isinstance(state.get("bookmarks", {}), dict):
        problem = "'bookmarks' is not an object"
    else:
        for stream, bookmark in state.get("bookmarks", {}).items():
            if not isinstance(bookmark, dict):
                problem = f"the bookmark of '{stream}' is not an object"
                break
    if problem:
        raise StateError(
            f"The state has the wrong shape ({problem}). Expected "
            '{"bookmarks": {"<stream>": {...}}}; fix it, or clear it to start over.'
        )
