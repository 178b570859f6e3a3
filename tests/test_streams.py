"""Every stream against the local Wistia API: counts, keys, types, scoping, paging."""

from __future__ import annotations

import datetime as dt
import logging

import jsonschema
import pytest

from tap_wistia.streams.registry import STREAM_TYPES
from tap_wistia.timeutil import parse_timestamp
from tests.analytics_expected import expected_counts, played_medias
from tests.catalog_expected import expected_catalog_counts
from tests.media_catalog_expected import expected_media_catalog_counts
from tests.tap_harness import run_sync, tap_config
from tests.webinars_expected import expected_webinar_counts

STREAMS = tuple(stream_type.name for stream_type in STREAM_TYPES)


def medias_listing(server) -> list:
    """The requests of the v1 medias listing (not the modern API's /medias/{id}/...)."""
    return [r for r in server.requests if r.path == "/medias"]


def events_since(events: list[dict], start: str) -> list[dict]:
    since = parse_timestamp(start)
    return [e for e in events if parse_timestamp(e["received_at"]) >= since]


@pytest.fixture(scope="module")
def full_sync(wistia):
    config = tap_config(wistia)
    return config, run_sync(config)


def test_every_stream_emits_exactly_what_the_server_holds(wistia, full_sync):
    config, result = full_sync
    data = wistia.dataset
    medias = len(data.medias)
    first = parse_timestamp(config["start_date"]).date()
    days = (dt.datetime.now(dt.UTC).date() - first).days + 1
    expected = {
        "projects": len(data.projects),
        "medias": medias,
        "media_stats": medias,
        # Beyond lifetime stats, a first run reads the medias played in the window.
        "media_engagement": len(played_medias(data, first)),
        "media_daily_stats": len(played_medias(data, first)) * days,
        "events": len(events_since(data.events, config["start_date"])),
        "visitors": len(data.visitors),
        **expected_counts(data, config, result.tap.run.window.last_day),
        **expected_catalog_counts(data),
        **expected_webinar_counts(data, result.tap.run.window.run_started),
        **expected_media_catalog_counts(data, first, result.tap.run.window.last_day),
    }
    unexpected = sorted(set(STREAMS) - set(expected))
    assert not unexpected, f"tests/test_streams.py: say how many records {unexpected} emit"
    assert result.record_counts() == expected
    assert {r["event_key"] for r in result.records("events")} == {
        e["event_key"] for e in events_since(data.events, config["start_date"])
    }
    assert {r["visitor_key"] for r in result.records("visitors")} == {
        v["visitor_key"] for v in data.visitors
    }


def test_primary_keys_are_unique(full_sync):
    _, result = full_sync
    for name in STREAMS:
        stream = result.tap.streams[name]
        keys = [tuple(r[k] for k in stream.primary_keys) for r in result.records(name)]
        assert keys, name
        assert len(keys) == len(set(keys)), name


def test_records_conform_to_their_schemas(full_sync):
    _, result = full_sync
    checker = jsonschema.FormatChecker(formats=["date-time", "date"])
    for name in STREAMS:
        validator = jsonschema.Draft7Validator(
            result.tap.streams[name].schema, format_checker=checker
        )
        for record in result.records(name):
            validator.validate(record)


def test_values_are_carried_through(wistia, full_sync):
    config, result = full_sync
    source = {v["visitor_key"]: v for v in wistia.dataset.visitors}
    for visitor in result.records("visitors"):
        original = source[visitor["visitor_key"]]
        assert visitor["visitor_identity"] == original["visitor_identity"]
        assert visitor["identifying_event_key"] == original.get("identifying_event_key")
    engagement = {r["media_id"]: r for r in result.records("media_engagement")}
    first = parse_timestamp(config["start_date"]).date()
    assert sorted(engagement) == sorted(played_medias(wistia.dataset, first))
    for media in wistia.dataset.medias:
        row = engagement.get(media["hashed_id"])
        if row is None:
            continue
        assert row["duration"] == media.get("duration")
        assert row["snapshot_date"] == dt.datetime.now(dt.UTC).date().isoformat()
        assert isinstance(row["engagement_data"], list)


def test_timestamps_are_canonical_utc(full_sync):
    _, result = full_sync
    for record in result.records("events"):
        assert record["received_at"].endswith("+00:00"), record["received_at"]
        assert parse_timestamp(record["received_at"]).tzinfo is not None


def test_final_state_has_bookmarks(full_sync):
    _, result = full_sync
    assert result.bookmark("medias")["replication_key"] == "updated"
    assert result.bookmark("events")["replication_key"] == "received_at"
    events_mark = parse_timestamp(result.bookmark("events")["replication_key_value"])
    assert events_mark >= max(parse_timestamp(r["received_at"]) for r in result.records("events"))
    assert result.bookmark("media_daily_stats")["replication_key_value"] == (
        dt.datetime.now(dt.UTC).date().isoformat()
    )
    # One bookmark per stream, not one state entry per media.
    assert "partitions" not in result.bookmark("media_daily_stats")
    assert "progress_markers" not in result.bookmark("events")


def test_every_list_request_asks_for_full_pages(wistia, full_sync):
    lists = ("/projects", "/medias", "/stats/visitors", "/stats/events")
    requests = [r for r in wistia.requests if r.path in lists]
    assert requests
    assert all(r.query.get("per_page") == ["100"] for r in requests)
    assert all(r.authorization == f"Bearer {wistia.token}" for r in wistia.requests)


@pytest.mark.parametrize("count", [0, 100, 101])
def test_paging_at_page_boundaries(make_wistia, count):
    now = dt.datetime.now(dt.UTC)
    server = make_wistia(projects=1, medias=count, visitors=count, events=0, now=now)
    if count:
        server.dataset.add_events(count, when=now - dt.timedelta(hours=1))
    config = tap_config(server, start_date=(now - dt.timedelta(days=1)).isoformat())
    result = run_sync(config, streams=("medias", "visitors", "events"))
    counts = result.record_counts()
    assert counts.get("medias", 0) == count
    assert counts.get("visitors", 0) == count
    assert counts.get("events", 0) == count
    expected_requests = count // 100 + 1  # a short page ends the list; a full one needs one more
    assert len(medias_listing(server)) == expected_requests
    assert len(server.requests_to("/stats/visitors")) == expected_requests
    today = [
        r
        for r in server.requests_to("/stats/events")
        if r.query["start_date"] == [now.date().isoformat()]
    ]
    # + the open day's check: its head and last page read again (one page: once).
    assert len(today) == (expected_requests if count else 1) + (2 if count > 99 else 1)


def test_media_ids_scope_every_per_media_stream_and_events(make_wistia):
    server = make_wistia()
    chosen = [m["hashed_id"] for m in server.dataset.medias[:2]]
    result = run_sync(tap_config(server, media_ids=chosen))
    assert {r["hashed_id"] for r in result.records("medias")} == set(chosen)
    for name in ("media_stats", "media_engagement", "media_daily_stats"):
        assert {r["media_id"] for r in result.records(name)} == set(chosen), name
    events = result.records("events")
    assert events and {e["media_id"] for e in events} <= set(chosen)
    expected = [e for e in server.dataset.events if e["media_id"] in chosen]
    assert len(events) == len(events_since(expected, tap_config(server)["start_date"]))
    stats_paths = {r.path for r in server.requests_to("/stats/medias")}
    assert {p.split("/")[3] for p in stats_paths} == set(chosen)
    assert all(
        r.query.get("media_id", [None])[0] in chosen for r in server.requests_to("/stats/events")
    )


def test_project_ids_scope_medias_and_everything_per_media(make_wistia):
    server = make_wistia()
    project = server.dataset.projects[0]
    in_project = {
        m["hashed_id"] for m in server.dataset.medias if m["project"]["id"] == project["id"]
    }
    assert in_project
    result = run_sync(tap_config(server, project_ids=[project["hashedId"]]))
    assert [r["id"] for r in result.records("projects")] == [project["id"]]
    assert {r["hashed_id"] for r in result.records("medias")} == in_project
    assert {r["media_id"] for r in result.records("media_stats")} == in_project
    assert {e["media_id"] for e in result.records("events")} <= in_project
    assert all(r.query.get("project_id") == [project["hashedId"]] for r in medias_listing(server))


def test_media_deleted_before_its_stats_is_skipped(make_wistia, caplog):
    server = make_wistia()
    gone = server.dataset.medias[0]["hashed_id"]
    server.faults.add("status", status=404, path=f"/stats/medias/{gone}", times=100)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server), streams=("media_stats", "media_engagement"))
    others = {m["hashed_id"] for m in server.dataset.medias} - {gone}
    assert {r["media_id"] for r in result.records("media_stats")} == others
    assert {r["media_id"] for r in result.records("media_engagement")} == others
    assert f"media {gone} is gone (404)" in caplog.text


def test_events_outside_start_and_end_dates_are_not_emitted(make_wistia):
    server = make_wistia(events=500, days=30)
    now = dt.datetime.now(dt.UTC)
    start, end = now - dt.timedelta(days=20, hours=5), now - dt.timedelta(days=10, hours=3)
    result = run_sync(
        tap_config(server, start_date=start.isoformat(), end_date=end.isoformat()),
        streams=("events",),
    )
    expected = {
        e["event_key"]
        for e in server.dataset.events
        if start <= parse_timestamp(e["received_at"]) <= end
    }
    assert expected
    assert {r["event_key"] for r in result.records("events")} == expected
    asked = sorted({r.query["start_date"][0] for r in server.requests_to("/stats/events")})
    assert asked[0] == start.date().isoformat() and asked[-1] == end.date().isoformat()


def test_medias_are_listed_once_per_run_for_all_per_media_streams(make_wistia):
    server = make_wistia(medias=12, visitors=10, events=30, days=3)
    run_sync(tap_config(server))
    assert len(medias_listing(server)) == 1


def test_flattened_records_keep_their_columns_when_a_nested_object_is_null(make_wistia):
    server = make_wistia(medias=30, visitors=60, events=100, days=5)
    no_subfolder = [m for m in server.dataset.medias if m.get("subfolder") is None]
    assert no_subfolder
    result = run_sync(
        tap_config(server, flattening_enabled=True, flattening_max_depth=3),
        streams=("medias", "visitors"),
    )
    medias = {r["hashed_id"]: r for r in result.records("medias")}
    for media in no_subfolder:
        record = medias[media["hashed_id"]]
        # No unflattened key for the loader to reject; its columns are simply absent (null).
        assert "subfolder" not in record
        assert record.get("subfolder__hashed_id") is None
    assert any("subfolder__hashed_id" in r for r in medias.values())
    for visitor in result.records("visitors"):
        assert not any(isinstance(v, dict) or v == {} for v in visitor.values())
        assert "visitor_identity" not in visitor and "user_agent_details" not in visitor


def test_a_media_edited_mid_crawl_shifts_no_other_media_out(make_wistia):
    server = make_wistia(medias=250, visitors=10, events=20, days=3)
    edited: list[str] = []

    def edit_during_the_crawl(path: str, query: dict) -> None:
        if path == "/medias" and "cursor[after]" in query and not edited:
            first_page = sorted(server.dataset.medias, key=lambda m: (m["created"], m["id"]))
            edited.append(server.dataset.touch_media(first_page[3]["hashed_id"])["hashed_id"])

    server.on_request = edit_during_the_crawl
    config = tap_config(server)
    first = run_sync(config, streams=("medias",))
    assert edited
    hashed = [r["hashed_id"] for r in first.records("medias")]
    assert len(hashed) == len(set(hashed)) == 250
    assert all(r.query.get("sort_by") == ["created"] for r in medias_listing(server))
    assert not any("page" in r.query for r in medias_listing(server))
    # Read before its edit (or not): the edit is emitted by the next run either way.
    server.on_request = None
    second = run_sync(config, state=first.final_state, streams=("medias",))
    assert edited[0] in {r["hashed_id"] for r in second.records("medias")}
    assert len(second.records("medias")) < 10
    assert all("cursor" not in r for r in first.records("medias"))
