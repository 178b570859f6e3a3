"""Parameter binding and settings of the data-access module (no warehouse needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.warehouse import WarehouseConfig, WarehouseError, _bind, in_list


def test_named_parameters_per_driver():
    sql = "select cast(x as date)::text, '5%' from t where a = :a and b in (:m_0, :m_1)"
    assert _bind(sql, "duckdb") == (
        "select cast(x as date)::text, '5%' from t where a = $a and b in ($m_0, $m_1)"
    )
    assert _bind(sql, "postgres") == (
        "select cast(x as date)::text, '5%%' from t where a = %(a)s and b in (%(m_0)s, %(m_1)s)"
    )
    assert in_list("m", ["x", "y"]) == ("(:m_0, :m_1)", {"m_0": "x", "m_1": "y"})


def test_config_from_env(tmp_path):
    config = WarehouseConfig.from_env(
        {"WISTIA_APP_DUCKDB_PATH": str(tmp_path / "w.duckdb"), "WISTIA_APP_SCHEMA": "gold"}
    )
    assert config.kind == "duckdb" and config.duckdb_path == Path(tmp_path / "w.duckdb")
    assert config.describe() == f"DuckDB {tmp_path / 'w.duckdb'} (schema gold)"
    secret = "host=db password=hunter2"
    postgres = WarehouseConfig.from_env(
        {"WISTIA_APP_WAREHOUSE": "postgres", "WISTIA_APP_POSTGRES_DSN": secret}
    )
    assert "hunter2" not in postgres.describe() and "hunter2" not in repr(postgres)
    with pytest.raises(WarehouseError, match="use 'duckdb' or 'postgres'"):
        WarehouseConfig.from_env({"WISTIA_APP_WAREHOUSE": "mysql"})
