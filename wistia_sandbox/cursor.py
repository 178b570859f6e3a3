"""Cursor pagination of v1 `GET /medias` and of the modern API's lists, as the v1 and 2026-03
definitions describe it.

`cursor[enabled]=1` starts a cursor listing; every record then carries a `cursor`, and
`cursor[after]=<the last record's cursor>` (or `cursor[before]=<the first's>`) fetches
the next `per_page` records in the same `sort_by` order. Only some `sort_by` values support
cursors (v1 medias: `id` and `created`; modern lists: `id`, `updated` and `created`), a
cursor is valid only for the `sort_by` it was made with, and `page` cannot be combined with
a cursor. Unlike offset pages, a cursor page never shifts when records change or are added
while a client reads the list. Ties in `sort_by` are broken by the record's id (``tiebreak``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

Record = dict[str, Any]
CURSOR_SORTS = ("id", "created")


class CursorError(ValueError):
    """A request the API would answer with 400; the message is the API's error text."""


def wants_cursor(query: dict[str, list[str]]) -> bool:
    return any(
        query.get(name, [""])[0] not in ("", "0")
        for name in ("cursor[enabled]", "cursor[after]", "cursor[before]")
    )


def cursor_page(
    items: list[Record],
    query: dict[str, list[str]],
    sort_key: Callable[[Record], Any],
    per_page: int,
    sorts: tuple[str, ...] = CURSOR_SORTS,
    tiebreak: Callable[[Record], int] = lambda record: int(record["id"]),
) -> list[Record]:
    """One page of `items` (already filtered) after/before the requested cursor."""
    sort_by = _first(query, "sort_by") or "id"
    if sort_by not in sorts:
        raise CursorError(
            f"Cursor pagination supports sort_by {' or '.join(sorts)}, not {sort_by!r}"
        )
    if _first(query, "page") is not None:
        raise CursorError("page cannot be combined with cursor")
    descending = _first(query, "sort_direction") == "0"

    def position(record: Record) -> tuple[str, int]:
        return (_comparable(sort_key(record)), tiebreak(record))

    ordered = sorted(items, key=position, reverse=descending)
    after, before = _first(query, "cursor[after]"), _first(query, "cursor[before]")
    if after is not None:
        mark = _decode(after, sort_by)
        page = [r for r in ordered if (position(r) < mark if descending else position(r) > mark)]
        page = page[:per_page]
    elif before is not None:
        mark = _decode(before, sort_by)
        page = [r for r in ordered if (position(r) > mark if descending else position(r) < mark)]
        page = page[-per_page:]
    else:
        page = ordered[:per_page]
    return [{**r, "cursor": _encode(sort_by, position(r))} for r in page]


def _comparable(value: Any) -> str:
    # Datetimes (created) and ids both compare correctly as fixed-width strings.
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="microseconds")
    return f"{int(value):020d}"


def _encode(sort_by: str, position: tuple[str, int]) -> str:
    raw = json.dumps([sort_by, position[0], position[1]]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(cursor: str, sort_by: str) -> tuple[str, int]:
    try:
        made_for, key, record_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as exc:
        raise CursorError(f"Invalid cursor {cursor!r}") from exc
    if made_for != sort_by:
        raise CursorError(f"This cursor was made for sort_by {made_for}, not {sort_by}")
    return (str(key), int(record_id))


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values and values[0] != "" else None
