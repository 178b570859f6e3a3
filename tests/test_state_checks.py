"""A malformed bookmark stops the run before any stream syncs: one line, exit 1."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tap_wistia.state.bookmarks import BookmarkError
from tap_wistia.tap import TapWistia
from tests.tap_harness import run_cli, tap_config

TOMORROW = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0)
FUTURE_TS = TOMORROW.isoformat()
FUTURE_DAY = TOMORROW.date().isoformat()
GOOD_TS = "2026-01-01T00:00:00.000000+00:00"
GOOD_EVENTS = {"replication_key": "received_at", "replication_key_value": GOOD_TS}
BASE = {"api_token": "t", "api_url": "http://127.0.0.1:9/v1"}


@pytest.mark.parametrize(
    ("stream", "bookmark", "shown"),
    [
        ("events", {"replication_key_value": "banana"}, "'banana'"),
        ("events", {"replication_key_value": 1700000000}, "1700000000"),
        ("events", {"replication_key_value": FUTURE_TS}, repr(FUTURE_TS)),
        ("medias", {"replication_key_value": ["2026-01-01"]}, "['2026-01-01']"),
        ("medias", {"replication_key_value": FUTURE_TS}, repr(FUTURE_TS)),
        (
            "medias",
            {"partitions": [{"context": {"project_id": "p1"}, "replication_key_value": "x"}]},
            "'x'",
        ),
        ("media_daily_stats", {"replication_key_value": "2026-02-30"}, "'2026-02-30'"),
        ("media_daily_stats", {"replication_key_value": FUTURE_DAY}, repr(FUTURE_DAY)),
        ("media_stats", {"replication_key_value": FUTURE_DAY}, repr(FUTURE_DAY)),
        ("media_engagement", {"replication_key_value": True}, "True"),
        ("events", {"replication_key_value": GOOD_TS, "scope": "all"}, "'all'"),
        ("medias", {"scope": {"media_ids": "abc"}}, "{'media_ids': 'abc'}"),
        ("visitors", {"synced_through": FUTURE_TS, "visitor_count": 3}, repr(FUTURE_TS)),
        ("visitors", {"synced_through": "yesterday"}, "'yesterday'"),
        ("visitors", {"synced_through": GOOD_TS, "visitor_count": -4}, "-4"),
        ("visitors", {"synced_through": GOOD_TS, "visitor_count": "12"}, "'12'"),
        ("media_traffic", {"replication_key_value": "2026-13"}, "'2026-13'"),
        ("media_traffic", {"replication_key_value": "2099-01"}, "'2099-01'"),
    ],
)
def test_a_malformed_bookmark_is_refused_naming_stream_and_value(stream, bookmark, shown):
    # Valid bookmarks of other streams come first: the check covers every stream.
    state = {"bookmarks": {"projects": {}, "events": GOOD_EVENTS, stream: bookmark}}
    with pytest.raises(BookmarkError) as failure:
        TapWistia(config=BASE, state=state, parse_env_config=False)
    message = str(failure.value)
    assert "\n" not in message
    assert f"stream '{stream}" in message and shown in message


@pytest.mark.parametrize(
    ("stream", "bookmark", "shown"),
    [
        ("media_daily_stats", {"replication_key_value": "banana"}, "'banana'"),
        ("visitors", {"synced_through": FUTURE_TS}, repr(FUTURE_TS)),
    ],
)
def test_cli_stops_before_any_stream_syncs(make_wistia, tmp_path, stream, bookmark, shown):
    server = make_wistia(medias=3, visitors=5, events=20, days=3)
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"bookmarks": {"events": GOOD_EVENTS, stream: bookmark}}))
    run = run_cli(tap_config(server), tmp_path, "--state", str(path))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if "bookmark" in line]
    assert len(lines) == 1, run.stderr
    assert f"stream '{stream}" in lines[0] and shown in lines[0]
    assert run.stdout.strip() == ""  # nothing synced, not even a SCHEMA
    assert server.requests == []


def test_valid_bookmarks_pass_the_check():
    today = dt.datetime.now(dt.UTC).date().isoformat()
    state = {
        "bookmarks": {
            "events": GOOD_EVENTS,
            "media_daily_stats": {"replication_key": "date", "replication_key_value": today},
            "media_stats": {"replication_key": "snapshot_date", "replication_key_value": today},
            "medias": {"partitions": [{"context": {"project_id": "p"}}]},
            "visitors": {"synced_through": "2026-01-01T00:00:00Z", "visitor_count": 0},
        }
    }
    tap = TapWistia(config=BASE, state=state, parse_env_config=False)
    assert tap.state["bookmarks"]["visitors"]["visitor_count"] == 0
