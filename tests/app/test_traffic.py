"""The Traffic & conversions queries against the synced DuckDB: every figure is recomputed
here with independent SQL over the raw analytics tables the tap loaded (schema tap_wistia),
not the marts the app reads, for two periods."""

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


@pytest.fixture
def periods(wh: Warehouse) -> tuple[Period, Period]:
    """Every day with data (42 days: two or three months of traffic), and ten days inside
    one month (its last ten days with data, or the previous month's last ten)."""
    first, last = metrics.data_days(wh)
    month_start = last.replace(day=1)
    end = last if last.day >= 10 else month_start - dt.timedelta(days=1)
    return Period(first, last), Period(end - dt.timedelta(days=9), end)


def raw_traffic(
    synced: SyncedProject, dimension: str, period: Period, media_ids: list[str] | None
) -> dict[str, tuple[int, int, float]]:
    """Loads, plays, engagement per value over the raw monthly rows overlapping the period."""
    rows = synced.query(
        "select value, sum(loads), sum(plays), sum(engagement_rate * plays) / sum(plays)"
        f" from tap_wistia.media_traffic where dimension = '{dimension}'"
        f" and cast(period_start as date) <= '{period.end}'"
        f" and cast(period_end as date) > '{period.start}' {in_medias(media_ids)}"
        " group by value"
    )
    return {value: (loads, plays, engaged) for value, loads, plays, engaged in rows}


@pytest.mark.parametrize("scope", ["account", "project"])
@pytest.mark.parametrize("dimension", ["utm_source", "referrer_domain"])
def test_traffic_sources_follow_period_and_equal_raw_sql(
    synced: SyncedProject,
    wh: Warehouse,
    project_medias: list[str],
    periods: tuple[Period, Period],
    scope: str,
    dimension: str,
):
    media_ids = None if scope == "account" else project_medias
    figures = {}
    for period in periods:
        raw = raw_traffic(synced, dimension, period, media_ids)
        got = traffic.traffic_sources(wh, dimension, period, media_ids)
        assert {r["dimension_value"]: (r["loads"], r["plays"]) for r in got} == {
            value: (loads, plays) for value, (loads, plays, _) in raw.items()
        }
        total_plays = sum(plays for _, plays, _ in raw.values())
        for row in got:
            assert row["engagement_rate"] == pytest.approx(raw[row["dimension_value"]][2])
            assert row["play_rate"] == pytest.approx(row["plays"] / row["loads"])
            assert row["share_of_plays"] == pytest.approx(row["plays"] / total_plays)
        assert [r["plays"] for r in got] == sorted((r["plays"] for r in got), reverse=True)
        assert "(none)" in raw and len(got) > 2
        figures[period] = sum(r["plays"] for r in got)
    # Every day spans two months or more of traffic, the ten days only one month.
    wide, narrow = periods
    assert figures[wide] > figures[narrow] > 0


def test_traffic_months_and_rows_per_media(
    synced: SyncedProject, wh: Warehouse, project_medias: list[str], periods: tuple[Period, Period]
):
    wide, narrow = periods
    months = synced.query(
        "select min(period), max(period) from tap_wistia.media_traffic"
        f" where cast(period_start as date) <= '{wide.end}'"
        f" and cast(period_end as date) > '{wide.start}' {in_medias(project_medias)}"
    )[0]
    assert traffic.traffic_months(wh, wide, project_medias) == months
    assert months[0] < months[1]
    last_month = narrow.end.strftime("%Y-%m")  # the month holding the ten days
    assert traffic.traffic_months(wh, narrow, None) == (last_month, last_month)
    assert traffic.traffic_months(wh, wide, []) is None
    before = Period(dt.date(2001, 1, 1), dt.date(2001, 1, 31))
    assert traffic.traffic_months(wh, before, None) is None
    assert traffic.traffic_sources(wh, "utm_source", before, None) == []

    ((pairs,),) = synced.query(
        "select count(*) from (select distinct media_id, value from tap_wistia.media_traffic"
        f" where dimension = 'utm_campaign' and period = '{last_month}') as t"
    )
    per_media = traffic.traffic_by_media(wh, "utm_campaign", narrow, None)
    assert len(per_media) == pairs
    assert {r["media_id"] for r in per_media} >= set(project_medias)
    for media_id in {r["media_id"] for r in per_media}:
        shares = [r["share_of_plays"] for r in per_media if r["media_id"] == media_id]
        assert sum(s or 0 for s in shares) == pytest.approx(1) or not any(shares)


def raw_conversions(synced: SyncedProject, period: Period) -> list[tuple]:
    """Per media over the period's days: plays, CTA impressions, clicks, forms, leads."""
    end = period.end + dt.timedelta(days=1)
    return synced.query(
        "select d.media_id, d.plays, d.impressions, d.clicks, d.forms,"
        " coalesce(l.leads, 0) from (select media_id, sum(plays) as plays,"
        "   sum(cta_impressions) as impressions, sum(cta_conversions) as clicks,"
        "   sum(form_conversions) as forms from tap_wistia.media_analytics_daily"
        f"   where cast(date as date) between '{period.start}' and '{period.end}'"
        "   group by media_id) as d"
        " left join (select media_id, count(distinct lower(email)) as leads"
        "   from tap_wistia.media_conversions where email <> '(none)'"
        f"   and converted_at >= '{period.start}' and converted_at < '{end}'"
        "   group by media_id) as l using (media_id)"
    )


def test_conversion_rates_follow_period_and_equal_raw_sql(
    synced: SyncedProject, wh: Warehouse, project_medias: list[str], periods: tuple[Period, Period]
):
    forms = {}
    for period in periods:
        raw = raw_conversions(synced, period)
        got = {r["media_id"]: r for r in traffic.conversion_rates(wh, period, None)}
        assert got.keys() == {row[0] for row in raw}
        for media_id, plays, impressions, clicks, form_count, leads in raw:
            row = got[media_id]
            assert (row["plays"], row["cta_impressions"], row["cta_conversions"]) == (
                plays,
                impressions,
                clicks,
            )
            assert (row["form_conversions"], row["distinct_leads"]) == (form_count, leads)
            assert row["cta_conversion_rate"] == (
                pytest.approx(clicks / impressions) if impressions else None
            )
            assert row["form_conversion_rate"] == (
                pytest.approx(form_count / plays) if plays else None
            )
        assert sum(row[4] for row in raw) > 0 and sum(row[3] for row in raw) > 0
        forms[period] = sum(row[4] for row in raw)

        # Rates of the selected medias recomputed from their summed counts.
        picked = [row for row in raw if row[0] in project_medias]
        totals = traffic.conversion_totals(wh, period, project_medias)
        assert (totals["plays"], totals["form_conversions"]) == (
            sum(r[1] for r in picked),
            sum(r[4] for r in picked),
        )
        assert totals["cta_conversion_rate"] == pytest.approx(
            sum(r[3] for r in picked) / sum(r[2] for r in picked)
        )
        assert totals["form_conversion_rate"] == pytest.approx(
            sum(r[4] for r in picked) / sum(r[1] for r in picked)
        )
        assert len(traffic.conversion_rates(wh, period, project_medias)) == len(picked)
    wide, narrow = periods
    assert forms[wide] > forms[narrow]


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
        "media_traffic_monthly": 0,
        "media_conversions_daily": 0,
        "media_conversions": 2,
        "media_traffic_sources": 0,
        "media_conversion_rates": 0,
    }
