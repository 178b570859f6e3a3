"""The Traffic & conversions queries against the synced DuckDB: every figure is recomputed
here with independent SQL over the raw analytics tables the tap loaded (schema tap_wistia),
not the marts the app reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from app import metrics, traffic
from app.metrics import Period
from app.warehouse import Warehouse, WarehouseConfig
from tests.app.conftest import SyncedProject


@pytest.fixture
def wh(synced: SyncedProject) -> Warehouse:
    return Warehouse(WarehouseConfig(duckdb_path=synced.duckdb_path))


@pytest.fixture
def project_medias(wh: Warehouse) -> list[str]:
    catalog = metrics.media_catalog(wh)
    media_ids = metrics.select_medias(catalog, catalog[0]["project_name"], None)
    assert media_ids and len(media_ids) < len(catalog)
    return media_ids


def in_medias(media_ids: list[str] | None) -> str:
    if media_ids is None:
        return ""
    return "and media_id in (" + ",".join(f"'{m}'" for m in media_ids) + ")"


@pytest.mark.parametrize("scope", ["account", "project"])
@pytest.mark.parametrize("dimension", ["utm_source", "referrer_domain"])
def test_traffic_sources_equal_raw_sql(
    synced: SyncedProject, wh: Warehouse, project_medias: list[str], scope: str, dimension: str
):
    media_ids = None if scope == "account" else project_medias
    raw = synced.query(
        "select value, sum(loads), sum(plays), sum(engagement_rate * plays) / sum(plays)"
        f" from tap_wistia.media_traffic where dimension = '{dimension}' {in_medias(media_ids)}"
        " group by value"
    )
    got = traffic.traffic_sources(wh, dimension, media_ids)
    assert {r["dimension_value"]: (r["loads"], r["plays"]) for r in got} == {
        value: (loads, plays) for value, loads, plays, _ in raw
    }
    engagement = {value: rate for value, _, _, rate in raw}
    total_plays = sum(plays for _, _, plays, _ in raw)
    for row in got:
        assert row["engagement_rate"] == pytest.approx(engagement[row["dimension_value"]])
        assert row["play_rate"] == pytest.approx(row["plays"] / row["loads"])
        assert row["share_of_plays"] == pytest.approx(row["plays"] / total_plays)
    assert [r["plays"] for r in got] == sorted((r["plays"] for r in got), reverse=True)
    assert "(none)" in engagement and len(got) > 2


def test_traffic_days_and_rows_per_media(
    synced: SyncedProject, wh: Warehouse, project_medias: list[str]
):
    ((first, end),) = synced.query(
        "select min(cast(period_start as date)), max(cast(period_end as date))"
        f" from tap_wistia.media_traffic where true {in_medias(project_medias)}"
    )
    assert traffic.traffic_days(wh, project_medias) == (first, end - dt.timedelta(days=1))
    ((pairs,),) = synced.query(
        "select count(*) from (select distinct media_id, value from tap_wistia.media_traffic"
        " where dimension = 'utm_campaign') as t"
    )
    per_media = traffic.traffic_by_media(wh, "utm_campaign", None)
    assert len(per_media) == pairs
    assert {r["media_id"] for r in per_media} >= set(project_medias)
    assert traffic.traffic_days(wh, []) is None


def test_conversion_rates_equal_raw_sql(
    synced: SyncedProject, wh: Warehouse, project_medias: list[str]
):
    raw = synced.query(
        "select d.media_id, d.plays, d.impressions, d.clicks, d.forms,"
        " coalesce(l.leads, 0) from (select media_id, sum(plays) as plays,"
        "   sum(cta_impressions) as impressions, sum(cta_conversions) as clicks,"
        "   sum(form_conversions) as forms from tap_wistia.media_analytics_daily"
        "   group by media_id) as d"
        " left join (select media_id, count(distinct lower(email)) as leads"
        "   from tap_wistia.media_conversions where email <> '(none)' group by media_id) as l"
        " using (media_id)"
    )
    got = {r["media_id"]: r for r in traffic.conversion_rates(wh, None)}
    assert got.keys() == {row[0] for row in raw}
    for media_id, plays, impressions, clicks, forms, leads in raw:
        row = got[media_id]
        assert (row["plays"], row["cta_impressions"], row["cta_conversions"]) == (
            plays,
            impressions,
            clicks,
        )
        assert (row["form_conversions"], row["distinct_leads"]) == (forms, leads)
        assert row["cta_conversion_rate"] == (
            pytest.approx(clicks / impressions) if impressions else None
        )
        assert row["form_conversion_rate"] == (pytest.approx(forms / plays) if plays else None)
    assert sum(row[4] for row in raw) > 0 and sum(row[3] for row in raw) > 0

    picked = [row for row in raw if row[0] in project_medias]
    totals = traffic.conversion_totals(wh, project_medias)
    assert totals["cta_conversion_rate"] == pytest.approx(
        sum(r[3] for r in picked) / sum(r[2] for r in picked)
    )
    assert totals["form_conversion_rate"] == pytest.approx(
        sum(r[4] for r in picked) / sum(r[1] for r in picked)
    )
    assert len(traffic.conversion_rates(wh, project_medias)) == len(picked)
    ((first, last),) = synced.query(
        "select min(cast(date as date)), max(cast(date as date))"
        f" from tap_wistia.media_analytics_daily where true {in_medias(project_medias)}"
    )
    assert (totals["first_day"], totals["last_day"]) == (first, last)


def test_conversions_follow_period_and_medias(
    synced: SyncedProject, wh: Warehouse, project_medias: list[str]
):
    _first, last = metrics.data_days(wh)
    period = Period(last - dt.timedelta(days=20), last)
    end = period.end + dt.timedelta(days=1)
    for media_ids in (None, project_medias):
        raw = synced.query(
            "select media_id, email, converted_at from tap_wistia.media_conversions"
            f" where converted_at >= '{period.start}' and converted_at < '{end}'"
            f" {in_medias(media_ids)}"
        )
        got = traffic.conversions(wh, period, media_ids)
        assert sorted((r["media_id"], r["email"], r["converted_at"]) for r in got) == sorted(raw)
        assert [r["converted_at"] for r in got] == sorted(
            (r["converted_at"] for r in got), reverse=True
        )
    everything = traffic.conversions(wh, Period(*metrics.data_days(wh)), None)
    assert 0 < len(traffic.conversions(wh, period, None)) < len(everything)


def test_mart_rows_counts_rows_and_absent_marts(synced: SyncedProject, tmp_path: Path):
    ((conversions,),) = synced.query("select count(*) from analytics.media_conversions")
    assert (
        traffic.mart_rows(Warehouse(WarehouseConfig(duckdb_path=synced.duckdb_path)))[
            "media_conversions"
        ]
        == conversions
        > 0
    )
    path = tmp_path / "partial.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema analytics")
        conn.execute("create table analytics.media_conversions as select 1 as x union all select 2")
        conn.execute("create table analytics.media_conversion_rates (media_id varchar)")
    assert traffic.mart_rows(Warehouse(WarehouseConfig(duckdb_path=path))) == {
        "media_traffic_sources": 0,
        "media_conversions": 2,
        "media_conversion_rates": 0,
    }
