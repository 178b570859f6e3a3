"""Plain list endpoints, served from ``Dataset.lists`` without a route of their own.

A plain list is a GET that answers a JSON array of records with no filter of its own (v1
``/tags``, modern ``/tags``, ``/folders``, ...). Adding ``"/v1/<path>"`` or
``"/modern/<path>"`` with its records to ``Dataset.lists`` serves it; server.py looks the
request's path up there before the hand-written routes, inside the usual pipeline (rate
limit, auth, faults, request log).

Both APIs page such lists the same way as the sandbox's existing v1 lists: ``page`` and
``per_page`` (default 10, capped at 100: query_params.py). ``sort_by`` names a field of the
records (``created``/``updated`` compare as timestamps) and ``sort_direction=0`` reverses;
without it, or for a field the records lack, they come in id order, as v1 lists without
``sort_by`` do. A record without an ``id`` (a tag) counts its position in the stored list as
its id, so store such records in the order the API numbered them (creation order) and only
append to them: removing one would renumber the rest and move their cursors.

The modern lists also page by cursor, as the 2026-03 document describes for ``/tags`` and
``/folders``: ``cursor[enabled]=1``, ``cursor[after]``, ``cursor[before]`` (cursor.py), with
``sort_by`` ``id``, ``updated`` or ``created`` only. The answer is the bare array either way
(each record then carries its ``cursor``); the document defines no envelope or page info.
v1 lists have no cursor: the v1 document defines one for ``/medias`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .cursor import CursorError, cursor_page, wants_cursor
from .http_plumbing import _BadRequest, _json
from .query_params import _first, _paginate, _per_page
from .record_basics import Record, parse_ts

MODERN_CURSOR_SORTS = ("id", "updated", "created")
_TIMESTAMPS = ("created", "updated")


def page_of(records: list[Record], query: dict[str, list[str]], *, modern: bool) -> list[Record]:
    """The page of ``records`` the query asks for; raises _BadRequest (400) for a bad cursor."""
    positions = {id(record): i for i, record in enumerate(records)}

    def record_id(record: Record) -> int:
        return int(record["id"]) if "id" in record else positions[id(record)]

    if modern and wants_cursor(query):
        try:
            return cursor_page(
                records,
                query,
                _sort_key(records, _first(query, "sort_by"), record_id),
                _per_page(query),
                sorts=MODERN_CURSOR_SORTS,
                tiebreak=record_id,
            )
        except CursorError as exc:
            raise _BadRequest(_json(400, {"error": str(exc)})) from None
    key = _sort_key(records, _first(query, "sort_by"), record_id)
    descending = _first(query, "sort_direction") == "0"
    ordered = sorted(records, key=lambda r: (key(r), record_id(r)), reverse=descending)
    return _paginate(ordered, query)


def _sort_key(
    records: list[Record], sort_by: str | None, record_id: Callable[[Record], int]
) -> Callable[[Record], Any]:
    if sort_by is None or sort_by == "id" or any(sort_by not in r for r in records):
        return record_id
    if sort_by in _TIMESTAMPS:
        return lambda record: parse_ts(record[sort_by])
    return lambda record: record[sort_by]
