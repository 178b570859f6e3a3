"""The named, cached queries (app/queries.py) and the names pages take from app modules.

Pages are Streamlit scripts: importing one runs it, so no plain import can tell that a page
calls a query that does not exist. The check below reads every file of app/ (pages
included) instead and looks each name it uses of an app module (`queries.kpis`,
`ui.table`, `from app.metrics import RESOLUTIONS`) up in the imported module: a renamed
query or helper fails here, before any page runs.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import queries
from app.queries import Query
from app.warehouse import Warehouse, WarehouseError

APP = Path(queries.__file__).parent
SOURCES = sorted(APP.rglob("*.py"))

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def names_used_from_app_modules(path: Path) -> set[tuple[str, str]]:
    """(module, name) for each name `path` reads from a module of the app package."""
    tree = ast.parse(path.read_text(), str(path))
    aliases: dict[str, str] = {}  # local name -> app module
    used: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "app":
            aliases.update({a.asname or a.name: f"app.{a.name}" for a in node.names})
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app."):
            used.update((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            aliases.update({a.asname: a.name for a in node.names if a.asname and "app." in a.name})
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            used.add((aliases[node.value.id], node.attr))
    return used


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(APP)))
def test_every_name_taken_from_an_app_module_exists(path: Path):
    used = names_used_from_app_modules(path)
    missing = [
        f"{module}.{name}"
        for module, name in sorted(used)
        if not hasattr(importlib.import_module(module), name)
    ]
    assert not missing, f"{path.relative_to(APP)} uses names that do not exist: {missing}"


def test_each_query_is_named_after_its_function_and_called_somewhere():
    named = {name: q for name, q in vars(queries).items() if isinstance(q, Query)}
    for name, query in named.items():
        assert query.function.__name__ == name
        assert query.function.__module__ in (
            "app.metrics",
            "app.traffic",
            "app.inventory",
            "app.webinars",
        )
    called = {
        name
        for path in SOURCES
        for module, name in names_used_from_app_modules(path)
        if module == "app.queries"
    }
    # Also what makes the check above worth something: pages do go through app.queries.
    assert set(named) <= called, f"defined but never called: {set(named) - called}"


@pytest.fixture
def warehouse_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A DuckDB path for the app's config (never opened by these tests); an empty cache."""
    for key in ("WISTIA_APP_WAREHOUSE", "WISTIA_APP_SCHEMA", "WISTIA_APP_POSTGRES_DSN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(tmp_path / "one.duckdb"))
    queries.clear()
    yield tmp_path
    queries.clear()


def test_results_are_cached_per_warehouse_query_and_arguments(
    warehouse_env: Path, monkeypatch: pytest.MonkeyPatch
):
    calls: list[tuple[str, str, int]] = []

    def double(wh: Warehouse, n: int) -> int:
        calls.append(("double", wh.config.duckdb_path.name, n))
        return 2 * n

    def triple(wh: Warehouse, n: int) -> int:
        calls.append(("triple", wh.config.duckdb_path.name, n))
        return 3 * n

    doubled, tripled = Query(double), Query(triple)
    assert [doubled(1), doubled(1), doubled(2), tripled(1)] == [2, 2, 4, 3]
    assert calls == [
        ("double", "one.duckdb", 1),
        ("double", "one.duckdb", 2),
        ("triple", "one.duckdb", 1),
    ]
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(warehouse_env / "two.duckdb"))
    assert doubled(1) == 2
    assert calls[-1] == ("double", "two.duckdb", 1)
    queries.clear()
    assert doubled(1) == 2 and len(calls) == 5


def test_fetch_raises_a_warehouse_problem(warehouse_env: Path):
    def locked(wh: Warehouse) -> int:
        raise WarehouseError("A sync is writing the warehouse right now: reload in a minute.")

    with pytest.raises(WarehouseError, match="reload in a minute"):
        Query(locked).fetch()


def test_a_page_call_says_what_is_wrong_and_stops_the_page(warehouse_env: Path):
    def page() -> None:
        import streamlit as st

        from app.queries import Query
        from app.warehouse import WarehouseError

        def locked(wh: object) -> int:
            raise WarehouseError("A sync is writing the warehouse right now.")

        Query(locked)()
        st.write("after the query")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["A sync is writing the warehouse right now."]
    assert not at.markdown
