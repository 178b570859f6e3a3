"""CSV cells: formula neutralising, formatting, file names (no warehouse needed)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
from pathlib import Path

import duckdb
import pytest

from app.exports import csv_chunks, file_name, format_cell, neutralise, table_csv
from app.metrics import Period
from app.ui import Selection

CSV_EXPORTS_MODEL = (
    Path(__file__).resolve().parents[2] / "transform/models/marts/export/wistia_csv_exports.py"
)
# Formulas behind what a spreadsheet skips (spaces, NBSP, LF, CR, TAB, ideographic space)
# or in full-width characters, which some spreadsheets read as = + - @.
HIDDEN_FORMULAS = [
    ' =HYPERLINK("http://x")',
    "\u00a0=1+1",
    "\n=1+1",
    "\r\n+1",
    "\t @SUM(A1)",
    "\u3000-2+3",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    " \uff1d1+1",
    "  -5",
]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("\rcarriage", "'\rcarriage"),
        ("-0.5", "-0.5"),  # real numbers stay numbers
        ("+12", "+12"),
        ("-1.5e3", "-1.5e3"),
        ("-", "'-"),
        ("plain = text", "plain = text"),
        ("", ""),
        *((cell, "'" + cell) for cell in HIDDEN_FORMULAS),
        (" 42", " 42"),  # spaces before something that is no formula: left as it is
        ("\u00a0text", "\u00a0text"),
    ],
)
def test_neutralise(cell: str, written: str):
    assert neutralise(cell) == written


def test_the_dbt_exports_neutralise_exactly_like_the_app():
    """The same rule in SQL (the dbt CSV exports) and in Python (the app's downloads)."""
    spec = importlib.util.spec_from_file_location("wistia_csv_exports", CSV_EXPORTS_MODEL)
    assert spec is not None and spec.loader is not None
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    cells = [*HIDDEN_FORMULAS, "=1+1", "-0.5", "+12", "-", "plain", " 42", "\u00a0x", "", "a=b"]
    with duckdb.connect() as conn:
        conn.execute('create table t ("Cell" varchar)')
        conn.executemany("insert into t values (?)", [[c] for c in cells])
        written = conn.execute(f"select {model.safe_cell('Cell')} from t").fetchall()
    assert [w for (w,) in written] == [neutralise(c) for c in cells]


def test_format_cell():
    assert format_cell(None) == ""
    assert format_cell(dt.datetime(2026, 1, 2, 3, 4, 5, 678)) == "2026-01-02 03:04:05"
    aware = dt.datetime(2026, 1, 2, 4, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert format_cell(aware) == "2026-01-02 03:04:05"
    assert format_cell(-122.4314) == "-122.4314"
    assert format_cell(True) == "true"
    assert format_cell("=1+1") == "'=1+1"


def test_csv_is_rfc4180_in_chunks():
    rows = [(i, f'name, "{i}"', "=cmd") for i in range(5)]
    chunks = list(csv_chunks(["n", "name", "@header"], rows, rows_per_chunk=2))
    assert len(chunks) == 3
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith('n,name,\'@header\r\n0,"name, ""0""",\'=cmd\r\n')
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert len(parsed) == 6 and parsed[3] == ["2", 'name, "2"', "'=cmd"]
    assert table_csv([]) == b"\r\n"


def test_file_names_say_what_they_hold():
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert file_name("views-24col", period, "all-medias") == (
        "wistia_views-24col_all-medias_2026-01-01_to_2026-01-31.csv"
    )
    assert file_name("leads", scope="Sales / EMEA") == "wistia_leads_Sales-EMEA.csv"
    assert file_name("leads", scope="Produits & démos") == "wistia_leads_Produits-demos.csv"


def test_table_downloads_name_the_selection_they_hold():
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    scopes = [
        (Selection(period, None, None, None), "all-medias"),
        (Selection(period, "Produits & démos", None, ["a", "b"]), "Produits & démos"),
        (Selection(period, "Produits & démos", "abc123", ["abc123"]), "abc123"),
    ]
    for selection, scope in scopes:
        assert selection.file_scope == scope
    media = scopes[2][0]
    assert file_name("play-trends-7d", media.period, media.file_scope) == (
        "wistia_play-trends-7d_abc123_2026-01-01_to_2026-01-31.csv"
    )
