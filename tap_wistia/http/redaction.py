"""Keep the API token out of every log line and error message the tap produces.

A proxy or gateway may echo request headers in an error body, and the tap quotes error
bodies; an exception's text may quote a header. So secrets are masked at the last moment,
in the text itself: every log record (message, arguments and traceback) passes through
`redact` via a log record factory, and `WistiaError` redacts its own message.

Not only the whole token: an error body may echo part of it (a gateway quoting the first
40 of 64 characters), and a message cut to a length may end inside it. Any run of
`MIN_PARTIAL_LENGTH` (16) or more characters of a secret is masked: 16 characters of a
random token are as good as unique, while shorter runs would mask ordinary words.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback

MASK = "***"
# Shorter values are not masked: masking "t" would mangle every message, and a real
# Wistia token is 64 characters.
MIN_SECRET_LENGTH = 8
MIN_PARTIAL_LENGTH = 16
# `Authorization: Bearer abc`, `'Authorization': 'Bearer abc'`, `authorization=Basic abc`.
_AUTH_HEADER = re.compile(
    r"""(authorization['"]?\s*[:=]\s*['"]?)(?:(bearer|basic|token)\s+)?[^\s'",;]+""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)

_secrets: set[str] = set()
# Every `MIN_PARTIAL_LENGTH`-character slice of every secret at least that long.
_slices: set[str] = set()
_lock = threading.Lock()
_installed = False


def register_secret(value: object) -> None:
    """Mask `value` (and its whitespace-stripped form) wherever it appears from now on."""
    if not isinstance(value, str):
        return
    with _lock:
        for candidate in (value, value.strip()):
            if len(candidate) >= MIN_SECRET_LENGTH:
                _secrets.add(candidate)
            for start in range(len(candidate) - MIN_PARTIAL_LENGTH + 1):
                _slices.add(candidate[start : start + MIN_PARTIAL_LENGTH])


def redact(text: str) -> str:
    """`text` with registered secrets and Authorization header values masked."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)  # longest first: no partial masks
        slices = frozenset(_slices)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    if slices:
        text = _mask_partial_runs(text, slices)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{_scheme(m.group(2))}{MASK}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{MASK}", text)


def _mask_partial_runs(text: str, slices: frozenset[str]) -> str:
    """`text` with every run of characters covered by secret slices replaced by one MASK."""
    runs: list[tuple[int, int]] = []
    for start in range(len(text) - MIN_PARTIAL_LENGTH + 1):
        if text[start : start + MIN_PARTIAL_LENGTH] not in slices:
            continue
        end = start + MIN_PARTIAL_LENGTH
        if runs and start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    if not runs:
        return text
    pieces, done = [], 0
    for start, end in runs:
        pieces += [text[done:start], MASK]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _scheme(scheme: str | None) -> str:
    return f"{scheme} " if scheme else ""


def install_log_redaction() -> None:
    """Redact every log record created in this process, whatever logger or handler."""
    global _installed  # one factory per process, installed once
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)


def _redact_record(record: logging.LogRecord) -> None:
    if not isinstance(record.msg, str):
        return  # structured records (the SDK's metrics) carry no free text
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed call: let logging report it as usual
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        clean = redact(text)
        if clean != text:
            record.exc_text = clean  # the formatter uses it instead of formatting anew
