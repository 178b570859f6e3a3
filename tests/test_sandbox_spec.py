"""The sandbox's fidelity to the Data API v1 OpenAPI document: every endpoint, record and
error body validates (types, formats, required fields, no undeclared field).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
import requests
from jsonschema.exceptions import ValidationError

from tests.sandbox_client import UNAUTHORIZED, get, get_all, get_json
from tests.v1_spec_checks import (
    assert_valid,
    declared_names,
    raw_spec,
    response_validator,
    schema_validator,
    undeclared,
)
from wistia_sandbox import FakeWistia


def test_spec_is_the_expected_document() -> None:
    doc = raw_spec()
    assert doc["openapi"].startswith("3.1")
    for path in (
        "/account",
        "/projects",
        "/medias",
        "/stats/account",
        "/stats/projects/{projectId}",
        "/stats/medias/{mediaId}",
        "/stats/medias/{mediaId}/by_date",
        "/stats/medias/{mediaId}/engagement",
        "/stats/visitors",
        "/stats/visitors/{visitorKey}",
        "/stats/events",
        "/stats/events/{eventKey}",
    ):
        assert "get" in doc["paths"][path], path


def test_validator_rejects_broken_records(api: FakeWistia) -> None:
    """Self-check: the validation used below genuinely fails on wrong types and formats."""
    event = get_json(api, "/stats/events", per_page=1)[0]
    visitor = get_json(api, "/stats/visitors", per_page=1)[0]
    media = get_json(api, "/medias", per_page=1)[0]
    project = get_json(api, "/projects", per_page=1)[0]
    ev_v = schema_validator("Event")
    assert ev_v.is_valid(event)
    for field, bad in (
        ("percent_viewed", "0.5"),
        ("lat", None),
        ("received_at", "yesterday"),
        ("conversion_type", None),
        ("user_agent_details", {"mobile": "no"}),
    ):
        broken = {**event, field: bad}
        with pytest.raises(ValidationError):
            ev_v.validate(broken)
    vis_v = schema_validator("Visitor")
    assert vis_v.is_valid(visitor)
    broken_visitor = copy.deepcopy(visitor)
    broken_visitor["visitor_identity"]["name"] = None
    assert not vis_v.is_valid(broken_visitor)
    media_v = schema_validator("MediaIndex")
    assert media_v.is_valid(media)
    assert not media_v.is_valid({**media, "archived": "false"})
    assert not media_v.is_valid({**media, "type": "Movie"})
    assert not media_v.is_valid({**media, "project": {**media["project"], "id": "12"}})
    proj_v = schema_validator("Project")
    assert proj_v.is_valid(project)
    assert not proj_v.is_valid({k: v for k, v in project.items() if k != "hashedId"})
    by_date_v = response_validator("/stats/medias/{mediaId}/by_date")
    assert by_date_v.is_valid([{"date": "2026-01-02", "load_count": 1, "play_count": 1}])
    assert not by_date_v.is_valid([{"date": "2026/01/02", "load_count": 1, "play_count": 1}])
    eng_v = response_validator("/stats/medias/{mediaId}/engagement")
    assert not eng_v.is_valid({"engagement": 0.5, "engagement_data": [1.5], "rewatch_data": []})
    # the "no undeclared field" check catches typos
    typo = {**event, "percent_watched": 0.5}
    assert undeclared(typo, {"$ref": "#/components/schemas/Event"}) == ["$.percent_watched"]
    with pytest.raises(AssertionError):
        assert_valid("/stats/events", [typo])


def test_list_endpoints_match_spec(api: FakeWistia) -> None:
    ds = api.dataset
    projects = get_all(api, "/projects")
    assert len(projects) == len(ds.projects)
    assert_valid("/projects", projects)
    medias = get_all(api, "/medias")
    assert len(medias) == len(ds.medias)
    assert_valid("/medias", medias)
    visitors = get_all(api, "/stats/visitors")
    assert len(visitors) == len(ds.visitors)
    assert_valid("/stats/visitors", visitors)
    events = get_json(api, "/stats/events", per_page=100)
    events += get_json(api, "/stats/events", per_page=100, page=7)
    events += get_json(api, "/stats/events", per_page=100, page=20)
    assert len(events) == 300
    assert_valid("/stats/events", events)


def test_records_carry_every_documented_field(api: FakeWistia) -> None:
    events = get_json(api, "/stats/events", per_page=100)
    for ev in events:
        assert set(ev) == declared_names("Event")
    for v in get_json(api, "/stats/visitors", per_page=100):
        assert set(v) == declared_names("Visitor") | {"identifying_event_key"}
    for p in get_json(api, "/projects", per_page=100):
        assert set(p) == declared_names("Project")
    optional = {"section", "duration", "cursor"}
    for m in get_json(api, "/medias", per_page=100):
        assert "cursor" not in m
        assert declared_names("MediaIndex") - optional <= set(m)
    medias = get_all(api, "/medias")
    assert any("section" in m for m in medias) and any("section" not in m for m in medias)


def test_show_endpoints_match_spec(api: FakeWistia) -> None:
    ds = api.dataset
    for key in ds.visitor_keys()[:25]:
        visitor = get_json(api, f"/stats/visitors/{key}")
        assert visitor == ds.find_visitor(key)
        assert_valid("/stats/visitors/{visitorKey}", visitor)
    for ev in ds.events_newest_first()[::80]:
        shown = get_json(api, f"/stats/events/{ev['event_key']}")
        assert shown == ev
        assert_valid("/stats/events/{eventKey}", shown)


def test_stats_endpoints_match_spec(api: FakeWistia) -> None:
    ds = api.dataset
    assert_valid("/account", get_json(api, "/account"))
    assert_valid("/stats/account", get_json(api, "/stats/account"))
    for p in ds.projects:
        assert_valid("/stats/projects/{projectId}", get_json(api, f"/stats/projects/{p['id']}"))
    end = datetime.now(UTC).date()
    start = end - timedelta(days=30)
    for m in ds.medias:
        h = m["hashed_id"]
        assert_valid("/stats/medias/{mediaId}", get_json(api, f"/stats/medias/{h}"))
        assert_valid(
            "/stats/medias/{mediaId}/engagement",
            get_json(api, f"/stats/medias/{h}/engagement"),
        )
        rows = get_json(api, f"/stats/medias/{h}/by_date", start_date=str(start), end_date=str(end))
        assert len(rows) == 31
        assert_valid("/stats/medias/{mediaId}/by_date", rows)


def test_error_bodies_match_spec(make_wistia) -> None:
    srv = make_wistia(medias=4, visitors=10, events=40)
    r = requests.get(f"{srv.url}/stats/events", timeout=10)
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED
    assert_valid("/stats/events", r.json(), "401")
    r = get(srv, "/stats/events", start_date="2026-13-01")
    assert r.status_code == 422
    assert isinstance(r.json()["error"], str)
    assert_valid("/stats/events", r.json(), "422")
    h = srv.dataset.medias[0]["hashed_id"]
    for path, spec_path in (
        ("/projects", "/projects"),
        ("/medias", "/medias"),
        ("/stats/account", "/stats/account"),
        (f"/stats/medias/{h}", "/stats/medias/{mediaId}"),
        (f"/stats/medias/{h}/engagement", "/stats/medias/{mediaId}/engagement"),
        (f"/stats/medias/{h}/by_date", "/stats/medias/{mediaId}/by_date"),
        ("/stats/visitors", "/stats/visitors"),
        ("/stats/events", "/stats/events"),
    ):
        srv.faults.add("status", status=500, path=path)
        r = get(srv, path)
        assert r.status_code == 500
        assert r.json() == {"error": "Internal server error"}
        assert_valid(spec_path, r.json(), "500")
    # documented empty 404 bodies on stats show paths
    for path, spec_path in (
        ("/stats/medias/nope", "/stats/medias/{mediaId}"),
        ("/stats/medias/nope/engagement", "/stats/medias/{mediaId}/engagement"),
        ("/stats/medias/nope/by_date", "/stats/medias/{mediaId}/by_date"),
        ("/stats/projects/nope", "/stats/projects/{projectId}"),
        ("/stats/visitors/nope", "/stats/visitors/{visitorKey}"),
        ("/stats/events/nope", "/stats/events/{eventKey}"),
    ):
        r = get(srv, path)
        assert r.status_code == 404, path
        assert r.content == b""
        assert raw_spec()["paths"][spec_path]["get"]["responses"]["404"]["content"] == {}


def test_other_datasets_and_mutations_match_spec(make_wistia) -> None:
    srv = make_wistia(seed=7, projects=3, medias=12, visitors=101, events=60, days=30)
    with srv.lock:
        srv.dataset.add_events(15, new_visitors=5)
        srv.dataset.add_visitors(4)
        srv.dataset.add_medias(2)
    visitors = get_all(srv, "/stats/visitors")
    assert len(visitors) == 110
    assert any(v["last_event_key"] is None for v in visitors)  # more visitors than events
    assert_valid("/stats/visitors", visitors)
    assert_valid("/stats/events", get_all(srv, "/stats/events"))
    assert_valid("/medias", get_all(srv, "/medias"))
    assert_valid("/projects", get_all(srv, "/projects"))
    for m in srv.dataset.medias:
        assert_valid("/stats/medias/{mediaId}", get_json(srv, f"/stats/medias/{m['id']}"))


def test_served_json_keeps_unicode_commas_and_quotes(api: FakeWistia) -> None:
    raw = get(api, "/medias", per_page=100).content.decode("utf-8")
    raw += get(api, "/projects", per_page=100).content.decode("utf-8")
    raw += get(api, "/stats/visitors", per_page=100).content.decode("utf-8")
    for needle in ("é", "ü", "日本語", '\\"', ", "):
        assert needle in raw, needle
    names = [m["name"] for m in get_all(api, "/medias")]
    assert any('"' in n for n in names) and any("," in n for n in names)
    orgs = [v["visitor_identity"]["org"]["name"] for v in get_all(api, "/stats/visitors")]
    assert any(o and "," in o for o in orgs) and any(o and '"' in o for o in orgs)


def test_every_account_answers_account_as_the_spec_says(two_accounts) -> None:
    server, second_token = two_accounts
    for token, dataset in server.tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        account = requests.get(f"{server.url}/account", headers=headers, timeout=10).json()
        assert_valid("/account", account)
        assert (account["id"], account["mediaCount"]) == (dataset.account_id, len(dataset.medias))
    assert len(server.tokens) == 2 and second_token in server.tokens
