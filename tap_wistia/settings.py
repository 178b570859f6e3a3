"""Checks on the tap's settings beyond their JSON types, with errors a person can act on.

No error or warning here ever shows the value of a secret setting.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import typing as t
from urllib.parse import urlsplit

from tap_wistia.redaction import MIN_SECRET_LENGTH
from tap_wistia.timeutil import parse_timestamp

DEFAULT_API_URL = "https://api.wistia.com/v1"
SECRET_SETTINGS = ("api_token",)

# Inclusive bounds. Beyond them a value is a typo, not a choice (a 10**12 s timeout
# overflows the socket layer), so it is refused rather than clamped.
INTEGER_BOUNDS: dict[str, tuple[int, int]] = {
    "max_requests_per_minute": (1, 1_000_000),
    "max_concurrency": (1, 64),
    "request_timeout": (1, 3600),
    "max_retries": (0, 100),
    "events_lookback_days": (0, 730),
    "max_rate_limit_wait_minutes": (0, 24 * 60),
    "visitors_full_refresh_days": (0, 730),
    "per_media_full_refresh_days": (0, 730),
}
# A token is printable ASCII without spaces: anything else cannot go in an HTTP header.
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")


def clean_token(token: str) -> str:
    """The token without surrounding whitespace (a file read gives a trailing newline)."""
    return token.strip()


def token_errors(token: object) -> list[str]:
    if not isinstance(token, str):
        return []  # the JSON-type check reports it (see `hide_secret_values`)
    cleaned = clean_token(token)
    if not cleaned:
        return ["api_token: is empty; set TAP_WISTIA_API_TOKEN to your Wistia API token"]
    if not _TOKEN_CHARS.fullmatch(cleaned):
        position = next(i for i, c in enumerate(cleaned) if not _TOKEN_CHARS.fullmatch(c))
        return [
            f"api_token: contains a control, space or non-ASCII character at position "
            f"{position + 1} (value not shown: it is secret); copy the token again from "
            "Account > Settings > API Access"
        ]
    return []


def value_errors(config: t.Mapping[str, t.Any], defaults: t.Mapping[str, t.Any]) -> list[str]:
    """Errors for dates, integer ranges and api_url; `defaults` names each setting's default."""
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
                f"({defaults.get(name)})"
            )
        elif isinstance(value, int) and not low <= value <= high:
            kind = "a positive integer" if low == 1 else "zero or more"
            errors.append(f"{name}: must be {kind}, at most {high:,}; got {value:,}")
    errors += api_url_errors(config.get("api_url", DEFAULT_API_URL))
    return errors


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
