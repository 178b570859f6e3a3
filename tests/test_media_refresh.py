"""per_media_refresh: per-media work in proportion to activity, with periodic full refreshes."""

from __future__ import annotations

import datetime as dt
import logging

from tap_wistia.state.catalog import CatalogMedia
from tap_wistia.state.media_refresh import MediaActivity
from tap_wistia.streams.registry import ANALYTICS_STREAM_TYPES, STREAM_TYPES
from tap_wistia.timeutil import format_timestamp, parse_timestamp
from tests.tap_harness import run_sync, tap_config

UTC = dt.UTC
# The v1 per-media streams (the analytics ones have their own tests).
PER_MEDIA = tuple(
    stream.name
    for stream in STREAM_TYPES
    if stream.parent == "medias" and stream not in ANALYTICS_STREAM_TYPES
)
NO_SCOPE = {"media_ids": None, "project_ids": None}


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def per_media_requests(server) -> list:
    return server.requests_to("/stats/medias/")


def refreshed(result, stream: str) -> set[str]:
    return {r["media_id"] for r in result.records(stream)}


def yesterdays_state(last_full: dt.datetime) -> dict:
    """What a daily run of yesterday left behind, with a full refresh at `last_full`."""
    ran = now() - dt.timedelta(days=1)
    marks = {
        "scope": NO_SCOPE,
        "activity_through": format_timestamp(ran),
        "full_refresh_at": format_timestamp(last_full),
    }
    events_mark = format_timestamp(now() - dt.timedelta(days=2))
    return {
        "bookmarks": {
            "events": {
                "replication_key": "received_at",
                "replication_key_value": events_mark,
                "scope": NO_SCOPE,
            },
            "media_stats": {"replication_key_value": ran.date().isoformat(), **marks},
            "media_engagement": {"replication_key_value": ran.date().isoformat(), **marks},
            "media_daily_stats": {"replication_key_value": ran.date().isoformat(), **marks},
        }
    }


def test_daily_run_on_5000_medias_with_50_active_stays_under_200_requests(make_wistia, caplog):
    server = make_wistia(medias=5000, visitors=30, events=0, now=now() - dt.timedelta(days=3))
    played = [m["hashed_id"] for m in server.dataset.medias[::100]]
    assert len(played) == 50
    for hashed_id in played:
        server.dataset.add_events(1, when=now(), media_hashed_id=hashed_id)
    edited = server.dataset.medias[7]["hashed_id"]
    server.dataset.touch_media(edited, when=now())
    config = tap_config(server, per_media_refresh="active")
    state = yesterdays_state(last_full=now() - dt.timedelta(days=3))
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=state, streams=("events", *PER_MEDIA))
    active = {*played, edited}
    for stream in PER_MEDIA:
        assert refreshed(result, stream) == active, stream
        assert f"{stream}: refreshing 51 media(s) (51 of 5000 medias played or edited" in (
            caplog.text
        )
    assert len(per_media_requests(server)) == 3 * 51 <= 200
    bookmark = result.bookmark("media_stats")
    assert parse_timestamp(bookmark["activity_through"]) > now() - dt.timedelta(minutes=5)
    assert bookmark["full_refresh_at"] == state["bookmarks"]["media_stats"]["full_refresh_at"]


def test_every_media_is_refreshed_every_per_media_full_refresh_days(make_wistia, caplog):
    server = make_wistia(medias=20, visitors=30, events=0, now=now() - dt.timedelta(days=10))
    server.dataset.add_events(1, when=now(), media_hashed_id=server.dataset.medias[0]["hashed_id"])
    last_full = now() - dt.timedelta(days=8)
    config = tap_config(server, per_media_refresh="active")
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=yesterdays_state(last_full), streams=("events", *PER_MEDIA))
    everyone = {m["hashed_id"] for m in server.dataset.medias}
    for stream in PER_MEDIA:
        assert refreshed(result, stream) == everyone, stream
    assert "media_stats: refreshing 20 media(s) (periodic full refresh: the last one was" in (
        caplog.text
    )
    # Daily stats go back to the previous full refresh: quiet medias' loads are not lost.
    starts = {r.query["start_date"][0] for r in server.requests if r.path.endswith("/by_date")}
    assert starts == {last_full.date().isoformat()}
    assert parse_timestamp(result.bookmark("media_stats")["full_refresh_at"]) > last_full


def test_first_active_run_refreshes_all_then_only_what_played(make_wistia):
    server = make_wistia(medias=15, visitors=30, events=60, days=5)
    config = tap_config(server, per_media_refresh="active")
    first = run_sync(config, streams=("events", *PER_MEDIA))
    assert len(refreshed(first, "media_stats")) == 15
    server.clear_requests()
    played = server.dataset.medias[3]["hashed_id"]
    server.dataset.add_events(2, when=now(), media_hashed_id=played)
    second = run_sync(config, state=first.final_state, streams=("events", *PER_MEDIA))
    # Events received within the late-listing margin before the last run count as well.
    margin_start = parse_timestamp(first.bookmark("media_stats")["activity_through"])
    recent = {
        e["media_id"]
        for e in server.dataset.events
        if parse_timestamp(e["received_at"]) >= margin_start - dt.timedelta(hours=1)
    }
    for stream in PER_MEDIA:
        assert refreshed(second, stream) == recent | {played}, stream
    assert len(per_media_requests(server)) == 3 * len(recent | {played})


def test_without_events_every_media_is_refreshed(make_wistia, caplog):
    server = make_wistia(medias=6, visitors=10, events=20, days=3)
    config = tap_config(server, per_media_refresh="active")
    state = run_sync(config, streams=("events", *PER_MEDIA)).final_state
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=state, streams=PER_MEDIA)
    assert len(refreshed(result, "media_stats")) == 6
    assert "refreshing 6 media(s) (the events stream did not run)" in caplog.text


def test_complete_days_only_runs_refresh_only_active_medias():
    """Events read from the last refresh's midnight cover it: no needless full refresh."""
    midnight = dt.datetime.combine(now().date(), dt.time(), UTC)
    activity = MediaActivity(enabled=True)
    activity.events_started(midnight - dt.timedelta(days=1))
    activity.saw_event({"media_id": "played", "received_at": format_timestamp(midnight)})
    activity.window_done(midnight)
    state = {
        "activity_through": format_timestamp(midnight - dt.timedelta(days=1)),
        "full_refresh_at": format_timestamp(now() - dt.timedelta(days=1)),
    }
    old = format_timestamp(midnight - dt.timedelta(days=30))
    medias = [CatalogMedia("played", 1.0, old), CatalogMedia("quiet", 1.0, old)]
    plan = activity.plan(state, medias, now=now(), full_every=dt.timedelta(days=7))
    assert not plan.full
    assert [m.hashed_id for m in plan.medias] == ["played"]
