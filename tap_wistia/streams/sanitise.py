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
- an integer beyond 64 bits (a 401-digit one parses exactly in Python) overflows every
  warehouse's integer and becomes infinity as a double: null too, for the same reason.
- a value nested deeper than `MAX_NESTING` levels (no Wistia record is more than three
  deep) would exhaust the recursion of every later step (the SDK's type conforming, the
  JSON writer, the loader): null. Deeper than the JSON parser can go (~1000), the
  response fails the run instead (`http.errors.parse_json_body`).
- a date-time that does not parse: a loader either fails the batch or drops the row, by
  the order rows arrive. Null, or, where the schema requires the field (`received_at`),
  the record is skipped: it could not be loaded.

The warning names each kind of repair with the fields it touched (`thumbnail.url` for a
nested one), so a repair is never silent.

Bytes that are not UTF-8 never get here: the response is decoded before parsing, and
undecodable bytes are already U+FFFD at that point (not counted, as they are not seen).
The rest of each record is kept: one bad character is no reason to lose a viewing session.
"""

from __future__ import annotations

import math
import re
import typing as t
from collections import Counter, defaultdict

from tap_wistia.timeutil import parse_timestamp

if t.TYPE_CHECKING:
    import logging

_SUSPECT = re.compile("[\x00\ud800-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

LONE_SURROGATES = "lone surrogate(s) replaced by U+FFFD"
NULS = "NUL character(s) removed"
NON_FINITE = "non-finite number(s) (like 1e400) set to null"
HUGE_INTEGERS = "integer(s) beyond 64 bits set to null"
TOO_DEEP = "value(s) nested deeper than 32 levels set to null"
BAD_TIMESTAMPS = "unparseable date-time(s) set to null"
SKIPPED = "record(s) skipped: a required date-time does not parse"
MAX_NESTING = 32
INT64 = range(-(2**63), 2**63)


class Sanitiser:
    """Cleans records in place and counts what it changed (one per stream)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.fields: defaultdict[str, set[str]] = defaultdict(set)  # kind -> fields touched

    def clean(self, record: dict) -> dict:
        return self._object(record, "", 0)

    def timestamps(self, record: dict, names: t.Iterable[str], required: t.Container[str]) -> bool:
        """Null the date-times among `names` that do not parse; False: skip the record
        (a `required` one did not parse)."""
        for name in names:
            value = record.get(name)
            if not isinstance(value, str) or not value:
                continue
            try:
                parse_timestamp(value)
            except ValueError:
                if name in required:
                    self._count(SKIPPED, name)
                    return False
                self._count(BAD_TIMESTAMPS, name)
                record[name] = None
        return True

    def _count(self, kind: str, field: str, count: int = 1) -> None:
        self.counts[kind] += count
        self.fields[kind].add(field)

    def _object(self, record: dict, prefix: str, depth: int) -> dict:
        for key, value in record.items():
            record[key] = self._value(value, f"{prefix}{key}", depth + 1)
        return record

    def _value(self, value: t.Any, field: str, depth: int) -> t.Any:
        if isinstance(value, str):
            return self._text(value, field) if _SUSPECT.search(value) else value
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            if value in INT64:
                return value
            self._count(HUGE_INTEGERS, field)
            return None
        if isinstance(value, float):
            if math.isfinite(value):
                return value
            self._count(NON_FINITE, field)
            return None
        if isinstance(value, dict | list) and depth > MAX_NESTING:
            self._count(TOO_DEEP, field)
            return None
        if isinstance(value, dict):
            return self._object(value, f"{field}.", depth)
        if isinstance(value, list):
            return [self._value(item, field, depth + 1) for item in value]
        return value

    def _text(self, text: str, field: str) -> str:
        nuls = text.count("\x00")
        if nuls:
            self._count(NULS, field, nuls)
            text = text.replace("\x00", "")
        text, replaced = _LONE_SURROGATE.subn("\ufffd", text)
        if replaced:
            self._count(LONE_SURROGATES, field, replaced)
        return text

    def report(self, stream_name: str, logger: logging.Logger) -> None:
        """One warning for the stream, if anything was changed."""
        changed = +self.counts  # drops zero counts
        if not changed:
            return
        changes = ", ".join(
            f"{count} {what} ({', '.join(sorted(self.fields[what]))})"
            for what, count in sorted(changed.items())
        )
        kept = "the other records were kept" if SKIPPED in changed else "the records were kept"
        logger.warning("%s: %s; %s.", stream_name, changes, kept)
