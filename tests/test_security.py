"""The API token never reaches a log line, an error message or the output."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_wistia.http.redaction import install_log_redaction, redact, register_secret
from tap_wistia.streams.base import WistiaAuthError
from tap_wistia.tap import TapWistia
from tests.hostile_server import Reply, ScriptedServer, Seen
from tests.tap_harness import run_cli, run_sync, tap_config

SECRET = "s3cr3t-T0KEN-never-to-be-printed"


def echo_headers(status: int) -> callable:
    """A gateway that puts the request's headers in its error body."""

    def respond(seen: Seen) -> Reply:
        lines = "\n".join(f"{k}: {v}" for k, v in seen.headers.items())
        return Reply(status, f"Upstream failed. Request was:\n{lines}".encode(), {})

    return respond


def test_a_token_with_a_trailing_newline_works(make_wistia):
    server = make_wistia(medias=2, visitors=3, events=3, days=1, token=SECRET)
    result = run_sync(tap_config(server, api_token=f"  {SECRET}\n"), streams=("projects",))
    assert len(result.records("projects")) == len(server.dataset.projects)
    assert {r.authorization for r in server.requests} == {f"Bearer {SECRET}"}


def test_cli_with_a_token_read_from_a_file_syncs_and_prints_no_token(make_wistia, tmp_path):
    server = make_wistia(medias=2, visitors=3, events=3, days=1, token=SECRET)
    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")
    run = run_cli(tap_config(server, api_token=f"{SECRET}\n", start_date=start), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Invalid header value" not in run.stderr
    assert '"type":"RECORD"' in run.stdout.replace(" ", "")
    assert SECRET not in run.stdout + run.stderr


@pytest.mark.parametrize("token", [f"{SECRET[:8]}\x07{SECRET[8:]}", f"{SECRET} x", "é" + SECRET])
def test_a_token_with_control_or_odd_characters_is_refused_without_echo(token):
    with pytest.raises(ConfigValidationError) as failure:
        TapWistia(config={"api_token": token}, parse_env_config=False)
    errors = failure.value.errors
    assert len(errors) == 1 and errors[0].startswith("api_token: contains a control")
    assert SECRET[:8] not in " ".join(errors) and SECRET[9:] not in " ".join(errors)


@pytest.mark.parametrize("value", [[SECRET], {"token": SECRET}, 12345678901, None])
def test_a_token_of_the_wrong_json_type_is_not_echoed(value):
    with pytest.raises(ConfigValidationError) as failure:
        TapWistia(config={"api_token": value}, parse_env_config=False)
    errors = " ".join(failure.value.errors)
    assert errors.startswith("api_token: has the wrong JSON type")
    assert SECRET not in errors and "12345678901" not in errors


def test_cli_wrong_json_type_token_is_one_clear_line_without_the_value(tmp_path):
    run = run_cli({"api_token": [SECRET], "api_url": "http://127.0.0.1:9/v1"}, tmp_path)
    assert run.returncode == 1
    assert "api_token: has the wrong JSON type" in run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("status", [401, 500])
def test_echoed_request_headers_never_reach_the_log(tmp_path, status):
    with ScriptedServer(echo_headers(status)) as server:
        run = run_cli({"api_token": SECRET, "api_url": server.url, "max_retries": 1}, tmp_path)
    assert any(s.headers.get("Authorization") == f"Bearer {SECRET}" for s in server.seen)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert SECRET not in run.stdout + run.stderr
    if status == 500:
        # The body was quoted (retry line and final error), with the header masked.
        assert "Authorization: Bearer ***" in run.stderr
    else:
        assert "Wistia rejected the API token" in run.stderr


def test_in_process_errors_mask_the_token():
    with ScriptedServer(echo_headers(401)) as server, pytest.raises(WistiaAuthError) as failure:
        run_sync({"api_token": SECRET, "api_url": server.url})
    assert SECRET not in str(failure.value)


def test_log_records_are_redacted_in_message_arguments_and_tracebacks(caplog):
    install_log_redaction()
    register_secret(SECRET)
    logger = logging.getLogger("tap-wistia.redaction-test")
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("token is %s", SECRET)
        logger.info("headers: %s", {"Authorization": "Bearer other-value-123"})
        try:
            raise ValueError(f"bad header b'Bearer {SECRET}\\n'")
        except ValueError:
            logger.exception("failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert SECRET not in text and "other-value-123" not in text
    assert "token is ***" in caplog.text
    assert "'Authorization': 'Bearer ***'" in caplog.text


def test_redact_masks_authorization_header_text_of_any_token():
    assert redact("Authorization: Bearer abcdefgh12345") == "Authorization: Bearer ***"
    assert redact("authorization=Basic dXNlcjpwYXNz") == "authorization=Basic ***"
    assert redact("nothing secret here") == "nothing secret here"
    assert json.loads(redact(json.dumps({"Authorization": "Token xyz"}))) == {
        "Authorization": "Token ***"
    }


LONG_TOKEN = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"  # 64 characters


def leaked_runs(text: str, secret: str, length: int = 16) -> list[str]:
    return [
        secret[i : i + length]
        for i in range(len(secret) - length + 1)
        if secret[i : i + length] in text
    ]


def test_a_401_body_echoing_part_of_the_token_is_masked():
    body = json.dumps({"error": f"invalid token {LONG_TOKEN[:40]}"}).encode()
    reply = Reply(401, body)
    with ScriptedServer(lambda seen: reply) as server, pytest.raises(WistiaAuthError) as failure:
        run_sync({"api_token": LONG_TOKEN, "api_url": server.url}, streams=("projects",))
    message = str(failure.value)
    assert "invalid token ***" in message
    assert leaked_runs(message, LONG_TOKEN) == []


def test_any_16_character_run_of_a_token_is_masked_and_shorter_ones_kept():
    register_secret(LONG_TOKEN)
    cut = f"bad item: {{'key': '{LONG_TOKEN}'}}"[:80]  # a message cut inside the token
    assert redact(cut) == "bad item: {'key': '***"
    middle = f"x{LONG_TOKEN[20:52]}y and {LONG_TOKEN[3:19]}."
    assert redact(middle) == "x***y and ***."
    assert redact(f"a {LONG_TOKEN[:15]} b") == f"a {LONG_TOKEN[:15]} b"  # 15: too short to tell
