"""Bookmark values are checked before any stream syncs.

A bookmark that is not what the tap wrote (a hand-edited state, a state from another tap)
would otherwise fail half-way through a run with a traceback, or worse: a bookmark in the
future makes every later run read nothing, successfully. So every value the tap reads
back from the state is checked up front, and the first bad one stops the run with one
line naming the stream, the field and the value.

Which fields: each stream's `replication_key_value` (a date or a date-time, from its
schema; in every partition too), plus the fields a stream declares in `state_fields`
(kind by name: TIMESTAMP, DATE, MONTH, COUNT, SCOPE, IDS or ID_TIMESTAMPS). A stream
whose replication key is neither a date nor a date-time names its kind in
`replication_key_kind`.
"""

from __future__ import annotations

import datetime as dt
import typing as t

from tap_wistia.http.errors import WistiaError
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    from collections.abc import Mapping

    from singer_sdk import Stream

# Bookmarks copied from Wistia's own timestamps (a media's `updated`) follow Wistia's
# clock, which may run a little ahead of this machine's.
CLOCK_SKEW = dt.timedelta(minutes=5)

TIMESTAMP = "timestamp"
DATE = "date"
MONTH = "month"  # YYYY-MM, e.g. media_traffic's `period`
COUNT = "count"
SCOPE = "scope"
IDS = "ids"  # a list of record ids (strings)
ID_TIMESTAMPS = "id timestamps"  # {record id: date-time}


class BookmarkError(WistiaError):
    """A bookmark value the tap could not have written; resuming from it could lose data."""


def check_bookmarks(
    state: Mapping[str, t.Any], streams: Mapping[str, Stream], run_started: dt.datetime
) -> None:
    """Raise `BookmarkError` for the first malformed bookmark value in `state`."""
    bookmarks = state.get("bookmarks") or {}
    for name, stream in streams.items():
        stream_state = bookmarks.get(name)
        if not stream_state:
            continue
        fields = bookmark_fields(stream)
        _check_fields(name, stream_state, fields, run_started)
        partitions = stream_state.get("partitions", [])
        if not isinstance(partitions, list) or not all(isinstance(p, dict) for p in partitions):
            _fail(name, "partitions", partitions, "is not a list of objects")
        for partition in partitions:
            context = partition.get("context") or {}
            label = f"{name} ({', '.join(f'{k}={v}' for k, v in context.items())})"
            _check_fields(label, partition, fields, run_started)


def bookmark_fields(stream: Stream) -> dict[str, str]:
    # Streams that keep more than a replication key in their state name those fields.
    fields: dict[str, str] = dict(getattr(stream, "state_fields", {}))
    if stream.replication_key:
        prop = stream.schema["properties"].get(stream.replication_key, {})
        kind = getattr(stream, "replication_key_kind", None)
        fields["replication_key_value"] = kind or (
            DATE if prop.get("format") == "date" else TIMESTAMP
        )
    return fields


def _check_fields(
    label: str, state: Mapping[str, t.Any], fields: Mapping[str, str], run_started: dt.datetime
) -> None:
    for field, kind in fields.items():
        value = state.get(field)
        if value is None:
            continue
        problem = _problem(kind, value, run_started)
        if problem:
            _fail(label, field, value, problem)


def _problem(kind: str, value: object, run_started: dt.datetime) -> str | None:
    if kind == COUNT:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return "is not a count (a whole number, zero or more)"
        return None
    if kind == SCOPE:
        return _scope_problem(value)
    if kind == MONTH:
        return _month_problem(value, run_started)
    if kind == IDS:
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            return "is not a list of ids (strings)"
        return None
    if kind == ID_TIMESTAMPS:
        if not isinstance(value, dict):
            return f"is a JSON {_json_type(value)}, not an object of ids and date-times"
        for key, stamp in value.items():
            problem = _problem(TIMESTAMP, stamp, run_started)
            if problem:
                return f"[{key!r}] {problem}"
        return None
    if not isinstance(value, str):
        return f"is a JSON {_json_type(value)}, not a {'date' if kind == DATE else 'date-time'}"
    try:
        parsed = parse_timestamp(value)
    except ValueError:
        return f"is not an ISO 8601 {'date' if kind == DATE else 'date-time'}"
    if kind == DATE:
        if parsed.date() > run_started.date():
            return f"is later than today ({run_started.date().isoformat()}, UTC)"
    elif parsed > run_started + CLOCK_SKEW:
        return f"is later than this run's start ({format_timestamp(run_started)})"
    return None


def _month_problem(value: object, run_started: dt.datetime) -> str | None:
    if not isinstance(value, str):
        return f"is a JSON {_json_type(value)}, not a month (YYYY-MM)"
    try:
        first_day = dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        return "is not a month (YYYY-MM)"
    # Months of an account east of UTC may start up to a day before UTC's.
    if first_day > run_started.date() + dt.timedelta(days=1):
        return f"is later than this month ({run_started.date().isoformat()[:7]}, UTC)"
    return None


def _scope_problem(value: object) -> str | None:
    if not isinstance(value, dict):
        return f"is a JSON {_json_type(value)}, not an object"
    for ids in value.values():
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
            return "is not an object of id lists"
    return None


def _json_type(value: object) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string"}
    names.update({list: "array", dict: "object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _fail(label: str, field: str, value: object, problem: str) -> t.NoReturn:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    raise BookmarkError(
        f"The state's bookmark for stream '{label}' is wrong: {field} = {shown} {problem}. "
        "A tap run never writes this, and resuming from it could skip data: fix the value, "
        "or remove this stream's bookmark (or clear the state) to read it from start_date."
    )


class StateError(WistiaError):
    """A state file that cannot be a Singer state; resuming from it could lose data."""


def check_state_shape(state: object) -> None:
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
