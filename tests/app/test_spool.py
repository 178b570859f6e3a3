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


def no_spool_thread_left() -> bool:
    """Whether every draining thread ends (each has at most one chunk left to see)."""
    for thread in threading.enumerate():
        if thread.name == "wistia-download":
            thread.join(30)
    return not any(t.name == "wistia-download" for t in threading.enumerate())


def test_the_source_is_drained_and_closed_before_the_reader_reads():
    chunks = [bytes([i]) * (300_000 + i) for i in range(12)]  # ~3.6 MB, uneven sizes
    closed = threading.Event()
    stream = SpooledStream(source(chunks, closed))
    reader = iter(stream)
    first = next(reader)
    # The reader has taken one chunk; the source still finishes and closes on its own.
    assert stream.drained.wait(30) and closed.is_set()
    assert first + b"".join(reader) == b"".join(chunks)
    assert stream.join(30) and not stream.abandoned and no_spool_thread_left()


def test_an_error_reaches_the_reader_after_what_was_read():
    closed = threading.Event()
    stream = SpooledStream(source([b"header\n", b"row\n", b"never"], closed, fail_at=2))
    reader = iter(stream)
    received: list[bytes] = []  # chunks may arrive joined: the reader takes what is written
    with pytest.raises(WarehouseError, match="A sync is writing"):
        received.extend(reader)
    assert b"".join(received) == b"header\nrow\n"
    assert closed.is_set() and stream.join(30) and no_spool_thread_left()


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
    reader.close()  # returns at once: it only tells the drain thread to stop
    assert stream.abandoned
    release.set()
    assert stream.join(30) and stream.drained.is_set()
    assert len(produced) < 10_000 and no_spool_thread_left()


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
        # The same when the lock is met looking up a project filter.
        filtered = {**scope, "query_string": scope["query_string"] + b"&project=Demo"}
        response = downloads_api.sessions_csv(Request(filtered))
        assert response.status_code == 503
        assert b"A sync is writing the warehouse right now" in response.body
    assert no_spool_thread_left()


class FailingClose:
    """A query whose connection fails to close (a PostgreSQL server gone meanwhile)."""

    def __init__(self) -> None:
        self.chunks = iter([b"a" * 10, b"b" * 10, b"c" * 10])

    def __iter__(self) -> FailingClose:
        return self

    def __next__(self) -> bytes:
        return next(self.chunks)

    def close(self) -> None:
        raise RuntimeError("connection lost")


def test_a_close_that_fails_neither_hangs_nor_breaks_a_complete_download(caplog):
    stream = SpooledStream(FailingClose())
    assert b"".join(stream) == b"a" * 10 + b"b" * 10 + b"c" * 10
    assert stream.join(30) and "connection lost" in caplog.text
    abandoned = SpooledStream(FailingClose())
    reader = iter(abandoned)
    next(reader)
    reader.close()
    assert abandoned.join(30) and abandoned.drained.is_set() and no_spool_thread_left()
