"""The sandbox's generated dataset (sizes, determinism, realistic oddities) and its mutators
(new events, visitors and medias; touched and deleted medias) as the API then serves them.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.sandbox_client import get, get_all, get_json
from wistia_sandbox import FakeWistia, generate_dataset, parse_ts

FIXED_NOW = datetime(2026, 3, 4, 12, 34, 56, 789000, tzinfo=UTC)


def test_session_fixture_is_the_default_dataset(wistia: FakeWistia) -> None:
    # No requests here: other tests assert on the shared server's request log.
    assert wistia.running
    assert wistia.token == "test-token"
    assert wistia.url == f"http://127.0.0.1:{wistia.port}/v1"
    ds = wistia.dataset
    sizes = (len(ds.projects), len(ds.medias), len(ds.visitors), len(ds.events))
    assert sizes == (4, 30, 250, 2000)
    assert ds.seed == 1


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
