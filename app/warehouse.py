"""Read-only connections to the warehouse that holds the dbt marts: DuckDB (default) or
PostgreSQL. Every query of the app goes through `Warehouse.rows` / `Warehouse.stream`.

Queries are written once, in SQL that both engines accept, with `:name` placeholders;
`_bind` turns them into each driver's own parameter style.

Several Wistia accounts in one warehouse: every mart has `account_id`. A config with an
`account_id` (the sidebar's account filter) reads that account only, here, for every query:
each `{schema}.<mart>` a query names becomes that mart's rows of the account, so no KPI,
chart, table or download can forget the filter, and a join between two marts stays within
one account. Without one (a single-account warehouse) the SQL runs unchanged.

DuckDB allows one writer *or* any number of readers per file across processes. The app
therefore opens a read-only connection per query and closes it at once: a long-lived
reader would make the scheduled sync (target-duckdb, dbt) fail to open the file.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DUCKDB = REPO_ROOT / "wistia.duckdb"
SANDBOX_DUCKDB = REPO_ROOT / "output" / "sandbox" / "wistia.duckdb"
FETCH_ROWS = 10_000  # rows per round trip when streaming a large result
# A sorted export of millions of rows must not grow the app: DuckDB spills what does not
# fit in memory_limit to its temporary directory (the system's, since the warehouse's
# folder may be read-only for the app).
DUCKDB_CONFIG = {
    "memory_limit": "64MB",
    "threads": "2",
    "temp_directory": os.path.join(tempfile.gettempdir(), "wistia-app-duckdb"),
}

_PLACEHOLDER = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")
# A mart as the app's queries name it, with its alias if any: `{schema}.media_overview as m`.
_MART = re.compile(r"\{schema\}\.(\w+)(\s+as\s+\w+)?", re.IGNORECASE)


class WarehouseError(RuntimeError):
    """A one-line, user-facing reason the warehouse cannot be read."""


@dataclass(frozen=True)
class WarehouseConfig:
    """Where the marts are. `kind` is 'duckdb' or 'postgres'."""

    kind: str = "duckdb"
    duckdb_path: Path = DEFAULT_DUCKDB
    postgres_dsn: str = field(default="", repr=False)  # may hold a password
    schema: str = "analytics"
    account_id: int | None = None  # read this account only (None: the marts as they are)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> WarehouseConfig:
        """WISTIA_APP_WAREHOUSE=duckdb|postgres, WISTIA_APP_DUCKDB_PATH, WISTIA_APP_SCHEMA;
        PostgreSQL: WISTIA_APP_POSTGRES_DSN, else libpq's PGHOST/PGUSER/... variables."""
        env = dict(os.environ if env is None else env)
        kind = env.get("WISTIA_APP_WAREHOUSE", "duckdb").strip().lower() or "duckdb"
        if kind not in ("duckdb", "postgres"):
            raise WarehouseError(
                f"WISTIA_APP_WAREHOUSE={kind!r} is not supported: use 'duckdb' or 'postgres'."
            )
        schema = env.get("WISTIA_APP_SCHEMA", "analytics") or "analytics"
        path = env.get("WISTIA_APP_DUCKDB_PATH", "")
        if path:
            duckdb_path = Path(path).expanduser()
        elif kind == "duckdb":
            duckdb_path = _chosen_duckdb(DEFAULT_DUCKDB, SANDBOX_DUCKDB, schema)
        else:
            duckdb_path = DEFAULT_DUCKDB
        return cls(
            kind=kind,
            duckdb_path=duckdb_path,
            postgres_dsn=env.get("WISTIA_APP_POSTGRES_DSN", ""),
            schema=schema,
        )

    def describe(self) -> str:
        """Where the data comes from, without credentials (shown on the freshness page)."""
        if self.kind == "duckdb":
            return f"DuckDB {self.duckdb_path} (schema {self.schema})"
        return f"PostgreSQL (schema {self.schema})"


def choose_duckdb(project: Path, sandbox: Path, schema: str) -> Path:
    """The project's warehouse (what `scripts/sync.sh` builds) unless it opens without the
    marts and the quickstart's sandbox warehouse exists: a sync that failed before loading
    anything (no token yet, say) leaves an empty file, which must not hide the sandbox."""
    if sandbox.exists() and not _holds_marts(project, schema):
        return sandbox
    return project


# Chosen once per process, like `python -m app`'s pin: from_env runs for every query, and
# the choice opens the file.
_chosen_duckdb = functools.lru_cache(maxsize=None)(choose_duckdb)


def file_version(path: Path) -> tuple[int, int, int]:
    """(inode, size, mtime in ns) of the file: changes when a sync renames a new file in or
    writes this one; (0, 0, 0) when there is none."""
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def open_duckdb(path: Path) -> Any:
    """A fresh in-memory DuckDB with the file ATTACHed read-only as its default catalog
    (why not `duckdb.connect(path)`: see the module docstring). The caller closes it."""
    import duckdb

    conn = duckdb.connect(":memory:", config=DUCKDB_CONFIG)
    try:
        quoted = str(path).replace("'", "''")
        conn.execute(f"ATTACH '{quoted}' AS warehouse (READ_ONLY)")
        conn.execute("USE warehouse")
    except BaseException:
        conn.close()
        raise
    return conn


def _holds_marts(path: Path, schema: str) -> bool:
    if not path.exists():
        return False
    import duckdb

    try:
        with open_duckdb(path) as conn:
            (found,) = conn.execute(
                "select count(*) from information_schema.tables"
                " where table_schema = ? and table_name = 'wistia_views_keyed'",
                [schema],
            ).fetchone()
    except duckdb.Error:
        # Locked by a sync writing it, or unreadable (another DuckDB version, permissions):
        # the project's warehouse all the same, whose pages then say what is wrong, rather
        # than sandbox figures shown in its place.
        return True
    return bool(found)


def _bind(sql: str, kind: str) -> str:
    """`:name` -> DuckDB `$name` / psycopg `%(name)s` (`::` casts are left alone)."""
    if kind == "duckdb":
        return _PLACEHOLDER.sub(r"$\1", sql)
    return _PLACEHOLDER.sub(r"%(\1)s", sql.replace("%", "%%"))


def in_list(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """`(:name_0, :name_1, ...)` and its parameters: an IN list both engines accept."""
    params = {f"{name}_{i}": value for i, value in enumerate(values)}
    return "(" + ", ".join(f":{key}" for key in params) + ")", params


def _connect_error(exc: Exception, dsn: str) -> WarehouseError:
    """One line on why PostgreSQL cannot be reached that never shows the DSN's text: a
    malformed DSN's parse error quotes it (`missing "=" after "secret"`), so only the
    first line of a connection failure is kept, and only when it quotes no password."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    if isinstance(exc, psycopg.ProgrammingError):  # psycopg's error for a DSN it cannot parse
        return WarehouseError(
            "Cannot connect to PostgreSQL: the DSN in WISTIA_APP_POSTGRES_DSN is malformed - "
            "use `key=value` pairs (quote values with spaces) or a postgresql:// URI "
            "(percent-encode special characters)."
        )
    text = str(exc).strip()
    first_line = text.splitlines()[0] if text else type(exc).__name__
    try:
        password = conninfo_to_dict(dsn).get("password", "")
    except psycopg.Error:
        password = ""
    quoted = [value for value in (dsn.strip(), password, os.environ.get("PGPASSWORD", "")) if value]
    if any(value in first_line for value in quoted):
        return WarehouseError(
            "Cannot connect to PostgreSQL (the driver's message is withheld: it quotes the "
            "connection settings): check WISTIA_APP_POSTGRES_DSN and the PG* variables."
        )
    return WarehouseError(f"Cannot connect to PostgreSQL: {first_line}")


class Warehouse:
    """Runs the app's read-only queries; `{schema}` in SQL is the marts' schema."""

    def __init__(self, config: WarehouseConfig) -> None:
        self.config = config

    @contextmanager
    def _cursor(self, server_side: bool = False) -> Iterator[Any]:
        """A read-only cursor; `server_side` (PostgreSQL) keeps a large result on the
        server and sends it FETCH_ROWS at a time instead of all at once."""
        if self.config.kind == "duckdb":
            import duckdb

            path = self.config.duckdb_path
            if not path.exists():
                raise WarehouseError(
                    f"No warehouse at {path}: run `bash scripts/quickstart.sh` first "
                    "(or set WISTIA_APP_DUCKDB_PATH)."
                )
            try:
                conn = open_duckdb(path)
            except duckdb.Error as exc:
                if "could not set lock" in str(exc).lower():
                    raise WarehouseError(
                        "A sync is writing the warehouse right now: reload in a minute."
                    ) from exc
                raise WarehouseError(f"Cannot open {path}: {exc}") from exc
            try:
                yield conn
            finally:
                conn.close()
        else:
            import psycopg

            try:
                conn = psycopg.connect(self.config.postgres_dsn, autocommit=False)
            except psycopg.Error as exc:
                # `from None`: the driver's message may quote the DSN, password included.
                raise _connect_error(exc, self.config.postgres_dsn) from None
            # Every transaction starts READ ONLY: nothing the app runs can write.
            conn.read_only = True
            try:
                with conn.cursor(name="wistia_app" if server_side else "") as cur:
                    yield cur
            finally:
                conn.rollback()
                conn.close()

    def _sql(self, sql: str) -> str:
        if self.config.account_id is not None:
            sql = _MART.sub(self._one_account, sql)
        return _bind(sql.replace("{schema}", self.config.schema), self.config.kind)

    def _one_account(self, mart: re.Match[str]) -> str:
        """`{schema}.<mart> [as alias]` -> the mart's rows of the config's account."""
        table, alias = mart.group(1), mart.group(2)
        rows = f"select * from {{schema}}.{table} where account_id = {int(self.config.account_id)}"
        return f"({rows}){alias or f' as {table}'}"

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """All rows of a (small) result as dicts."""
        with self._cursor() as cur:
            try:
                cur.execute(self._sql(sql), params or {})
            except Exception as exc:
                raise self._query_error(exc) from exc
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    @contextmanager
    def stream(
        self, sql: str, params: dict[str, Any] | None = None
    ) -> Iterator[tuple[list[str], Iterator[tuple[Any, ...]]]]:
        """`with wh.stream(sql) as (names, rows):` rows are fetched FETCH_ROWS at a time,
        so the whole result is never in memory; the connection closes with the block."""
        with self._cursor(server_side=True) as cur:
            try:
                cur.execute(self._sql(sql), params or {})
            except Exception as exc:
                raise self._query_error(exc) from exc
            names = [d[0] for d in cur.description]

            def batches() -> Iterator[tuple[Any, ...]]:
                while chunk := cur.fetchmany(FETCH_ROWS):
                    yield from chunk

            yield names, batches()

    def has_table(self, name: str) -> bool:
        found = self.rows(
            "select count(*) as n from information_schema.tables "
            "where table_schema = :schema and table_name = :name",
            {"schema": self.config.schema, "name": name},
        )
        return bool(found and found[0]["n"])

    def _query_error(self, exc: Exception) -> WarehouseError:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "does not exist" in text or "Catalog Error" in text:
            return WarehouseError(
                f"{text} - build the marts first: `bash scripts/quickstart.sh` "
                "(or `meltano run wistia-to-duckdb`)."
            )
        return WarehouseError(text)
