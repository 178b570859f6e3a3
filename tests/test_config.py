"""Bad settings and bad state fail with an error naming what is wrong."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_wistia.tap import TapWistia
from tests.tap_harness import run_cli

BASE = {"api_token": "t", "api_url": "http://127.0.0.1:9/v1"}


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"start_date": "last tuesday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"api_url": "api.wistia.com/v1"}, "api_url"),
        ({"api_url": "http://api.example.com/v1"}, "api_url"),
        ({"max_requests_per_minute": 0}, "max_requests_per_minute"),
        ({"request_timeout": -1}, "request_timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"visitors_full_refresh_days": -1}, "visitors_full_refresh_days"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "start_date"),
    ],
)
def test_invalid_settings_name_the_setting(override, named):
    with pytest.raises(ConfigValidationError) as failure:
        TapWistia(config={**BASE, **override}, parse_env_config=False)
    assert any(error.startswith(f"{named}:") for error in failure.value.errors), (
        failure.value.errors
    )


def test_plain_http_is_refused_for_remote_hosts_but_allowed_on_loopback():
    for url in ("http://127.0.0.1:8765/v1", "http://localhost:1/v1", "http://[::1]:2/v1"):
        TapWistia(config={**BASE, "api_url": url}, parse_env_config=False)
    with pytest.raises(ConfigValidationError, match="invalid"):
        TapWistia(config={**BASE, "api_url": "http://10.0.0.5/v1"}, parse_env_config=False)


def test_start_date_older_than_retention_is_clamped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        tap = TapWistia(
            config={**BASE, "start_date": "2015-01-01T00:00:00Z"}, parse_env_config=False
        )
        start = tap.run.window.start
    assert start.date() == dt.datetime.now(dt.UTC).date() - dt.timedelta(days=730)
    assert "older than Wistia's 2-year event retention" in caplog.text


def test_default_start_is_two_years_back():
    tap = TapWistia(config=BASE, parse_env_config=False)
    assert (dt.datetime.now(dt.UTC) - tap.run.window.start).days in (730, 731)


def test_complete_days_only_ends_before_today():
    tap = TapWistia(config={**BASE, "complete_days_only": True}, parse_env_config=False)
    today = dt.datetime.now(dt.UTC).date()
    assert tap.run.window.last_day == today - dt.timedelta(days=1)
    assert tap.run.window.end == dt.datetime.combine(today, dt.time(), dt.UTC)


def test_cli_reports_invalid_settings_and_exits_nonzero(tmp_path):
    run = run_cli({**BASE, "max_requests_per_minute": 0}, tmp_path)
    assert run.returncode == 1
    assert "max_requests_per_minute: must be a positive integer" in run.stderr


def test_cli_rejects_a_state_file_that_is_not_json(tmp_path):
    state = tmp_path / "state.json"
    state.write_text("{not json")
    run = run_cli(BASE, tmp_path, "--state", str(state))
    assert run.returncode == 1
    assert "not valid JSON" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "state", ['["a list"]', '{"bookmarks": "events"}', '{"bookmarks": {"events": 3}}']
)
def test_cli_rejects_a_state_of_the_wrong_shape(tmp_path, state):
    path = tmp_path / "state.json"
    path.write_text(state)
    run = run_cli(BASE, tmp_path, "--state", str(path))
    assert run.returncode == 1
    assert "The state has the wrong shape" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"request_timeout": None}, "request_timeout: is null; set an integer or remove it"),
        ({"max_retries": None}, "max_retries: is null; set an integer or remove it"),
        ({"request_timeout": 10**12}, "request_timeout: must be a positive integer, at most"),
        ({"max_requests_per_minute": 10**12}, "max_requests_per_minute: must be a positive"),
        ({"max_concurrency": 1000}, "max_concurrency: must be a positive integer, at most 128"),
        ({"max_rate_limit_wait_minutes": -1}, "max_rate_limit_wait_minutes: must be zero or"),
        ({"events_lookback_days": 10**6}, "events_lookback_days: must be zero or more, at most"),
    ],
)
def test_null_and_absurd_integers_are_clear_errors(tmp_path, override, message):
    run = run_cli({**BASE, **override}, tmp_path)
    assert run.returncode == 1
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_settings_warn_naming_the_closest_known_one(caplog):
    with caplog.at_level(logging.WARNING):
        TapWistia(
            config={**BASE, "api_key": "x", "max_retrys": 3, "colour": "blue"},
            parse_env_config=False,
        )
    assert "Unknown setting 'api_key' is ignored; did you mean 'api_token'?" in caplog.text
    assert "Unknown setting 'max_retrys' is ignored; did you mean 'max_retries'?" in caplog.text
    assert "Unknown setting 'colour' is ignored\n" in caplog.text + "\n"


def test_known_and_sdk_settings_give_no_warning(caplog):
    with caplog.at_level(logging.WARNING):
        TapWistia(
            config={
                **BASE,
                "flattening_enabled": True,
                "flattening_max_depth": 3,
                "max_rate_limit_wait_minutes": 5,
            },
            parse_env_config=False,
        )
    assert "Unknown setting" not in caplog.text


def test_numeric_project_ids_are_accepted_as_strings():
    tap = TapWistia(config={**BASE, "project_ids": [123, "abc"]}, parse_env_config=False)
    assert tap.run.settings.project_ids == {"123", "abc"}


def test_short_values_are_not_masked_in_other_errors():
    with pytest.raises(ConfigValidationError) as failure:
        TapWistia(config={**BASE, "max_concurrency": "5"}, parse_env_config=False)
    assert failure.value.errors == [
        "'5' is not of type 'integer', 'null' in config['max_concurrency']"
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"per_media_refresh": "activ"}, "per_media_refresh: must be 'all' or 'active'"),
        ({"max_retries": "x"}, "max_retries: must be an integer; got a JSON str"),
        ({"max_concurrency": True}, "max_concurrency: must be an integer; got a JSON bool"),
    ],
)
def test_values_the_json_schema_refuses_are_refused_without_it(override, message):
    """The SDK skips its JSON-schema check without validate_config (`--discover` without
    --config); the tap's own checks still refuse what it cannot use."""
    with pytest.raises(ConfigValidationError) as raised:
        TapWistia(config={**BASE, **override}, parse_env_config=False, validate_config=False)
    assert any(message in error for error in raised.value.errors), raised.value.errors


def test_an_empty_value_means_the_default():
    tap = TapWistia(config={**BASE, "api_version": "", "start_date": ""}, parse_env_config=False)
    assert tap.run.settings.api_version == "2026-03"
    assert tap.streams["media_traffic"].http_headers["X-Wistia-API-Version"] == "2026-03"
    assert (dt.datetime.now(dt.UTC) - tap.run.window.start).days in (730, 731)


def test_an_unknown_setting_is_named_before_the_error_it_may_explain(caplog):
    config = {**BASE, "api_url": "http://127.0.0.1:9/api", "modern_api_ur": "http://x/modern"}
    with caplog.at_level(logging.WARNING), pytest.raises(ConfigValidationError) as raised:
        TapWistia(config=config, parse_env_config=False)
    assert "Unknown setting 'modern_api_ur' is ignored; did you mean 'modern_api_url'?" in (
        caplog.text
    )
    assert any(error.startswith("modern_api_url:") for error in raised.value.errors)


def test_a_misspelt_required_stream_is_refused_with_the_names_it_can_be():
    with pytest.raises(ConfigValidationError) as raised:
        TapWistia(config={**BASE, "required_streams": ["tagz"]}, parse_env_config=False)
    [error] = raised.value.errors
    assert error.startswith("required_streams: 'tagz' is not a stream a plan can lack; ")
    assert "did you mean 'tags'?" in error and "webinar_audience" in error


def test_required_streams_takes_any_stream_a_plan_can_lack():
    tap = TapWistia(
        config={**BASE, "required_streams": ["tags", "captions", "webinars"]},
        parse_env_config=False,
    )
    assert tap.run.settings.required_streams == {"tags", "captions", "webinars"}
