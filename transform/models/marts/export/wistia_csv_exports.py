"""DuckDB only: write the CSV exports people open in spreadsheets, with the database itself.

Every file is written by DuckDB's `COPY ... TO` (no row passes through Python), into a
temporary file beside the target that is renamed over it only once complete, so a reader
never sees half a file and a failed build leaves the previous export in place.
Format: UTF-8, RFC 4180 (fields quoted when needed, quotes doubled), CRLF line ends, a
header row; NULL is an empty field; `Date` is 'YYYY-MM-DD HH:MM:SS' (UTC). Files get the
permissions of any new file (0644 under umask 022; 0600 under scripts/sync.sh, umask 077).

Order: newest first (`Date` descending, then `Event Key`), as Wistia's own export was.
DuckDB sorts out of core (it spills to its temp directory when memory runs short).

Per-media files: one COPY per media, from a temporary table clustered by media (each COPY
reads only its media's row groups), into a hidden folder exchanged with the old one in one
step (Linux renameat2; elsewhere two renames). No step assumes how many files a COPY writes: the
partitioned COPY used before rolls over to a second file per partition once more than
`partitioned_write_max_open_files` (100) partitions are open, which failed every export of
an account with more than ~100 viewed medias.

Interrupted runs (kill -9) leave hidden temporaries (`.<output name>.<token>.tmp`): the
next export removes them first, holding an exclusive flock on the output folder itself (no
lock file is left behind), so it never removes the files of an export still running.

Spreadsheet safety (OWASP "CSV injection"): a cell starting with =, +, -, @ or their
full-width forms, after any spaces, NBSP, LF, CR or TAB, or starting with TAB or CR, may be
run as a formula by a spreadsheet program, and viewer-typed values (name, email, embed URL,
...) reach these files. Such cells get a leading ' unless they are a plain number (negative
longitudes stay numbers). app/exports.py applies the same rule to the app's downloads
(tests/app/test_exports.py checks that both agree). Only the files are changed: the
warehouse tables keep raw values.

Files (transform/docs/csv-exports.md says which is for what), all in the folder of env
WISTIA_VIEWS_CSV_PATH (Meltano's dbt-duckdb sets <project>/output/wistia_views.csv; default
../output/wistia_views.csv relative to transform/):
  wistia_views.csv                 the 24 columns, every media (Wistia's old layout)
  wistia_views_detailed.csv        Account ID, Media ID, Media Name, Project, Event Key + the 24
  views_by_media/<slug>-<id>.csv   the 24 columns, one file per media (per account and media,
                                   <account id>-<slug>-<id>.csv, when the warehouse holds
                                   several accounts: their hashed ids may be the same)
This model's table records each file (or folder) written, its row count and the export time.
"""

import asyncio
import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

# What a spreadsheet skips before a formula: ASCII white space, NBSP, the Unicode spaces
# and the BOM. RE2 (DuckDB's regex engine) spelling; app/exports.py has the Python one.
LEADING_SPACE = (
    r"\x{20}\t\n\r\x{0B}\x{0C}\x{A0}\x{1680}\x{2000}-\x{200B}\x{2028}\x{2029}"
    r"\x{202F}\x{205F}\x{3000}\x{FEFF}"
)
FORMULA_CHARACTER = r"=+\-@\x{FF1D}\x{FF0B}\x{FF0D}\x{FF20}"  # and the full-width = + - @
FORMULA_START = rf"^([\t\r]|[{LEADING_SPACE}]*[{FORMULA_CHARACTER}])"
PLAIN_NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
COPY_OPTIONS = "FORMAT csv, HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\r\\n'"
NEWEST_FIRST = '"Date" desc nulls last, "Event Key"'
TEMPORARY_SUFFIX = ".tmp"
SCRATCH = "wistia_csv_exports_scratch"  # the scratch database's catalog name
IDENTIFYING_COLUMNS = 5  # Account ID, Media ID, Media Name, Project, Event Key


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


def safe_select(session: Any, relation: str, skip: int = 0) -> str:
    """The columns of `relation` (after the first `skip`), in order, each as a safe cell,
    newest first. The sort reads the relation's own columns (the timestamp, not its text;
    `Event Key` even when it is skipped)."""
    columns = [row[0] for row in session.execute(f"describe {relation}").fetchall()]
    cells = ",\n    ".join(safe_cell(c) for c in columns[skip:])
    return f"select\n    {cells}\nfrom (select * from {relation}) order by {NEWEST_FIRST}"


def temporary_name(path: str) -> str:
    """A hidden name beside `path`, which `remove_stale_temporaries` recognises."""
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}")


@contextlib.contextmanager
def exclusive_folder(folder: str) -> Iterator[None]:
    """An exclusive flock on the folder itself for the export's length: two builds take
    turns, so a temporary found under it is a dead run's."""
    os.makedirs(folder, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def remove_stale_temporaries(folder: str, outputs: list[str]) -> None:
    """Remove the temporaries an interrupted export of `outputs` left in `folder` (call it
    under `exclusive_folder`)."""
    prefixes = tuple(f".{os.path.basename(path)}." for path in outputs)
    for entry in os.scandir(folder):
        # A scratch database (clustered_by_media) may have left its WAL beside it.
        if entry.name.startswith(prefixes) and entry.name.endswith(
            (TEMPORARY_SUFFIX, TEMPORARY_SUFFIX + ".wal")
        ):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def copy_to_file(session: Any, select_sql: str, path: str) -> int:
    """COPY the query's rows to `path`; returns the row count."""
    (rows,) = session.execute(
        f"copy ({select_sql}) to {quote_literal(path)} ({COPY_OPTIONS})"
    ).fetchone()
    return rows


def copy_atomically(session: Any, select_sql: str, path: str) -> int:
    """COPY the query's rows to `path` through a temporary file; returns the row count."""
    temporary = temporary_name(path)
    try:
        rows = copy_to_file(session, select_sql, temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return rows


def media_file_stem(media_id: str, media_name: str) -> str:
    """SQL for a per-media file name: <media name slug>-<hashed id>, like Wistia's own
    per-video export. Only [a-z0-9-] and the hashed id's letters and digits: safe on every
    file system."""
    slug = (
        f"regexp_replace(lower(strip_accents(coalesce({media_name}, ''))), '[^a-z0-9]+', '-', 'g')"
    )
    slug = f"coalesce(nullif(trim(left(trim({slug}, '-'), 60), '-'), ''), 'media')"
    hashed_id = f"coalesce(regexp_replace({media_id}, '[^A-Za-z0-9]', '', 'g'), 'unknown')"
    return f"{slug} || '-' || {hashed_id}"


def exchange_paths(first: str, second: str) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE): no reader ever finds
    `second` missing. False where the C library or the file system lacks it."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, rename_exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE (linux/fcntl.h, fs.h)
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), second)


@contextlib.contextmanager
def clustered_by_media(session: Any, relation: str, columns: list[str], path: str) -> Iterator[str]:
    """A table of `relation`'s rows clustered by media, its `columns` made safe once, with
    the media and the sort keys beside them; yields its name. It lives in a scratch
    database file at `path` (a temporary table is held in memory, and fails with "Out of
    Memory" where DuckDB's memory limit is below the export's size); insertion order is
    kept for this statement only (the profile turns it off), so that each media's rows
    fill their own row groups and a filter on the media skips the others."""
    cells = ", ".join(safe_cell(c) for c in columns)
    session.execute(f"attach {quote_literal(path)} as {SCRATCH}")
    try:
        (keep_order,) = session.execute(
            "select current_setting('preserve_insertion_order')"
        ).fetchone()
        session.execute("set preserve_insertion_order = true")
        try:
            session.execute(
                f"create table {SCRATCH}.by_media as select "
                f'"Account ID" as _account, "Media ID" as _media, "Date" as _date, '
                f'"Event Key" as _key, {cells} from {relation} order by "Account ID", "Media ID"'
            )
        finally:
            session.execute(f"set preserve_insertion_order = {str(keep_order).lower()}")
        yield f"{SCRATCH}.by_media"
    finally:
        session.execute(f"detach {SCRATCH}")
        for scratch_file in (path, path + ".wal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(scratch_file)


def copy_per_media(session: Any, relation: str, folder: str) -> int:
    """One CSV per media (the 24 columns, newest first) in `folder`, replaced as a whole:
    one COPY per media into a temporary folder that then takes the old one's place (files
    of medias without views any more go with the old one). Returns the rows written."""
    fresh = temporary_name(folder)
    stale = temporary_name(folder)
    columns = [row[0] for row in session.execute(f"describe {relation}").fetchall()]
    selected = ", ".join(quote_identifier(c) for c in columns[IDENTIFYING_COLUMNS:])
    stem = media_file_stem('"Media ID"', 'any_value("Media Name")')
    (accounts,) = session.execute(f'select count(distinct "Account ID") from {relation}').fetchone()
    if accounts > 1:
        stem = f"cast(\"Account ID\" as varchar) || '-' || {stem}"
    medias = session.execute(
        f'select "Account ID", "Media ID", {stem} from {relation}'
        ' group by "Account ID", "Media ID" order by 1, 2'
    ).fetchall()
    try:
        with clustered_by_media(
            session, relation, columns[IDENTIFYING_COLUMNS:], temporary_name(folder)
        ) as table:
            os.makedirs(fresh)
            rows = 0
            for account_id, media_id, file_stem in medias:
                # `=`, not `is not distinct from`: only `=` skips other medias' row groups.
                only = f"_account = {int(account_id)} and " + (
                    "_media is null" if media_id is None else f"_media = {quote_literal(media_id)}"
                )
                select_sql = (
                    f"select {selected} from {table} where {only} "
                    "order by _date desc nulls last, _key"
                )
                path = os.path.join(fresh, f"{file_stem}.csv")
                rows += copy_to_file(session, select_sql, path)
        # One atomic exchange where the system has it (fresh then holds the old files);
        # elsewhere two renames, with an instant where the folder is missing.
        if not (os.path.isdir(folder) and exchange_paths(fresh, folder)):
            if os.path.isdir(folder):
                os.replace(folder, stale)
            os.replace(fresh, folder)
    finally:
        for leftover in (fresh, stale):
            shutil.rmtree(leftover, ignore_errors=True)
    return rows


def write_exports(session: Any, detailed: str, views_path: str) -> dict[str, int]:
    """The three exports beside `views_path`, all from the mart `detailed` (wistia_views.csv
    is its 24 columns: the rows of `wistia_views`, with the Event Key the order needs).
    Returns each path written and its row count."""
    folder = os.path.dirname(views_path)
    detailed_path = os.path.join(folder, "wistia_views_detailed.csv")
    per_media = os.path.join(folder, "views_by_media")
    with exclusive_folder(folder):
        remove_stale_temporaries(folder, [views_path, detailed_path, per_media])
        return {
            views_path: copy_atomically(
                session, safe_select(session, detailed, IDENTIFYING_COLUMNS), views_path
            ),
            detailed_path: copy_atomically(session, safe_select(session, detailed), detailed_path),
            per_media: copy_per_media(session, detailed, per_media),
        }


def close_event_loop() -> None:
    """dbt-duckdb gives the thread of every Python model an asyncio loop and never closes it
    (`ResourceWarning: unclosed event loop` at exit). Nothing here is async: close it."""
    with contextlib.suppress(RuntimeError):
        asyncio.get_event_loop_policy().get_event_loop().close()
        asyncio.set_event_loop(None)


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    # dbt.ref declares the dependency. The exports then read the mart by name in this
    # model's database and schema (every mart's): reading it through the relation dbt.ref
    # returns would leave a stray view in the DuckDB file.
    dbt.ref("wistia_views_detailed")
    # Earlier versions of this export left exactly that view behind: clean it up.
    session.execute('drop view if exists "main"."wistia_views"')
    marts = f"{quote_identifier(dbt.this.database)}.{quote_identifier(dbt.this.schema)}"
    detailed = f'{marts}."wistia_views_detailed"'
    views_path = os.path.abspath(
        os.environ.get("WISTIA_VIEWS_CSV_PATH") or "../output/wistia_views.csv"
    )
    written = write_exports(session, detailed, views_path)
    close_event_loop()
    rows = " union all ".join(
        f"select {quote_literal(p)} as csv_path, {n} as row_count" for p, n in written.items()
    )
    return session.sql(
        f"select *, cast(now() at time zone 'UTC' as timestamp) as exported_at from ({rows})"
    )
