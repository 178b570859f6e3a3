"""The data-access module against the synced DuckDB: every figure is recomputed here with
independent SQL over the raw tables the tap loaded (schema tap_wistia), not the marts."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from app import metrics
from app.metrics import Period
from app.warehouse import Warehouse, WarehouseConfig, WarehouseError
from tests.app.conftest import SyncedProject


@pytest.fixture
def wh(synced: SyncedProject) -> Warehouse:
    return Warehouse(WarehouseConfig(duckdb_path=synced.duckdb_path))


@pytest.fixture
def period(wh: Warehouse) -> Period:
    _first_day, last_day = metrics.data_days(wh)
    return Period(last_day - dt.timedelta(days=13), last_day)


def raw_kpis(synced: SyncedProject, period: Period, media_ids: list[str] | None) -> dict:
    in_media = (
        ""
        if media_ids is None
        else "and media_id in (" + ",".join(f"'{m}'" for m in media_ids) + ")"
    )
    days = f"cast(date as date) between '{period.start}' and '{period.end}'"
    ((plays, loads, hours),) = synced.query(
        "select coalesce(sum(play_count), 0), coalesce(sum(load_count), 0),"
        " coalesce(sum(hours_watched), 0) from tap_wistia.media_daily_stats"
        f" where {days} {in_media}"
    )
    end = period.end + dt.timedelta(days=1)
    events = (
        f"from tap_wistia.events as e left join tap_wistia.visitors as v using (visitor_key)"
        f" where e.received_at >= '{period.start}' and e.received_at < '{end}'"
        f" {in_media.replace('media_id', 'e.media_id')}"
    )
    ((visitors, avg_viewed, identified),) = synced.query(
        "select count(distinct e.visitor_key), avg(e.percent_viewed),"
        " count(distinct case when coalesce(nullif(e.email, ''),"
        "   nullif(v.visitor_identity__email, ''), nullif(e.conversion_data__email, ''),"
        "   nullif(v.visitor_identity__name, ''), nullif(e.conversion_data__first_name, ''),"
        "   nullif(e.conversion_data__last_name, '')) is not null then e.visitor_key end) " + events
    )
    return {
        "plays": plays,
        "loads": loads,
        "hours": hours,
        "visitors": visitors,
        "avg_viewed": avg_viewed,
        "identified": identified,
    }


@pytest.mark.parametrize("scope", ["all", "project", "media"])
def test_kpis_equal_raw_sql(synced: SyncedProject, wh: Warehouse, period: Period, scope: str):
    catalog = metrics.media_catalog(wh)
    project = catalog[0]["project_name"] if scope == "project" else None
    media_id = catalog[-1]["media_id"] if scope == "media" else None
    media_ids = metrics.select_medias(catalog, project, media_id)
    got = metrics.kpis(wh, period, media_ids)
    want = raw_kpis(synced, period, media_ids)
    assert got.plays == want["plays"] and got.loads == want["loads"]
    assert got.plays > 0
    assert got.play_rate == pytest.approx(want["plays"] / want["loads"])
    assert got.hours_watched == pytest.approx(want["hours"])
    assert got.unique_visitors == want["visitors"]
    assert got.avg_percent_viewed == pytest.approx(want["avg_viewed"])
    assert got.identified_viewers == want["identified"]
    if scope != "all":
        assert got.plays < metrics.kpis(wh, period, None).plays


def test_previous_period_is_the_same_length_just_before(wh: Warehouse, synced: SyncedProject):
    period = Period(dt.date(2026, 3, 10), dt.date(2026, 3, 16))
    assert period.previous() == Period(dt.date(2026, 3, 3), dt.date(2026, 3, 9))
    _first_day, last_day = metrics.data_days(wh)
    recent = Period(last_day - dt.timedelta(days=6), last_day)
    assert (
        metrics.kpis(wh, recent.previous(), None).plays
        == raw_kpis(synced, recent.previous(), None)["plays"]
    )


def test_trends_by_resolution(synced: SyncedProject, wh: Warehouse, period: Period):
    daily = metrics.play_trends(wh, "1d", period, None)
    weekly = metrics.play_trends(wh, "7d", period, None)
    hourly = metrics.play_trends(wh, "1h", period, None)
    assert len(daily) == period.days  # zero-filled: one bucket per day
    # Every hour of the period, also after the last hour with data.
    assert len(hourly) == 24 * period.days
    assert sum(r["plays"] for r in hourly) == sum(r["plays"] for r in daily)
    assert 2 <= len(weekly) <= 3
    end = period.end + dt.timedelta(days=1)
    per_day = dict(
        synced.query(
            "select cast(received_at as date), count(distinct visitor_key) from tap_wistia.events"
            f" where received_at >= '{period.start}' and received_at < '{end}' group by 1"
        )
    )
    assert {row["bucket_start"].date(): row["unique_visitors"] for row in daily} == {
        day: per_day.get(day, 0) for day in (row["bucket_start"].date() for row in daily)
    }
    media_id = metrics.media_catalog(wh)[0]["media_id"]
    one = metrics.play_trends(wh, "1d", period, [media_id])
    assert sum(r["plays"] for r in one) < sum(r["plays"] for r in daily)


def test_trends_of_a_media_reach_the_end_of_the_period(synced: SyncedProject, wh: Warehouse):
    """The media whose plays stop first: its buckets still run to the period's end, idle
    ones at zero, and the totals are those of its sessions."""
    _first_day, last_day = metrics.data_days(wh)
    ((media_id, last_played),) = synced.query(
        "select media_id, cast(max(received_at) as date) from tap_wistia.events"
        " where percent_viewed > 0 group by media_id order by 2, 1 limit 1"
    )
    assert last_played < last_day - dt.timedelta(days=1), "every media plays to the end"
    period = Period(last_played - dt.timedelta(days=6), last_day)
    daily = metrics.play_trends(wh, "1d", period, [media_id])
    days = [period.start + dt.timedelta(days=n) for n in range(period.days)]
    assert [row["bucket_start"].date() for row in daily] == days
    assert all(row["plays"] == 0 for row in daily if row["bucket_start"].date() > last_played)
    end = period.end + dt.timedelta(days=1)
    ((plays, sessions),) = synced.query(
        "select count(*) filter (where percent_viewed > 0), count(*) from tap_wistia.events"
        f" where media_id = '{media_id}' and received_at >= '{period.start}'"
        f" and received_at < '{end}'"
    )
    assert sum(r["plays"] for r in daily) == plays > 0
    assert sum(r["loads"] for r in daily) == sessions
    hourly = metrics.play_trends(wh, "1h", period, [media_id])
    assert len(hourly) == 24 * period.days and hourly[-1]["bucket_start"].hour == 23
    assert sum(r["plays"] for r in hourly) == plays
    weekly = metrics.play_trends(wh, "7d", period, [media_id])
    steps = {b["bucket_start"] - a["bucket_start"] for a, b in itertools.pairwise(weekly)}
    assert steps == {dt.timedelta(days=7)}
    assert weekly[0]["bucket_start"].date() <= period.start
    assert period.end - dt.timedelta(days=7) < weekly[-1]["bucket_start"].date() <= period.end
    # A period without any session has no buckets (the pages then say so).
    assert (
        metrics.play_trends(wh, "1d", Period(dt.date(2001, 1, 1), dt.date(2001, 1, 9)), None) == []
    )


def test_audience_mix_counts_sessions(synced: SyncedProject, wh: Warehouse, period: Period):
    end = period.end + dt.timedelta(days=1)
    countries = dict(
        synced.query(
            "select coalesce(nullif(country, ''), '(unknown)'), count(*) from tap_wistia.events"
            f" where received_at >= '{period.start}' and received_at < '{end}' group by 1"
        )
    )
    got = metrics.audience_mix(wh, "Country", period, None)
    assert {row["value"]: row["sessions"] for row in got} == countries
    devices = metrics.audience_mix(wh, "Device", period, None)
    assert {row["value"] for row in devices} <= {"Mobile", "Desktop", "(unknown)"}
    assert sum(row["sessions"] for row in devices) == sum(countries.values())


def test_media_table_leads_and_engagement(synced: SyncedProject, wh: Warehouse):
    rows = metrics.media_table(wh, None)
    assert len(rows) == len(synced.dataset.medias)
    assert [r["plays"] for r in rows] == sorted((r["plays"] for r in rows), reverse=True)
    assert {r["play_count_tier"] for r in rows} <= {"top", "middle", "long tail"}
    every_day = Period(*metrics.data_days(wh))
    leads = metrics.leads(wh, every_day, None)
    ((pairs,),) = synced.query(
        "select count(*) from (select distinct coalesce(nullif(e.email, ''),"
        " nullif(v.visitor_identity__email, ''), nullif(e.conversion_data__email, '')) as email,"
        " e.media_id from tap_wistia.events as e left join tap_wistia.visitors as v"
        " using (visitor_key)) as t where email is not null"
    )
    assert len(leads) == pairs > 0
    media_id = rows[0]["media_id"]
    curve = metrics.engagement_curve(wh, media_id)
    assert [c["chunk_index"] for c in curve] == list(range(20))
    assert curve[0]["retention_pct"] == pytest.approx(100)


def test_hot_spots_and_most_rewatched_equal_the_latest_chunks(synced: SyncedProject, wh: Warehouse):
    """Drop-offs recomputed from the retention of consecutive chunks, rewatches per viewer
    from the averages, over each media's latest snapshot."""
    chunks: dict[str, list[tuple]] = {}
    for media_id, index, retention, rewatch_views, viewers in synced.query(
        "select media_id, chunk_index, retention_pct, avg_rewatch_views, avg_viewers"
        " from analytics.media_engagement_chunks as c where snapshot_date = ("
        "  select max(snapshot_date) from analytics.media_engagement_chunks as l"
        "  where l.media_id = c.media_id) order by media_id, chunk_index"
    ):
        chunks.setdefault(media_id, []).append((index, retention, rewatch_views, viewers))
    full_lists = 0
    for media_id, rows in chunks.items():
        drops = [
            (before[1] - after[1], after[0])
            for before, after in itertools.pairwise(rows)
            if after[1] is not None and before[1] - after[1] > 0
        ]
        want = sorted(drops, key=lambda drop: (-drop[0], drop[1]))[:3]
        got = metrics.drop_off_hot_spots(wh, media_id)
        assert [row["chunk_index"] for row in got] == [index for _drop, index in want]
        assert [row["drop_off_pct"] for row in got] == pytest.approx([d for d, _i in want])
        full_lists += len(got) == 3
        ratios = [(r[2] / r[3], r[0]) for r in rows if r[3] and r[2] / r[3] > 0]
        most = metrics.most_rewatched_chunk(wh, media_id)
        if ratios:
            ratio, index = min(ratios, key=lambda ratio: (-ratio[0], ratio[1]))
            assert (most["chunk_index"], most["rewatch_ratio"]) == (index, pytest.approx(ratio))
        else:
            assert most is None
    assert full_lists >= len(chunks) // 2
    # A media never played has no retention: no curve, no hot spot, nothing rewatched.
    unplayed = [m for m, rows in chunks.items() if all(r[1] is None for r in rows)]
    assert unplayed
    for media_id in unplayed:
        assert metrics.engagement_curve(wh, media_id) == []
        assert metrics.drop_off_hot_spots(wh, media_id) == []
        assert metrics.most_rewatched_chunk(wh, media_id) is None


def test_leads_threshold_equals_raw_sql(synced: SyncedProject, wh: Warehouse):
    """Identified (email, media) pairs whose furthest session reached the threshold."""
    media_ids = [metrics.media_catalog(wh)[0]["media_id"]]
    every_day = Period(*metrics.data_days(wh))
    for threshold, scope in [(0.0, None), (0.5, None), (0.75, None), (0.5, media_ids)]:
        in_media = "" if scope is None else f"and e.media_id = '{scope[0]}'"
        ((pairs,),) = synced.query(
            "select count(*) from (select coalesce(nullif(e.email, ''),"
            " nullif(v.visitor_identity__email, ''), nullif(e.conversion_data__email, ''))"
            " as email, e.media_id, max(e.percent_viewed) as furthest"
            " from tap_wistia.events as e left join tap_wistia.visitors as v"
            f" using (visitor_key) where true {in_media} group by 1, 2) as t"
            f" where email is not null and coalesce(furthest, 0) >= {threshold}"
        )
        got = metrics.leads(wh, every_day, scope, threshold)
        assert len(got) == metrics.count_leads(wh, every_day, scope, threshold) == pairs > 0
        assert all((row["max_percent_viewed"] or 0) >= threshold for row in got)
    assert metrics.count_leads(wh, every_day, None, 0.75) < metrics.count_leads(
        wh, every_day, None, 0.5
    )
    assert metrics.count_leads(wh, every_day, None, 0.5) < metrics.count_leads(wh, every_day, None)


def test_missing_warehouse_says_what_to_run(tmp_path):
    wh = Warehouse(WarehouseConfig(duckdb_path=tmp_path / "nothing.duckdb"))
    with pytest.raises(WarehouseError, match=r"run `bash scripts/quickstart.sh` first"):
        metrics.data_days(wh)


def test_connection_is_closed_after_each_query(synced: SyncedProject, wh: Warehouse):
    import duckdb

    metrics.kpis(wh, Period(dt.date(2026, 1, 1), dt.date(2026, 1, 2)), None)
    # A writer can open the file: the app holds no lock between queries (the sync needs it).
    with duckdb.connect(str(synced.duckdb_path)) as writer:
        assert writer.execute("select 1").fetchone() == (1,)
