"""Column names, DuckDB types and the SQL that creates, widens and loads a stream's table.

Decisions (kept identical to target-duckdb 0.8.0, which wrote the tables before this
loader, so an existing `wistia.duckdb` keeps loading and dbt reads the same columns):
* table `<schema>."<stream>"` with `-` and `.` turned into `_`, all lower case; column
  names lower case (DuckDB resolves identifiers case-insensitively anyway);
* JSON Schema -> DuckDB type: object/array -> JSON, date-time -> TIMESTAMP (UTC, no zone),
  time -> TIME, number -> DOUBLE, integer -> HUGEINT (SMALLINT/INTEGER/BIGINT when a
  `maximum` fits), integer-or-string -> VARCHAR, boolean -> BOOLEAN, else VARCHAR;
* an empty string loads as NULL (the tap writes "(none)" in key columns for that reason);
* a keyed stream gets a PRIMARY KEY and is upserted; a keyless one is appended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SMALLINT_MAX = 32767
INTEGER_MAX = 2147483647
BIGINT_MAX = 9223372036854775807


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_name(stream_name: str) -> str:
    return stream_name.replace(".", "_").replace("-", "_").lower()


def column_type(prop: Mapping[str, Any]) -> str:
    """The DuckDB type of one JSON Schema property (target-duckdb 0.8.0's mapping)."""
    types = prop.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    if not types and "anyOf" in prop:
        types = [t for option in prop["anyOf"] for t in _types_of(option)]
    fmt = prop.get("format")
    if "object" in types or "array" in types:
        return "JSON"
    if fmt == "date-time":
        return "TIMESTAMP"
    if fmt == "time":
        return "TIME"
    if "number" in types:
        return "DOUBLE"
    if "integer" in types and "string" in types:
        return "VARCHAR"
    if "integer" in types:
        maximum = prop.get("maximum")
        if maximum is None or maximum > BIGINT_MAX:
            return "HUGEINT"
        if maximum <= SMALLINT_MAX:
            return "SMALLINT"
        return "INTEGER" if maximum <= INTEGER_MAX else "BIGINT"
    if "boolean" in types:
        return "BOOLEAN"
    return "VARCHAR"


def _types_of(option: Mapping[str, Any]) -> list[str]:
    found = option.get("type", [])
    return [found] if isinstance(found, str) else list(found)


@dataclass(frozen=True)
class Column:
    key: str  # the record's key, as the tap writes it
    name: str  # the table's column (lower case)
    type: str


@dataclass(frozen=True)
class TableLayout:
    """Where and how one stream is stored."""

    schema: str
    table: str
    columns: tuple[Column, ...]
    key_names: tuple[str, ...]

    @classmethod
    def of(
        cls, schema: str, stream_name: str, properties: Mapping[str, Any], keys: Sequence[str]
    ) -> TableLayout:
        columns = tuple(Column(key, key.lower(), column_type(p)) for key, p in properties.items())
        return cls(schema, table_name(stream_name), columns, tuple(k.lower() for k in keys))

    @property
    def qualified(self) -> str:
        return f"{quote(self.schema)}.{quote(self.table)}"

    def create_sql(self) -> str:
        parts = [f"{quote(c.name)} {c.type}" for c in self.columns]
        if self.key_names:
            parts.append(f"PRIMARY KEY ({', '.join(map(quote, self.key_names))})")
        return f"CREATE TABLE IF NOT EXISTS {self.qualified} ({', '.join(parts)})"

    def add_column_sql(self, existing: set[str]) -> list[str]:
        """ALTERs adding the columns the table lacks (a new field in the tap's schema)."""
        return [
            f"ALTER TABLE {self.qualified} ADD COLUMN {quote(c.name)} {c.type}"
            for c in self.columns
            if c.name not in existing
        ]

    def staged_sql(self, jsonl_path: str) -> str:
        """The batch file as typed rows: read_json casts each value to its column's type."""
        spec = ", ".join(f"{literal(c.key)}: {literal(c.type)}" for c in self.columns)
        values = ", ".join(
            f"nullif({quote(c.key)}, '') AS {quote(c.name)}"
            if c.type == "VARCHAR"
            else f"{quote(c.key)} AS {quote(c.name)}"
            for c in self.columns
        )
        source = (
            f"read_json({literal(jsonl_path)}, format = 'newline_delimited', columns = {{{spec}}})"
        )
        return f"SELECT {values} FROM {source}"

    def load_sql(self, jsonl_path: str) -> str:
        """Upsert by key (MERGE) or append: one statement, run inside the batch's transaction."""
        names = [quote(c.name) for c in self.columns]
        staged = self.staged_sql(jsonl_path)
        if not self.key_names:
            return f"INSERT INTO {self.qualified} ({', '.join(names)}) {staged}"
        on = " AND ".join(f"t.{quote(k)} = s.{quote(k)}" for k in self.key_names)
        updates = ", ".join(
            f"{quote(c.name)} = s.{quote(c.name)}"
            for c in self.columns
            if c.name not in self.key_names
        )
        matched = f"WHEN MATCHED THEN UPDATE SET {updates} " if updates else ""
        return (
            f"MERGE INTO {self.qualified} AS t USING ({staged}) AS s ON {on} "
            f"{matched}WHEN NOT MATCHED THEN INSERT ({', '.join(names)}) "
            f"VALUES ({', '.join('s.' + n for n in names)})"
        )
