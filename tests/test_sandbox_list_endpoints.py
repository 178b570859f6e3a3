"""The sandbox's list endpoints: order, date and id filters, sorting, search, visitor counters."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from tests.sandbox_client import get, get_all, get_json, ts_list
from wistia_sandbox import FakeWistia, parse_ts


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
