"""The analytics streams against the sandbox: every record, windows, paging, failures, state."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math

import jsonschema
import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_wistia.streams import analytics as analytics_streams
from tap_wistia.streams.analytics import MediaConversionsStream
from tap_wistia.streams.registry import ANALYTICS_STREAM_TYPES
from tap_wistia.tap import TapWistia
from tap_wistia.timeutil import parse_timestamp
from tests.analytics_expected import expected_keys
from tests.tap_harness import run_cli, run_sync, tap_config

ANALYTICS = tuple(stream_type.name for stream_type in ANALYTICS_STREAM_TYPES)


def day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def keys_of(result, name: str) -> set[tuple]:
    stream = result.tap.streams[name]
    fields = [k for k in stream.declared_keys if k != "snapshot_date"]
    rows = result.records(name)
    found = set()
    for row in rows:
        key = tuple(row[k] for k in fields)
        if name == "media_conversions":
            key = (*key[:2], parse_timestamp(key[2]))
        found.add(key)
    assert len(found) == len(rows), f"{name}: duplicate keys"
    return found


def unavailable_warnings(caplog) -> list[str]:
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    return [m for m in messages if "analytics are unavailable" in m]


@pytest.fixture(scope="module")
def analytics_sync(wistia):
    """The config, the sync's result and the requests the sync made (the session server's
    log also holds other modules' requests)."""
    config = tap_config(wistia)
    before = len(wistia.requests)
    result = run_sync(config, streams=ANALYTICS)
    return config, result, wistia.requests[before:]


def test_every_record_of_every_analytics_stream(wistia, analytics_sync):
    config, result, _ = analytics_sync
    first = parse_timestamp(config["start_date"]).date()
    end = result.tap.run.window.last_day + dt.timedelta(days=1)
    # Without the events stream selected, every media is read.
    expected = expected_keys(wistia.dataset, first, end, every_media=True)
    for name in ANALYTICS:
        assert keys_of(result, name) == expected[name], name
        assert expected[name], name
    assert len(result.records("media_conversions")) >= 20


def test_records_conform_to_their_schemas_and_carry_the_api_values(wistia, analytics_sync):
    _, result, _ = analytics_sync
    for name in ANALYTICS:
        validator = jsonschema.Draft7Validator(result.tap.streams[name].schema)
        for record in result.records(name):
            validator.validate(record)
    # A traffic row carries the API's figures under its group_by field and as `value`.
    plays = {}
    for row in result.records("media_traffic"):
        if row["dimension"] == "utm_source":
            assert (row["utm_source"] or "(none)") == row["value"]
            plays[row["media_id"]] = plays.get(row["media_id"], 0) + row["plays"]
    daily = {}
    for row in result.records("media_analytics_daily"):
        daily[row["media_id"]] = daily.get(row["media_id"], 0) + row["plays"]
    assert {m: p for m, p in daily.items() if p} == plays


def test_bucket_starts_are_stored_as_utc_and_dates_are_account_local(analytics_sync):
    _, result, _ = analytics_sync
    for row in result.records("media_analytics_daily")[:50]:
        # The sandbox account is at UTC-05:00: local midnight is 05:00 UTC the same day.
        assert row["timestamp"] == f"{row['date']}T05:00:00.000000+00:00"


def test_every_modern_call_sends_the_api_version_and_exclusive_end(wistia, analytics_sync):
    config, result, requests = analytics_sync
    calls = [r for r in requests if r.path.startswith("/analytics")]
    assert calls
    assert {r.api_version for r in calls} == {"2026-03"}
    end = (result.tap.run.window.last_day + dt.timedelta(days=1)).isoformat()
    assert {r.query["end_date"][0] for r in calls if not r.path.endswith("/traffic")} == {end}
    # Traffic goes month by month: each month ends where the next starts.
    traffic = [r.query for r in calls if r.path.endswith("/traffic")]
    months = sorted({(q["start_date"][0], q["end_date"][0]) for q in traffic})
    assert months[0][0] == config["start_date"][:10] and months[-1][1] == end
    assert all(a[1] == b[0] and b[0].endswith("-01") for a, b in itertools.pairwise(months))
    daily = result.records("media_analytics_daily")
    assert max(r["date"] for r in daily) == result.tap.run.window.last_day.isoformat()
    assert min(r["date"] for r in daily) == config["start_date"][:10]


def test_bounded_run_asks_for_the_day_after_end_date(make_wistia):
    server = make_wistia(medias=3, visitors=40, events=300, days=30)
    end = dt.date.today() - dt.timedelta(days=10)
    config = tap_config(
        server,
        start_date=f"{end - dt.timedelta(days=6)}T00:00:00Z",
        end_date=f"{end}T23:00:00Z",
        api_version="2026-03",
    )
    result = run_sync(config, streams=("media_analytics_daily", "media_conversions"))
    timeseries = server.requests_to("/analytics/medias/")
    assert {r.query["end_date"][0] for r in timeseries} == {
        (end + dt.timedelta(days=1)).isoformat()
    }
    dates = sorted({r["date"] for r in result.records("media_analytics_daily")})
    assert dates[0] == (end - dt.timedelta(days=6)).isoformat() and dates[-1] == end.isoformat()
    assert len(dates) == 7


def test_a_start_older_than_two_years_asks_for_exactly_two_years(make_wistia):
    server = make_wistia(medias=2, visitors=10, events=30, days=5)
    result = run_sync(
        tap_config(server, start_date="2015-01-01T00:00:00Z"), streams=("media_languages",)
    )
    calls = server.requests_to("/analytics")
    assert [r.status for r in calls] == [200, 200]
    for call in calls:
        first, end = day(call.query["start_date"][0]), day(call.query["end_date"][0])
        assert (end - first).days == 730
        assert end == result.tap.run.window.last_day + dt.timedelta(days=1)
    assert result.records("media_languages")


def test_conversions_follow_cursor_pages(make_wistia, monkeypatch):
    server = make_wistia(medias=2, visitors=40, events=600, days=30)
    monkeypatch.setattr(MediaConversionsStream, "page_size", 2)
    result = run_sync(tap_config(server), streams=("media_conversions",))
    first = dt.date.today() - dt.timedelta(days=200)
    expected = expected_keys(server.dataset, first, dt.date.today() + dt.timedelta(days=2))
    assert keys_of(result, "media_conversions") == expected["media_conversions"]
    for media_id in server.dataset.media_ids():
        calls = server.requests_to(f"/analytics/medias/{media_id}/conversions")
        converted = sum(1 for key in expected["media_conversions"] if key[0] == media_id)
        assert len(calls) == max(1, math.ceil(converted / 2))
        assert ["cursor" in r.query for r in calls] == [False] + [True] * (len(calls) - 1)
        assert all(r.query["per_page"] == ["2"] for r in calls)
    assert len(expected["media_conversions"]) > 4


@pytest.mark.parametrize("workers", [1, 8])
def test_403_skips_the_family_with_one_warning_and_the_run_goes_on(make_wistia, caplog, workers):
    server = make_wistia(medias=4, visitors=20, events=80, days=10)
    server.forbidden_prefixes.add("/analytics")
    with caplog.at_level(logging.WARNING):
        result = run_sync(
            tap_config(server, max_concurrency=workers), streams=("media_stats", *ANALYTICS)
        )
    assert len(result.records("media_stats")) == 4
    assert not any(result.records(name) for name in ANALYTICS)
    # The first 403 settles it (in parallel, only the calls already in flight are made).
    assert 1 <= len(server.requests_to("/analytics")) <= workers
    warnings = [
        r.getMessage() for r in caplog.records if "analytics are unavailable" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert "403" in warnings[0] and ", ".join(ANALYTICS) in warnings[0]
    assert "analytics_required" in warnings[0]


def test_404_on_the_whole_family_skips_it_after_three_medias(make_wistia, caplog):
    server = make_wistia(medias=6, visitors=20, events=80, days=10)
    server.faults.add("status", status=404, path="/analytics", every=1)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server, max_concurrency=1), streams=ANALYTICS)
    assert not any(result.records(name) for name in ANALYTICS)
    assert len(server.requests_to("/analytics")) == 3
    warnings = [
        r.getMessage() for r in caplog.records if "analytics are unavailable" in r.getMessage()
    ]
    assert len(warnings) == 1 and "404" in warnings[0]


def test_404_for_one_deleted_media_skips_only_that_media(make_wistia, caplog):
    server = make_wistia(medias=5, visitors=30, events=200, days=10)
    gone = server.dataset.media_ids()[2]
    server.faults.add("status", status=404, path=f"/analytics/medias/{gone}", every=1)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server, max_concurrency=1), streams=("media_languages",))
    media_ids = {r["media_id"] for r in result.records("media_languages")}
    assert gone not in media_ids and media_ids
    assert f"media {gone} is gone (404)" in caplog.text
    assert "analytics are unavailable" not in caplog.text


def test_a_breakdown_cut_at_the_top_n_is_reported(make_wistia, caplog, monkeypatch):
    server = make_wistia(medias=1, visitors=40, events=200, days=10)
    monkeypatch.setattr(analytics_streams, "TOP_N", 2)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server), streams=("media_traffic",))
    assert all(r.query["per_page"] == ["2"] for r in server.requests_to("/analytics"))
    assert result.records("media_traffic")
    assert "only the top 2 by plays are available" in caplog.text


def test_analytics_required_makes_a_403_fatal(make_wistia, tmp_path):
    server = make_wistia(medias=2, visitors=10, events=20, days=5)
    server.forbidden_prefixes.add("/analytics")
    recent = f"{dt.date.today() - dt.timedelta(days=2)}T00:00:00Z"
    config = tap_config(server, start_date=recent, analytics_required=True)
    run = run_cli({**config, "max_requests_per_minute": 100_000}, tmp_path)
    assert run.returncode == 1
    assert "Wistia analytics are unavailable" in run.stderr
    assert "Traceback" not in run.stderr


def test_503_is_retried_like_a_5xx(make_wistia):
    server = make_wistia(medias=2, visitors=20, events=100, days=10)
    media_id = server.dataset.media_ids()[0]
    server.faults.add(
        "status", status=503, path=f"/analytics/medias/{media_id}/timeseries", times=2
    )
    result = run_sync(tap_config(server), streams=("media_analytics_daily",))
    calls = server.requests_to(f"/analytics/medias/{media_id}/timeseries")
    assert [r.status for r in calls] == [503, 503, 200]
    # Two exponential backoffs (1 s + jitter, 2 s + jitter) besides the throttle's spacing.
    assert len([wait for wait in result.clock.sleeps if wait >= 1]) == 2
    assert {r["media_id"] for r in result.records("media_analytics_daily")} == set(
        server.dataset.media_ids()
    )


def test_second_run_reads_only_new_days(make_wistia):
    server = make_wistia(medias=4, visitors=40, events=400, days=40)
    today = dt.date.today()
    first_end = today - dt.timedelta(days=5)
    start = f"{today - dt.timedelta(days=30)}T00:00:00Z"
    streams = ("media_analytics_daily", "media_traffic", "media_conversions")
    first = run_sync(
        tap_config(server, start_date=start, end_date=f"{first_end}T12:00:00Z"), streams=streams
    )
    assert first.bookmark("media_analytics_daily")["replication_key_value"] == str(first_end)
    server.clear_requests()
    second = run_sync(
        tap_config(server, start_date=start), state=first.final_state, streams=streams
    )
    daily_calls = [r for r in server.requests if r.path.endswith("/timeseries")]
    assert len(daily_calls) == 4  # one per media
    assert {r.query["start_date"][0] for r in daily_calls} == {str(first_end)}
    dates = {r["date"] for r in second.records("media_analytics_daily")}
    assert min(dates) == str(first_end) and max(dates) == str(second.tap.run.window.last_day)
    traffic_calls = [r for r in server.requests if r.path.endswith("/traffic")]
    months = {r.query["start_date"][0][:7] for r in traffic_calls}
    assert min(months) == first_end.strftime("%Y-%m")
    conversion_calls = [r for r in server.requests if r.path.endswith("/conversions")]
    bookmark = parse_timestamp(first.bookmark("media_conversions")["replication_key_value"])
    assert {r.query["start_date"][0] for r in conversion_calls} == {str(bookmark.date())}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"api_version": "March 2026"}, "api_version"),
        ({"api_url": "https://proxy.example.com/wistia"}, "modern_api_url"),
        ({"modern_api_url": "http://example.com/modern"}, "modern_api_url: plain http"),
    ],
)
def test_bad_analytics_settings_are_named(settings, message):
    with pytest.raises(ConfigValidationError, match="invalid") as failure:
        TapWistia(config={"api_token": "x", **settings}, parse_env_config=False)
    assert message in str(failure.value.errors)


def test_modern_url_is_derived_or_set():
    derived = TapWistia(config={"api_token": "x"}, parse_env_config=False)
    assert derived.streams["media_languages"].url_base == "https://api.wistia.com/modern"
    explicit = TapWistia(
        config={"api_token": "x", "modern_api_url": "https://proxy.example.com/m/"},
        parse_env_config=False,
    )
    assert explicit.streams["media_languages"].url_base == "https://proxy.example.com/m"
    assert explicit.streams["media_stats"].url_base == "https://api.wistia.com/v1"
