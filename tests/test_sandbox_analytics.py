"""The sandbox's modern analytics endpoints: every response kind against the 2026-03 document,
and the semantics the tap relies on (exclusive end dates, cursor pages, consistent figures)."""

from __future__ import annotations

import functools
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from wistia_sandbox import FakeWistia
from wistia_sandbox.analytics import ACCOUNT_TZ, GROUP_BY, UNAVAILABLE_MESSAGE, traffic_dimensions
from wistia_sandbox.record_basics import parse_ts

SPEC_PATH = (
    Path(__file__).resolve().parents[1] / "spec" / "openapi" / "wistia-data-api-2026-03-openapi.yml"
)
MEDIA_PATHS = (
    "/analytics/medias/{mediaId}",
    "/analytics/medias/{mediaId}/timeseries",
    "/analytics/medias/{mediaId}/traffic",
    "/analytics/medias/{mediaId}/conversions",
    "/analytics/medias/{mediaId}/embed_locations",
    "/analytics/medias/{mediaId}/languages",
)
VERSION = {"X-Wistia-API-Version": "2026-03"}


@functools.cache
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def response_schema(path: str, status: str) -> dict[str, Any]:
    content = spec()["paths"][path]["get"]["responses"][status]["content"]
    return content["application/json"]["schema"]


def undeclared(instance: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Fields the document does not declare (its schemas allow extra fields)."""
    out: list[str] = []
    if isinstance(instance, dict):
        props: dict[str, Any] = dict(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            props.update(part.get("properties", {}))
        for key, value in instance.items():
            if key not in props:
                out.append(f"{where}.{key}")
            else:
                out.extend(undeclared(value, props[key], f"{where}.{key}"))
    elif isinstance(instance, list) and "items" in schema:
        for i, value in enumerate(instance):
            out.extend(undeclared(value, schema["items"], f"{where}[{i}]"))
    return out


def assert_valid(path: str, payload: Any, status: str = "200") -> None:
    schema = response_schema(path, status)
    validator = OAS31Validator(schema, format_checker=oas31_format_checker)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(payload)]
    assert not errors, f"{path} {status}: {errors[:5]}"
    extra = undeclared(payload, schema)
    assert not extra, f"{path} {status}: fields not in the document: {extra[:10]}"


def get(srv: FakeWistia, path: str, headers: dict | None = None, **params: Any):
    auth = {"Authorization": f"Bearer {srv.token}", **VERSION, **(headers or {})}
    return requests.get(f"{srv.modern_url}{path}", headers=auth, params=params, timeout=10)


def get_json(srv: FakeWistia, path: str, **params: Any) -> Any:
    response = get(srv, path, **params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def window(srv: FakeWistia, days: int = 200) -> dict[str, str]:
    today = srv.dataset.now.astimezone(ACCOUNT_TZ).date()
    return {
        "start_date": (today - timedelta(days=days)).isoformat(),
        "end_date": (today + timedelta(days=1)).isoformat(),
    }


def local_day(event: dict) -> date:
    return parse_ts(event["received_at"]).astimezone(ACCOUNT_TZ).date()


def all_conversions(srv: FakeWistia, media_id: str, per_page: int, **dates: str) -> list[dict]:
    rows: list[dict] = []
    cursor = None
    while True:
        params = {**dates, "per_page": per_page, **({"cursor": cursor} if cursor else {})}
        body = get_json(srv, f"/analytics/medias/{media_id}/conversions", **params)
        assert_valid("/analytics/medias/{mediaId}/conversions", body)
        rows += body["data"]
        if not body["page_info"]["has_next_page"]:
            return rows
        cursor = body["page_info"]["end_cursor"]


# --------------------------------------------------------------------------- fidelity


def test_the_document_has_every_media_analytics_path():
    assert spec()["info"]["version"] == "2026.03.0"
    assert set(MEDIA_PATHS) <= set(spec()["paths"])


def test_every_response_kind_of_every_media_matches_the_document(wistia: FakeWistia):
    dates = window(wistia)
    kinds = Counter()
    for media_id in wistia.dataset.media_ids():
        base = f"/analytics/medias/{media_id}"
        assert_valid(MEDIA_PATHS[0], get_json(wistia, base, **dates))
        for granularity in ("daily", "weekly", "monthly"):
            body = get_json(wistia, f"{base}/timeseries", granularity=granularity, **dates)
            assert_valid(MEDIA_PATHS[1], body)
            kinds["timeseries"] += len(body)
        for group_by in GROUP_BY:
            body = get_json(wistia, f"{base}/traffic", group_by=group_by, **dates)
            assert_valid(MEDIA_PATHS[2], body)
            kinds["traffic"] += len(body)
        kinds["conversions"] += len(all_conversions(wistia, media_id, 2, **dates))
        for path, kind in ((MEDIA_PATHS[4], "embed_locations"), (MEDIA_PATHS[5], "languages")):
            body = get_json(wistia, f"{base}/{kind}", per_page=100, **dates)
            assert_valid(path, body)
            kinds[kind] += len(body)
    # Every kind had rows to validate, conversions included.
    assert min(kinds.values()) > 0, kinds


def test_error_bodies_match_the_document(make_wistia):
    srv = make_wistia(medias=3, visitors=20, events=50, days=10)
    media_id = srv.dataset.media_ids()[0]
    path = f"/analytics/medias/{media_id}/timeseries"
    dates = window(srv, 5)

    missing_dates = get(srv, path, granularity="daily")
    assert missing_dates.status_code == 400
    assert_valid(MEDIA_PATHS[1], missing_dates.json(), "400")

    unauthorized = requests.get(f"{srv.modern_url}{path}", params=dates, timeout=10)
    assert unauthorized.status_code == 401
    assert_valid(MEDIA_PATHS[1], {"error": unauthorized.json()["error"]}, "401")

    unknown = get(srv, "/analytics/medias/nosuchmedia/timeseries", granularity="daily", **dates)
    assert (unknown.status_code, unknown.content) == (404, b"")

    srv.faults.add("status", status=503, path="/analytics")
    unavailable = get(srv, path, granularity="daily", **dates)
    assert unavailable.status_code == 503
    assert unavailable.json() == {"error": UNAVAILABLE_MESSAGE}
    assert_valid(MEDIA_PATHS[1], unavailable.json(), "503")

    srv.forbidden_prefixes.add("/analytics")
    forbidden = get(srv, path, granularity="daily", **dates)
    assert forbidden.status_code == 403
    assert_valid(MEDIA_PATHS[1], forbidden.json(), "403")


# --------------------------------------------------------------------------- semantics


def test_timeseries_end_date_is_exclusive_and_buckets_are_account_local(wistia: FakeWistia):
    media_id = wistia.dataset.media_ids()[0]
    body = get_json(
        wistia,
        f"/analytics/medias/{media_id}/timeseries",
        granularity="daily",
        start_date="2026-03-01",
        end_date="2026-03-04",
    )
    assert [row["timestamp"] for row in body] == [
        "2026-03-01T00:00:00-05:00",
        "2026-03-02T00:00:00-05:00",
        "2026-03-03T00:00:00-05:00",
    ]
    empty = get_json(
        wistia,
        f"/analytics/medias/{media_id}/timeseries",
        granularity="daily",
        start_date="2026-03-01",
        end_date="2026-03-01",
    )
    assert empty == []


def test_figures_agree_across_endpoints_and_with_the_events(wistia: FakeWistia):
    dates = window(wistia)
    first, end = date.fromisoformat(dates["start_date"]), date.fromisoformat(dates["end_date"])
    for media_id in wistia.dataset.media_ids()[:5]:
        events = [
            e for e in wistia.dataset.events_of_media(media_id) if first <= local_day(e) < end
        ]
        base = f"/analytics/medias/{media_id}"
        daily = get_json(wistia, f"{base}/timeseries", granularity="daily", **dates)
        assert len(daily) == (end - first).days
        assert sum(row["plays"] for row in daily) == len(events)
        assert get_json(wistia, base, **dates)["plays"] == len(events)
        for group_by in GROUP_BY:
            traffic = get_json(wistia, f"{base}/traffic", group_by=group_by, **dates)
            expected = Counter(traffic_dimensions(e)[group_by] for e in events)
            assert {row[group_by]: row["plays"] for row in traffic} == dict(expected)
        languages = get_json(wistia, f"{base}/languages", **dates)
        assert sum(row["plays"] for row in languages) == len(events)
        converted = [e for e in events if e["conversion_data"]]
        assert sum(row["form_conversions"] for row in daily) == len(converted)


def test_conversion_cursor_pages_cover_everything_once(wistia: FakeWistia):
    dates = window(wistia)
    counts = {
        media_id: sum(1 for e in wistia.dataset.events_of_media(media_id) if e["conversion_data"])
        for media_id in wistia.dataset.media_ids()
    }
    media_id = max(counts, key=counts.__getitem__)
    assert counts[media_id] >= 3
    one_page = all_conversions(wistia, media_id, 100, **dates)
    paged = all_conversions(wistia, media_id, 2, **dates)
    assert paged == one_page
    assert len(paged) == counts[media_id]
    assert [r["converted_at"] for r in paged] == sorted(r["converted_at"] for r in paged)


def test_breakdowns_sort_by_a_metric_in_asc_or_desc_and_cut_at_per_page(wistia: FakeWistia):
    media_id = wistia.dataset.media_ids()[0]
    path = f"/analytics/medias/{media_id}/embed_locations"
    dates = window(wistia)
    desc = get_json(wistia, path, sort_by="loads", sort_direction="desc", per_page=100, **dates)
    asc = get_json(wistia, path, sort_by="loads", sort_direction="asc", per_page=100, **dates)
    assert [r["loads"] for r in desc] == sorted((r["loads"] for r in desc), reverse=True)
    assert [r["loads"] for r in asc] == sorted(r["loads"] for r in asc)
    assert len(get_json(wistia, path, per_page=2, **dates)) == 2
    # v1's numeric sort_direction is not accepted here.
    assert get(wistia, path, sort_direction="1", **dates).status_code == 400


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"start_date": "2024-01-01", "end_date": "2026-01-02"}, "exceed 2 years"),
        ({"start_date": "2026-01-05", "end_date": "2026-01-01"}, "before start_date"),
        ({"start_date": "2026-1-5", "end_date": "2026-02-01"}, "YYYY-MM-DD"),
        ({"end_date": "2026-02-01"}, "start_date is required"),
    ],
)
def test_bad_date_ranges_are_400(wistia: FakeWistia, params: dict, reason: str):
    media_id = wistia.dataset.media_ids()[0]
    response = get(wistia, f"/analytics/medias/{media_id}/languages", **params)
    assert response.status_code == 400
    assert reason in response.json()["error"]


def test_api_version_header_is_logged_and_checked(make_wistia):
    srv = make_wistia(medias=2, visitors=10, events=20, days=5)
    path = f"/analytics/medias/{srv.dataset.media_ids()[0]}/languages"
    assert get(srv, path, **window(srv, 3)).status_code == 200
    wrong = get(srv, path, headers={"X-Wistia-API-Version": "1999-01"}, **window(srv, 3))
    assert wrong.status_code == 400
    assert [r.api_version for r in srv.requests_to("/analytics")] == ["2026-03", "1999-01"]


def test_analytics_live_only_under_modern(make_wistia):
    # A private server: these requests must not show in the shared server's request log.
    srv = make_wistia(medias=2, visitors=10, events=20, days=5)
    media_id = srv.dataset.media_ids()[0]
    v1 = requests.get(
        f"{srv.url}/analytics/medias/{media_id}/languages",
        headers={"Authorization": f"Bearer {srv.token}"},
        params=window(srv, 3),
        timeout=10,
    )
    assert v1.status_code == 404
    assert get(srv, "/medias").status_code == 404
