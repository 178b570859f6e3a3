"""The sandbox's webinar endpoints: every response kind against the 2026-03 document, and
figures that tie together (aggregates = audience sums, registration series = registrants,
traffic per dimension = totals, histograms = attendees' histograms)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.test_sandbox_analytics import assert_valid, get, get_json
from tests.webinars_expected import ends
from wistia_sandbox import FakeWistia
from wistia_sandbox.__main__ import build_parser, build_server
from wistia_sandbox.data import generate_dataset
from wistia_sandbox.webinars import GROUP_BY, NOT_AVAILABLE, NOT_ENDED

LIST = "/webinars"
SUMMARY = "/analytics/webinars/{webinarId}"
REGISTRATION = "/analytics/webinars/{webinarId}/registration"
TRAFFIC = "/analytics/webinars/{webinarId}/traffic"
AUDIENCE = "/analytics/webinars/{webinarId}/audience"
HISTOGRAMS = "/analytics/webinars/{webinarId}/histograms"


@pytest.fixture(scope="module")
def srv() -> Iterator[FakeWistia]:
    with FakeWistia(generate_dataset(medias=3, visitors=250, events=300, days=10)) as server:
        yield server


def audience(srv: FakeWistia, webinar_id: str, per_page: int) -> list[dict]:
    rows: list[dict] = []
    params: dict = {"per_page": per_page}
    while True:
        body = get_json(srv, f"/analytics/webinars/{webinar_id}/audience", **params)
        assert_valid(AUDIENCE, body)
        rows += body["data"]
        if not body["page_info"]["has_next_page"]:
            return rows
        params["cursor"] = body["page_info"]["end_cursor"]


def test_default_webinars_mix_ended_live_and_upcoming(srv):
    webinars = get_json(srv, LIST, per_page=100)
    assert_valid(LIST, webinars)
    assert len(webinars) == 5
    now = dt.datetime.now(dt.UTC)
    assert Counter(w["lifecycle_status"] for w in webinars) == {
        "ended": 3,
        "live": 1,
        "scheduled": 1,
    }
    assert sum(1 for w in webinars if ends(w) < now - dt.timedelta(days=30)) == 2
    page = get_json(srv, LIST, per_page=2, page=3, sort_by="scheduled_for")
    assert len(page) == 1 and page[0]["lifecycle_status"] == "scheduled"


def test_every_response_of_every_webinar_matches_the_document_and_ties(srv):
    now = dt.datetime.now(dt.UTC)
    emails = {v["visitor_identity"]["email"] for v in srv.dataset.visitors} - {None}
    for webinar in get_json(srv, LIST, per_page=100):
        base = f"/analytics/webinars/{webinar['id']}"
        rows = audience(srv, webinar["id"], per_page=7)
        assert rows == sorted(rows, key=lambda r: (r["registered_at"], r["email"]))
        assert rows and {r["email"] for r in rows} <= emails  # registrants are real visitors
        assert len({r["email"] for r in rows}) == len(rows)
        series = get_json(srv, f"{base}/registration", granularity="daily")
        assert_valid(REGISTRATION, series)
        assert sum(b["registrations"] for b in series) == len(rows)
        attendees = [r for r in rows if r["attendance_status"] == "attended"]
        for group_by in GROUP_BY:
            groups = get_json(srv, f"{base}/traffic", group_by=group_by)
            assert_valid(TRAFFIC, groups)
            assert sum(g["registrations"] for g in groups) == len(rows)
            assert sum(g["attendees"] for g in groups) == len(attendees)
            assert sum(g["impressions"] for g in groups) == sum(b["impressions"] for b in series)
        if ends(webinar) > now:
            for path in (base, f"{base}/histograms"):
                response = get(srv, path)
                assert response.status_code == 409 and response.json() == {"error": NOT_ENDED}
                assert_valid(SUMMARY, response.json(), "409")
            continue
        summary = get_json(srv, base, include_post_event="true")
        assert_valid(SUMMARY, summary)
        assert summary["registrations"] == len(rows)
        assert summary["attendance"] == len(attendees)
        assert summary["total_watch_time"] == sum(r["played_time"] for r in rows)
        assert summary["chats"] == sum(r["chat_count"] for r in rows)
        assert summary["impressions"] == sum(b["impressions"] for b in series)
        histograms = get_json(srv, f"{base}/histograms")
        assert_valid(HISTOGRAMS, histograms)
        assert histograms["attendees_histogram"][0] == sum(
            r["attendee_histogram"][0] for r in attendees
        )
        assert sum(histograms["chat_histogram"]) == summary["chats"]


def test_refusals_match_the_document(srv):
    webinar_id = srv.dataset.webinars.webinars[0]["id"]
    missing = get(srv, "/analytics/webinars/nosuchwebinar/audience")
    assert missing.status_code == 404 and missing.content == b""
    bad = get(srv, f"/analytics/webinars/{webinar_id}/traffic", group_by="country")
    assert bad.status_code == 400
    assert_valid(TRAFFIC, bad.json(), "400")
    assert get(srv, f"/analytics/webinars/{webinar_id}/registration").status_code == 400
    assert get(srv, f"/analytics/webinars/{webinar_id}/audience", per_page=101).status_code == 400
    assert get(srv, f"/analytics/webinars/{webinar_id}/audience", cursor="bogus").status_code == 400


def test_more_webinars_on_request(make_wistia):
    server = make_wistia(medias=1, visitors=5, events=5, days=2, webinars=20)
    webinars = get_json(server, LIST, per_page=100)
    assert len(webinars) == 20
    assert len({w["id"] for w in webinars}) == 20


@pytest.mark.parametrize("flags", [[], ["--no-webinars"]])
def test_no_webinars_answers_403_to_every_webinar_call(flags):
    args = ["--port", "0", "--medias", "2", "--visitors", "10", "--events", "20", "--days", "3"]
    server = build_server(build_parser().parse_args([*args, *flags])).start()
    try:
        webinar_id = server.dataset.webinars.webinars[0]["id"]
        media_id = server.dataset.media_ids()[0]
        statuses = [
            get(server, path).status_code
            for path in (LIST, f"/analytics/webinars/{webinar_id}/audience")
        ]
        today = server.dataset.now.date()
        dates = {"start_date": str(today - dt.timedelta(days=5)), "end_date": str(today)}
        other = get(server, f"/analytics/medias/{media_id}", **dates).status_code
        if flags:
            assert statuses == [403, 403] and other == 200
            body = get(server, LIST).json()
            assert body == {"error": NOT_AVAILABLE}
            assert_valid(LIST, body, "403")
            assert_valid(AUDIENCE, get(server, f"/analytics/webinars/{webinar_id}").json(), "403")
        else:
            assert statuses == [200, 200] and other == 200
    finally:
        server.stop()
