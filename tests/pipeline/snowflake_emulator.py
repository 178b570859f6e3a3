"""A Snowflake emulator for the pipeline tests: fakesnow's HTTP server (Snowflake SQL run on an
in-memory DuckDB), served from a thread of the test process on a free loopback port.

Decisions:
* The socket is bound and listening before the server thread starts, so clients can connect at
  once (no polling for readiness); the thread is joined at teardown.
* fakesnow keeps one in-memory DuckDB per process: each test uses its own database name (created
  by the first login to it) and drops it at teardown. fakesnow 0.12.1 cannot parse
  `DROP DATABASE`, so the DuckDB catalog behind it is detached instead.
* Loads the emulator cannot run (target-snowflake stages JSON files: CREATE FILE FORMAT, PUT to
  the user stage `@~`, MERGE/COPY from it, REMOVE) are replaced by `load_singer_messages`, which
  writes the tap's records into the tables target-snowflake created, with its upsert semantics:
  the latest record per primary key, upper-case column names, `_SDC_*` metadata columns. It
  writes into the DuckDB tables behind the emulator (parsing a few thousand INSERT rows through
  fakesnow's SQL translation took 36 s). The marts are read with Snowflake SQL through fakesnow's
  in-process connection (`fetch`), not over http: fakesnow 0.12.1 sends a NULL timestamp over
  the wire as 1970-01-01 00:00:00, and the marts have NULL timestamps (a media never viewed).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import re
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fakesnow.server
import snowflake.connector
import uvicorn
from typing_extensions import override

REDIRECT_MODULE = Path(__file__).with_name("fakesnow_redirect.py")
CREDENTIALS = {"ACCOUNT": "fakesnow", "USER": "fake", "PASSWORD": "snow", "ROLE": "SYSADMIN"}


class _FailedStatements(logging.Handler):
    """fakesnow logs each statement it failed: a SQL error (info) or an internal one (error)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.statements: list[str] = []

    @override
    def emit(self, record: logging.LogRecord) -> None:
        found = re.match(r"sql_text=(['\"])(.*?)\1 ", record.getMessage(), re.DOTALL)
        if found and found.group(2) not in self.statements:
            self.statements.append(found.group(2))


@dataclass
class EmulatedSnowflake:
    port: int
    database: str
    # Statements the emulator failed (each once), in order.
    failed: list[str] = field(default_factory=list)

    def failed_kinds(self) -> set[str]:
        """The leading keywords of the failed statements: `PUT`, `CREATE OR REPLACE FILE FORMAT`."""
        kinds = set()
        for statement in self.failed:
            words = itertools.takewhile(str.isalpha, statement.split())
            kinds.add(" ".join(words).upper())
        return kinds

    def connect(self, schema: str | None = None) -> Any:
        return snowflake.connector.connect(
            user=CREDENTIALS["USER"],
            password=CREDENTIALS["PASSWORD"],
            account=CREDENTIALS["ACCOUNT"],
            host="127.0.0.1",
            port=self.port,
            protocol="http",
            database=self.database,
            schema=schema,
            # No telemetry, and an emulator error is final (the connector would retry a 500).
            session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
            network_timeout=5,
        )

    def fetch(self, sql: str) -> list[tuple]:
        """Run Snowflake SQL through the emulator's in-process connection (not over http).

        fakesnow 0.12.1 answers `select null::timestamp_ntz` over http with 1970-01-01 00:00:00
        (also `_tz`, `_ltz`); in process, after the same SQL translation, NULL stays None.
        """
        with fakesnow.server.shared_fs.connect(self.database, None) as conn:
            return conn.cursor().execute(sql).fetchall()

    def meltano_env(self) -> dict[str, str]:
        """target-snowflake and dbt-snowflake settings for this emulator's database."""
        common = CREDENTIALS | {"WAREHOUSE": "EMULATED", "DATABASE": self.database}
        return (
            {f"TARGET_SNOWFLAKE_{k}": v for k, v in common.items()}
            | {f"DBT_SNOWFLAKE_{k}": v for k, v in common.items()}
            | {
                "DBT_SNOWFLAKE_HOST": "127.0.0.1",
                "DBT_SNOWFLAKE_PORT": str(self.port),
                "DBT_SNOWFLAKE_PROTOCOL": "http",
                # Read by fakesnow_redirect.py in target-snowflake's venv (no such settings).
                "FAKESNOW_REDIRECT_PORT": str(self.port),
            }
        )

    def load_singer_messages(self, messages: Iterable[dict], schema: str) -> dict[str, int]:
        """Upsert each stream's records into the table target-snowflake created for it."""
        streams: dict[str, list[str]] = {}
        latest: dict[str, dict[tuple, dict]] = {}
        batched_at = dt.datetime.now(dt.UTC).isoformat()
        for message in messages:
            if message["type"] == "SCHEMA":
                streams[message["stream"]] = message["key_properties"]
                latest.setdefault(message["stream"], {})
            elif message["type"] == "RECORD":
                record = message["record"]
                keys = streams[message["stream"]]
                rows = latest[message["stream"]]
                key = tuple(json.dumps(record.get(k)) for k in keys) if keys else (len(rows),)
                row = {name.upper(): value for name, value in record.items()}
                row["_SDC_EXTRACTED_AT"] = message.get("time_extracted")
                row["_SDC_BATCHED_AT"] = batched_at
                rows[key] = row
        duck = fakesnow.server.shared_fs.duck_conn.cursor()
        for stream, rows in latest.items():
            table = f'{self.database}.{schema}."{stream.upper()}"'
            columns = {c for (c, *_) in duck.execute(f"describe {table}").fetchall()}
            # A record may omit a property: insert the union of the stream's columns.
            names = sorted({n for row in rows.values() for n in row} & columns)
            if not names:
                continue
            quoted = ", ".join(f'"{n}"' for n in names)
            duck.executemany(
                f"insert into {table} ({quoted}) values ({', '.join(['?'] * len(names))})",
                [[_sql_value(row.get(n)) for n in names] for row in rows.values()],
            )
        duck.close()
        return {stream: len(rows) for stream, rows in latest.items()}


def _sql_value(value: object) -> object:
    # target-snowflake writes objects and arrays as VARIANT; they arrive here as JSON text.
    return json.dumps(value) if isinstance(value, dict | list) else value


@contextmanager
def emulated_snowflake(database: str) -> Iterator[EmulatedSnowflake]:
    """Serve fakesnow on 127.0.0.1 for `database` (dropped afterwards)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = uvicorn.Server(uvicorn.Config(fakesnow.server.app, log_level="warning"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="fakesnow", daemon=True
    )
    thread.start()
    emulator = EmulatedSnowflake(port=listener.getsockname()[1], database=database)
    failures = _FailedStatements()
    failures.statements = emulator.failed
    fakesnow_log = logging.getLogger("fakesnow.server")
    fakesnow_log.addHandler(failures)
    try:
        yield emulator
        # fakesnow 0.12.1 cannot parse DROP DATABASE: detach the DuckDB catalog behind it.
        fakesnow.server.shared_fs.duck_conn.execute(f"detach database if exists {database}")
    finally:
        fakesnow_log.removeHandler(failures)
        server.should_exit = True
        thread.join()
        listener.close()
