"""One stream's batches: staged as JSON lines, bulk-loaded by DuckDB in one transaction.

Why this shape: parsing and casting happen in DuckDB's `read_json` (typed columns from the
stream's schema), not row by row in Python, and a batch is all or nothing. Within a batch
the last record of a key wins (as Singer targets do), so the MERGE never meets one key
twice; across batches the MERGE updates the row in place, so a re-read day does not add
copies.

Rows loaded before `account_id` existed (an upgraded project: the tap added it to every
record and key) hold NULL there; they came from the one account the project read then,
which is the account its upgraded extractor reads now. So before each MERGE they take the
account id the batch's records share: the MERGE then updates them instead of adding copies
(which the table's older primary key, without `account_id`, would refuse).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import typing as t
from decimal import Decimal

from singer_sdk.sinks import BatchSink
from typing_extensions import override

from target_wistia_duckdb.columns import TableLayout, quote

# Key columns that rows loaded before them are adopted into (see the module docstring).
ADOPTED_KEYS = ("account_id",)

if t.TYPE_CHECKING:
    from target_wistia_duckdb.target import TargetWistiaDuckDB


def _json_value(value: object) -> str | float:
    """What json.dumps cannot write: the SDK's parsed values. Date-times are stored in UTC;
    the SDK reads JSON numbers as Decimal, and their columns are DOUBLE (or JSON)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} value")


class DuckDBSink(BatchSink):
    """Loads one stream into `<default_target_schema>.<stream>`."""

    @override
    def __init__(
        self,
        target: TargetWistiaDuckDB,
        stream_name: str,
        schema: dict,
        key_properties: t.Sequence[str] | None,
    ) -> None:
        self._owner = target  # holds the one connection, opened on first use
        super().__init__(target, stream_name, schema, key_properties)
        self.layout = TableLayout.of(
            self.config["default_target_schema"],
            stream_name,
            self.schema["properties"],
            self.key_properties,
        )

    @override
    def setup(self) -> None:
        """Create the schema and table (also for a stream with no records), add new columns."""
        conn = self._owner.connection
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(self.layout.schema)}")
        conn.execute(self.layout.create_sql())
        existing = {
            row[0].lower()
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ?",
                [self.layout.schema, self.layout.table],
            ).fetchall()
        }
        for statement in self.layout.add_column_sql(existing):
            self.logger.info("New column: %s", statement)
            conn.execute(statement)

    @override
    def process_record(self, record: dict, context: dict) -> None:
        records: dict[object, dict] = context.setdefault("records", {})
        if self.key_properties:
            key = tuple(json.dumps(record.get(k), default=str) for k in self.key_properties)
            if key in records:
                self.tally_duplicate_merged()
        else:
            key = len(records)
        records[key] = record

    @override
    def process_batch(self, context: dict) -> None:
        records: dict[object, dict] = context.get("records", {})
        if not records:
            return
        # mkstemp: readable by this user only (records hold viewers' emails and IPs), and
        # removed whether the load succeeds or not.
        handle, path = tempfile.mkstemp(
            prefix=f"{self.layout.table}-", suffix=".jsonl", dir=self.config.get("temp_dir")
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                for record in records.values():
                    out.write(json.dumps(record, default=_json_value))
                    out.write("\n")
            conn = self._owner.connection
            conn.execute("BEGIN TRANSACTION")
            try:
                self._adopt_rows_loaded_before_their_key(list(records.values()))
                conn.execute(self.layout.load_sql(path))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self.logger.info("Loaded %d rows into %s", len(records), self.layout.qualified)
        finally:
            os.unlink(path)

    def _adopt_rows_loaded_before_their_key(self, records: list[dict]) -> None:
        for key in ADOPTED_KEYS:
            if key not in self.layout.key_names:
                continue
            values = {json.dumps(record.get(key), default=str) for record in records}
            value = records[0].get(key)
            if len(values) != 1 or value is None:
                continue  # several accounts in one batch: none of them owns the old rows
            adopted = self._owner.connection.execute(
                f"UPDATE {self.layout.qualified} SET {quote(key)} = ? WHERE {quote(key)} IS NULL",
                [value],
            ).fetchone()
            if adopted and adopted[0]:
                self.logger.warning(
                    "%s: %d row(s) loaded before %s existed adopted as %s %s.",
                    self.layout.qualified,
                    adopted[0],
                    key,
                    key,
                    value,
                )
