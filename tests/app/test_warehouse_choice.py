"""Which DuckDB file the app reads when WISTIA_APP_DUCKDB_PATH is not set, and that
`python -m app` keeps the one it printed for the server's whole life."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from app import __main__ as app_main
from app import warehouse
from app.warehouse import WarehouseConfig, choose_duckdb
from tests.app.conftest import DuckdbWriter


def make_duckdb(path: Path, with_marts: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as conn:
        if with_marts:
            conn.execute("create schema analytics")
            conn.execute("create table analytics.wistia_views_keyed (event_key varchar)")
    return path


def test_an_empty_project_file_does_not_hide_the_sandbox(tmp_path):
    # What a sync that failed before loading anything leaves behind.
    project = make_duckdb(tmp_path / "wistia.duckdb", with_marts=False)
    sandbox = make_duckdb(tmp_path / "sandbox" / "wistia.duckdb", with_marts=True)
    assert choose_duckdb(project, sandbox, "analytics") == sandbox
    assert choose_duckdb(project, sandbox, "gold") == sandbox  # no marts in that schema


def test_the_project_warehouse_wins_once_it_holds_the_marts(tmp_path):
    project = make_duckdb(tmp_path / "wistia.duckdb", with_marts=True)
    sandbox = make_duckdb(tmp_path / "sandbox" / "wistia.duckdb", with_marts=True)
    assert choose_duckdb(project, sandbox, "analytics") == project
    # No sandbox: the project's file, whatever it holds (the pages then say what to run).
    assert choose_duckdb(project, tmp_path / "none.duckdb", "analytics") == project
    empty = make_duckdb(tmp_path / "empty.duckdb", with_marts=False)
    assert choose_duckdb(empty, tmp_path / "none.duckdb", "analytics") == empty
    assert choose_duckdb(tmp_path / "missing.duckdb", sandbox, "analytics") == sandbox


def test_an_unreadable_project_file_is_not_replaced_by_the_sandbox(tmp_path):
    project = tmp_path / "wistia.duckdb"
    project.write_bytes(b"not a DuckDB file" * 100)
    sandbox = make_duckdb(tmp_path / "sandbox" / "wistia.duckdb", with_marts=True)
    assert choose_duckdb(project, sandbox, "analytics") == project


def test_a_project_file_locked_by_a_sync_is_the_project_warehouse(tmp_path):
    project = make_duckdb(tmp_path / "wistia.duckdb", with_marts=False)
    sandbox = make_duckdb(tmp_path / "sandbox" / "wistia.duckdb", with_marts=True)
    with DuckdbWriter(project):
        assert choose_duckdb(project, sandbox, "analytics") == project


def test_python_m_app_pins_the_warehouse_it_prints(tmp_path, monkeypatch, capsys):
    project = make_duckdb(tmp_path / "wistia.duckdb", with_marts=False)
    sandbox = make_duckdb(tmp_path / "sandbox" / "wistia.duckdb", with_marts=True)
    monkeypatch.setattr(warehouse, "DEFAULT_DUCKDB", project)
    monkeypatch.setattr(warehouse, "SANDBOX_DUCKDB", sandbox)
    for name in ("WISTIA_APP_DUCKDB_PATH", "WISTIA_APP_WAREHOUSE", "WISTIA_APP_PASSWORD"):
        # setenv first, so monkeypatch restores the variable main() sets below.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    started: list[dict[str, str]] = []

    def fake_execv(_program: str, _argv: list[str]) -> None:
        started.append(dict(app_main.os.environ))
        raise SystemExit(0)

    monkeypatch.setattr(app_main.os, "execv", fake_execv)
    with pytest.raises(SystemExit):
        app_main.main(["--port", "8765"])
    assert started[0]["WISTIA_APP_DUCKDB_PATH"] == str(sandbox)
    assert f"Data: DuckDB {sandbox} (schema analytics)" in capsys.readouterr().out
    # The server's per-query settings now name that file, whatever appears later.
    make_duckdb(tmp_path / "other.duckdb", with_marts=True)
    assert WarehouseConfig.from_env(started[0]).duckdb_path == sandbox
