"""The Singer target: settings, the one DuckDB connection, and the CLI entry point."""

from __future__ import annotations

import typing as t

import duckdb
from singer_sdk import typing as th
from singer_sdk.target_base import Target
from typing_extensions import override

from target_wistia_duckdb.sink import DuckDBSink

if t.TYPE_CHECKING:
    from pathlib import PurePath


class TargetWistiaDuckDB(Target):
    """Loads tap-wistia's streams into a DuckDB file (the embedded default warehouse)."""

    name = "target-duckdb"
    package_name = "tap-wistia"  # the distribution it ships in: its version in the logs
    default_sink_class = DuckDBSink
    config_jsonschema = th.PropertiesList(
        th.Property(
            "filepath",
            th.StringType,
            required=True,
            description="Path of the DuckDB database file (its folder must exist).",
        ),
        th.Property(
            "default_target_schema",
            th.StringType,
            default="tap_wistia",
            description="Schema the stream tables are written to.",
        ),
        # Off by default, as in target-duckdb 0.8.0: jsonschema validation would take two
        # thirds of the loader's CPU, and read_json's typed columns refuse (fail the batch,
        # no state emitted) a value that does not fit its column anyway.
        th.Property(
            "validate_records",
            th.BooleanType,
            default=False,
            description="Check each record against the stream's JSON Schema first.",
        ),
        th.Property(
            "temp_dir",
            th.StringType,
            description="Folder for each batch's staging file (default: the system's).",
        ),
    ).to_dict()

    @override
    def __init__(
        self,
        *,
        config: dict | PurePath | str | list[PurePath | str] | None = None,
        parse_env_config: bool = False,
        validate_config: bool = True,
        setup_mapper: bool = True,
    ) -> None:
        super().__init__(
            config=config,
            parse_env_config=parse_env_config,
            validate_config=validate_config,
            setup_mapper=setup_mapper,
        )
        # One writer connection: batches are loaded one after another (DuckDB itself uses
        # every core for each load), never from parallel threads on the same connection.
        self.max_parallelism = 1
        self._connection: duckdb.DuckDBPyConnection | None = None

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            self._connection = duckdb.connect(self.config["filepath"])
        return self._connection

    @override
    def process_endofpipe(self) -> None:
        """Load what is left, then checkpoint and close, so readers see one tidy file."""
        try:
            super().process_endofpipe()
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
