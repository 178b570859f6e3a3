"""The sandbox's paging: page/per_page defaults, the 100 cap, exact sizes, medias cursors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox_client import get, get_all, get_json, ts_list
from tests.v1_spec_checks import (
    assert_valid,
)
from wistia_sandbox import FakeWistia


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
