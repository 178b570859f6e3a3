"""Test-only: point target-snowflake's Snowflake connections at the fakesnow emulator.

target-snowflake has no host/port/protocol settings (its SQLAlchemy URL always names
`<account>.snowflakecomputing.com`, and snowflake-sqlalchemy refuses `host`/`protocol` in the
URL), and Meltano drops PYTHONPATH, so the Snowflake pipeline test adds a `.pth` file that
imports this module to target-snowflake's venv (in the test's own copy of the project). When
FAKESNOW_REDIRECT_PORT is set, every `snowflake.connector` connection made in that process goes to
http://127.0.0.1:<port> instead; without it, or without the connector, it does nothing.
"""

from __future__ import annotations

import os
from typing import Any

PORT = os.environ.get("FAKESNOW_REDIRECT_PORT")


def _redirect_connections(port: int) -> None:
    try:
        from snowflake.connector.connection import SnowflakeConnection
    except ImportError:  # not a Snowflake plugin's venv (the tap, dbt-duckdb, ...)
        return
    original_init = SnowflakeConnection.__init__

    def init_against_emulator(self: SnowflakeConnection, *args: Any, **kwargs: Any) -> None:
        # A 500 from the emulator (a statement it cannot run) is final, not retried for ever.
        kwargs.update(host="127.0.0.1", port=port, protocol="http", network_timeout=5)
        original_init(self, *args, **kwargs)

    SnowflakeConnection.__init__ = init_against_emulator  # type: ignore[method-assign]


if PORT:
    _redirect_connections(int(PORT))
