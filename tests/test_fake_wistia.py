"""Tests of the fake Wistia server itself: OpenAPI fidelity, API semantics, faults, data."""

from __future__ import annotations

import copy
import functools
import http.client
import itertools
import json
import math
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from wistia_sandbox import FakeWistia, generate_dataset, parse_ts

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = REPO_ROOT / "spec" / "openapi" / "wistia-data-api-v1-openapi.yml"
SPEC_URI = "urn:wistia-data-api-v1"
UNAUTHORIZED = {"code": "unauthorized_credentials", "error": "Invalid credentials."}
FIXED_NOW = datetime(2026, 3, 4, 12, 34, 56, 789000, tzinfo=UTC)
# Fields the live API returns although the v1 spec omits them (see notes/wistia-api.md):
# visitor ``identifying_event_key``; the 401 body's ``code`` (documented in the 2026-01 spec).
LIVE_EXTRA_FIELDS = {"identifying_event_key", "code"}


# --------------------------------------------------------------------------- helpers


def auth(srv: FakeWistia) -> dict[str, str]:
    return {"Authorization": f"Bearer {srv.token}"}


def get(srv: FakeWistia, path: str, **params: Any) -> requests.Response:
    return requests.get(f"{srv.url}{path}", headers=auth(srv), params=params, timeout=10)


def get_json(srv: FakeWistia, path: str, **params: Any) -> Any:
    response = get(srv, path, **params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def get_all(srv: FakeWistia, path: str, **params: Any) -> list[dict[str, Any]]:
    """Page with per_page=100 until a short page."""
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = get_json(srv, path, page=page, per_page=100, **params)
        out.extend(batch)
        if len(batch) < 100:
            return out
        page += 1


def ts_list(records: list[dict[str, Any]], field: str) -> list[datetime]:
    return [parse_ts(r[field]) for r in records]


# --------------------------------------------------------------------------- OpenAPI


@functools.cache
def raw_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@functools.cache
def spec() -> dict[str, Any]:
    """The v1 spec with its documented self-contradictions relaxed (and nothing else).

    * ``IncludesSubfolder.subfolder`` is described as "Null if the media is not in a
      subfolder" but typed as a plain object: allow null.
    * ``Visitor.last_event_key`` is "the event key for the last video play": a visitor who
      loaded but never played has none, so allow null.
    """
    doc = copy.deepcopy(raw_spec())
    schemas = doc["components"]["schemas"]
    sub = schemas["IncludesSubfolder"]["properties"]["subfolder"]
    schemas["IncludesSubfolder"]["properties"]["subfolder"] = {"anyOf": [{"type": "null"}, sub]}
    schemas["Visitor"]["properties"]["last_event_key"]["type"] = ["string", "null"]
    return doc


@functools.cache
def registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def response_pointer(path: str, status: str) -> str:
    """JSON pointer to the JSON schema of GET ``path``'s ``status`` response."""
    response = spec()["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        base = response["$ref"].lstrip("#")
    else:
        base = f"/paths/{_escape(path)}/get/responses/{status}"
    return f"{base}/content/application~1json/schema"


def validator(pointer: str) -> OAS31Validator:
    return OAS31Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=registry(),
        format_checker=oas31_format_checker,
    )


def response_validator(path: str, status: str = "200") -> OAS31Validator:
    return validator(response_pointer(path, status))


def schema_validator(name: str) -> OAS31Validator:
    return validator(f"/components/schemas/{name}")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    resolver = registry().resolver(base_uri=SPEC_URI)
    while "$ref" in schema:
        schema = resolver.lookup(schema["$ref"]).contents
    return schema


def _properties(schema: dict[str, Any]) -> dict[str, Any] | None:
    schema = _resolve(schema)
    found = "properties" in schema
    props = dict(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            more = _properties(sub)
            if more is not None:
                props.update(more)
                found = True
    return props if found else None


def undeclared(instance: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Paths of fields the schema does not declare (the spec itself allows extra fields)."""
    schema = _resolve(schema)
    out: list[str] = []
    if isinstance(instance, dict):
        props = _properties(schema)
        if props is None:
            return out
        for key, value in instance.items():
            if key not in props:
                if key not in LIVE_EXTRA_FIELDS:
                    out.append(f"{where}.{key}")
            else:
                out.extend(undeclared(value, props[key], f"{where}.{key}"))
    elif isinstance(instance, list):
        items = schema.get("items")
        if items is None:
            for sub in schema.get("allOf", []):
                items = _resolve(sub).get("items") or items
        if items is not None:
            for i, value in enumerate(instance):
                out.extend(undeclared(value, items, f"{where}[{i}]"))
    return out


def assert_valid(path: str, payload: Any, status: str = "200") -> None:
    """Validate a response body against the spec (types, formats, required) + no typos."""
    v = response_validator(path, status)
    errors = sorted(v.iter_errors(payload), key=lambda e: list(e.absolute_path))
    assert not errors, f"{path} {status}: " + "; ".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
    )
    extra = undeclared(payload, {"$ref": f"#{response_pointer(path, status)}"})
    assert not extra, f"{path} {status}: fields not in the spec: {extra[:10]}"


def declared_names(schema_name: str) -> set[str]:
    props = _properties({"$ref": f"#/components/schemas/{schema_name}"})
    assert props is not None
    return set(props)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def api() -> Iterator[FakeWistia]:
    """This module's own default server, so the session ``wistia`` server's request log is
    left to the tap's tests (these tests send unauthorised and odd requests)."""
    with FakeWistia(generate_dataset(seed=1)) as srv:
        yield srv


def test_session_fixture_is_the_default_dataset(wistia: FakeWistia) -> None:
    # No requests here: other tests assert on the shared server's request log.
    assert wistia.running
    assert wistia.token == "test-token"
    assert wistia.url == f"http://127.0.0.1:{wistia.port}/v1"
    ds = wistia.dataset
    sizes = (len(ds.projects), len(ds.medias), len(ds.visitors), len(ds.events))
    assert sizes == (4, 30, 250, 2000)
    assert ds.seed == 1


# --------------------------------------------------------------------------- OpenAPI fidelity


def test_spec_is_the_expected_document() -> None:
    doc = raw_spec()
    assert doc["openapi"].startswith("3.1")
    for path in (
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


# --------------------------------------------------------------------------- paging


def test_paging_defaults_cap_and_end(api: FakeWistia) -> None:
    assert len(get_json(api, "/medias")) == 10
    assert len(get_json(api, "/stats/events")) == 10
    assert len(get_json(api, "/stats/visitors")) == 10
    assert len(get_json(api, "/stats/events", per_page=1000)) == 100
    assert len(get_json(api, "/stats/visitors", per_page=101)) == 100
    assert get_json(api, "/medias", page=4) == []
    assert get_json(api, "/medias", page=3)  # 30 medias: 10 on the last page
    assert get_json(api, "/stats/events", page=21, per_page=100) == []
    first = get_json(api, "/medias")
    assert get_json(api, "/medias", page=0) == first
    assert get_json(api, "/medias", page=-3) == first
    assert get_json(api, "/medias", page="abc") == first
    assert get_json(api, "/medias", per_page="abc") == first
    pages = [m["id"] for p in (1, 2, 3) for m in get_json(api, "/medias", page=p)]
    assert pages == sorted(m["id"] for m in api.dataset.medias)  # default: id asc


@pytest.mark.parametrize("size", [0, 100, 101])
def test_exact_sizes_are_served(make_wistia, size: int) -> None:
    srv = make_wistia(projects=1 if size else 0, medias=size, visitors=size, events=size)
    for path in ("/medias", "/stats/visitors", "/stats/events"):
        first = get_json(srv, path, per_page=100)
        assert len(first) == min(size, 100)
        second = get_json(srv, path, per_page=100, page=2)
        assert len(second) == max(0, size - 100)
        assert len(get_all(srv, path)) == size


# --------------------------------------------------------------------------- endpoints


def test_events_newest_first_and_complete(api: FakeWistia) -> None:
    events = get_all(api, "/stats/events")
    keys = [e["event_key"] for e in events]
    assert len(keys) == len(set(keys)) == 2000
    assert set(keys) == api.dataset.event_keys()
    times = ts_list(events, "received_at")
    assert times == sorted(times, reverse=True)
    styles = Counter(
        "ms"
        if e["received_at"].endswith("Z") and "." in e["received_at"]
        else "offset"
        if e["received_at"].endswith("+00:00")
        else "plain"
        for e in events
    )
    assert styles["ms"] > styles["offset"] > 0 and styles["plain"] > 0


def test_events_date_filters_are_inclusive_utc_days(api: FakeWistia) -> None:
    ds = api.dataset
    day = parse_ts(ds.events_newest_first()[1000]["received_at"]).date()

    def expected(lo: date, hi: date) -> set[str]:
        return {e["event_key"] for e in ds.events if lo <= parse_ts(e["received_at"]).date() <= hi}

    one = get_all(api, "/stats/events", start_date=str(day), end_date=str(day))
    assert one and {e["event_key"] for e in one} == expected(day, day)
    lo = day - timedelta(days=3)
    week = get_all(api, "/stats/events", start_date=str(lo), end_date=str(day))
    assert {e["event_key"] for e in week} == expected(lo, day)
    times = ts_list(week, "received_at")
    assert times == sorted(times, reverse=True)
    since = get_all(api, "/stats/events", start_date=str(day))
    assert {e["event_key"] for e in since} == expected(day, date.max)
    until = get_all(api, "/stats/events", end_date=str(day))
    assert {e["event_key"] for e in until} == expected(date.min, day)
    for bad in ("2026-1-01", "20260101", "2026-02-30", "yesterday"):
        r = get(api, "/stats/events", start_date=bad)
        assert r.status_code == 422 and "error" in r.json()
        r = get(api, "/stats/events", end_date=bad)
        assert r.status_code == 422


def test_events_filters_by_media_and_visitor(api: FakeWistia) -> None:
    ds = api.dataset
    ev = ds.events_newest_first()[5]
    by_media = get_all(api, "/stats/events", media_id=ev["media_id"])
    assert {e["event_key"] for e in by_media} == {
        e["event_key"] for e in ds.events if e["media_id"] == ev["media_id"]
    }
    by_visitor = get_all(api, "/stats/events", visitor_key=ev["visitor_key"])
    assert by_visitor and all(e["visitor_key"] == ev["visitor_key"] for e in by_visitor)
    assert len(by_visitor) == ds.find_visitor(ev["visitor_key"])["play_count"]
    assert get_json(api, "/stats/events", media_id="doesnotexist") == []


def test_visitors_unsorted_stable_and_complete(api: FakeWistia) -> None:
    visitors = get_all(api, "/stats/visitors")
    keys = [v["visitor_key"] for v in visitors]
    assert len(keys) == len(set(keys)) == 250
    assert set(keys) == set(api.dataset.visitor_keys())
    assert keys not in (sorted(keys), sorted(keys, reverse=True))
    created = ts_list(visitors, "created_at")
    assert created not in (sorted(created), sorted(created, reverse=True))
    active = ts_list(visitors, "last_active_at")
    assert active not in (sorted(active), sorted(active, reverse=True))
    assert [v["visitor_key"] for v in get_all(api, "/stats/visitors")] == keys  # stable


def test_new_visitors_are_inserted_not_appended(make_wistia) -> None:
    srv = make_wistia(visitors=60, events=200)
    before = [v["visitor_key"] for v in get_all(srv, "/stats/visitors")]
    with srv.lock:
        added = {v["visitor_key"] for v in srv.dataset.add_visitors(10)}
    after = [v["visitor_key"] for v in get_all(srv, "/stats/visitors")]
    assert len(after) == 70
    assert [k for k in after if k not in added] == before  # old ones keep their order
    positions = [i for i, k in enumerate(after) if k in added]
    assert positions != list(range(60, 70))


def test_visitor_identity_filters_and_search(api: FakeWistia) -> None:
    visitors = get_all(api, "/stats/visitors")
    named = [v for v in visitors if v["visitor_identity"]["name"]]
    emailed = [v for v in visitors if v["visitor_identity"]["email"]]
    anonymous = [
        v
        for v in visitors
        if v["visitor_identity"]["name"] == ""
        and v["visitor_identity"]["email"] is None
        and v["visitor_identity"]["org"] == {"name": None, "title": None}
    ]
    assert named and emailed and anonymous
    assert all(v["identifying_event_key"] is None for v in anonymous)
    assert all(v["identifying_event_key"] for v in named if v["play_count"])
    assert get_all(api, "/stats/visitors", filter="has_name") == named
    assert get_all(api, "/stats/visitors", filter="has_email") == emailed
    gated = get_all(api, "/stats/visitors", filter="identified_by_email_gate")
    assert gated and all(v["visitor_identity"]["email"] for v in gated)
    for v in gated:
        ident = get_json(api, f"/stats/events/{v['identifying_event_key']}")
        assert ident["conversion_data"]["email"] == v["visitor_identity"]["email"]
    target = emailed[0]["visitor_identity"]["email"]
    found = get_all(api, "/stats/visitors", search=target.upper())
    assert emailed[0] in found
    assert all(
        target.lower() in (v["visitor_identity"]["email"] or "").lower()
        or target.lower() in v["visitor_identity"]["name"].lower()
        for v in found
    )


def test_visitor_counters_are_consistent(api: FakeWistia) -> None:
    ds = api.dataset
    for v in get_all(api, "/stats/visitors"):
        mine = ds.events_of_visitor(v["visitor_key"])
        assert v["play_count"] == len(mine)
        assert v["load_count"] >= v["play_count"]
        assert parse_ts(v["created_at"]) <= parse_ts(v["last_active_at"])
        if mine:
            assert v["last_event_key"] == mine[0]["event_key"]
            assert v["last_active_at"] == mine[0]["received_at"]
            assert parse_ts(v["created_at"]) <= parse_ts(mine[-1]["received_at"])


def test_projects_sorting_and_media_count(api: FakeWistia) -> None:
    ds = api.dataset
    projects = get_json(api, "/projects", per_page=100)
    assert [p["id"] for p in projects] == sorted(p["id"] for p in ds.projects)
    for p in projects:
        assert p["mediaCount"] == sum(m["project"]["id"] == p["id"] for m in ds.medias)
    by_count = get_json(api, "/projects", sort_by="mediaCount", sort_direction=0)
    counts = [p["mediaCount"] for p in by_count]
    assert counts == sorted(counts, reverse=True)
    by_name = [p["name"] for p in get_json(api, "/projects", sort_by="name")]
    assert by_name == sorted(by_name)
    created = ts_list(get_json(api, "/projects", sort_by="created"), "created")
    assert created == sorted(created)


def test_medias_sorting_and_filters(api: FakeWistia) -> None:
    ds = api.dataset
    asc = get_all(api, "/medias", sort_by="updated", sort_direction=1)
    times = ts_list(asc, "updated")
    assert times == sorted(times)
    assert len(set(times)) >= len(times) * 0.8  # sorting by updated is meaningful
    desc = ts_list(get_all(api, "/medias", sort_by="updated", sort_direction=0), "updated")
    assert desc == sorted(times, reverse=True)
    names = [m["name"] for m in get_all(api, "/medias", sort_by="name")]
    assert names == sorted(names)
    for m in asc:
        assert parse_ts(m["updated"]) >= parse_ts(m["created"])
    project = ds.projects[0]
    by_hash = get_all(api, "/medias", project_id=project["hashedId"])
    assert by_hash == get_all(api, "/medias", project_id=str(project["id"]))
    assert len(by_hash) == project["mediaCount"]
    assert all(m["project"]["hashedId"] == project["hashedId"] for m in by_hash)
    wanted = [ds.medias[3]["hashed_id"], ds.medias[7]["hashed_id"]]
    got = get_json(api, "/medias", **{"hashed_ids[]": wanted})
    assert sorted(m["hashed_id"] for m in got) == sorted(wanted)
    assert [m["hashed_id"] for m in get_json(api, "/medias", hashed_id=wanted[0])] == [wanted[0]]
    archived = get_all(api, "/medias", archived="true")
    assert archived and all(m["archived"] for m in archived)
    active = get_all(api, "/medias", archived="false")
    assert len(archived) + len(active) == len(ds.medias)
    videos = get_all(api, "/medias", type="Video")
    assert videos and all(m["type"] == "Video" for m in videos)
    name = ds.medias[5]["name"]
    assert [m["name"] for m in get_json(api, "/medias", name=name)] == [name]


def test_media_stats_derive_from_events(api: FakeWistia) -> None:
    ds = api.dataset
    total_plays = total_loads = 0
    for m in ds.medias:
        stats = get_json(api, f"/stats/medias/{m['hashed_id']}")
        mine = ds.events_of_media(m["hashed_id"])
        assert stats["play_count"] == len(mine)
        assert stats["visitors"] == len({e["visitor_key"] for e in mine})
        assert stats["load_count"] >= stats["play_count"]
        assert 0 <= stats["play_rate"] <= 1 and 0 <= stats["engagement"] <= 1
        if stats["load_count"]:
            assert stats["play_rate"] == pytest.approx(
                stats["play_count"] / stats["load_count"], abs=1e-3
            )
        assert get_json(api, f"/stats/medias/{m['id']}") == stats  # numeric id works too
        total_plays += stats["play_count"]
        total_loads += stats["load_count"]
    account = get_json(api, "/stats/account")
    assert account["play_count"] == total_plays == len(ds.events)
    assert account["load_count"] == total_loads
    per_project = [get_json(api, f"/stats/projects/{p['hashedId']}") for p in ds.projects]
    assert sum(p["play_count"] for p in per_project) == total_plays
    assert sum(p["hours_watched"] for p in per_project) == pytest.approx(
        account["hours_watched"], abs=0.01
    )


def test_engagement_curves(api: FakeWistia) -> None:
    ds = api.dataset
    seen_long = seen_short = False
    for m in ds.medias:
        eng = get_json(api, f"/stats/medias/{m['hashed_id']}/engagement")
        data, rewatch = eng["engagement_data"], eng["rewatch_data"]
        if m["type"] not in ("Video", "Audio"):
            continue
        expected_cells = 1000 if m["duration"] > 1000 else math.ceil(m["duration"])
        assert len(data) == len(rewatch) == expected_cells
        seen_long |= m["duration"] > 1000
        seen_short |= m["duration"] < 60
        plays = len(ds.events_of_media(m["hashed_id"]))
        if not plays:
            assert eng["engagement"] == 0
            continue
        assert data[0] == plays
        assert abs(eng["engagement"] - sum(data) / len(data) / data[0]) <= 0.05
        assert max(data) <= plays * 1.5 and min(data) >= 0
        ups = sum(b > a for a, b in itertools.pairwise(data))
        assert ups <= len(data) / 4  # mostly non-increasing, with bumps
        assert all(isinstance(x, int) and x >= 0 for x in rewatch)
        stats = get_json(api, f"/stats/medias/{m['hashed_id']}")
        assert stats["engagement"] == eng["engagement"]
    assert seen_long and seen_short


def test_by_date_rows(api: FakeWistia) -> None:
    ds = api.dataset
    media = max(ds.medias, key=lambda m: len(ds.events_of_media(m["hashed_id"])))
    h = media["hashed_id"]
    mine = ds.events_of_media(h)
    lo = parse_ts(mine[-1]["received_at"]).date()
    hi = datetime.now(UTC).date()
    rows = get_json(api, f"/stats/medias/{h}/by_date", start_date=str(lo), end_date=str(hi))
    assert [r["date"] for r in rows] == [
        str(lo + timedelta(days=i)) for i in range((hi - lo).days + 1)
    ]
    assert sum(r["play_count"] for r in rows) == len(mine)
    assert all(r["load_count"] >= r["play_count"] for r in rows)
    assert any(r["play_count"] == 0 and r["load_count"] == 0 for r in rows)  # idle days
    stats = get_json(api, f"/stats/medias/{h}")
    assert sum(r["load_count"] for r in rows) == stats["load_count"]
    assert sum(r["hours_watched"] for r in rows) == pytest.approx(stats["hours_watched"], abs=0.01)
    per_day = Counter(str(parse_ts(e["received_at"]).date()) for e in mine)
    assert {r["date"]: r["play_count"] for r in rows if r["play_count"]} == dict(per_day)
    one = get_json(api, f"/stats/medias/{h}/by_date", start_date=str(lo), end_date=str(lo))
    assert one == rows[:1]
    default = get_json(api, f"/stats/medias/{h}/by_date")
    assert [r["date"] for r in default] == [str(hi - timedelta(days=1)), str(hi)]
    r = get(api, f"/stats/medias/{h}/by_date", start_date="01/02/2026")
    assert r.status_code == 422 and isinstance(r.json()["error"], str)
    assert get(api, "/stats/medias/unknown1/by_date").status_code == 404


# --------------------------------------------------------------------------- HTTP and auth


@pytest.mark.parametrize(
    "headers, params",
    [
        ({}, {}),
        ({"Authorization": "Bearer wrong"}, {}),
        ({"Authorization": "Bearer"}, {}),
        ({"Authorization": "Token test-token"}, {}),
        ({}, {"api_password": "test-token"}),
    ],
)
def test_unauthorized(api: FakeWistia, headers: dict[str, str], params: dict[str, str]) -> None:
    r = requests.get(f"{api.url}/medias", headers=headers, params=params, timeout=10)
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == UNAUTHORIZED


def test_basic_auth_is_refused(api: FakeWistia) -> None:
    r = requests.get(f"{api.url}/medias", auth=("api", api.token), timeout=10)
    assert r.status_code == 401 and r.json() == UNAUTHORIZED


def test_json_suffix_and_unknown_paths(api: FakeWistia) -> None:
    h = api.dataset.medias[1]["hashed_id"]
    key = api.dataset.visitor_keys()[0]
    for path in (
        "/medias",
        "/projects",
        "/stats/events",
        "/stats/visitors",
        f"/stats/visitors/{key}",
        "/stats/account",
        f"/stats/medias/{h}",
        f"/stats/medias/{h}/engagement",
        f"/stats/medias/{h}/by_date",
    ):
        assert get_json(api, f"{path}.json") == get_json(api, path), path
    for path in ("/nothing", "/medias/abc/xyz", "/stats/medias/x/y/z", "/stats"):
        r = get(api, path)
        assert r.status_code == 404 and "error" in r.json(), path
    r = requests.get(api.url.replace("/v1", "/v2/medias"), headers=auth(api), timeout=10)
    assert r.status_code == 404 and "error" in r.json()


def test_non_get_is_405(api: FakeWistia) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = requests.request(
            method, f"{api.url}/medias", headers=auth(api), json={"x": 1}, timeout=10
        )
        assert r.status_code == 405, method
        assert "error" in r.json()


def test_keep_alive_and_content_length(api: FakeWistia) -> None:
    host, port = api.url.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/v1/medias", headers=auth(api))
        sock = conn.sock
        for path in ("/v1/projects", "/v1/stats/medias/none", "/v1/nope", "/v1/stats/events"):
            response = conn.getresponse()
            body = response.read()
            assert int(response.headers["Content-Length"]) == len(body)
            conn.request("GET", path, headers=auth(api))
            assert conn.sock is sock  # same TCP connection reused
        conn.getresponse().read()
    finally:
        conn.close()


def test_stop_is_prompt_with_open_keep_alive_connection() -> None:
    srv = FakeWistia(generate_dataset(medias=2, visitors=3, events=5)).start()
    port = srv.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/v1/medias", headers=auth(srv))
    assert conn.getresponse().read()
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2
    conn.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_concurrent_requests(make_wistia) -> None:
    srv = make_wistia(medias=5, visitors=30, events=300)

    def fetch(i: int) -> int:
        with requests.Session() as s:
            codes = [
                s.get(f"{srv.url}/stats/events", headers=auth(srv), params={"page": j % 4 + 1})
                for j in range(10)
            ]
        return sum(c.status_code == 200 for c in codes)

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(fetch, range(8))) == 80
    assert len(srv.requests) == 80
    assert srv.errors == []


# --------------------------------------------------------------------------- faults and limits


@pytest.fixture
def small(make_wistia) -> FakeWistia:
    return make_wistia(medias=5, visitors=20, events=100)


def test_status_fault_with_retry_after(small: FakeWistia) -> None:
    small.faults.add("status", status=503, retry_after=7)
    r = get(small, "/stats/events")
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "7"
    assert "error" in r.json()
    assert get(small, "/stats/events").status_code == 200  # times=1 by default
    date_value = "Wed, 21 Oct 2026 07:28:00 GMT"
    small.faults.add("status", status=429, retry_after=date_value)
    r = get(small, "/stats/events")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == date_value
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "Rate limit exceeded"


def test_status_fault_bodies(small: FakeWistia) -> None:
    small.faults.add("status", status=404, path="/stats")
    r = get(small, "/stats/medias/" + small.dataset.medias[0]["hashed_id"])
    assert r.status_code == 404 and r.content == b""
    small.faults.add("status", status=404)
    r = get(small, "/medias")
    assert r.status_code == 404 and "error" in r.json()
    small.faults.add("status", status=403)
    r = get(small, "/stats/events")
    assert r.status_code == 403 and "not available" in r.json()["error"]
    small.faults.add("status", status=502, body="<html>Bad gateway</html>")
    r = get(small, "/stats/events")
    assert r.status_code == 502 and r.text == "<html>Bad gateway</html>"
    assert r.headers["Content-Type"].startswith("text/plain")


def test_truncate_fault_gives_invalid_json(small: FakeWistia) -> None:
    full = get(small, "/stats/events", per_page=50).content
    small.faults.add("truncate", path="/stats/events")
    r = get(small, "/stats/events", per_page=50)
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) == len(r.content) < len(full)
    assert full.startswith(r.content)
    with pytest.raises(ValueError):
        r.json()
    assert get(small, "/stats/events", per_page=50).content == full


def test_reset_fault_gives_connection_error(small: FakeWistia) -> None:
    small.faults.add("reset", path="/stats/visitors")
    with requests.Session() as s:
        assert s.get(f"{small.url}/medias", headers=auth(small), timeout=10).ok
        with pytest.raises(requests.exceptions.ConnectionError):
            s.get(f"{small.url}/stats/visitors", headers=auth(small), timeout=10)
        assert s.get(f"{small.url}/stats/visitors", headers=auth(small), timeout=10).ok
    log = small.requests_to("/stats/visitors")
    assert [(r.status, r.fault) for r in log] == [(0, "reset"), (200, None)]


def test_delay_fault_triggers_client_timeout(small: FakeWistia) -> None:
    small.faults.add("delay", delay=0.5, path="/stats/events")
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(f"{small.url}/stats/events", headers=auth(small), timeout=0.05)
    assert get(small, "/stats/events").status_code == 200
    assert [r.fault for r in small.requests_to("/stats/events")] == ["delay", None]


def test_every_nth_and_times(small: FakeWistia) -> None:
    small.faults.add("status", status=500, every=3, path="/stats/events")
    codes = [get(small, "/stats/events").status_code for _ in range(9)]
    assert codes == [200, 200, 500] * 3
    assert get(small, "/medias").status_code == 200  # other paths unaffected
    small.faults.clear()
    small.faults.add("status", status=503, times=2)
    assert [get(small, "/medias").status_code for _ in range(3)] == [503, 503, 200]


def test_fault_path_prefix_and_first_wins(small: FakeWistia) -> None:
    h = small.dataset.medias[0]["hashed_id"]
    small.faults.add("status", status=500, path=f"/stats/medias/{h}/engagement")
    assert get(small, f"/stats/medias/{h}").status_code == 200
    assert get(small, f"/stats/medias/{h}/engagement.json").status_code == 500
    small.faults.add("status", status=502)
    small.faults.add("status", status=503)
    assert get(small, "/medias").status_code == 502
    assert get(small, "/medias").status_code == 503
    assert get(small, "/medias").status_code == 200
    assert len(small.faults) == 0


def test_auth_is_checked_before_faults(small: FakeWistia) -> None:
    small.faults.add("status", status=500)
    r = requests.get(f"{small.url}/medias", timeout=10)
    assert r.status_code == 401
    assert get(small, "/medias").status_code == 500  # the fault was not consumed by the 401


def test_forbidden_prefixes(small: FakeWistia) -> None:
    small.forbidden_prefixes.add("/stats")
    r = get(small, "/stats/events")
    assert r.status_code == 403
    assert r.json() == {"error": "Stats API access is not available on your current plan"}
    assert get(small, "/medias").status_code == 200
    small.forbidden_prefixes.clear()
    assert get(small, "/stats/events").status_code == 200


def test_rate_limit_window(small: FakeWistia) -> None:
    small.rate_limit_per_minute = 3
    codes = [get(small, "/medias").status_code for _ in range(3)]
    r = get(small, "/medias")
    assert codes == [200, 200, 200]
    assert r.status_code == 429
    assert r.text == "Rate limit exceeded"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    small.rate_limit_per_minute = None
    assert get(small, "/medias").status_code == 200


def test_latency(small: FakeWistia) -> None:
    small.latency = 0.5
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(f"{small.url}/medias", headers=auth(small), timeout=0.05)
    small.latency = 0.0
    assert get(small, "/medias").status_code == 200


def test_request_log(small: FakeWistia) -> None:
    small.clear_requests()
    h = small.dataset.medias[0]["hashed_id"]
    requests.get(
        f"{small.url}/stats/medias/{h}/by_date.json?start_date=2026-01-01&x=&x=2",
        headers=auth(small),
        timeout=10,
    )
    requests.get(f"{small.url}/stats/events", params={"page": 2}, timeout=10)
    small.faults.add("status", status=500)
    get(small, "/stats/events", per_page=5)
    log = small.requests
    assert log[0].method == "GET"
    assert log[0].path == f"/stats/medias/{h}/by_date"
    assert log[0].query == {"start_date": ["2026-01-01"], "x": ["", "2"]}
    assert log[0].status == 200
    assert log[0].authorization == "Bearer test-token"
    assert log[0].fault is None
    assert (log[1].status, log[1].authorization, log[1].query) == (401, None, {"page": ["2"]})
    assert (log[2].status, log[2].fault) == (500, "status")
    assert [r.path for r in small.requests_to("/stats/events")] == ["/stats/events"] * 2
    assert len(small.requests_to("/stats/medias")) == 1
    with pytest.raises(AttributeError):
        log[0].status = 1  # type: ignore[misc]
    small.clear_requests()
    assert small.requests == []


# --------------------------------------------------------------------------- dataset


@pytest.mark.parametrize("n", [0, 100, 101])
def test_generate_dataset_exact_counts(n: int) -> None:
    ds = generate_dataset(projects=3, medias=n, visitors=n, events=n, now=FIXED_NOW)
    assert (len(ds.medias), len(ds.visitors), len(ds.events)) == (n, n, n)
    assert len(ds.projects) == 3
    medias = 5 if n else 0  # medias need a project
    ds = generate_dataset(projects=n, medias=medias, visitors=7, events=0, now=FIXED_NOW)
    assert (len(ds.projects), len(ds.medias), len(ds.visitors), len(ds.events)) == (
        n,
        medias,
        7,
        0,
    )


def test_generate_dataset_is_deterministic() -> None:
    a = generate_dataset(seed=3, now=FIXED_NOW)
    b = generate_dataset(seed=3, now=FIXED_NOW)
    c = generate_dataset(seed=4, now=FIXED_NOW)
    for name in ("projects", "medias", "visitors", "events"):
        assert getattr(a, name) == getattr(b, name)
        assert getattr(a, name) != getattr(c, name)
    assert a.add_events(3, when=FIXED_NOW) == b.add_events(3, when=FIXED_NOW)


def test_generate_dataset_rejects_impossible_input() -> None:
    with pytest.raises(ValueError):
        generate_dataset(medias=0, events=5)
    with pytest.raises(ValueError):
        generate_dataset(visitors=0, events=5)
    with pytest.raises(ValueError):
        generate_dataset(projects=0, medias=5)
    with pytest.raises(ValueError):
        generate_dataset(events=-1)


def test_generated_data_properties() -> None:
    ds = generate_dataset(seed=1, now=FIXED_NOW)
    media_ids = set(ds.media_ids())
    visitor_keys = set(ds.visitor_keys())
    assert len(ds.event_keys()) == len(ds.events)
    for ev in ds.events:
        assert ev["media_id"] in media_ids and ev["visitor_key"] in visitor_keys
        when = parse_ts(ev["received_at"])
        assert FIXED_NOW - timedelta(days=180) <= when <= FIXED_NOW
        assert 0 < ev["percent_viewed"] <= 1
        if ev["conversion_data"]:
            assert set(ev["conversion_data"]) == {"email", "first_name", "last_name", "is_new_lead"}
            assert isinstance(ev["conversion_type"], int | str) and ev["conversion_type"] != ""
        else:
            assert ev["conversion_type"] == ""
    conversions = [e["conversion_type"] for e in ds.events if e["conversion_data"]]
    assert any(isinstance(c, int) for c in conversions)
    assert "pre-roll-email" in conversions or "post-roll-email" in conversions
    assert sum(e["email"] is None for e in ds.events) > len(ds.events) / 2
    types = Counter(m["type"] for m in ds.medias)
    assert types["Video"] > len(ds.medias) / 2 and len(types) >= 2
    assert any(m["archived"] for m in ds.medias)
    durations = [m["duration"] for m in ds.medias if m["type"] == "Video"]
    assert any(d > 1000 for d in durations) and any(d < 60 for d in durations)
    assert any(m["subfolder"] is None for m in ds.medias)
    assert any(m["subfolder"] is not None for m in ds.medias)
    for m in ds.medias:
        assert parse_ts(m["updated"]) >= parse_ts(m["created"])
    text = json.dumps([ds.projects, ds.medias, ds.visitors], ensure_ascii=False)
    for needle in ("é", "ü", "日本語"):
        assert needle in text
    assert any("," in p["name"] for p in ds.projects)
    assert any('"' in p["name"] for p in ds.projects)
    names = [v["visitor_identity"]["name"] for v in ds.visitors]
    assert any("," in n for n in names) and any('"' in n for n in names)
    assert any(n == "" for n in names) and sum(bool(n) for n in names) > 20
    stamps = [r["created"] for r in ds.medias] + [e["received_at"] for e in ds.events]
    assert any(s.endswith("+00:00") for s in stamps)
    assert any(s.endswith("Z") and "." not in s for s in stamps)
    assert any(s.endswith("Z") and "." in s for s in stamps)


def test_default_now_is_current_time() -> None:
    before = datetime.now(UTC)
    ds = generate_dataset(medias=3, visitors=5, events=50, days=2)
    assert all(
        before - timedelta(days=2, seconds=5) <= parse_ts(e["received_at"]) <= datetime.now(UTC)
        for e in ds.events
    )


# --------------------------------------------------------------------------- mutators


def test_add_events_with_new_visitors(make_wistia) -> None:
    srv = make_wistia(medias=6, visitors=40, events=300)
    ds = srv.dataset
    media = ds.medias[0]
    before_stats = get_json(srv, f"/stats/medias/{media['hashed_id']}")
    existing = set(ds.visitor_keys())
    when = datetime.now(UTC) - timedelta(hours=1)
    with srv.lock:
        new = ds.add_events(12, when=when, media_hashed_id=media["hashed_id"], new_visitors=3)
    assert len(new) == 12 and len(ds.events) == 312
    assert all(e["media_id"] == media["hashed_id"] for e in new)
    assert all(parse_ts(e["received_at"]) <= when for e in new)
    assert all(when - parse_ts(e["received_at"]) < timedelta(seconds=1) for e in new)
    visitors = {v["visitor_key"]: v for v in get_all(srv, "/stats/visitors")}
    assert len(visitors) == 43
    fresh = set(visitors) - existing
    assert len(fresh) == 3
    assert fresh <= {e["visitor_key"] for e in new}
    assert all(visitors[k]["play_count"] >= 1 for k in fresh)
    assert all(parse_ts(visitors[k]["created_at"]) <= when for k in fresh)
    assert {e["visitor_key"] for e in new} - fresh <= existing
    stats = get_json(srv, f"/stats/medias/{media['hashed_id']}")
    assert stats["play_count"] == before_stats["play_count"] + 12
    top = get_json(srv, "/stats/events", per_page=12)
    assert {e["event_key"] for e in top} == {e["event_key"] for e in new}
    day = when.date()
    rows = get_json(
        srv, f"/stats/medias/{media['hashed_id']}/by_date", start_date=day, end_date=day
    )
    assert rows[0]["play_count"] >= 12
    for ev in new:
        v = visitors[ev["visitor_key"]]
        assert v["play_count"] == len(ds.events_of_visitor(ev["visitor_key"]))
    with pytest.raises(ValueError):
        ds.add_events(1, new_visitors=2)


def test_add_events_default_time_is_now(make_wistia) -> None:
    srv = make_wistia(medias=3, visitors=5, events=20)
    before = datetime.now(UTC) - timedelta(seconds=1)
    with srv.lock:
        new = srv.dataset.add_events(2)
    for ev in new:
        assert before <= parse_ts(ev["received_at"]) <= datetime.now(UTC)
    today = str(datetime.now(UTC).date())
    assert len(get_json(srv, "/stats/events", start_date=today)) >= 2


def test_add_medias_touch_and_delete(make_wistia) -> None:
    srv = make_wistia(projects=2, medias=8, visitors=20, events=100)
    ds = srv.dataset
    project = ds.projects[1]
    count = project["mediaCount"]
    with srv.lock:
        added = ds.add_medias(2, project_hashed_id=project["hashedId"])
    assert len(get_all(srv, "/medias")) == 10
    shown = {p["hashedId"]: p for p in get_all(srv, "/projects")}
    assert shown[project["hashedId"]]["mediaCount"] == count + 2
    assert all(m["project"]["hashedId"] == project["hashedId"] for m in added)
    assert get_json(srv, f"/stats/medias/{added[0]['hashed_id']}")["play_count"] == 0

    target = ds.medias[0]["hashed_id"]
    with srv.lock:
        ds.touch_media(target, when=datetime.now(UTC) + timedelta(seconds=5))
    newest = get_json(srv, "/medias", sort_by="updated", sort_direction=0, per_page=1)
    assert newest[0]["hashed_id"] == target

    events_before = len(get_all(srv, "/stats/events"))
    with srv.lock:
        ds.delete_media(target)
    assert target not in {m["hashed_id"] for m in get_all(srv, "/medias")}
    r = get(srv, f"/stats/medias/{target}")
    assert r.status_code == 404 and r.content == b""
    assert len(get_all(srv, "/stats/events")) == events_before  # history stays
    assert sum(p["mediaCount"] for p in get_all(srv, "/projects")) == 9


# --------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_exits_cleanly(sig: signal.Signals) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wistia_sandbox",
            "--port",
            "0",
            "--token",
            "cli-token",
            "--medias",
            "3",
            "--visitors",
            "5",
            "--events",
            "10",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        second = proc.stdout.readline().strip()
        assert first.startswith("Wistia sandbox: http://127.0.0.1:"), first
        assert first.endswith("/v1")
        assert second == "token: cli-token"
        url = first.split(": ", 1)[1]
        r = requests.get(f"{url}/medias", headers={"Authorization": "Bearer cli-token"}, timeout=5)
        assert r.status_code == 200 and len(r.json()) == 3
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_medias_cursor_pagination_is_stable_and_matches_spec(make_wistia) -> None:
    srv = make_wistia(medias=250, events=0, visitors=5)
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"cursor[enabled]": 1}
    while True:
        page = get_json(srv, "/medias", per_page=100, sort_by="created", **params)
        assert_valid("/medias", page)
        assert all(isinstance(m["cursor"], str) for m in page)
        seen += page
        if len(seen) == 100:  # mid-crawl: an offset page sorted by updated would shift
            srv.dataset.touch_media(seen[0]["hashed_id"])
            srv.dataset.add_medias(3)
        if len(page) < 100:
            break
        params = {"cursor[after]": page[-1]["cursor"]}
    ids = [m["hashed_id"] for m in seen]
    assert len(ids) == len(set(ids)) == 253
    assert ts_list(seen, "created") == sorted(ts_list(seen, "created"))
    before = get_json(
        srv, "/medias", per_page=2, sort_by="created", **{"cursor[before]": seen[5]["cursor"]}
    )
    assert [m["hashed_id"] for m in before] == ids[3:5]
    for bad in (
        {"sort_by": "updated", "cursor[enabled]": 1},
        {"sort_by": "id", "cursor[after]": seen[1]["cursor"]},
        {"sort_by": "created", "cursor[enabled]": 1, "page": 2},
    ):
        assert get(srv, "/medias", **bad).status_code == 400, bad
