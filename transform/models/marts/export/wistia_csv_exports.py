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

Paths: env WISTIA_VIEWS_CSV_PATH (Meltano's dbt-duckdb sets <project>/output/wistia_views.csv),
default ../output/wistia_views.csv relative to transform/. This model's table records each
file written, its row count and the export time.
"""

import asyncio
import contextlib
import os
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


def safe_select(session: Any, relation: str) -> str:
    """Every column of `relation`, in order, each as a safe cell. Rows are not sorted: a sort
    holds every row in memory (1M rows: ~500 MB), while this streams (~70 MB)."""
    columns = [row[0] for row in session.execute(f"describe {relation}").fetchall()]
    cells = ",\n    ".join(safe_cell(c) for c in columns)
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
    marts = f"{quote_identifier(dbt.this.database)}.{quote_identifier(dbt.this.schema)}"
    views_path = os.path.abspath(
        os.environ.get("WISTIA_VIEWS_CSV_PATH") or "../output/wistia_views.csv"
    )

    written = {
        views_path: copy_atomically(
            session, safe_select(session, f'{marts}."wistia_views"'), views_path
        ),
    }
    close_event_loop()
    rows = " union all ".join(
        f"select {quote_literal(p)} as csv_path, {n} as row_count" for p, n in written.items()
    )
    return session.sql(
        f"select *, cast(now() at time zone 'UTC' as timestamp) as exported_at from ({rows})"
    )
