"""Listings that never end (pages cycling, endless distinct pages, cursors going round)
stop with a clear error after a bounded number of requests."""

from __future__ import annotations

import json

import pytest

from tap_wistia.http import paging
from tap_wistia.http.paging import EndlessListing
from tests.hostile_server import Reply, ScriptedServer, Seen
from tests.tap_harness import run_sync

TOKEN = "endless-test-token"


def visitors_page(count: int, start: int = 0) -> bytes:
    return json.dumps([{"visitor_key": f"v{i}"} for i in range(start, start + count)]).encode()


def page_number(seen: Seen) -> int:
    query = seen.path.split("?", 1)[1] if "?" in seen.path else ""
    return int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("page", "1"))


def cycling_pages(seen: Seen) -> Reply:
    """Full pages A, B, A, B, ... for any listing: never a short page."""
    if seen.path.startswith("/v1/projects"):
        return Reply(body=json.dumps([{"id": i, "name": "p"} for i in range(100)]).encode())
    return Reply(body=visitors_page(100, start=100 * (page_number(seen) % 2)))


def test_pages_cycling_a_b_a_b_stop_with_a_clear_error():
    with ScriptedServer(cycling_pages) as server, pytest.raises(EndlessListing) as failure:
        run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("visitors",))
    message = str(failure.value)
    assert message.startswith("GET /v1/stats/visitors")
    assert "hold the same records: the listing goes round in a cycle" in message
    assert len(server.seen) <= 20  # the look-ahead's workers at most, not thousands


def test_pages_cycling_in_order_stop_at_the_first_repeat():
    def alternating(seen: Seen) -> Reply:
        first = 100 * (page_number(seen) % 2)
        return Reply(
            body=json.dumps([{"id": i, "name": "p"} for i in range(first, first + 100)]).encode()
        )

    with ScriptedServer(alternating) as server, pytest.raises(EndlessListing) as failure:
        run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("projects",))
    assert "pages 1 and 3 hold the same records" in str(failure.value)
    assert len(server.seen) == 3


@pytest.mark.parametrize("stream", ["projects", "visitors"])
def test_endless_distinct_full_pages_stop_past_max_pages(monkeypatch, stream):
    monkeypatch.setattr(paging, "MAX_PAGES", 5)

    def endless(seen: Seen) -> Reply:
        first = 100 * page_number(seen)
        if seen.path.startswith("/v1/projects"):
            rows = [{"id": i, "name": "p"} for i in range(first, first + 100)]
            return Reply(body=json.dumps(rows).encode())
        return Reply(body=visitors_page(100, start=first))

    with ScriptedServer(endless) as server, pytest.raises(EndlessListing) as failure:
        run_sync({"api_token": TOKEN, "api_url": server.url}, streams=(stream,))
    assert "more than 5 full pages of one listing (500 records) without an end" in str(
        failure.value
    )
    assert len(server.seen) <= 20


def test_a_cursor_listing_that_cycles_stops():
    def medias(seen: Seen) -> Reply:
        after = "a" if "cursor%5Bafter%5D=b" in seen.path or "cursor[after]=b" in seen.path else "b"
        rows = [{"hashed_id": f"m{after}{i}", "cursor": after} for i in range(100)]
        return Reply(body=json.dumps(rows).encode())

    with ScriptedServer(medias) as server, pytest.raises(EndlessListing) as failure:
        run_sync({"api_token": TOKEN, "api_url": server.url}, streams=("medias",))
    assert str(failure.value).startswith("GET /medias: the listing handed out a cursor it had")
    assert len(server.seen) <= 4
