"""The Data API v1 query parameters as the sandbox reads them: first values, integers, paging
(page, per_page and its cap), sorting (sort_by, sort_direction), YYYY-MM-DD dates and
booleans.

Split from the v1 routes (v1_routes.py) because the benchmarks' sandbox reads the same
parameters the same way.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from .http_plumbing import _BadRequest, _json
from .record_basics import Record

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    if not values or values[0] == "":
        return None
    return values[0]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _per_page(query: dict[str, list[str]]) -> int:
    per_page = _int(_first(query, "per_page"), DEFAULT_PER_PAGE)
    if per_page < 1:
        per_page = DEFAULT_PER_PAGE
    return min(per_page, MAX_PER_PAGE)


def _paginate(items: list[Record], query: dict[str, list[str]]) -> list[Record]:
    page = _int(_first(query, "page"), 1)
    if page < 1:
        page = 1
    per_page = _per_page(query)
    start = (page - 1) * per_page
    return items[start : start + per_page]


def _date_param(query: dict[str, list[str]], name: str) -> date | None:
    value = _first(query, name)
    if value is None:
        return None
    if _DATE_RE.match(value):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise _BadRequest(
        _json(422, {"error": f"Invalid {name} {value!r}: dates must be formatted YYYY-MM-DD"})
    )


def _sorted(
    items: list[Record],
    query: dict[str, list[str]],
    keys: dict[str, Callable[[Record], Any]],
) -> list[Record]:
    sort_by = _first(query, "sort_by")
    desc = _first(query, "sort_direction") == "0"
    key = keys.get(sort_by or "id", keys["id"])
    return sorted(items, key=lambda r: (key(r), r["id"]), reverse=desc)


def _bool_param(value: str | None) -> bool | None:
    if value is None:
        return None
    low = value.lower()
    if low in ("true", "1", "yes"):
        return True
    if low in ("false", "0", "no"):
        return False
    return None
