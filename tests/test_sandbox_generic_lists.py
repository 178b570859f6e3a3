"""Plain list endpoints served from ``Dataset.lists`` (wistia_sandbox/plain_lists.py): a path
added there is served with v1 offset pages or modern cursor pages, every response valid
against its OpenAPI document, inside the usual pipeline (auth, faults, rate limit, log).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.sandbox_client import UNAUTHORIZED, auth, get, get_json
from tests.test_sandbox_analytics import assert_valid as assert_modern_valid
from tests.test_sandbox_analytics import get as modern_get
from tests.test_sandbox_analytics import get_json as modern_get_json
from tests.v1_spec_checks import assert_valid as assert_v1_valid
from wistia_sandbox import FakeWistia, generate_dataset, parse_ts
from wistia_sandbox.query_params import MAX_PER_PAGE
from wistia_sandbox.record_basics import Record, format_ts

START = datetime(2024, 1, 1, tzinfo=UTC)
N_TAGS = 130  # more than MAX_PER_PAGE, so the cap shows
N_FOLDERS = 25


def tags() -> list[Record]:
    """Stored in creation order; names and `updated` in neither that order nor each other's."""
    return [
        {
            "name": f"tag-{(i * 37) % N_TAGS:03d}",
            "taggingsCount": i % 7,
            "created": format_ts(START + timedelta(hours=i), style=i % 3),
            "updated": format_ts(START + timedelta(days=(i * 53) % N_TAGS), style=(i + 1) % 3),
        }
        for i in range(N_TAGS)
    ]


def folders() -> list[Record]:
    """Ids out of storage order, so id order is not the stored order."""
    return [
        {
            "id": 1000 + (i * 7) % N_FOLDERS,
            "name": f"Folder {i}",
            "description": None,
            "media_count": 0,
            "medias": {},
            "created": format_ts(START + timedelta(days=(i * 11) % N_FOLDERS)),
            "updated": format_ts(START + timedelta(days=40 + i)),
            "hashed_id": f"f{i:09d}",
            "public": False,
            "public_id": None,
        }
        for i in range(N_FOLDERS)
    ]


def with_lists(srv: FakeWistia) -> FakeWistia:
    srv.dataset.lists.update(
        {"/v1/tags": tags(), "/modern/tags": tags(), "/modern/folders": folders()}
    )
    return srv


@pytest.fixture(scope="module")
def lists_api() -> Iterator[FakeWistia]:
    dataset = generate_dataset(seed=1, projects=1, medias=2, visitors=3, events=5)
    with with_lists(FakeWistia(dataset)) as srv:
        yield srv


def v1_tags(srv: FakeWistia, **params: Any) -> list[Record]:
    payload = get_json(srv, "/tags", **params)
    assert_v1_valid("/tags", payload)
    return payload


def modern_list(srv: FakeWistia, path: str, **params: Any) -> list[Record]:
    payload = modern_get_json(srv, path, **params)
    assert_modern_valid(path, payload)
    return payload


def follow_cursor(srv: FakeWistia, path: str, per_page: int, **params: Any) -> list[list[Record]]:
    """Every cursor page, from cursor[enabled]=1 to the first empty one (not included)."""
    pages = [modern_list(srv, path, **{"cursor[enabled]": 1, "per_page": per_page, **params})]
    while pages[-1]:
        after = pages[-1][-1]["cursor"]
        pages.append(
            modern_list(srv, path, **{"cursor[after]": after, "per_page": per_page, **params})
        )
    return pages[:-1]


def test_v1_list_pages_like_the_v1_lists(lists_api: FakeWistia) -> None:
    stored = [t["name"] for t in lists_api.dataset.lists["/v1/tags"]]
    pages = [v1_tags(lists_api, page=page, per_page=50) for page in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [50, 50, 30, 0]
    # Tags have no id: their stored (creation) order stands for id order.
    assert [t["name"] for p in pages for t in p] == stored
    assert all("cursor" not in t for p in pages for t in p)  # no cursor paging in v1 lists
    assert v1_tags(lists_api) == pages[0][:10]  # default per_page
    assert v1_tags(lists_api, per_page=500) == v1_tags(lists_api, per_page=MAX_PER_PAGE)
    assert len(v1_tags(lists_api, per_page=500)) == MAX_PER_PAGE
    assert v1_tags(lists_api, page=0, per_page=5) == pages[0][:5]
    assert get_json(lists_api, "/tags.json", per_page=5) == pages[0][:5]
    # Cursor parameters do not page a v1 list: the offset page comes back.
    assert v1_tags(lists_api, **{"cursor[enabled]": 1, "per_page": 5}) == pages[0][:5]


def test_v1_list_sorting(lists_api: FakeWistia) -> None:
    stored = [t["name"] for t in lists_api.dataset.lists["/v1/tags"]]
    by_name = [t["name"] for t in v1_tags(lists_api, sort_by="name", per_page=100)]
    assert by_name == sorted(stored)[:100]
    desc = [t["name"] for t in v1_tags(lists_api, sort_by="name", sort_direction=0, per_page=100)]
    assert desc == sorted(stored, reverse=True)[:100]
    updated = [
        parse_ts(t["updated"])
        for page in (1, 2)
        for t in v1_tags(lists_api, sort_by="updated", page=page, per_page=100)
    ]
    assert len(updated) == N_TAGS and updated == sorted(updated)
    assert [t["name"] for t in v1_tags(lists_api, sort_by="bogus", per_page=20)] == stored[:20]


def test_modern_cursor_pages_reach_every_record_once(lists_api: FakeWistia) -> None:
    stored = [t["name"] for t in lists_api.dataset.lists["/modern/tags"]]
    pages = follow_cursor(lists_api, "/tags", per_page=17)
    assert [len(p) for p in pages] == [17] * 7 + [11]
    assert [t["name"] for p in pages for t in p] == stored
    before = modern_list(lists_api, "/tags", **{"cursor[before]": pages[-1][0]["cursor"]})
    assert before == pages[-2][-10:]  # default per_page, the records just before
    newest_first = follow_cursor(
        lists_api, "/tags", per_page=40, sort_by="updated", sort_direction=0
    )
    records = [t for p in newest_first for t in p]
    assert sorted(t["name"] for t in records) == sorted(stored)
    updated = [parse_ts(t["updated"]) for t in records]
    assert updated == sorted(updated, reverse=True)


def test_modern_records_with_ids_page_in_id_order(lists_api: FakeWistia) -> None:
    stored = lists_api.dataset.lists["/modern/folders"]
    by_id = sorted(f["id"] for f in stored)
    pages = follow_cursor(lists_api, "/folders", per_page=10)
    assert [f["id"] for p in pages for f in p] == by_id
    by_created = [f for p in follow_cursor(lists_api, "/folders", 6, sort_by="created") for f in p]
    assert sorted(f["id"] for f in by_created) == by_id
    assert [f["created"] for f in by_created] == sorted(f["created"] for f in stored)
    offset = [f for page in (1, 2, 3) for f in modern_list(lists_api, "/folders", page=page)]
    assert [f["id"] for f in offset] == by_id
    assert all("cursor" not in f for f in offset)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor[enabled]": 1, "sort_by": "name"},
        {"cursor[enabled]": 1, "page": 2},
        {"cursor[after]": "not-a-cursor"},
    ],
)
def test_modern_cursor_misuse_is_a_400(lists_api: FakeWistia, params: dict[str, Any]) -> None:
    r = modern_get(lists_api, "/tags", **params)
    assert r.status_code == 400
    assert_modern_valid("/tags", r.json(), "400")


def test_a_cursor_is_only_valid_for_its_sort_by(lists_api: FakeWistia) -> None:
    first = modern_list(lists_api, "/tags", **{"cursor[enabled]": 1, "per_page": 3})
    r = modern_get(
        lists_api, "/tags", **{"cursor[after]": first[-1]["cursor"], "sort_by": "created"}
    )
    assert r.status_code == 400
    assert "sort_by" in r.json()["error"]


def test_unknown_paths_and_missing_token(lists_api: FakeWistia) -> None:
    assert get(lists_api, "/tagz").status_code == 404
    assert get(lists_api, "/folders").status_code == 404  # listed under /modern only
    assert modern_get(lists_api, "/tagz").status_code == 404
    for url in (f"{lists_api.url}/tags", f"{lists_api.modern_url}/tags"):
        r = requests.get(url, timeout=10)
        assert r.status_code == 401 and r.json() == UNAUTHORIZED
        r = requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=10)
        assert r.status_code == 401
    r = modern_get(lists_api, "/tags", headers={"X-Wistia-API-Version": "2099-01"})
    assert r.status_code == 400
    r = requests.post(f"{lists_api.url}/tags", headers=auth(lists_api), timeout=10)
    assert r.status_code == 405


def test_lists_go_through_the_pipeline(make_wistia) -> None:
    srv = with_lists(make_wistia(projects=1, medias=2, visitors=3, events=5))
    srv.faults.add("status", status=503, path="/folders")
    assert modern_get(srv, "/folders").status_code == 503
    assert modern_get(srv, "/folders").status_code == 200  # times=1
    srv.faults.add("truncate", path="/tags")
    r = get(srv, "/tags")
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    logged = srv.requests_to("/")
    assert [(e.path, e.status, e.fault) for e in logged] == [
        ("/folders", 503, "status"),
        ("/folders", 200, None),
        ("/tags", 200, "truncate"),
    ]
    assert logged[0].api_version == "2026-03"
    srv.rate_limit_per_minute = 2
    codes = [modern_get(srv, "/tags").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
