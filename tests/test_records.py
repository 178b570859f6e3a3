"""Records: keys required in every stream; only valid Unicode and finite numbers emitted."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from tap_wistia.state.visitor_refresh import FULL_LISTING_AT, ChangedVisitors
from tap_wistia.streams.base import WistiaError
from tap_wistia.streams.sanitise import Sanitiser
from tests.hostile_server import Reply, ScriptedServer, Seen
from tests.tap_harness import run_cli, run_sync, tap_config


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
        "visitors: 3 NUL character(s) removed (visitor_identity.email, visitor_identity.name), "
        "2 lone surrogate(s) replaced by U+FFFD (visitor_identity.name); the records were kept."
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
    assert "events: 2 non-finite number(s) (like 1e400) set to null (lat, percent_viewed)" in (
        caplog.text
    )


def test_clean_records_are_left_alone():
    record = {"a": "plain", "b": [1, 2.5, {"c": "ü"}], "d": None, "e": True}
    sanitiser = Sanitiser()
    assert sanitiser.clean(json.loads(json.dumps(record))) == record
    assert not +sanitiser.counts


def events_today(body: str):
    """A run over today's events against a server answering `body` for the first page."""

    def respond(seen: Seen) -> Reply:
        first = seen.path.startswith("/v1/stats/events") and "page=1&" in seen.path
        return Reply(body=body.encode() if first else b"[]")

    return ScriptedServer(respond)


def event(key: str = '"e1"', received_at: str | None = None, **fields: str) -> str:
    at = received_at or (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
    extra = "".join(f', "{name}": {value}' for name, value in fields.items())
    return f'{{"event_key": {key}, "received_at": "{at}"{extra}}}'


def sync_today(server: ScriptedServer) -> object:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    config = {"api_token": "records-test-token", "api_url": server.url, "start_date": today}
    return run_sync(config, streams=("events",))


def test_huge_integers_and_deep_nesting_become_null_with_a_warning_naming_the_field(caplog):
    deep = "[" * 40 + "]" * 40
    body = f"[{event(percent_viewed='9' * 401, lat=str(-(2**63)), user_agent_details=deep)}]"
    with events_today(body) as server, caplog.at_level(logging.WARNING):
        result = sync_today(server)
    (row,) = result.records("events")
    assert row["percent_viewed"] is None and row["lat"] == -(2**63)
    assert json.dumps(row["user_agent_details"]) == "[" * 32 + "null" + "]" * 32
    assert (
        "events: 1 integer(s) beyond 64 bits set to null (percent_viewed), 1 value(s) nested "
        "deeper than 32 levels set to null (user_agent_details); the records were kept."
    ) in caplog.text


def test_an_event_whose_received_at_does_not_parse_is_skipped_and_counted(caplog):
    bad, good = event('"bad"', "yesterday-ish"), event('"good"')
    body = f"[{bad}, {good}]"
    with events_today(body) as server, caplog.at_level(logging.WARNING):
        result = sync_today(server)
    assert [r["event_key"] for r in result.records("events")] == ["good"]
    assert (
        "events: 1 record(s) skipped: a required date-time does not parse (received_at); "
        "the other records were kept."
    ) in caplog.text


def test_an_optional_date_time_that_does_not_parse_becomes_null():
    sanitiser = Sanitiser()
    record = {"created": "soon", "updated": "2026-01-02T03:04:05Z"}
    assert sanitiser.timestamps(record, ("created", "updated"), required=())
    assert record == {"created": None, "updated": "2026-01-02T03:04:05Z"}
    assert sanitiser.fields == {"unparseable date-time(s) set to null": {"created"}}


@pytest.mark.parametrize(
    ("key", "kind"),
    [("true", "boolean"), ("[1]", "array"), ('{"a": 1}', "object"), ("1.5", "number")],
)
def test_a_key_that_is_not_a_string_or_integer_fails_with_one_line(key, kind):
    with events_today(f"[{event(key)}]") as server, pytest.raises(WistiaError) as failure:
        sync_today(server)
    assert str(failure.value).startswith(
        f"GET /stats/events returned a record whose key 'event_key' is a JSON {kind}, not a "
        "string or integer"
    )


def test_cli_json_nested_100k_deep_fails_with_one_line_not_retried(tmp_path):
    with events_today("[" * 100_000 + "]" * 100_000) as server:
        today = dt.datetime.now(dt.UTC).date().isoformat()
        config = {"api_token": "records-test-token", "api_url": server.url, "start_date": today}
        run = run_cli(config, tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "RecursionError" not in run.stderr
    assert "answered JSON nested deeper than the tap can read" in run.stderr
    assert len([s for s in server.seen if s.path.startswith("/v1/stats/events")]) == 1


def test_an_event_whose_visitor_key_is_a_list_does_not_crash_visitor_planning():
    now = dt.datetime.now(dt.UTC)
    state = {
        FULL_LISTING_AT: (now - dt.timedelta(hours=1)).isoformat(),
        "synced_through": (now - dt.timedelta(hours=1)).isoformat(),
        "visitor_count": 1000,
    }
    changed = ChangedVisitors(state, enabled=True, now=now, full_listing_every=dt.timedelta(days=7))
    assert changed.collecting
    for key in ([1], {"a": 1}, "v1"):
        changed.saw_event({"visitor_key": key, "received_at": now.isoformat()})
    assert changed.keys == {"v1"}
