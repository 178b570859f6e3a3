"""Downloads are spooled: the query (and DuckDB's file lock) is released once it is read,
not once the client has received everything; nothing is lost, nothing is left behind."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from starlette.requests import Request

from app import downloads_api, exports, metrics
from app.metrics import Period
from app.spool import SpooledStream
from app.warehouse import Warehouse, WarehouseConfig, WarehouseError
from tests.app.conftest import DuckdbWriter, SyncedProject


def source(chunks: list[bytes], closed: threading.Event, fail_at: int | None = None):
    try:
        for i, chunk in enumerate(chunks):
            if i == fail_at:
                raise WarehouseError("A sync is writing the warehouse right now")
            yield chunk
    finally:
        closed.set()


def spool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "wistia-download"]


def test_the_source_is_drained_and_closed_before_the_reader_reads():
    chunks = [bytes([i]) * (300_000 + i) for i in range(12)]  # ~3.6 MB, uneven sizes
    closed = threading.Event()
    stream = SpooledStream(source(chunks, closed))
    reader = iter(stream)
    first = next(reader)
    # The reader has taken one chunk; the source still finishes and closes on its own.
    assert stream.drained.wait(30) and closed.is_set()
    assert first + b"".join(reader) == b"".join(chunks)
    assert not spool_threads()


def test_an_error_reaches_the_reader_after_what_was_read():
    closed = threading.Event()
    reader = iter(SpooledStream(source([b"header\n", b"row\n", b"never"], closed, fail_at=2)))
    received: list[bytes] = []  # chunks may arrive joined: the reader takes what is written
    with pytest.raises(WarehouseError, match="A sync is writing"):
        received.extend(reader)
    assert b"".join(received) == b"header\nrow\n"
    assert closed.is_set() and not spool_threads()


def test_a_reader_that_goes_away_stops_the_source_early():
    produced: list[int] = []
    release = threading.Event()

    def endless() -> Iterator[bytes]:
        for i in range(10_000):
            produced.append(i)
            if i == 1:
                release.wait(30)  # hold the source until the reader has gone
            yield b"x" * 1000

    stream = SpooledStream(endless())
    reader = iter(stream)
    next(reader)
    closer = threading.Thread(target=reader.close)  # waits for the source to stop
    closer.start()
    while not stream.abandoned and closer.is_alive():
        threading.Event().wait(0.01)  # until the close has begun, then let the source go
    release.set()
    closer.join(30)
    assert not closer.is_alive() and stream.drained.is_set()
    assert len(produced) < 10_000 and not spool_threads()


def test_a_download_releases_duckdb_before_the_client_reads_it(synced: SyncedProject):
    wh = Warehouse(WarehouseConfig(duckdb_path=synced.duckdb_path))
    first, last = metrics.data_days(wh)
    period = Period(first, last)
    expected = b"".join(exports.stream_views_csv(wh, period, None))
    stream = SpooledStream(exports.stream_views_csv(wh, period, None))
    reader = iter(stream)
    head = next(reader)
    assert stream.drained.wait(60)
    # A writer (what the scheduled sync's target and dbt open) gets the file now, while the
    # client has read only the first chunk.
    writer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; duckdb.connect(sys.argv[1]).close()",
            str(synced.duckdb_path),
        ],
        capture_output=True,
        text=True,
    )
    assert writer.returncode == 0, writer.stderr
    assert head + b"".join(reader) == expected


def test_a_locked_warehouse_is_a_clear_503(synced: SyncedProject, monkeypatch):
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(synced.duckdb_path))
    with DuckdbWriter(synced.duckdb_path):
        scope = {
            "type": "http",
            "method": "GET",
            "path": downloads_api.VIEWS_PATH,
            "query_string": b"from=2026-01-01&to=2026-01-31",
            "headers": [],
        }
        response = downloads_api.views_csv(Request(scope))
        assert response.status_code == 503
        assert b"A sync is writing the warehouse right now" in response.body
    assert not spool_threads()
