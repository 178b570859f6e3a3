"""The duckdb installed here is the one pinned for the loader, the app, dbt and the tests,
so the loader tests prove the record count with the version a user gets."""

from __future__ import annotations

import duckdb

from tests.target_duckdb.pins import DUCKDB_PIN, duckdb_pins


def test_installed_duckdb_is_the_pin():
    assert duckdb.__version__ == DUCKDB_PIN


def test_every_extra_pins_the_same_current_duckdb():
    assert duckdb_pins() == {"dev": DUCKDB_PIN, "app": DUCKDB_PIN, "duckdb-loader": DUCKDB_PIN}
    assert int(DUCKDB_PIN.split(".")[0]) >= 2
