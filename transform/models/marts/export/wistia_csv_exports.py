"""DuckDB only: write the CSV exports people open in spreadsheets, with the database itself.

Every file is written by DuckDB's `COPY ... TO` (streamed: no row passes through Python),
into a temporary file beside the target that is renamed over it only once complete, so a
reader never sees half a file and a failed build leaves the previous export in place.
Format: UTF-8, RFC 4180 (fields quoted when needed, quotes doubled), CRLF line ends, a
header row; NULL is an empty field; `Date` is 'YYYY-MM-DD HH:MM:SS' (UTC). Files get the
permissions of any new file (0644 under the usual umask 022).

Spreadsheet safety (OWASP "CSV injection"): a cell starting with =, +, -, @, TAB or CR is
run as a formula by spreadsheet programs, and viewer-typed values (name, email, embed URL,
...) reach these files. Such cells get a leading ' unless they are a plain number (negative
longitudes stay numbers). Only the files are changed: the warehouse tables keep raw values.

Files (transform/docs/csv-exports.md says which is for what), all in the folder of env
WISTIA_VIEWS_CSV_PATH (Meltano's dbt-duckdb sets <project>/output/wistia_views.csv; default
../output/wistia_views.csv relative to transform/):
  wistia_views.csv                 the 24 columns, every media (Wistia's old layout)
  wistia_views_detailed.csv        Media ID, Media Name, Project, Event Key + the 24 columns
  views_by_media/<slug>-<id>.csv   the 24 columns, one file per media
This model's table records each file (or folder) written, its row count and the export time.
"""

import asyncio
import contextlib
import os
import shutil
import uuid
from typing import Any

FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
COPY_OPTIONS = "FORMAT csv, HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\r\\n'"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def safe_cell(column: str) -> str:
    """SQL for one column as text a spreadsheet opens as data, never as a formula."""
    name = quote_identifier(column)
    if column == "Date":
        return f"strftime({name}, '%Y-%m-%d %H:%M:%S') as {name}"
    text = f"cast({name} as varchar)"
    return (
        f"case when regexp_matches({text}, '{FORMULA_START}') "
        f"and not regexp_matches({text}, '{PLAIN_NUMBER}') "
        f"then '''' || {text} else {text} end as {name}"
    )


def safe_select(session: Any, relation: str, skip: int = 0, extra: str = "") -> str:
    """The columns of `relation` (after the first `skip`), in order, each as a safe cell, and
    any `extra` select items. Rows are not sorted: a sort holds every row in memory (1M rows:
    ~500 MB), while this streams (~70 MB)."""
    columns = [row[0] for row in session.execute(f"describe {relation}").fetchall()][skip:]
    cells = ",\n    ".join([safe_cell(c) for c in columns] + ([extra] if extra else []))
    return f"select\n    {cells}\nfrom {relation}"


def copy_atomically(session: Any, select_sql: str, path: str) -> int:
    """COPY the query's rows to `path` through a temporary file; returns the row count."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    try:
        (rows,) = session.execute(
            f"copy ({select_sql}) to {quote_literal(temporary)} ({COPY_OPTIONS})"
        ).fetchone()
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return rows


def media_file_stem() -> str:
    """SQL for a per-media file name: <media name slug>-<hashed id>, like Wistia's own
    per-video export. Only [a-z0-9-] and the hashed id's letters and digits: safe on every
    file system and never escaped by DuckDB's partitioned writes."""
    slug = (
        "regexp_replace(lower(strip_accents(coalesce(\"Media Name\", ''))), '[^a-z0-9]+', '-', 'g')"
    )
    slug = f"coalesce(nullif(trim(left(trim({slug}, '-'), 60), '-'), ''), 'media')"
    media_id = "regexp_replace(\"Media ID\", '[^A-Za-z0-9]', '', 'g')"
    return f"{slug} || '-' || {media_id} as file_stem"


def copy_per_media(session: Any, relation: str, folder: str) -> int:
    """One CSV per media (the 24 columns) in `folder`, replaced as a whole: written by one
    partitioned COPY into a temporary folder, renamed into place, the old folder removed
    (files of medias without views any more go with it)."""
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    token = uuid.uuid4().hex
    partitions = os.path.join(parent, f".{os.path.basename(folder)}.{token}.partitions")
    fresh = os.path.join(parent, f".{os.path.basename(folder)}.{token}.new")
    stale = os.path.join(parent, f".{os.path.basename(folder)}.{token}.old")
    try:
        select_sql = safe_select(session, relation, skip=4, extra=media_file_stem())
        (rows,) = session.execute(
            f"copy ({select_sql}) to {quote_literal(partitions)} "
            f"({COPY_OPTIONS}, PARTITION_BY (file_stem))"
        ).fetchone()
        os.makedirs(fresh)
        for entry in os.scandir(partitions) if os.path.isdir(partitions) else []:
            (part,) = os.listdir(entry.path)  # one file per partition: DuckDB's default
            stem = entry.name.removeprefix("file_stem=")
            os.replace(os.path.join(entry.path, part), os.path.join(fresh, f"{stem}.csv"))
        if os.path.isdir(folder):
            os.replace(folder, stale)
        os.replace(fresh, folder)
    finally:
        for leftover in (partitions, fresh, stale):
            shutil.rmtree(leftover, ignore_errors=True)
    return rows


def close_event_loop() -> None:
    """dbt-duckdb gives the thread of every Python model an asyncio loop and never closes it
    (`ResourceWarning: unclosed event loop` at exit). Nothing here is async: close it."""
    with contextlib.suppress(RuntimeError):
        asyncio.get_event_loop_policy().get_event_loop().close()
        asyncio.set_event_loop(None)


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    # dbt.ref declares the dependency. The exports then read the marts by name in this
    # model's database and schema (every mart's): reading them through the relation dbt.ref
    # returns would leave a stray view (`main.wistia_views`) in the DuckDB file.
    dbt.ref("wistia_views")
    dbt.ref("wistia_views_detailed")
    # Earlier versions of this export left exactly that view behind: clean it up.
    session.execute('drop view if exists "main"."wistia_views"')
    marts = f"{quote_identifier(dbt.this.database)}.{quote_identifier(dbt.this.schema)}"
    views = f'{marts}."wistia_views"'
    detailed = f'{marts}."wistia_views_detailed"'
    views_path = os.path.abspath(
        os.environ.get("WISTIA_VIEWS_CSV_PATH") or "../output/wistia_views.csv"
    )
    folder = os.path.dirname(views_path)
    detailed_path = os.path.join(folder, "wistia_views_detailed.csv")
    per_media = os.path.join(folder, "views_by_media")

    written = {
        views_path: copy_atomically(session, safe_select(session, views), views_path),
        detailed_path: copy_atomically(session, safe_select(session, detailed), detailed_path),
        per_media: copy_per_media(session, detailed, per_media),
    }
    close_event_loop()
    rows = " union all ".join(
        f"select {quote_literal(p)} as csv_path, {n} as row_count" for p, n in written.items()
    )
    return session.sql(
        f"select *, cast(now() at time zone 'UTC' as timestamp) as exported_at from ({rows})"
    )
