"""Incremental runs: resumable backfills, cheap daily runs, nothing lost."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from tap_wistia.state.catalog import UnknownMediaIds
from tap_wistia.state.deletions import DELETED_IDS, KNOWN_IDS
from tap_wistia.state.visitor_refresh import LATE_EVENT_MARGIN
from tap_wistia.streams.base import WistiaError
from tap_wistia.tap import TapWistia
from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import run_sync, tap_config

UTC = dt.UTC


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def earlier_today() -> dt.datetime:
    """A moment today that is already past, however close to midnight the test runs."""
    current = now()
    midnight = current.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (current - midnight) / 2


def event_days(events: list[dict]) -> Counter:
    return Counter(parse_timestamp(e["received_at"]).date() for e in events)


def events_requests_by_day(server) -> Counter:
    return Counter(r.query["start_date"][0] for r in server.requests_to("/stats/events"))


def test_state_bookmarks_only_the_contiguous_run_of_finished_days(make_wistia):
    server = make_wistia(events=3_000, days=10)
    start = (now() - dt.timedelta(days=9)).date()
    result = run_sync(tap_config(server, start_date=start.isoformat()), streams=("events",))
    bookmarks = [s["bookmarks"]["events"] for s in result.states if s["bookmarks"].get("events")]
    marks = [b["replication_key_value"] for b in bookmarks if "replication_key_value" in b]
    assert marks == sorted(marks)  # never moves back, even though days finish in any order
    *days_done, last = sorted(set(marks))  # the end of a finished day, then the run's end
    assert all(parse_timestamp(m).time() == dt.time(0) for m in days_done)
    assert parse_timestamp(last) == result.tap.run.window.end
    assert parse_timestamp(marks[0]) >= dt.datetime.combine(
        start + dt.timedelta(days=1), dt.time(), UTC
    )
    for bookmark in bookmarks:  # partial progress is only ever kept for days after it
        first_open = bookmark.get("replication_key_value", start.isoformat())[:10]
        assert all(day >= first_open for day in [*bookmark["pages_read"], *bookmark["days_read"]])
    final = result.bookmark("events")
    assert final["pages_read"] == {} and final["days_read"] == []
    wanted = {
        e["event_key"]
        for e in server.dataset.events
        if parse_timestamp(e["received_at"]).date() >= start
    }
    keys = [r["event_key"] for r in result.records("events")]
    assert len(keys) == len(set(keys)) and set(keys) == wanted


def test_incremental_run_rereads_only_from_the_bookmarks_day(make_wistia):
    server = make_wistia(events=400, days=30)
    config = tap_config(server)
    first = run_sync(config, streams=("events",))
    server.clear_requests()
    added = server.dataset.add_events(25, when=earlier_today())
    second = run_sync(config, state=first.final_state, streams=("events",))
    today = now().date()
    assert set(events_requests_by_day(server)) == {today.isoformat()}
    keys = {r["event_key"] for r in second.records("events")}
    assert {e["event_key"] for e in added} <= keys
    # Re-reading the whole day re-emits its older events too: at-least-once, no gaps.
    assert keys == {
        e["event_key"]
        for e in server.dataset.events
        if parse_timestamp(e["received_at"]).date() == today
    }


def test_lookback_days_rereads_earlier_days(make_wistia):
    server = make_wistia(events=200, days=10)
    config = tap_config(server, events_lookback_days=2)
    state = run_sync(config, streams=("events",)).final_state
    server.clear_requests()
    run_sync(config, state=state, streams=("events",))
    asked = sorted(events_requests_by_day(server))
    assert asked == [(now().date() - dt.timedelta(days=d)).isoformat() for d in (2, 1, 0)]


def test_complete_days_only_reads_each_day_once_it_is_closed(make_wistia):
    server = make_wistia(events=200, days=10)
    config = tap_config(server, complete_days_only=True)
    result = run_sync(config, streams=("events", "media_daily_stats"))
    yesterday = now().date() - dt.timedelta(days=1)
    assert max(events_requests_by_day(server)) == yesterday.isoformat()
    assert max(r["received_at"] for r in result.records("events")) < now().date().isoformat()
    assert {r["date"] for r in result.records("media_daily_stats")} <= {
        (yesterday - dt.timedelta(days=d)).isoformat() for d in range(0, 200)
    }
    mark = parse_timestamp(result.bookmark("events")["replication_key_value"])
    assert mark == dt.datetime.combine(now().date(), dt.time(), UTC)
    server.clear_requests()
    run_sync(config, state=result.final_state, streams=("events",))
    # The same day again: yesterday is read and closed, today is not complete yet.
    assert events_requests_by_day(server) == Counter()


def test_events_inserted_at_the_head_while_paging_skip_nothing(make_wistia):
    server = make_wistia(events=0, visitors=50, medias=5)
    day = earlier_today()
    original = server.dataset.add_events(450, when=day)
    inserted: list[dict] = []

    def insert_between_pages(path: str, query: dict) -> None:
        if path == "/stats/events" and query.get("page") == ["3"] and not inserted:
            inserted.extend(server.dataset.add_events(30, when=day))

    server.on_request = insert_between_pages
    config = tap_config(server, start_date=day.date().isoformat())
    result = run_sync(config, streams=("events",))
    keys = [r["event_key"] for r in result.records("events")]
    assert inserted
    assert len(keys) == len(set(keys))  # shifted pages re-list events: dropped, not emitted twice
    assert {e["event_key"] for e in original} <= set(keys)
    # Whatever this run could not see is read by the next one.
    second = run_sync(config, state=result.final_state, streams=("events",))
    assert {e["event_key"] for e in inserted} <= {r["event_key"] for r in second.records("events")}


def test_daily_run_costs_requests_proportional_to_what_is_new(make_wistia, caplog):
    server = make_wistia(medias=12, visitors=10_000, events=1200, days=60)
    config = tap_config(server)
    first = run_sync(config)
    assert len(first.records("visitors")) == 10_000
    # 101 pages; a list this long is read ahead, which may ask for a few pages past its end.
    assert 101 <= len(server.requests_to("/stats/visitors")) < 101 + 8
    server.clear_requests()
    k, v = 30, 6
    added = server.dataset.add_events(k, when=now(), new_visitors=v)
    with caplog.at_level(logging.INFO):
        second = run_sync(config, state=first.final_state)

    # The visitors of the events received since the last visitor sync (minus the margin).
    since = parse_timestamp(first.bookmark("visitors")["synced_through"]) - LATE_EVENT_MARGIN
    changed_visitors = {
        e["visitor_key"]
        for e in second.records("events")
        if parse_timestamp(e["received_at"]) >= since
    }
    assert {e["visitor_key"] for e in added} <= changed_visitors
    visitor_requests = server.requests_to("/stats/visitors")
    assert len(visitor_requests) == len(changed_visitors) < 101
    assert all(r.path.startswith("/stats/visitors/") for r in visitor_requests)
    assert "re-reading" in caplog.text and "visitor(s) one by one" in caplog.text
    assert {r["visitor_key"] for r in second.records("visitors")} == changed_visitors

    windows = event_days(server.dataset.events)
    touched = {dt.date.fromisoformat(d) for d in events_requests_by_day(server)}
    event_pages = sum(windows[d] // 100 + 1 for d in touched)
    medias = len(server.dataset.medias)
    budget = event_pages + len(changed_visitors) + 3 * medias + 2  # + projects + medias pages
    budget += 2  # the open day's check: its head and last page read again
    v1_requests = [r for r in server.requests if r.api_version is None]  # no modern call
    assert len(v1_requests) <= budget
    assert len(v1_requests) < 150  # listing 10,000 visitors alone would be 101 requests
    # Analytics: 4 calls per media, plus 5 per media for each month re-read (1, or 2 on the
    # first day of a month).
    assert len(server.requests_to("/analytics")) <= medias * (4 + 5 * 2)


def test_visitor_refresh_counts_only_events_since_the_last_visitor_sync(make_wistia):
    server = make_wistia(medias=5, visitors=6000, events=300, days=30)
    # Today already holds many events: the re-read bookmark day must not count them.
    server.dataset.add_events(80, when=earlier_today())
    config = tap_config(server)
    state = run_sync(config, streams=("events", "visitors")).final_state
    server.clear_requests()
    added = server.dataset.add_events(60, when=now(), new_visitors=40)
    result = run_sync(config, state=state, streams=("events", "visitors"))
    today = {e["visitor_key"] for e in result.records("events")}
    assert len(today) > 60  # what counting every re-read event would have cost
    asked = {r.path.rsplit("/", 1)[1] for r in server.requests_to("/stats/visitors")}
    assert {e["visitor_key"] for e in added} <= asked
    assert 40 <= len(server.requests_to("/stats/visitors")) <= 60


def test_a_late_listed_event_within_the_margin_still_refreshes_its_visitor(make_wistia):
    server = make_wistia(medias=3, visitors=400, events=100, days=10)
    config = tap_config(server)
    state = run_sync(config, streams=("events", "visitors")).final_state
    synced = parse_timestamp(state["bookmarks"]["visitors"]["synced_through"])
    server.clear_requests()
    # Received before the last sync, listed by the API only now.
    late = server.dataset.add_events(1, when=synced - LATE_EVENT_MARGIN / 2)
    result = run_sync(config, state=state, streams=("events", "visitors"))
    assert late[0]["visitor_key"] in {r["visitor_key"] for r in result.records("visitors")}


def test_visitors_are_listed_in_full_when_refreshing_would_cost_more(make_wistia, caplog):
    server = make_wistia(medias=4, visitors=150, events=300, days=20)
    config = tap_config(server)
    state = run_sync(config, streams=("events", "visitors")).final_state
    assert state["bookmarks"]["visitors"]["visitor_count"] == 150
    server.clear_requests()
    server.dataset.add_events(40, when=now(), new_visitors=5)
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=state, streams=("events", "visitors"))
    assert "listing every visitor" in caplog.text
    assert len(result.records("visitors")) == 155
    assert [r.path for r in server.requests_to("/stats/visitors")] == ["/stats/visitors"] * 2


@pytest.mark.parametrize(("days_ago", "full"), [(8, True), (6, False)])
def test_every_visitor_is_listed_again_after_visitors_full_refresh_days(
    make_wistia, caplog, days_ago, full
):
    server = make_wistia(medias=3, visitors=400, events=100, days=10)
    config = tap_config(server)  # visitors_full_refresh_days: 7 by default
    state = run_sync(config, streams=("events", "visitors")).final_state
    listed = parse_timestamp(state["bookmarks"]["visitors"]["full_listing_at"])
    assert abs(listed - now()) < dt.timedelta(minutes=5)
    state["bookmarks"]["visitors"]["full_listing_at"] = (
        now() - dt.timedelta(days=days_ago)
    ).isoformat()
    server.clear_requests()
    server.dataset.add_events(3, when=now())
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=state, streams=("events", "visitors"))
    visitors = result.records("visitors")
    if full:
        assert "visitors: listing every visitor (periodic full listing: the last one was" in (
            caplog.text
        )
        assert len(visitors) == 400
        assert [r.path for r in server.requests_to("/stats/visitors")] == ["/stats/visitors"] * 5
        assert parse_timestamp(result.bookmark("visitors")["full_listing_at"]) > listed
    else:
        assert "periodic" not in caplog.text
        assert 0 < len(visitors) <= 3
        assert (
            result.bookmark("visitors")["full_listing_at"]
            == (state["bookmarks"]["visitors"]["full_listing_at"])
        )


def test_visitors_full_refresh_days_zero_lists_everyone_every_run(make_wistia):
    server = make_wistia(medias=3, visitors=150, events=50, days=5)
    config = tap_config(server, visitors_full_refresh_days=0)
    state = run_sync(config, streams=("events", "visitors")).final_state
    result = run_sync(config, state=state, streams=("events", "visitors"))
    assert len(result.records("visitors")) == 150


def test_visitors_are_listed_in_full_without_events(make_wistia, caplog):
    server = make_wistia(medias=4, visitors=120, events=100, days=5)
    config = tap_config(server)
    state = run_sync(config).final_state
    server.clear_requests()
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=state, streams=("visitors",))
    assert len(result.records("visitors")) == 120
    assert "listing every visitor (no earlier complete visitor sync (or events not selected" in (
        caplog.text
    )


def test_state_stays_small_with_a_thousand_medias(make_wistia):
    server = make_wistia(projects=5, medias=1000, visitors=50, events=200, days=3)
    result = run_sync(tap_config(server, start_date=(now() - dt.timedelta(days=2)).isoformat()))
    assert result.record_counts()["media_stats"] == 1000
    state = result.final_state
    size = len(json.dumps(state))
    assert size < 200_000
    # The ids of the last listing, for finding deleted medias/projects (docs/deletions.md),
    # are the one per-media part: about 13 bytes a media.
    listed = sum(
        len(json.dumps(state["bookmarks"][stream].pop(field)))
        for stream in ("medias", "projects")
        for field in (KNOWN_IDS, DELETED_IDS)
    )
    assert listed < 16 * 1000
    assert len(json.dumps(state)) < 5_000  # the rest: one bookmark per stream, not per media


def test_medias_reemit_only_what_changed(make_wistia):
    server = make_wistia(medias=40, events=50, days=3)
    config = tap_config(server)
    state = run_sync(config, streams=("medias",)).final_state
    touched = server.dataset.medias[5]["hashed_id"]
    server.dataset.touch_media(touched, when=now())
    result = run_sync(config, state=state, streams=("medias",))
    hashed = [r["hashed_id"] for r in result.records("medias")]
    assert touched in hashed
    assert len(hashed) <= 2  # the touched one, plus the bookmark's own record (inclusive)


def test_rerun_the_same_day_replaces_snapshots(make_wistia):
    server = make_wistia(medias=6, events=50, days=3)
    config = tap_config(server)
    first = run_sync(config, streams=("media_stats",))
    second = run_sync(config, state=first.final_state, streams=("media_stats",))

    def keys(result) -> set:
        return {(r["media_id"], r["snapshot_date"]) for r in result.records("media_stats")}

    assert keys(first) == keys(second)
    assert len(keys(first)) == 6


# --- killed runs -----------------------------------------------------------------------


def _catalog(config: dict, *selected: str) -> dict:
    catalog = TapWistia(config=config, parse_env_config=False).catalog_dict
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in selected
    return catalog


def _start_cli(tmp_path, config: dict, catalog: dict, state: dict | None) -> subprocess.Popen:
    files = {"config": config, "catalog": catalog}
    if state is not None:
        files["state"] = state
    args = [sys.executable, "-m", "tap_wistia"]
    for name, content in files.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(content))
        args += [f"--{name}", str(path)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


@pytest.mark.parametrize(
    ("sig", "exit_code"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGTERM, 143), (signal.SIGINT, 130)],
    ids=["kill-9", "sigterm", "sigint"],
)
def test_a_killed_backfill_resumes_where_it_stopped(make_wistia, tmp_path, sig, exit_code):
    server = make_wistia(medias=6, visitors=100, events=1500, days=40)
    server.latency = 0.002  # keeps the run going while the test reads its output
    config = tap_config(server, max_requests_per_minute=100_000)
    catalog = _catalog(config, "events")

    process = _start_cli(tmp_path, config, catalog, state=None)
    seen: set[str] = set()
    last_state = None
    states = 0
    signalled_at = None
    assert process.stdout is not None
    for line in process.stdout:  # read to the end: what the tap emits while it stops counts
        message = json.loads(line)
        if message["type"] == "RECORD":
            seen.add(message["record"]["event_key"])
        elif message["type"] == "STATE" and message["value"].get("bookmarks", {}).get("events"):
            last_state = message["value"]
            states += 1
            if states == 30 and signalled_at is None:
                process.send_signal(sig)
                signalled_at = time.monotonic()
    assert process.wait(timeout=30) == exit_code
    assert signalled_at is not None and time.monotonic() - signalled_at < 10
    assert last_state is not None
    mark = parse_timestamp(last_state["bookmarks"]["events"]["replication_key_value"])
    assert mark.time() == dt.time(0)  # a bookmark at the end of a complete UTC day

    server.clear_requests()
    resumed = run_sync(config, state=last_state, streams=("events",))
    first_day_asked = min(events_requests_by_day(server))
    assert first_day_asked == mark.date().isoformat()  # resumed, did not start over
    everything = {e["event_key"] for e in server.dataset.events}
    assert seen | {r["event_key"] for r in resumed.records("events")} == everything


# --- bad input -------------------------------------------------------------------------


def test_unknown_media_ids_fail_naming_the_setting(make_wistia):
    server = make_wistia(medias=3, events=10, days=2)
    known = server.dataset.medias[0]["hashed_id"]
    with pytest.raises(UnknownMediaIds, match=r"media_ids: .*nosuchmedia"):
        run_sync(tap_config(server, media_ids=[known, "nosuchmedia"]))


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/stats/visitors", '{"visitors": []}', "per_page=100 answered a JSON dict"),
        ("/stats/visitors", '[{"name": "no key"}]', "without its key 'visitor_key'"),
        ("/stats/events", '[{"received_at": "2026-01-01"}]', "without its key 'event_key'"),
    ],
)
def test_malformed_api_answers_fail_naming_the_endpoint(make_wistia, path, body, message):
    server = make_wistia(medias=2, visitors=5, events=5, days=2)
    server.faults.add("status", status=200, body=body, path=path, times=1)
    stream = "visitors" if "visitors" in path else "events"
    with pytest.raises(WistiaError, match="GET /") as failure:
        run_sync(tap_config(server), streams=(stream,))
    assert message in str(failure.value)
