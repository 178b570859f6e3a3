"""Issue 21's goal, counted at the sandbox: a library of 500 medias, 20 of them ever played,
20,000 events over 90 days, every stream selected. The first run stays under 3,000 requests
and the next day's run, after 300 new plays, under 600; per stream, the requests go to the
medias (and months) with activity. `python -m benchmarks.long_tail` prints the same
figures beside `per_media_refresh: all`."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from tap_wistia.state.refresh_turns import EPOCH, months_of, turn_of
from tap_wistia.streams.registry import STREAM_TYPES
from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import run_sync
from wistia_sandbox import FakeWistia
from wistia_sandbox.analytics import ACCOUNT_TZ
from wistia_sandbox.long_tail import add_plays, age_state, endpoint_of, long_tail_dataset

STREAM_OF = {stream.path: stream.name for stream in STREAM_TYPES}
PLAY_DRIVEN = (
    "media_engagement",
    "media_daily_stats",
    "media_analytics_daily",
    "media_conversions",
    "media_embed_locations",
    "media_languages",
)


def medias_per_stream(server: FakeWistia) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for request in server.requests:
        if "/medias/" in request.path:
            out[STREAM_OF[endpoint_of(request.path)]].add(request.path.split("/")[3])
    return out


def requests_per_stream(server: FakeWistia) -> Counter[str]:
    return Counter(STREAM_OF.get(endpoint_of(r.path), r.path) for r in server.requests)


def traffic_pairs(server: FakeWistia) -> Counter[tuple[str, str]]:
    return Counter(
        (r.path.split("/")[3], r.query["start_date"][0][:7])
        for r in server.requests
        if r.path.startswith("/analytics/medias/") and r.path.endswith("/traffic")
    )


def test_long_tail_account_costs_in_proportion_to_activity():
    dataset = long_tail_dataset()
    played = {event["media_id"] for event in dataset.events}
    assert (len(dataset.medias), len(played), len(dataset.events)) == (500, 20, 20_000)
    local_months = {
        (e["media_id"], parse_timestamp(e["received_at"]).astimezone(ACCOUNT_TZ).strftime("%Y-%m"))
        for e in dataset.events
    }
    possible_months = {
        (e["media_id"], month)
        for e in dataset.events
        for month in months_of(parse_timestamp(e["received_at"]))
    }
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=91)
    with FakeWistia(dataset) as server:
        config = {
            "api_token": server.token,
            "api_url": server.url,
            "start_date": start.strftime("%Y-%m-%dT00:00:00Z"),
        }
        first = run_sync(config)
        # Events first: they tell the per-media streams where activity was.
        order = [STREAM_OF.get(endpoint_of(r.path)) for r in server.requests]
        last_events = max(i for i, name in enumerate(order) if name == "events")
        assert last_events < order.index("media_stats") < order.index("media_analytics_daily")
        costs, medias = requests_per_stream(server), medias_per_stream(server)
        assert sum(costs.values()) <= 3_000, costs
        assert costs["media_stats"] == 500  # lifetime totals: every media, once
        for stream in PLAY_DRIVEN:
            assert medias[stream] == played, stream
        # Monthly traffic: only (media, month) pairs with events, each month once.
        pairs = traffic_pairs(server)
        assert local_months <= set(pairs) <= possible_months
        assert set(pairs.values()) == {5}  # the five dimensions

        server.clear_requests()
        add_plays(dataset, 300)
        run_sync(config, state=age_state(first.final_state))
        costs, medias = requests_per_stream(server), medias_per_stream(server)
        assert sum(costs.values()) <= 600, costs
        today = (dt.datetime.now(dt.UTC).date() - EPOCH).days % 7
        on_turn = {m["hashed_id"] for m in dataset.medias if turn_of(m["hashed_id"], 7) == today}
        assert medias["media_stats"] == played | on_turn
        for stream in PLAY_DRIVEN:
            assert medias[stream] == played, stream
        this_month = {
            month
            for month in months_of(dt.datetime.now(dt.UTC))
            if month >= start.strftime("%Y-%m")
        }
        assert {month for _, month in traffic_pairs(server)} <= this_month | {
            (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).strftime("%Y-%m")
        }
        assert {media for media, _ in traffic_pairs(server)} == played
