"""Parameter binding and settings of the data-access module (no warehouse needed)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from app.warehouse import Warehouse, WarehouseConfig, WarehouseError, _bind, in_list


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


PASSWORD = "s3cr3t-pw"


def connect_error(dsn: str) -> WarehouseError:
    warehouse = Warehouse(WarehouseConfig(kind="postgres", postgres_dsn=dsn))
    with pytest.raises(WarehouseError) as raised:
        warehouse.rows("select 1 as n")
    # Nothing chained either: a logged traceback would show the driver's message.
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    return raised.value


@pytest.mark.parametrize(
    "dsn",
    [
        f"postgresql://u:{PASSWORD}@h/db sslmode",
        f"host=h password={PASSWORD} oops",
        f"postgresql://u:{PASSWORD} x@h/db",  # psycopg's parse error quotes this password
    ],
)
def test_malformed_dsn_error_never_shows_the_password(dsn):
    error = str(connect_error(dsn))
    assert error == (
        "Cannot connect to PostgreSQL: the DSN in WISTIA_APP_POSTGRES_DSN is malformed - "
        "use `key=value` pairs (quote values with spaces) or a postgresql:// URI "
        "(percent-encode special characters)."
    )
    assert PASSWORD not in error and "\n" not in error


def test_connection_failure_keeps_the_drivers_first_line():
    # Port 1 on loopback: refused at once, no PostgreSQL server involved.
    error = str(connect_error(f"host=127.0.0.1 port=1 password={PASSWORD} connect_timeout=5"))
    assert error.startswith("Cannot connect to PostgreSQL: connection failed:")
    assert "port 1 failed" in error and "\n" not in error and PASSWORD not in error


def test_connection_failure_quoting_the_password_is_withheld(monkeypatch):
    def refuse(conninfo: str, **kwargs: object) -> None:
        raise psycopg.OperationalError(f'invalid value "{PASSWORD}"\nsecond line')

    monkeypatch.setattr(psycopg, "connect", refuse)
    error = str(connect_error(f"host=h password={PASSWORD}"))
    assert error.startswith("Cannot connect to PostgreSQL (the driver's message is withheld")
    assert PASSWORD not in error
