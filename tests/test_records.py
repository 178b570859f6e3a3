"""Records: keys required in every stream; only valid Unicode and finite numbers emitted."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from tap_wistia.streams.base import WistiaError
from tap_wistia.streams.sanitise import Sanitiser
from tests.tap_harness import run_sync, tap_config


def test_a_project_without_its_id_fails_the_run(make_wistia):
    server = make_wistia(projects=2, medias=2, events=5, days=2)
    server.faults.add("status", status=200, body='[{"name": "no id"}]', path="/projects")
    with pytest.raises(WistiaError, match=r"GET /projects returned a record without its key 'id'"):
        run_sync(tap_config(server), streams=("projects",))


def test_lone_surrogates_and_nuls_are_repaired_counted_and_reported_once(make_wistia, caplog):
    server = make_wistia(medias=2, visitors=0, events=0, days=2)
    visitors = [
        {"visitor_key": "v1", "visitor_identity": {"name": "Ann\ud83d", "email": "a\x00@x.io"}},
        {"visitor_key": "v2", "visitor_identity": {"name": "\udc00Bo\x00\x00b"}},
        {"visitor_key": "v3", "visitor_identity": {"name": "Cy \U0001f600"}},  # a valid pair
    ]
    # json.dumps escapes lone surrogates as \\udXXX: exactly what a hostile API can send.
    server.faults.add("status", status=200, body=json.dumps(visitors), path="/stats/visitors")
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server), streams=("visitors",))
    names = {r["visitor_key"]: r["visitor_identity"]["name"] for r in result.records("visitors")}
    assert names == {"v1": "Ann\ufffd", "v2": "\ufffdBob", "v3": "Cy \U0001f600"}
    emails = {
        r["visitor_key"]: r["visitor_identity"].get("email") for r in result.records("visitors")
    }
    assert emails == {"v1": "a@x.io", "v2": None, "v3": None}
    result.stdout.encode("utf-8")  # strict: raises on any lone surrogate left
    warnings = [r.getMessage() for r in caplog.records if r.getMessage().startswith("visitors: ")]
    assert warnings == [
        "visitors: 3 NUL character(s) removed, 2 lone surrogate(s) replaced by U+FFFD; "
        "the records were kept."
    ]


def test_numbers_beyond_a_double_become_null_with_a_warning(make_wistia, caplog):
    now = dt.datetime.now(dt.UTC)
    server = make_wistia(medias=2, visitors=5, events=0, days=2, now=now)
    at = (now - dt.timedelta(minutes=5)).isoformat()
    body = (
        f'[{{"event_key": "e1", "received_at": "{at}", "percent_viewed": 1e400, "lat": -1e999}},'
        f' {{"event_key": "e2", "received_at": "{at}", "percent_viewed": 0.5}}]'
    )
    server.faults.add("status", status=200, body=body, path="/stats/events")
    config = tap_config(server, start_date=now.date().isoformat())
    with caplog.at_level(logging.WARNING):
        result = run_sync(config, streams=("events",))
    events = {r["event_key"]: r for r in result.records("events")}
    assert events["e1"]["percent_viewed"] is None and events["e1"]["lat"] is None
    assert events["e2"]["percent_viewed"] == 0.5
    assert "events: 2 non-finite number(s) (like 1e400) set to null" in caplog.text


def test_clean_records_are_left_alone():
    record = {"a": "plain", "b": [1, 2.5, {"c": "ü"}], "d": None, "e": True}
    sanitiser = Sanitiser()
    assert sanitiser.clean(json.loads(json.dumps(record))) == record
    assert not +sanitiser.counts
