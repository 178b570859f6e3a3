"""CSV downloads: the 24-column views export and any table, written row by row.

Cells are protected against spreadsheet formula injection: a text cell starting with
= + - @ or their full-width forms (after any spaces, NBSP, LF, CR or TAB, which spreadsheets
skip), or with TAB or CR, gets a leading apostrophe (OWASP "CSV injection"), unless the
whole cell is a real number such as -0.5 (Excel would show the apostrophe and break the
number). The dbt CSV exports (transform/models/marts/export/wistia_csv_exports.py) apply the
same rule in SQL; tests/app/test_exports.py checks that both agree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from app.metrics import Period, media_filter
from app.warehouse import Warehouse

# The 24 columns of `wistia_views` (transform/models/marts/wistia_views.sql), in order,
# selected from `wistia_views_keyed`, which has the same fields plus the media id needed
# to filter by media and project. tests/app/test_exports.py checks that an unfiltered
# export equals `select * from wistia_views`.
VIEWS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Date", "viewed_at"),
    ("IP", "ip"),
    ("Country", "country"),
    ("Region", "region"),
    ("City", "city"),
    ("Latitude", "latitude"),
    ("Longitude", "longitude"),
    ("Organization", "ip_organization"),
    ("Employment Organization", "employment_organization"),
    ("Title", "title"),
    ("Email", "email"),
    ("Name", "name"),
    ("Tagline", "cast(null as varchar)"),
    ("Gender", "cast(null as varchar)"),
    ("Twitter Handle", "cast(null as varchar)"),
    ("LinkedIn Handle", "cast(null as varchar)"),
    ("Facebook Handle", "cast(null as varchar)"),
    ("Percent Viewed", "percent_viewed"),
    ("Embed URL", "embed_url"),
    ("Links Clicked", "links_clicked"),
    ("Browser", "browser"),
    ("Browser Version", "browser_version"),
    ("Platform", "platform"),
    ("Device", "case when is_mobile then 'Mobile' when not is_mobile then 'Desktop' end"),
)
VIEWS_HEADER = [name for name, _ in VIEWS_COLUMNS]

# Spaces a spreadsheet skips before a formula: ASCII white space, NBSP, the Unicode spaces,
# BOM; then = + - @ or their full-width forms.
_LEADING_SPACE = " \t\n\r\x0b\x0c\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_DANGEROUS_START = re.compile(f"[\t\r]|[{_LEADING_SPACE}]*[=+\\-@\uff1d\uff0b\uff0d\uff20]")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def neutralise(value: str) -> str:
    """Prefix a formula-looking text cell with an apostrophe; real numbers stay as they are."""
    if _DANGEROUS_START.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def format_cell(value: Any) -> str:
    """One CSV field: NULL -> empty, timestamps 'YYYY-MM-DD HH:MM:SS' (UTC), booleans
    true/false, numbers as Python prints them, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, int | float | Decimal | dt.date):
        return str(value)
    return neutralise(str(value))


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], rows_per_chunk: int = 2_000
) -> Iterator[bytes]:
    """RFC 4180 CSV (UTF-8, CRLF) as byte chunks of about `rows_per_chunk` rows each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    pending = 0
    for row in rows:
        writer.writerow([format_cell(value) for value in row])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def table_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """A small on-screen table as CSV bytes (same quoting and neutralising)."""
    names = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    return b"".join(csv_chunks(names, ([row.get(n) for n in names] for row in rows)))


def views_query(period: Period, media_ids: Sequence[str] | None) -> tuple[str, dict[str, Any]]:
    """SQL + params of the 24-column export for the period and medias, oldest first."""
    where, params = media_filter("media_id", media_ids)
    select = ", ".join(f'{expr} as "{name}"' for name, expr in VIEWS_COLUMNS)
    return (
        f"select {select} from {{schema}}.wistia_views_keyed"
        f" where viewed_at >= :ts_from and viewed_at < :ts_to and {where}"
        " order by viewed_at, event_key",
        {**period.bounds(), **params},
    )


def stream_views_csv(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None
) -> Iterator[bytes]:
    """The 24-column CSV as byte chunks, read from the warehouse in batches."""
    sql, params = views_query(period, media_ids)
    with wh.stream(sql, params) as (_names, rows):
        yield from csv_chunks(VIEWS_HEADER, rows)


def stream_sessions_csv(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None
) -> Iterator[bytes]:
    """The detailed export: every column of wistia_views_keyed (keys, media, resolved
    identity and user agent) plus the media's project, as byte chunks.

    The project comes from media_daily_metrics, which has every media with views, deleted
    ones too (media_overview has the live medias only): an export is history."""
    where, params = media_filter("k.media_id", media_ids)
    sql = (
        "select k.*, m.project_name from {schema}.wistia_views_keyed as k"
        " left join (select distinct account_id, media_id, project_name"
        " from {schema}.media_daily_metrics) as m"
        " on k.account_id = m.account_id and k.media_id = m.media_id"
        f" where k.viewed_at >= :ts_from and k.viewed_at < :ts_to and {where}"
        " order by k.viewed_at, k.event_key"
    )
    with wh.stream(sql, {**period.bounds(), **params}) as (names, rows):
        yield from csv_chunks(names, rows)


def file_name(what: str, period: Period | None = None, scope: str = "") -> str:
    """`wistia_<what>[_<scope>][_<start>_to_<end>].csv`, only safe characters."""
    parts = ["wistia", what]
    if scope:
        parts.append(scope)
    if period is not None:
        parts.append(f"{period.start.isoformat()}_to_{period.end.isoformat()}")
    # "Produits & démos" -> "Produits-demos": accents dropped, not the letters they sit on.
    name = unicodedata.normalize("NFKD", "_".join(parts)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".csv"
