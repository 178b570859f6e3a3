"""The app reads a DuckDB file that a sync replaces by renaming a new build over it.

scripts/sync.sh builds into `<dir>/.wistia.duckdb.sync/wistia.duckdb` and renames it over
the live file: the app's next query must read the new file, even while a download still
streams from the old one, and the cached page queries must not serve the old figures.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from app import queries
from app.warehouse import Warehouse, WarehouseConfig

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def build(path: Path, medias: list[tuple[str, str]]) -> None:
    """A warehouse with only the media catalog mart the query below reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema analytics")
        conn.execute("create table analytics.t (media_id varchar, media_name varchar)")
        conn.executemany("insert into analytics.t values (?, ?)", medias)


def swap_in(live: Path, medias: list[tuple[str, str]]) -> None:
    """What sync.sh does: build into the copy, rename it over the live file."""
    copy = live.parent / ".wistia.duckdb.sync" / "wistia.duckdb"
    build(copy, medias)
    os.rename(copy, live)


def names(wh: Warehouse) -> list[str]:
    return [row["media_name"] for row in wh.rows("select media_name from {schema}.t order by 1")]


def test_a_renamed_in_warehouse_is_read_while_a_download_streams_the_old_one(tmp_path):
    live = tmp_path / "wistia.duckdb"
    build(live, [("a1", "old")])
    wh = Warehouse(WarehouseConfig(duckdb_path=live))
    assert names(wh) == ["old"]
    with wh.stream("select media_name from {schema}.t") as (_columns, old_rows):
        swap_in(live, [("a1", "new"), ("b2", "added")])
        # DuckDB's instance cache would hand `connect(path)` the old file still open here.
        assert names(wh) == ["added", "new"]
        assert list(old_rows) == [("old",)]  # the running download finishes on its file
    assert names(wh) == ["added", "new"]


def count_medias(wh: Warehouse) -> int:
    return len(wh.rows("select media_id from {schema}.t"))


COUNT = queries.Query(count_medias)


def test_cached_queries_see_a_renamed_in_warehouse_at_once(tmp_path, monkeypatch):
    live = tmp_path / "wistia.duckdb"
    build(live, [("a1", "old")])
    for key in [k for k in os.environ if k.startswith("WISTIA_APP_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(live))
    queries.clear()
    assert COUNT.fetch() == 1
    swap_in(live, [("a1", "new"), ("b2", "added"), ("c3", "third")])
    assert COUNT.fetch() == 3  # not the cached 1 for the next 5 minutes
    queries.clear()
