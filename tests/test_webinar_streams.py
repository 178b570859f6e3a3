"""The webinar streams against the sandbox: complete first runs, daily runs that re-read only
the webinars within `webinar_refresh_days` (counted in the sandbox's request log), and a
plan without webinars (403, 404: skipped with one warning, or fatal when required)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading

import pytest

from tap_wistia.state.bookmarks import BookmarkError
from tap_wistia.streams.webinars import PerWebinarStream, WebinarAudienceStream
from tap_wistia.tap import TapWistia
from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import run_cli, run_sync, tap_config
from tests.webinars_expected import WEBINAR_STREAMS, ends, expected_webinar_keys

PER_WEBINAR = WEBINAR_STREAMS[1:]
UNAVAILABLE = "Wistia webinars are unavailable"
SMALL = {"medias": 2, "visitors": 250, "events": 60, "days": 5}


def keys_of(result, name: str) -> set[tuple]:
    stream = result.tap.streams[name]
    rows = [tuple(r[k] for k in stream.declared_keys) for r in result.records(name)]
    assert len(rows) == len(set(rows)), f"{name}: duplicate keys"
    if name == "webinar_registrations":  # buckets are UTC days
        return {(w, parse_timestamp(stamp).date()) for w, stamp in rows}
    return set(rows)


def webinars_read(server, path_end: str = "/audience") -> list[str]:
    return sorted(
        r.path.split("/")[3]
        for r in server.requests_to("/analytics/webinars")
        if r.path.endswith(path_end)
    )


def unavailable_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if UNAVAILABLE in r.getMessage()]


@pytest.mark.parametrize("workers", [1, 4])
def test_a_first_run_reads_every_webinar_completely(make_wistia, monkeypatch, workers):
    server = make_wistia(**SMALL)
    overlapped = threading.Event()
    started: list[str] = []
    lock = threading.Lock()
    request_records = PerWebinarStream.request_records

    def tracked(self, context):
        # With workers, the first call waits until a second one is running beside it.
        with lock:
            started.append(threading.current_thread().name)
            first = len(started) == 1
        if workers > 1 and first:
            overlapped.wait(10)
        elif workers > 1:
            overlapped.set()
        yield from request_records(self, context)

    monkeypatch.setattr(PerWebinarStream, "request_records", tracked)
    result = run_sync(tap_config(server, max_concurrency=workers), streams=WEBINAR_STREAMS)
    assert overlapped.is_set() == (workers > 1)  # two calls in flight at once
    assert (len(set(started)) > 1) == (workers > 1)  # on worker threads
    expected = expected_webinar_keys(server.dataset, result.tap.run.window.run_started)
    for name in WEBINAR_STREAMS:
        assert keys_of(result, name) == expected[name], name
        assert expected[name], name
    # The account (v1); 1 listing; per webinar: audience (1 page), series, 4 traffic; per
    # ended one: 2 more.
    assert len(server.requests) == 1 + 1 + 5 * (1 + 1 + 4) + 3 * 2
    assert {r.api_version for r in server.requests if r.path != "/account"} == {"2026-03"}
    source = {
        (w, r["email"]): r for w, rows in server.dataset.webinars.audience.items() for r in rows
    }
    for row in result.records("webinar_audience"):
        assert row["played_time"] == source[(row["webinar_id"], row["email"])]["played_time"]


def test_the_audience_follows_cursor_pages(make_wistia, monkeypatch):
    server = make_wistia(**SMALL)
    monkeypatch.setattr(WebinarAudienceStream, "query", {"per_page": "4"})
    result = run_sync(tap_config(server), streams=("webinar_audience",))
    for webinar_id, rows in server.dataset.webinars.audience.items():
        calls = server.requests_to(f"/analytics/webinars/{webinar_id}/audience")
        assert len(calls) == math.ceil(len(rows) / 4)
        assert ["cursor" in r.query for r in calls] == [False] + [True] * (len(calls) - 1)
    assert len(result.records("webinar_audience")) == sum(
        len(rows) for rows in server.dataset.webinars.audience.values()
    )


def test_a_daily_run_rereads_only_the_webinars_within_the_refresh_window(make_wistia):
    server = make_wistia(**SMALL)
    first = run_sync(tap_config(server), streams=WEBINAR_STREAMS)
    final_through = parse_timestamp(first.bookmark("webinar_audience")["final_through"])
    started = first.tap.run.window.run_started
    assert final_through == started - dt.timedelta(days=30)
    first_requests = len(server.requests)
    server.clear_requests()
    second = run_sync(tap_config(server), state=first.final_state, streams=WEBINAR_STREAMS)
    recent = sorted(w["id"] for w in server.dataset.webinars.webinars if ends(w) >= final_through)
    assert len(recent) == 3  # ended 10 days ago, live, upcoming; two ended long ago
    assert webinars_read(server) == recent
    assert webinars_read(server, "/histograms") == [
        w for w in recent if ends(server.dataset.webinars.find(w)) <= dt.datetime.now(dt.UTC)
    ]
    now = second.tap.run.window.run_started
    expected = expected_webinar_keys(server.dataset, now, read_from=final_through)
    for name in WEBINAR_STREAMS:
        assert keys_of(second, name) == expected[name], name
    assert (first_requests, len(server.requests)) == (38, 1 + 1 + 3 * 6 + 1 * 2)


def test_webinar_refresh_days_sets_the_window(make_wistia):
    server = make_wistia(**SMALL)
    config = tap_config(server, webinar_refresh_days=200)
    first = run_sync(config, streams=("webinar_audience",))
    server.clear_requests()
    run_sync(config, state=first.final_state, streams=("webinar_audience",))
    assert len(webinars_read(server)) == 4  # all but the one that ended 400 days ago


def test_per_webinar_streams_list_the_webinars_themselves(make_wistia):
    server = make_wistia(**SMALL)
    result = run_sync(tap_config(server), streams=("webinar_histograms", "webinar_analytics"))
    assert len(server.requests_to("/webinars")) == 1  # listed once for both
    assert len(result.records("webinar_histograms")) == 3
    assert not result.records("webinars")


def test_a_hand_edited_final_through_stops_the_run_first():
    state = {"bookmarks": {"webinar_traffic": {"final_through": "last tuesday"}}}
    config = {"api_token": "t", "api_url": "http://127.0.0.1:9/v1"}
    with pytest.raises(BookmarkError, match=r"webinar_traffic.*final_through"):
        TapWistia(config=config, state=state, parse_env_config=False)


@pytest.mark.parametrize("workers", [1, 4])
def test_403_skips_the_webinars_with_one_warning_and_the_run_goes_on(make_wistia, caplog, workers):
    server = make_wistia(no_webinars=True, **SMALL)
    with caplog.at_level(logging.WARNING):
        result = run_sync(
            tap_config(server, max_concurrency=workers),
            streams=("projects", "media_languages", *WEBINAR_STREAMS),
        )
    assert result.records("projects") and result.records("media_languages")
    assert not any(result.records(name) for name in WEBINAR_STREAMS)
    assert [r.path for r in server.requests_to("/webinars")] == ["/webinars"]
    assert not server.requests_to("/analytics/webinars")
    [warning] = unavailable_warnings(caplog)
    assert "403" in warning and ", ".join(WEBINAR_STREAMS) in warning
    assert "required_streams" in warning
    assert "analytics are unavailable" not in caplog.text  # the other family is not touched


def test_a_required_webinar_stream_makes_a_403_fatal(make_wistia, tmp_path):
    server = make_wistia(no_webinars=True, **SMALL)
    config = tap_config(
        server, required_streams=["webinar_traffic"], max_requests_per_minute=100_000
    )
    run = run_cli(config, tmp_path)
    assert run.returncode == 1
    assert UNAVAILABLE in run.stderr and "webinar_traffic is in required_streams" in run.stderr
    assert "Traceback" not in run.stderr


def test_404_on_the_listing_skips_the_family(make_wistia, caplog):
    server = make_wistia(**SMALL)
    server.faults.add("status", status=404, path="/webinars", every=1)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server), streams=WEBINAR_STREAMS)
    assert not any(result.records(name) for name in WEBINAR_STREAMS)
    [warning] = unavailable_warnings(caplog)
    assert "404" in warning


def test_404_for_the_first_three_webinars_skips_the_family(make_wistia, caplog):
    server = make_wistia(**SMALL)
    server.faults.add("status", status=404, path="/analytics/webinars", every=1)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server, max_concurrency=1), streams=("webinars", *PER_WEBINAR))
    assert len(result.records("webinars")) == 5
    assert not any(result.records(name) for name in PER_WEBINAR)
    assert len(server.requests_to("/analytics/webinars")) == 3
    [warning] = unavailable_warnings(caplog)
    assert "404 for 3 webinars" in warning


def test_404_for_one_webinar_skips_only_that_webinar(make_wistia, caplog):
    server = make_wistia(**SMALL)
    gone = server.dataset.webinars.webinars[1]["id"]
    server.faults.add("status", status=404, path=f"/analytics/webinars/{gone}", every=1)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server, max_concurrency=1), streams=("webinar_audience",))
    read = {r["webinar_id"] for r in result.records("webinar_audience")}
    assert gone not in read and len(read) == 4
    assert f"webinar {gone} is gone (404)" in caplog.text
    assert UNAVAILABLE not in caplog.text
