"""The sandbox's v1 stats endpoints: media, project and account figures derive from the events;
engagement curves; per-day rows.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.sandbox_client import get, get_json
from wistia_sandbox import FakeWistia, parse_ts


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
