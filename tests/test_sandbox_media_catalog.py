"""The sandbox's media catalog and account statistics (modern API): every response kind
against the 2026-03 document, and data that ties together (account stats by day = the
events of the day, project stats = the sum of their medias, captions for some medias only)."""

from __future__ import annotations

import functools
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from tests.openapi_yaml import load_document
from wistia_sandbox import FakeWistia
from wistia_sandbox.__main__ import build_parser, build_server
from wistia_sandbox.media_catalog import password_of
from wistia_sandbox.record_basics import parse_ts

SPEC_PATH = (
    Path(__file__).resolve().parents[1] / "spec" / "openapi" / "wistia-data-api-2026-03-openapi.yml"
)
VERSION = {"X-Wistia-API-Version": "2026-03"}


@functools.cache
def spec() -> dict[str, Any]:
    return load_document(SPEC_PATH)


def assert_valid(path: str, payload: Any) -> None:
    schema = spec()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    validator = OAS31Validator(schema, format_checker=oas31_format_checker)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
    assert not errors, f"{path}: {errors[:5]}"
    assert not undeclared(payload, schema), f"{path}: {undeclared(payload, schema)[:5]}"


def undeclared(instance: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    out: list[str] = []
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        for key, value in instance.items():
            out += [f"{where}.{key}"] if key not in props else undeclared(value, props[key], key)
    elif isinstance(instance, list) and "items" in schema:
        for value in instance:
            out += undeclared(value, schema["items"], where)
    return out


def get(srv: FakeWistia, path: str, **params: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {srv.token}", **VERSION}
    return requests.get(f"{srv.modern_url}{path}", headers=headers, params=params, timeout=10)


def get_json(srv: FakeWistia, path: str, **params: Any) -> Any:
    response = get(srv, path, **params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


def test_every_per_media_response_matches_the_document(api: FakeWistia):
    captioned = 0
    for media in api.dataset.medias:
        media_id = media["hashed_id"]
        captions = get_json(api, f"/medias/{media_id}/captions")
        assert_valid("/medias/{mediaHashedId}/captions", captions)
        captioned += bool(captions)
        for transcript in ("false", "true"):
            localizations = get_json(
                api, f"/medias/{media_id}/localizations", include_transcript=transcript
            )
            assert_valid("/medias/{mediaHashedId}/localizations", localizations)
            assert all(loc["source_media"]["hashed_id"] == media_id for loc in localizations)
        settings = get_json(api, f"/medias/{media_id}/customizations")
        assert_valid("/medias/{mediaId}/customizations", settings)
        password = password_of(media)
        assert settings.get("encrypted") == (
            {"password_protect_password": password} if password else None
        )
    # Some medias have captions, some do not ("videos without captions" exist).
    assert 0 < captioned < len(api.dataset.medias)
    assert get(api, "/medias/nope/captions").status_code == 404


def test_account_stats_by_date_are_the_events_of_each_day(api: FakeWistia):
    today = datetime.now(UTC).date()
    start = today - timedelta(days=200)
    rows = get_json(
        api, "/stats/account/by_date", start_date=start.isoformat(), end_date=today.isoformat()
    )
    assert_valid("/stats/account/by_date", rows)
    assert [r["date"] for r in rows] == [
        (start + timedelta(days=n)).isoformat() for n in range(201)
    ]
    events_per_day = Counter(
        parse_ts(e["received_at"]).date().isoformat() for e in api.dataset.events
    )
    assert {r["date"]: r["play_count"] for r in rows if r["play_count"]} == dict(events_per_day)
    loads: Counter[str] = Counter()
    for media in api.dataset.medias:
        for row in api.dataset.media_by_date(media, start, today):
            loads[row["date"]] += row["load_count"]
    assert {r["date"]: r["load_count"] for r in rows} == dict(loads)
    # Without dates: yesterday and today, as the API documents.
    assert [r["date"] for r in get_json(api, "/stats/account/by_date")] == [
        (today - timedelta(days=1)).isoformat(),
        today.isoformat(),
    ]


def test_project_stats_are_the_sum_of_their_medias(api: FakeWistia):
    for project in api.dataset.projects:
        stats = get_json(api, f"/stats/projects/{project['hashedId']}")
        assert_valid("/stats/projects/{projectId}", stats)
        medias = [m for m in api.dataset.medias if m["project"]["id"] == project["id"]]
        assert stats["play_count"] == sum(api.dataset.media_stats(m)["play_count"] for m in medias)
        assert stats["load_count"] == sum(api.dataset.media_stats(m)["load_count"] for m in medias)
    assert get(api, "/stats/projects/nope").status_code == 404


def test_a_plan_without_captions_answers_403_to_captions_only(make_wistia):
    srv = make_wistia(medias=2, visitors=5, events=10, days=5)
    srv.forbidden_prefixes.add("/medias/*/captions")
    media_id = srv.dataset.media_ids()[0]
    assert get(srv, f"/medias/{media_id}/captions").status_code == 403
    assert get(srv, f"/medias/{media_id}/localizations").status_code == 200


def test_the_no_captions_flag_plays_a_plan_without_captions():
    server = build_server(build_parser().parse_args(["--port", "0", "--no-captions"]))
    with server:
        media_id = server.dataset.media_ids()[0]
        assert get(server, f"/medias/{media_id}/captions").status_code == 403
        assert get(server, f"/medias/{media_id}/customizations").status_code == 200
