"""The CSV export model's file writing (transform/models/marts/export/wistia_csv_exports.py)
on a busy account, run directly on DuckDB (no Meltano, no dbt): a mart of 160,000 events
over 150 medias generated in SQL. At that size DuckDB's partitioned COPY rolls over to a
second file per media, which the old export unpacked as one (`too many values to
unpack`); every file must hold its media's rows, newest first."""

from __future__ import annotations

import csv
import importlib.util
import os
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from tests.pipeline.expected import DETAILED_COLUMNS, VIEW_COLUMNS

MODEL = Path(__file__).resolve().parents[2] / "transform/models/marts/export/wistia_csv_exports.py"
MEDIAS = 150
EVENTS = 160_000
DETAILED = "analytics.wistia_views_detailed"


def load_model() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wistia_csv_exports", MODEL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def busy_account(path: Path) -> duckdb.DuckDBPyConnection:
    """The detailed mart of a busy account: 160,000 events over 150 medias, many sharing a
    second (so the Event Key decides their order), in no particular order."""
    conn = duckdb.connect(str(path))
    # As the project's dbt profile sets it: only an explicit ORDER BY orders anything.
    conn.execute("set preserve_insertion_order = false")
    conn.execute("create schema analytics")
    generated = {
        "Account ID": "1",
        "Media ID": f"'m' || lpad(cast(i % {MEDIAS} as varchar), 4, '0')",
        "Media Name": f"'Démo vidéo #' || (i % {MEDIAS})",
        "Project": "'Project'",
        "Event Key": "md5(cast(i as varchar))",
        "Date": "timestamp '2026-01-01' + to_seconds(hash(i) % 50000)",
        "Percent Viewed": "(hash(i) % 100) / 100.0",
    }
    other = "'v' || (i % 7)"
    cells = ", ".join(f'{generated.get(name, other)} as "{name}"' for name in DETAILED_COLUMNS)
    conn.execute(
        f"create table {DETAILED} as select {cells} from range({EVENTS}) as t(i) "
        "order by hash(i * 7)"
    )
    return conn


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def newest_first(rows: list[tuple[str, str]]) -> bool:
    """(Date, Event Key) pairs: Date descending, Event Key ascending within a Date."""
    return rows == sorted(sorted(rows, key=lambda r: r[1]), key=lambda r: r[0], reverse=True)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("busy")
    output = folder / "output"
    output.mkdir()
    # What a run killed with -9 mid-export leaves, and a file that is not the export's.
    (output / ".wistia_views.csv.0123abcd.tmp").write_text("half a file")
    (output / ".views_by_media.4567cdef.tmp").mkdir()
    (output / ".views_by_media.4567cdef.tmp" / "x.csv").write_text("half a folder")
    (output / ".views_by_media.89abcdef.tmp").write_bytes(b"a scratch database")
    (output / ".views_by_media.89abcdef.tmp.wal").write_bytes(b"and its WAL")
    (output / ".notes.tmp").write_text("someone else's")
    (output / "views_by_media").mkdir()
    (output / "views_by_media" / "gone-media-zz.csv").write_text("a media with no views now")
    with busy_account(folder / "wistia.duckdb") as conn:
        written = load_model().write_exports(conn, DETAILED, str(output / "wistia_views.csv"))
    return output, written


def test_per_media_files_on_a_busy_account(exported):
    output, written = exported
    files = sorted((output / "views_by_media").iterdir())
    assert len(files) == MEDIAS  # the stale media's file went with the old folder
    assert files[0].name == "demo-video-0-m0000.csv"
    total = 0
    for path in files:
        header, rows = read_rows(path)
        assert header == VIEW_COLUMNS
        assert len(rows) in (EVENTS // MEDIAS, EVENTS // MEDIAS + 1), path.name
        dates = [r[0] for r in rows]
        assert dates == sorted(dates, reverse=True), path.name
        total += len(rows)
    assert total == EVENTS
    assert written[str(output / "views_by_media")] == EVENTS


def test_main_files_are_newest_first_with_the_event_key_breaking_ties(exported):
    output, written = exported
    header, detailed = read_rows(output / "wistia_views_detailed.csv")
    assert header == DETAILED_COLUMNS
    assert len(detailed) == EVENTS == written[str(output / "wistia_views_detailed.csv")]
    keyed = [(r[5], r[4]) for r in detailed]
    assert len({date for date, _ in keyed}) < EVENTS  # ties exist, and are ordered
    assert newest_first(keyed)
    header, views = read_rows(output / "wistia_views.csv")
    assert header == VIEW_COLUMNS
    # The same rows in the same order: the 24 columns of each detailed row.
    assert views == [r[5:] for r in detailed]


def test_stale_temporaries_of_a_killed_export_are_removed(exported):
    output, _ = exported
    assert sorted(os.listdir(output)) == [
        ".notes.tmp",  # not the export's: kept
        "views_by_media",
        "wistia_views.csv",
        "wistia_views_detailed.csv",
    ]
