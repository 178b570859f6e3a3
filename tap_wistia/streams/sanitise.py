"""Values no loader can take are repaired in one place, counted, and reported once per stream.

Viewer-typed text (names, emails, page URLs) and hostile or broken responses reach the tap
as JSON that Python parses happily but that poisons a target on every run:

- a lone UTF-16 surrogate (`"\\ud83d"` without its pair) is not Unicode text: UTF-8
  encoders, PostgreSQL and DuckDB reject it. It is replaced by U+FFFD.
- NUL characters end C strings (PostgreSQL refuses them in text) and leak into CSV
  exports. They are removed.
- a number too large for a double (`1e400`) parses as infinity, which no target can
  load (`Infinity` is not JSON). It becomes null: no real Wistia figure is that large,
  so the value carries no information. (A NaN, should the parser let one through, too.)

Bytes that are not UTF-8 never get here: the response is decoded before parsing, and
undecodable bytes are already U+FFFD at that point (not counted, as they are not seen).
The rest of each record is kept: one bad character is no reason to lose a viewing session.
"""

from __future__ import annotations

import math
import re
import typing as t
from collections import Counter

if t.TYPE_CHECKING:
    import logging

_SUSPECT = re.compile("[\x00\ud800-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

LONE_SURROGATES = "lone surrogate(s) replaced by U+FFFD"
NULS = "NUL character(s) removed"
NON_FINITE = "non-finite number(s) (like 1e400) set to null"


class Sanitiser:
    """Cleans records in place and counts what it changed (one per stream)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def clean(self, record: dict) -> dict:
        for key, value in record.items():
            record[key] = self._value(value)
        return record

    def _value(self, value: t.Any) -> t.Any:
        if isinstance(value, str):
            return self._text(value) if _SUSPECT.search(value) else value
        if isinstance(value, float):
            if math.isfinite(value):
                return value
            self.counts[NON_FINITE] += 1
            return None
        if isinstance(value, dict):
            return self.clean(value)
        if isinstance(value, list):
            return [self._value(item) for item in value]
        return value

    def _text(self, text: str) -> str:
        nuls = text.count("\x00")
        if nuls:
            self.counts[NULS] += nuls
            text = text.replace("\x00", "")
        text, replaced = _LONE_SURROGATE.subn("\ufffd", text)
        self.counts[LONE_SURROGATES] += replaced
        return text

    def report(self, stream_name: str, logger: logging.Logger) -> None:
        """One warning for the stream, if anything was changed."""
        changed = +self.counts  # drops zero counts
        if not changed:
            return
        changes = ", ".join(f"{count} {what}" for what, count in sorted(changed.items()))
        logger.warning("%s: %s; the records were kept.", stream_name, changes)
