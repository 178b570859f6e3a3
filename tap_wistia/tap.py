"""tap-wistia: the Singer tap's entry point.

The tap itself is small: its settings are declared in `settings.schema` and checked in
`settings.validation`; its streams are declared in `streams` and listed in sync order by
`streams.registry`; what a run shares is built once into a `run.RunContext` handed to
every stream. Here: wiring those together, the sync's end, and the command line's
one-line errors.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import signal
import sys
import typing as t
from functools import cached_property
from pathlib import Path

import click
import simplejson
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from tap_wistia.http.errors import WistiaError
from tap_wistia.http.redaction import install_log_redaction, register_secret
from tap_wistia.http.workers import stop_all_workers
from tap_wistia.run import RunContext
from tap_wistia.sdk_logs import metrics_off_unless_configured, quiet_sdk_noise
from tap_wistia.sdk_private import Interrupted, SignalsInterrupt
from tap_wistia.settings.schema import SCHEMA
from tap_wistia.settings.validation import (
    check_settings,
    explain_missing_settings,
    hide_secret_values,
)
from tap_wistia.state import account
from tap_wistia.state.bookmarks import check_bookmarks, check_state_shape
from tap_wistia.state.catalog import UnknownScopeIds
from tap_wistia.state.planner import StreamAccess
from tap_wistia.streams.account import AccountLookupStream
from tap_wistia.streams.registry import OPTIONAL_STREAM_TYPES, STREAM_TYPES

if t.TYPE_CHECKING:
    from tap_wistia.http.budget import Clock
    from tap_wistia.streams.base import WistiaStream
    from tap_wistia.streams.medias import MediasStream


class TapWistia(SignalsInterrupt):
    """Singer tap for Wistia: the Data API v1, and the modern API's analytics, content catalog
    and webinars."""

    name = "tap-wistia"
    # A copy: the SDK adds its built-in settings to this dict; `SCHEMA` stays the tap's own.
    config_jsonschema = copy.deepcopy(SCHEMA)

    def __init__(self, *args: t.Any, clock: Clock | None = None, **kwargs: t.Any) -> None:
        """`clock`: the run's time (tests pass a virtual one); default: the system's."""
        check_state_shape(kwargs.get("state"))
        install_log_redaction()
        if isinstance(kwargs.get("config"), dict):
            register_secret(kwargs["config"].get("api_token"))
        self._clock = clock
        try:
            super().__init__(*args, **kwargs)
            run = self.run  # the SDK builds it while discovering streams; else here
        except ConfigValidationError as exc:
            # The SDK's messages quote the offending value: never for the token.
            config = kwargs.get("config") if isinstance(kwargs.get("config"), dict) else {}
            errors = explain_missing_settings(hide_secret_values(exc.errors, config or {}))
            raise ConfigValidationError(str(exc), errors=errors, schema=exc.schema) from None
        # Before any stream syncs: a bad bookmark must not fail (or silently stall) mid-run.
        check_bookmarks(self.state, self.streams, run.window.run_started)
        unknown = required_stream_errors(run.settings.required_streams)
        if unknown:
            raise ConfigValidationError(unknown[0], errors=unknown)

    @cached_property
    def run(self) -> RunContext:
        """Built on first use: the SDK discovers the streams inside its own `__init__`."""
        register_secret(self.config.get("api_token"))  # it may come from the environment
        settings, window = check_settings(
            self.config, dt.datetime.now(dt.UTC), lambda warning: self.logger.warning(warning)
        )
        streams = StreamAccess(
            list_projects=lambda: self.streams["projects"].request_records(None),
            list_medias=lambda: t.cast("MediasStream", self.streams["medias"]).list_all(),
            visitors_state=lambda: self.streams["visitors"].stream_state,
            is_selected=lambda name: self.streams[name].selected,
        )
        return RunContext.start(
            settings,
            window,
            streams,
            self.logger,
            read_account=self._read_account,
            clock=self._clock,
        )

    def _read_account(self) -> dict:
        # The raw object (`request_records`): post-processing would add the account's id.
        return next(iter(AccountLookupStream(self, self.run).request_records(None)))

    @override
    def load_state(self, state: dict[str, t.Any]) -> None:
        super().load_state(state)
        # The SDK keeps only the bookmarks: the account the state belongs to is ours.
        if account.STATE_KEY in state:
            self.state[account.STATE_KEY] = state[account.STATE_KEY]

    @override
    def discover_streams(self) -> list[WistiaStream]:
        discovered = [stream_type(tap=self, run=self.run) for stream_type in STREAM_TYPES]
        quiet_sdk_noise(stream.logger for stream in discovered)
        return discovered

    @override
    def load_streams(self) -> list[WistiaStream]:
        """Streams in `STREAM_TYPES` order (see `streams.registry`); the SDK would sort
        them by name."""
        return self.discover_streams()

    @override
    def sync_all(self) -> None:
        try:
            # The account first: one request, and a state of another account stops the run
            # before anything is read (`state.account`).
            self.run.account.claim_state(self.state, self.logger)
            self.run.planner.check_scope()
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
    @override
    def get_singer_command(cls) -> click.Command:
        # `cli` calls this once the SDK's console logging is set up.
        metrics_off_unless_configured()
        return super().get_singer_command()

    @classmethod
    @override
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        """The `--config` files, or one line and exit 1 if one is missing or not JSON."""
        try:
            return super().cb_config(ctx, param, value)
        except FileNotFoundError:
            missing = next((p for p in value if p != "ENV" and not Path(p).is_file()), "")
            cls.logger.error("--config: no file at '%s'.", missing)
        except (json.JSONDecodeError, simplejson.JSONDecodeError) as exc:
            cls.logger.error("--config: a file is not valid JSON: %s", exc)
        ctx.exit(1)

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


def required_stream_errors(required: frozenset[str]) -> list[str]:
    """`required_streams` names a stream a plan may lack; a typo would silently not apply."""
    optional = sorted(stream.name for stream in OPTIONAL_STREAM_TYPES)
    errors = []
    for name in sorted(required - set(optional)):
        close = difflib.get_close_matches(name, optional, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        errors.append(
            f"required_streams: '{name}' is not a stream a plan can lack; {hint}"
            f"one of: {', '.join(optional)}"
        )
    return errors
