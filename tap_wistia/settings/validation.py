"""The settings checked once, at start, into the frozen `Settings` every part of a run reads.

The JSON schema (`schema`) checks types and allowed values; this module checks what a
schema cannot express (date formats, integer ranges, URLs, the token's characters, the
API release, start before end) and reports every problem at once, with errors a person
can act on. No error or warning here ever shows the value of a secret setting.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import re
import typing as t
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers import capabilities

from tap_wistia.http.redaction import MIN_SECRET_LENGTH
from tap_wistia.settings.schema import (
    DEFAULT_API_URL,
    DEFAULT_API_VERSION,
    DEFAULTS,
    PER_MEDIA_ACTIVE,
    SCHEMA,
    SECRET_SETTINGS,
)
from tap_wistia.settings.window import RunWindow
from tap_wistia.timeutil import parse_timestamp

# Inclusive bounds. Beyond them a value is a typo, not a choice (a 10**12 s timeout
# overflows the socket layer), so it is refused rather than clamped.
INTEGER_BOUNDS: dict[str, tuple[int, int]] = {
    "max_requests_per_minute": (1, 1_000_000),
    "max_concurrency": (1, 128),
    "request_timeout": (1, 3600),
    "max_retries": (0, 100),
    "events_lookback_days": (0, 730),
    "max_rate_limit_wait_minutes": (0, 24 * 60),
    "visitors_full_refresh_days": (0, 730),
    "per_media_full_refresh_days": (0, 730),
    "webinar_refresh_days": (0, 3650),
}
# A token is printable ASCII without spaces: anything else cannot go in an HTTP header.
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")


def clean_token(token: str) -> str:
    """The token without surrounding whitespace (a file read gives a trailing newline)."""
    return token.strip()


# What to set, where a token can come from: the environment, or Meltano's .env.
SET_TOKEN = (
    "set it to your Wistia API token (Account Settings > API Access): under Meltano, "
    "meltano config set --store=dotenv tap-wistia api_token <your token>; directly, "
    "api_token in the --config file, or TAP_WISTIA_API_TOKEN with --config ENV"
)


def token_errors(token: object) -> list[str]:
    if not isinstance(token, str):
        return []  # the JSON-type check reports it (see `hide_secret_values`)
    cleaned = clean_token(token)
    if not cleaned:
        return [f"api_token: is empty; {SET_TOKEN}"]
    if not _TOKEN_CHARS.fullmatch(cleaned):
        position = next(i for i, c in enumerate(cleaned) if not _TOKEN_CHARS.fullmatch(c))
        return [
            f"api_token: contains a control, space or non-ASCII character at position "
            f"{position + 1} (value not shown: it is secret); copy the token again from "
            "Account > Settings > API Access"
        ]
    return []


def value_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    """Errors for dates, integer ranges and the two API URLs."""
    errors = []
    for name in ("start_date", "end_date"):
        if config.get(name):
            try:
                parse_timestamp(config[name])
            except ValueError:
                errors.append(f"{name}: '{config[name]}' is not an ISO 8601 date or date-time")
    for name, (low, high) in INTEGER_BOUNDS.items():
        if name not in config:
            continue
        value = config[name]
        if value is None:
            errors.append(
                f"{name}: is null; set an integer or remove it to use the default "
                f"({DEFAULTS.get(name)})"
            )
        elif isinstance(value, bool) or not isinstance(value, int):
            # The JSON schema says so too, but the SDK skips it when it does not validate
            # (`--discover` without --config, validate_config=False).
            errors.append(f"{name}: must be an integer; got a JSON {type(value).__name__}")
        elif not low <= value <= high:
            kind = "a positive integer" if low == 1 else "zero or more"
            errors.append(f"{name}: must be {kind}, at most {high:,}; got {value:,}")
    for name, prop in SCHEMA["properties"].items():
        allowed = prop.get("enum")
        if allowed and config.get(name) not in (None, *allowed):
            listed = " or ".join(repr(value) for value in allowed)
            errors.append(f"{name}: must be {listed}, got {config[name]!r}")
    errors += scope_id_errors(config)
    errors += api_url_errors(config.get("api_url", DEFAULT_API_URL))
    if config.get("modern_api_url"):
        errors += ["modern_" + error for error in api_url_errors(config["modern_api_url"])]
    return errors


def scope_id_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    """An empty or blank id in `media_ids` / `project_ids`: the API ignores an empty filter,
    so `media_ids: [""]` would read the whole account instead of failing."""
    errors = []
    for name in ("media_ids", "project_ids"):
        ids = config.get(name)
        if not isinstance(ids, list):
            continue  # null or absent: no restriction; other types: the JSON schema says so
        blank = [
            i + 1 for i, value in enumerate(ids) if isinstance(value, str) and not value.strip()
        ]
        if blank:
            where = ", ".join(str(position) for position in blank)
            errors.append(
                f"{name}: item(s) {where} are empty; remove them, or the whole setting to read "
                "everything"
            )
    return errors


def analytics_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    errors = []
    version = str(config.get("api_version") or DEFAULT_API_VERSION)
    try:
        dt.datetime.strptime(version, "%Y-%m")
    except ValueError:
        errors.append(f"api_version: '{version}' is not a release like {DEFAULT_API_VERSION}")
    if modern_api_url(config) is None:
        errors.append(
            "modern_api_url: api_url does not end in /v1, so the modern API's URL cannot be "
            "derived from it; set modern_api_url (e.g. https://api.wistia.com/modern)"
        )
    return errors


def modern_api_url(config: t.Mapping[str, t.Any]) -> str | None:
    """The modern API's base URL: the setting, or `api_url` with its `/v1` made `/modern`."""
    if config.get("modern_api_url"):
        return str(config["modern_api_url"]).rstrip("/")
    api_url = str(config.get("api_url") or DEFAULT_API_URL).rstrip("/")
    if api_url.endswith("/v1"):
        return api_url[: -len("/v1")] + "/modern"
    return None


def hide_secret_values(errors: list[str], config: t.Mapping[str, t.Any]) -> list[str]:
    """Validation errors with secret settings named but never shown.

    The schema validator quotes the offending value (`['<token>'] is not of type
    'string'`); for a secret setting that would print it.
    """
    hidden = []
    for error in errors:
        secret = next((n for n in SECRET_SETTINGS if f"config[{n!r}]" in error), None)
        if secret is not None:
            error = (
                f"{secret}: has the wrong JSON type (a string is expected); "
                "the value is not shown because it is secret"
            )
        for name in SECRET_SETTINGS:
            for text in _strings_in(config.get(name)):
                error = error.replace(text, "***")
        hidden.append(error)
    return hidden


def explain_missing_settings(errors: list[str]) -> list[str]:
    """The schema's "'api_token' is a required property", with what to set."""
    return [
        f"api_token: is not set; {SET_TOKEN}"
        if error == "'api_token' is a required property"
        else error
        for error in errors
    ]


def _strings_in(value: object) -> t.Iterator[str]:
    if isinstance(value, str):
        # Short strings would mangle the message ("t" -> "no*** of ***ype") and are no
        # real token: `redact` skips them for the same reason.
        if len(value.strip()) >= MIN_SECRET_LENGTH:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


def unknown_setting_warnings(config: t.Mapping[str, t.Any], known: t.Iterable[str]) -> list[str]:
    """One line per setting the tap does not know, naming the closest known one."""
    known = sorted(known)
    warnings = []
    for name in sorted(set(config) - set(known)):
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        warnings.append(f"Unknown setting '{name}' is ignored{hint}")
    return warnings


def api_url_errors(url: object) -> list[str]:
    if not isinstance(url, str):
        return [f"api_url: must be a URL like {DEFAULT_API_URL}"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"api_url: '{url}' needs a scheme and host, like {DEFAULT_API_URL}"]
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return [
            f"api_url: plain http to {parts.hostname} would send the token in clear text; "
            "use https (http is only allowed for loopback hosts)"
        ]
    return []


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def known_settings() -> set[str]:
    """The tap's settings and the SDK's standard ones (stream maps, flattening, batch)."""
    names = set(SCHEMA["properties"])
    for config in (
        capabilities.STREAM_MAPS_CONFIG,
        capabilities.FLATTENING_CONFIG,
        capabilities.BATCH_CONFIG,
    ):
        names |= set(config["properties"])
    return names


@dataclass(frozen=True)
class Settings:
    """Every setting a run reads, checked, typed and with its default applied."""

    api_token: str = field(repr=False)
    api_url: str
    modern_api_url: str
    api_version: str
    start_date: str | None  # as configured: `RunWindow` turns it into the run's dates
    end_date: str | None
    media_ids: tuple[str, ...]
    project_ids: frozenset[str]
    max_requests_per_minute: int
    max_concurrency: int
    request_timeout: int
    max_retries: int
    max_rate_limit_wait_minutes: int
    events_lookback_days: int
    complete_days_only: bool
    visitors_full_refresh_days: int
    per_media_active: bool  # per_media_refresh is 'active'
    per_media_full_refresh_days: int
    analytics_required: bool
    webinar_refresh_days: int
    required_streams: frozenset[str]  # their family's 403/404 fails the run (`optional_family`)
    flattening_enabled: bool  # the SDK's setting: null objects become {} (`streams.base`)

    @property
    def scoped(self) -> bool:
        """Restricted by media_ids or project_ids."""
        return bool(self.media_ids or self.project_ids)


def check_settings(
    config: t.Mapping[str, t.Any], now: dt.datetime, warn: t.Callable[[str], None]
) -> tuple[Settings, RunWindow]:
    """The run's `Settings` and dates, or `ConfigValidationError` listing every problem.

    `warn` gets each warning first (an unknown setting is often the typo behind an error).
    `config` has passed the JSON schema when the SDK validated it; not always (`--discover`
    without --config), so every check here stands on its own."""
    for warning in unknown_setting_warnings(config, known_settings()):
        warn(warning)
    errors = token_errors(config.get("api_token")) + value_errors(config)
    errors += analytics_errors(config)
    if errors:
        raise ConfigValidationError("tap-wistia settings are invalid", errors=errors)
    values = dict(DEFAULTS)
    # An empty value means "not set", as for null: the default applies.
    values.update({name: value for name, value in config.items() if value not in (None, "")})
    settings = Settings(
        api_token=clean_token(values["api_token"] or ""),
        api_url=str(values["api_url"]).rstrip("/"),
        modern_api_url=t.cast("str", modern_api_url(values)),
        api_version=str(values["api_version"]),
        start_date=values.get("start_date") or None,
        end_date=values.get("end_date") or None,
        media_ids=tuple(values.get("media_ids") or ()),
        project_ids=frozenset(str(p) for p in values.get("project_ids") or ()),
        max_requests_per_minute=int(values["max_requests_per_minute"]),
        max_concurrency=int(values["max_concurrency"]),
        request_timeout=int(values["request_timeout"]),
        max_retries=int(values["max_retries"]),
        max_rate_limit_wait_minutes=int(values["max_rate_limit_wait_minutes"]),
        events_lookback_days=int(values["events_lookback_days"]),
        complete_days_only=bool(values["complete_days_only"]),
        visitors_full_refresh_days=int(values["visitors_full_refresh_days"]),
        per_media_active=values["per_media_refresh"] == PER_MEDIA_ACTIVE,
        per_media_full_refresh_days=int(values["per_media_full_refresh_days"]),
        analytics_required=bool(values["analytics_required"]),
        webinar_refresh_days=int(values["webinar_refresh_days"]),
        required_streams=frozenset(values.get("required_streams") or ()),
        flattening_enabled=bool(values.get("flattening_enabled")),
    )
    window = RunWindow.of(
        now,
        start_date=settings.start_date,
        end_date=settings.end_date,
        complete_days_only=settings.complete_days_only,
    )
    if window.start > window.end:
        raise ConfigValidationError(
            "tap-wistia settings are invalid",
            errors=[
                f"start_date: {window.start.isoformat()} is after end_date {window.end.isoformat()}"
            ],
        )
    if window.clamped_start_date:
        warn(
            f"start_date {window.clamped_start_date} is older than Wistia's 2-year event "
            f"retention; using {window.start.isoformat()}."
        )
    return settings, window
