"""per_media_refresh: per-media work in proportion to activity, with periodic refreshes
spread over the days (request counts on the sandbox; the long-tail account's figures are in
test_long_tail_costs.py)."""

from __future__ import annotations

import datetime as dt
import logging

from tap_wistia.state.catalog import CatalogMedia
from tap_wistia.state.media_refresh import NO_EVENTS_WARNING, OLD_STATE_WARNING, MediaActivity
from tap_wistia.state.refresh_turns import EPOCH, due_turns, turn_of
from tap_wistia.streams.base import ModernApi
from tap_wistia.streams.registry import STREAM_TYPES
from tap_wistia.timeutil import format_timestamp, parse_timestamp
from tests.tap_harness import run_sync, tap_config

UTC = dt.UTC
# The v1 per-media streams (the analytics ones are counted in test_long_tail_costs, the
# catalog ones in test_media_catalog_streams).
PER_MEDIA = tuple(
    stream.name
    for stream in STREAM_TYPES
    if stream.parent == "medias" and not issubclass(stream, ModernApi)
)
PLAY_DRIVEN = tuple(name for name in PER_MEDIA if name != "media_stats")
NO_SCOPE = {"media_ids": None, "project_ids": None}


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def per_media_requests(server, endpoint: str = "") -> list:
    return [r for r in server.requests_to("/stats/medias/") if r.path.endswith(endpoint)]


def refreshed(result, stream: str) -> set[str]:
    return {r["media_id"] for r in result.records(stream)}


def on_todays_turn(media_ids, every_days: int = 7) -> set[str]:
    today = (now().date() - EPOCH).days % every_days
    return {m for m in media_ids if turn_of(m, every_days) == today}


def yesterdays_state() -> dict:
    """What yesterday's daily run left behind."""
    ran = now() - dt.timedelta(days=1)
    marks = {"scope": NO_SCOPE, "activity_through": format_timestamp(ran)}
    events_mark = format_timestamp(now() - dt.timedelta(days=2))
    return {
        "bookmarks": {
            "events": {
                "replication_key": "received_at",
                "replication_key_value": events_mark,
                "scope": NO_SCOPE,
            },
            **{
                name: {"replication_key_value": ran.date().isoformat(), **marks}
                for name in PER_MEDIA
            },
        }
    }


def test_daily_run_on_5000_medias_reads_the_active_ones_and_a_seventh_for_lifetime(
    make_wistia, caplog
):
    server = make_wistia(medias=5000, visitors=30, events=0, now=now() - dt.timedelta(days=3))
    played = [m["hashed_id"] for m in server.dataset.medias[::100]]
    assert len(played) == 50
    for hashed_id in played:
        server.dataset.add_events(1, when=now(), media_hashed_id=hashed_id)
    edited = server.dataset.medias[7]["hashed_id"]
    server.dataset.touch_media(edited, when=now())
    with caplog.at_level(logging.INFO):
        result = run_sync(
            tap_config(server), state=yesterdays_state(), streams=("events", *PER_MEDIA)
        )
    active = {*played, edited}
    everyone = [m["hashed_id"] for m in server.dataset.medias]
    turn = on_todays_turn(everyone)
    # Lifetime totals: the active medias and today's seventh of the library (loads
    # without a play show there within a week); never-played medias cost nothing more.
    assert refreshed(result, "media_stats") == active | turn
    assert 5000 / 7 * 0.8 < len(turn) < 5000 / 7 * 1.2
    for stream in PLAY_DRIVEN:
        assert refreshed(result, stream) == active, stream
    assert len(per_media_requests(server)) == len(active | turn) + 2 * len(active)
    assert (
        "media_engagement: refreshing 51 media(s) (51 of 5000 medias: 50 played and 1 edited"
        in (caplog.text)
    )
    bookmark = result.bookmark("media_stats")
    assert parse_timestamp(bookmark["activity_through"]) > now() - dt.timedelta(minutes=5)


def test_a_played_media_on_its_turn_rereads_the_look_back_days(make_wistia):
    """On its turn a media's daily stats go back per_media_full_refresh_days: the loads of
    the days it was skipped on (no play, so no event) are read late, not lost."""
    server = make_wistia(medias=40, visitors=30, events=0, now=now() - dt.timedelta(days=10))
    everyone = [m["hashed_id"] for m in server.dataset.medias]
    turn = sorted(on_todays_turn(everyone, every_days=2))  # about half: never none
    quiet_on_turn, played_elsewhere = turn[0], sorted(set(everyone) - set(turn))[0]
    server.dataset.add_events(1, when=now() - dt.timedelta(days=5), media_hashed_id=quiet_on_turn)
    server.dataset.add_events(1, when=now(), media_hashed_id=played_elsewhere)
    config = tap_config(server, per_media_full_refresh_days=2)
    result = run_sync(config, state=yesterdays_state(), streams=("events", *PER_MEDIA))
    # played once (lifetime plays > 0): on its turn; never played: lifetime stats only.
    assert refreshed(result, "media_daily_stats") == {quiet_on_turn, played_elsewhere}
    starts = {
        r.path.split("/")[3]: r.query["start_date"][0]
        for r in per_media_requests(server, "/by_date")
    }
    yesterday = (now() - dt.timedelta(days=1)).date()
    assert starts == {
        quiet_on_turn: (now().date() - dt.timedelta(days=2)).isoformat(),
        played_elsewhere: yesterday.isoformat(),
    }


def test_periodic_turns_spread_every_media_over_the_days_and_survive_skipped_days():
    medias = [f"m{i:04d}" for i in range(700)]
    every = 7
    start = dt.date(2026, 3, 1)
    per_day = []
    for day in range(every):
        today = start + dt.timedelta(days=day)
        due = due_turns(today - dt.timedelta(days=1), today, every)
        per_day.append({m for m in medias if turn_of(m, every) in due})
    assert set().union(*per_day) == set(medias)
    assert sum(len(d) for d in per_day) == len(medias)  # each media once a week
    assert max(len(d) for d in per_day) < 1.3 * len(medias) / every  # no spike
    # A run skipping two days takes those days' turns too; a week's gap, every media.
    skipped = due_turns(start - dt.timedelta(days=3), start, every)
    assert skipped == {((start - EPOCH).days - back) % every for back in range(3)}
    assert due_turns(start - dt.timedelta(days=7), start, every) == set(range(every))
    assert due_turns(None, start, every) == set(range(every))


def test_first_run_reads_lifetime_stats_of_all_and_the_rest_for_played_medias(make_wistia):
    server = make_wistia(medias=15, visitors=30, events=0, days=5)
    played = server.dataset.medias[3]["hashed_id"]
    server.dataset.add_events(4, when=now() - dt.timedelta(days=2), media_hashed_id=played)
    first = run_sync(tap_config(server), streams=("events", *PER_MEDIA))
    assert len(refreshed(first, "media_stats")) == 15
    for stream in PLAY_DRIVEN:
        assert refreshed(first, stream) == {played}, stream
    assert len(per_media_requests(server)) == 15 + 2


def test_without_events_every_media_is_read_and_the_log_says_why_once(make_wistia, caplog):
    server = make_wistia(medias=6, visitors=10, events=20, days=3)
    config = tap_config(server)
    state = run_sync(config, streams=("events", *PER_MEDIA)).final_state
    server.clear_requests()
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=state, streams=PER_MEDIA)
    for stream in PER_MEDIA:
        assert len(refreshed(result, stream)) == 6, stream
    assert len(per_media_requests(server)) == 3 * 6
    assert "refreshing 6 media(s) (the events stream did not run)" in caplog.text
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings].count(NO_EVENTS_WARNING) == 1


def test_an_old_state_without_activity_marks_reads_everything_once_and_warns_once(
    make_wistia, caplog
):
    server = make_wistia(medias=8, visitors=10, events=0, now=now() - dt.timedelta(days=3))
    state = yesterdays_state()
    for name in PER_MEDIA:  # as an earlier tap-wistia wrote them
        del state["bookmarks"][name]["activity_through"]
    state["bookmarks"]["media_stats"]["full_refresh_at"] = format_timestamp(now())
    with caplog.at_level(logging.INFO):
        result = run_sync(tap_config(server), state=state, streams=("events", *PER_MEDIA))
    for stream in PER_MEDIA:
        assert len(refreshed(result, stream)) == 8, stream
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings.count(OLD_STATE_WARNING) == 1
    assert "full_refresh_at" not in result.bookmark("media_stats")
    assert result.bookmark("media_stats")["activity_through"]
    server.clear_requests()
    run_sync(tap_config(server), state=result.final_state, streams=("events", *PER_MEDIA))
    assert len(per_media_requests(server, "/engagement")) == 0


def test_per_media_refresh_all_restores_reading_every_media_every_run(make_wistia):
    server = make_wistia(medias=6, visitors=10, events=0, now=now() - dt.timedelta(days=3))
    run_sync(tap_config(server), state=yesterdays_state(), streams=("events", *PER_MEDIA))
    by_default = len(per_media_requests(server))
    server.clear_requests()
    config = tap_config(server, per_media_refresh="all")
    run_sync(config, state=yesterdays_state(), streams=("events", *PER_MEDIA))
    assert by_default == len(on_todays_turn(m["hashed_id"] for m in server.dataset.medias))
    assert len(per_media_requests(server)) == 3 * 6


def test_complete_days_only_runs_refresh_only_active_medias():
    """Events read from the last refresh's midnight cover it: no needless full refresh."""
    midnight = dt.datetime.combine(now().date(), dt.time(), UTC)
    activity = MediaActivity(enabled=True)
    activity.events_started(midnight - dt.timedelta(days=1))
    activity.saw_event({"media_id": "played", "received_at": format_timestamp(midnight)})
    activity.window_done(midnight)
    activity.saw_lifetime_stats("quiet", {"play_count": 0})
    state = {"activity_through": format_timestamp(midnight - dt.timedelta(days=1))}
    old = format_timestamp(midnight - dt.timedelta(days=30))
    medias = [CatalogMedia("played", 1.0, old), CatalogMedia("quiet", 1.0, old)]
    plan = activity.plan(
        state,
        medias,
        lifetime=False,
        now=now(),
        window_start=midnight - dt.timedelta(days=90),
        every_days=7,
    )
    assert not plan.full
    assert [m.hashed_id for m in plan.medias] == ["played"]


def test_traffic_months_are_those_with_events_both_near_a_month_edge():
    """media_traffic reads a (media, month) pair only when the media had events in it; an
    event near a month's edge counts for both months (the account's offset is unknown)."""
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    activity = MediaActivity(enabled=True)
    activity.events_started(start)
    activity.saw_event({"media_id": "edge", "received_at": "2026-03-31T20:00:00Z"})
    activity.saw_event({"media_id": "mid", "received_at": "2026-02-14T12:00:00Z"})
    activity.window_done(dt.datetime(2026, 4, 5, tzinfo=UTC))
    medias = [CatalogMedia(m, 1.0, "2025-01-01T00:00:00Z") for m in ("edge", "mid", "quiet")]
    plan = activity.plan({}, medias, lifetime=False, now=start, window_start=start, every_days=7)
    assert [m.hashed_id for m in plan.medias] == ["edge", "mid"]
    months = ("2026-01", "2026-02", "2026-03", "2026-04")
    read = {
        (m, month)
        for m in ("edge", "mid", "quiet")
        for month in months
        if plan.reads_month(m, month)
    }
    assert read == {("edge", "2026-03"), ("edge", "2026-04"), ("mid", "2026-02")}
