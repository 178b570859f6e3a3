"""Scope (`media_ids`, `project_ids`): typos fail, bookmarks never cross scopes."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_wistia.state.catalog import UnknownMediaIds, UnknownProjectIds
from tap_wistia.state.scope import covers, scope_of
from tap_wistia.tap import TapWistia
from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import run_sync, tap_config

SCOPED = ("medias", "media_daily_stats", "events")


def test_unknown_project_ids_fail_naming_the_setting(make_wistia):
    server = make_wistia(projects=2, medias=4, events=20, days=3)
    known = server.dataset.projects[0]["hashedId"]
    config = tap_config(server, project_ids=[known, "nonexistent"])
    with pytest.raises(UnknownProjectIds, match=r"project_ids: .*nonexistent"):
        run_sync(config, streams=("events",))
    assert server.requests_to("/stats/events") == []  # failed before reading anything
    with pytest.raises(UnknownProjectIds, match="nonexistent"):
        run_sync(config)  # with projects selected, its own listing is the check


@pytest.mark.parametrize("streams", [("events",), ("projects",), ("visitors",)])
def test_unknown_media_ids_fail_before_any_stream_whatever_is_selected(make_wistia, streams):
    server = make_wistia(medias=4, visitors=5, events=20, days=3)
    known = server.dataset.medias[0]["hashed_id"]
    config = tap_config(server, media_ids=[known, "typo123"])
    with pytest.raises(UnknownMediaIds, match=r"media_ids: .*: typo123$"):
        run_sync(config, streams=streams)
    # The account (read first), the medias listing, and nothing else: no stream synced.
    assert {r.path for r in server.requests} == {"/account", "/medias"}


@pytest.mark.parametrize(
    ("setting", "ids", "items"),
    [
        ("media_ids", [""], "1"),
        ("media_ids", ["abc", "  "], "2"),
        ("project_ids", ["", ""], "1, 2"),
    ],
)
def test_empty_scope_ids_are_refused(setting, ids, items):
    with pytest.raises(ConfigValidationError) as failure:
        TapWistia(config={"api_token": "t" * 20, setting: ids}, parse_env_config=False)
    assert failure.value.errors == [
        f"{setting}: item(s) {items} are empty; remove them, or the whole setting to read "
        "everything"
    ]


def test_numeric_and_hashed_project_ids_are_both_known(make_wistia):
    server = make_wistia(projects=2, medias=4, events=20, days=3)
    project = server.dataset.projects[1]
    result = run_sync(tap_config(server, project_ids=[str(project["id"])]), streams=("projects",))
    assert [r["id"] for r in result.records("projects")] == [project["id"]]


def test_widening_media_ids_loses_nothing(make_wistia, caplog):
    server = make_wistia(medias=5, visitors=40, events=300, days=20)
    config = tap_config(server)
    one = server.dataset.medias[0]["hashed_id"]
    narrow = run_sync({**config, "media_ids": [one]}, streams=SCOPED)
    assert narrow.bookmark("events")["scope"] == {"media_ids": [one], "project_ids": None}
    with caplog.at_level(logging.WARNING):
        wide = run_sync(config, state=narrow.final_state, streams=SCOPED)
    for stream in SCOPED:
        assert f"{stream}: the bookmark was made for media_ids={one}, this run covers the " in (
            caplog.text
        )
    start = parse_timestamp(config["start_date"])
    expected = {
        e["event_key"] for e in server.dataset.events if parse_timestamp(e["received_at"]) >= start
    }
    assert {r["event_key"] for r in wide.records("events")} == expected
    assert {r["hashed_id"] for r in wide.records("medias")} == {
        m["hashed_id"] for m in server.dataset.medias
    }
    days = (dt.datetime.now(dt.UTC).date() - start.date()).days + 1
    assert len(wide.records("media_daily_stats")) == len(server.dataset.medias) * days
    assert wide.bookmark("events")["scope"] == {"media_ids": None, "project_ids": None}


def test_narrowing_the_scope_keeps_the_bookmark(make_wistia, caplog):
    server = make_wistia(medias=5, visitors=40, events=300, days=20)
    config = tap_config(server)
    state = run_sync(config, streams=("events",)).final_state
    server.clear_requests()
    one = server.dataset.medias[0]["hashed_id"]
    with caplog.at_level(logging.WARNING):
        result = run_sync({**config, "media_ids": [one]}, state=state, streams=("events",))
    assert "not trusting it" not in caplog.text
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert {r.query["start_date"][0] for r in server.requests_to("/stats/events")} == {today}
    assert result.bookmark("events")["scope"]["media_ids"] == [one]


def test_a_bookmark_without_a_recorded_scope_is_not_trusted(make_wistia, caplog):
    server = make_wistia(medias=3, visitors=20, events=100, days=10)
    config = tap_config(server)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    state = {
        "bookmarks": {
            "events": {"replication_key": "received_at", "replication_key_value": old.isoformat()}
        }
    }
    with caplog.at_level(logging.WARNING):
        result = run_sync(config, state=state, streams=("events",))
    assert "events: the bookmark was made for an unrecorded scope" in caplog.text
    assert len(result.records("events")) == len(
        [
            e
            for e in server.dataset.events
            if parse_timestamp(e["received_at"]) >= parse_timestamp(config["start_date"])
        ]
    )


@pytest.mark.parametrize(
    ("recorded", "current", "expected"),
    [
        ({}, {"media_ids": ["a"]}, True),
        ({"media_ids": ["a", "b"]}, {"media_ids": ["a"]}, True),
        ({"media_ids": ["a"]}, {"media_ids": ["a", "b"]}, False),
        ({"media_ids": ["a"]}, {}, False),
        ({"project_ids": ["p"]}, {"media_ids": ["a"]}, False),
        ({"media_ids": ["a"]}, {"media_ids": ["a"], "project_ids": ["p"]}, True),
    ],
)
def test_scope_coverage_is_set_inclusion_per_setting(recorded, current, expected):
    assert covers(scope_of(recorded), scope_of(current)) is expected
