"""target_wistia_duckdb: every record of every batch lands, keys upsert, types and the
tables target-duckdb 0.8.0 left behind keep loading, with the DuckDB version installed."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pytest

from target_wistia_duckdb import TargetWistiaDuckDB

EVENTS_SCHEMA = {
    "type": "object",
    "properties": {
        "event_key": {"type": ["string"]},
        "received_at": {"type": ["string", "null"], "format": "date-time"},
        "percent_viewed": {"type": ["number", "null"]},
        "media_id": {"type": ["string", "null"]},
        "visitorKey": {"type": ["string", "null"]},
        "plays": {"type": ["integer", "null"]},
        "tags": {"type": ["array", "null"], "items": {"type": "string"}},
    },
}


def schema_message(stream: str = "events", keys: tuple[str, ...] = ("event_key",)) -> dict:
    return {"type": "SCHEMA", "stream": stream, "schema": EVENTS_SCHEMA, "key_properties": keys}


def event(n: int, **changes: object) -> dict:
    record = {
        "event_key": f"ev{n:04d}",
        "received_at": f"2026-01-01T{n % 24:02d}:00:00+00:00",
        "percent_viewed": n / 100,
        "media_id": f"m{n % 3}",
        "visitorKey": f"v{n}",
        "plays": n,
        "tags": ["a", str(n)],
    }
    return record | changes


def record_messages(records: list[dict], stream: str = "events") -> list[dict]:
    return [{"type": "RECORD", "stream": stream, "record": r} for r in records]


def load(db: Path, messages: list[dict], **config: object) -> list[dict]:
    """Run the target over the messages; return the STATE values it emitted."""
    target = TargetWistiaDuckDB(config={"filepath": str(db), **config})
    lines = "".join(json.dumps(m) + "\n" for m in messages)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        target.listen(io.StringIO(lines))
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_every_record_of_every_batch_survives(tmp_path):
    db = tmp_path / "w.duckdb"
    events = [event(n) for n in range(23)]
    state = {"type": "STATE", "value": {"bookmarks": {"events": {"n": 23}}}}
    emitted = load(db, [schema_message(), *record_messages(events), state], batch_size_rows=4)

    # 6 batches (4, 4, 4, 4, 4, 3): the first record of each is there, and all the others.
    keys = [k for (k,) in rows(db, "select event_key from tap_wistia.events order by 1")]
    assert keys == [e["event_key"] for e in events]
    assert {f"ev{n:04d}" for n in range(0, 23, 4)} <= set(keys)
    assert emitted[-1] == state["value"]  # state only after everything is loaded


def test_values_and_types(tmp_path):
    db = tmp_path / "w.duckdb"
    records = [
        event(1, received_at="2026-03-29T01:30:00+02:00", media_id="", plays=10**20),
        event(2, received_at="2026-03-29T01:30:00.250000Z", tags=[]),
    ]
    load(db, [schema_message(), *record_messages(records)])
    got = rows(
        db,
        "select event_key, received_at, media_id, visitorkey, plays, tags, percent_viewed "
        "from tap_wistia.events order by 1",
    )
    assert got == [
        ("ev0001", dt.datetime(2026, 3, 28, 23, 30), None, "v1", 10**20, '["a","1"]', 0.01),
        ("ev0002", dt.datetime(2026, 3, 29, 1, 30, 0, 250000), "m2", "v2", 2, "[]", 0.02),
    ]
    types = dict(
        rows(
            db,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'tap_wistia' and table_name = 'events'",
        )
    )
    assert types["received_at"] == "TIMESTAMP"
    assert types["plays"] == "HUGEINT"
    assert types["tags"] == "JSON"
    assert types["visitorkey"] == "VARCHAR"  # lower-cased, as target-duckdb 0.8.0 did


def test_second_load_of_the_same_keys_updates_in_place(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, [schema_message(), *record_messages([event(n) for n in range(10)])])
    again = [event(n, percent_viewed=0.99) for n in range(5, 12)]
    # A key twice in one batch: the later record wins.
    again.append(event(11, percent_viewed=0.5))
    load(db, [schema_message(), *record_messages(again)], batch_size_rows=3)

    got = dict(rows(db, "select event_key, percent_viewed from tap_wistia.events"))
    assert len(got) == 12
    assert [got[f"ev{n:04d}"] for n in (0, 4, 5, 9, 10, 11)] == [0.0, 0.04, 0.99, 0.99, 0.99, 0.5]


def test_keyless_stream_appends(tmp_path):
    db = tmp_path / "w.duckdb"
    for _ in range(2):
        load(db, [schema_message("media_stats", ()), *record_messages([event(1)], "media_stats")])
    assert rows(db, "select count(*) from tap_wistia.media_stats") == [(2,)]


def test_stream_without_records_gets_its_table(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, [schema_message("media_analytics_daily")])
    assert rows(db, "select count(*) from tap_wistia.media_analytics_daily") == [(0,)]


def test_table_written_by_target_duckdb_0_8_keeps_loading(tmp_path):
    """An existing warehouse needs no --full-refresh: same table, new columns are added."""
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema tap_wistia")
        conn.execute(
            "create table tap_wistia.events (event_key varchar, received_at timestamp, "
            "percent_viewed double, media_id varchar, visitorkey varchar, plays hugeint, "
            "tags json, _sdc_extracted_at timestamp, _sdc_batched_at timestamp, "
            "_sdc_deleted_at timestamp, primary key (event_key))"
        )
        conn.execute(
            "insert into tap_wistia.events (event_key, percent_viewed) "
            "values ('ev0001', 0.1), ('old', 0.2)"
        )
    load(db, [schema_message(), *record_messages([event(1), event(2)])], add_record_metadata=True)

    got = rows(
        db,
        "select event_key, percent_viewed, _sdc_batched_at is not null, _sdc_sequence > 0 "
        "from tap_wistia.events order by 1",
    )
    assert got == [
        ("ev0001", 0.01, True, True),
        ("ev0002", 0.02, True, True),
        ("old", 0.2, False, None),
    ]


def test_a_value_that_does_not_fit_fails_the_batch_and_keeps_the_state(tmp_path):
    db = tmp_path / "w.duckdb"
    state = {"type": "STATE", "value": {"bookmarks": {"events": {"n": 3}}}}
    messages = [
        schema_message(),
        *record_messages([event(1), event(2, percent_viewed="not a number")]),
        state,
    ]
    with pytest.raises(duckdb.Error, match="not a number"):
        load(db, messages)
    assert rows(db, "select count(*) from tap_wistia.events") == [(0,)]


def test_an_unparseable_date_time_fails_the_run_rather_than_losing_the_row(tmp_path):
    db = tmp_path / "w.duckdb"
    messages = [schema_message(), *record_messages([event(1), event(2, received_at="soon")])]
    with pytest.raises(ValueError, match="soon"):
        load(db, messages)
    # In-process, the failed target still holds its connection: read through the same one.
    with duckdb.connect(str(db)) as conn:
        assert conn.execute("select count(*) from tap_wistia.events").fetchall() == [(0,)]


def test_rows_loaded_before_account_id_are_adopted_by_the_upgraded_accounts_rows(tmp_path):
    """An upgraded project: the table (keyed on event_key) gains account_id; its old rows
    take the account of the first records, so re-read ones update instead of clashing."""
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema tap_wistia")
        conn.execute(
            "create table tap_wistia.events (event_key varchar, percent_viewed double, "
            "primary key (event_key))"
        )
        conn.execute("insert into tap_wistia.events values ('ev0001', 0.1), ('old', 0.2)")
    schema = {**EVENTS_SCHEMA, "properties": {"account_id": {"type": ["integer"]}}}
    schema["properties"].update(EVENTS_SCHEMA["properties"])
    message = {**schema_message(keys=("account_id", "event_key")), "schema": schema}
    records = [event(n, account_id=7) for n in (1, 2)]
    load(db, [message, *record_messages(records)])

    got = rows(db, "select account_id, event_key, percent_viewed from tap_wistia.events order by 2")
    assert got == [(7, "ev0001", 0.01), (7, "ev0002", 0.02), (7, "old", 0.2)]
