"""CSV cells: formula neutralising, formatting, file names (no warehouse needed)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from app.exports import csv_chunks, file_name, format_cell, neutralise, table_csv
from app.metrics import Period
from app.ui import Selection


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
    ],
)
def test_neutralise(cell: str, written: str):
    assert neutralise(cell) == written


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
