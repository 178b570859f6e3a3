"""The figures of the Traffic & conversions page, read from the Wistia Analytics API marts
(media_traffic_monthly, media_conversions_daily, media_conversions; no logic in the page).

Every figure follows the sidebar's period and medias. Conversions are per day, so they are
summed over the period's days exactly; Wistia reports traffic per month, so traffic covers
the months that overlap the period (`traffic_months` says which). Rates are recomputed
from the summed counts, never averaged.

Those marts are empty when the account's plan or the API token cannot read analytics (the
tap skips the analytics streams with a warning), and absent from a warehouse built before
they existed: `mart_rows` says which ones hold rows, so the page can explain instead of
failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.metrics import Period, media_filter
from app.warehouse import Warehouse, in_list

# The marts the page reads, then the all-period marts an older warehouse may hold alone
# (built before the period-level ones): the page then asks for a rebuild.
PERIOD_MARTS = ("media_traffic_monthly", "media_conversions_daily", "media_conversions")
ALL_PERIOD_MARTS = ("media_traffic_sources", "media_conversion_rates")
ANALYTICS_MARTS = PERIOD_MARTS + ALL_PERIOD_MARTS
TRAFFIC_DIMENSIONS = {
    "UTM source": "utm_source",
    "UTM medium": "utm_medium",
    "UTM campaign": "utm_campaign",
    "Referrer domain": "referrer_domain",
}
# Months (account-local, period_end exclusive) that share at least one day with the period.
OVERLAPS = "period_start <= :day_to and period_end > :day_from"
# Plays / loads and engaged plays / plays of summed counts (`selected` holds the sums).
TRAFFIC_RATES = (
    " case when loads > 0 then cast(plays as double precision) / loads end as play_rate,"
    " case when plays > 0 then engaged_plays / plays end as engagement_rate"
)


def days(period: Period) -> dict[str, Any]:
    """The period's first and last day, the :day_from and :day_to of the queries."""
    return {"day_from": period.start, "day_to": period.end}


def mart_rows(wh: Warehouse) -> dict[str, int]:
    """Rows in each analytics mart, 0 for a mart that does not exist."""
    names, params = in_list("mart", ANALYTICS_MARTS)
    present = {
        row["table_name"]
        for row in wh.rows(
            "select table_name from information_schema.tables"
            f" where table_schema = :schema and table_name in {names}",
            {"schema": wh.config.schema, **params},
        )
    }
    counts = dict.fromkeys(ANALYTICS_MARTS, 0)
    if present:
        # Only relations that exist are named: a missing one would fail the whole query.
        union = " union all ".join(
            f"select '{mart}' as mart, count(*) as n from {{schema}}.{mart}"
            for mart in ANALYTICS_MARTS
            if mart in present
        )
        counts.update({row["mart"]: int(row["n"]) for row in wh.rows(union)})
    return counts


def traffic_months(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None
) -> tuple[str, str] | None:
    """First and last month (YYYY-MM) of traffic of the medias (None = all) that overlap the
    period; None without any."""
    where, params = media_filter("media_id", media_ids)
    row = wh.rows(
        "select min(period_month) as first_month, max(period_month) as last_month"
        f" from {{schema}}.media_traffic_monthly where {OVERLAPS} and {where}",
        {**days(period), **params},
    )[0]
    if row["first_month"] is None:
        return None
    return row["first_month"], row["last_month"]


def traffic_sources(
    wh: Warehouse, dimension: str, period: Period, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Loads, plays, play rate, engagement and share of plays per value of `dimension` (a
    TRAFFIC_DIMENSIONS value), the selected medias (None = all) and the months overlapping
    the period added up. Most plays first."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        f"select dimension_value, loads, plays,{TRAFFIC_RATES},"
        " case when sum(plays) over () > 0"
        "   then cast(plays as double precision) / sum(plays) over () end as share_of_plays"
        " from (select dimension_value, sum(loads) as loads, sum(plays) as plays,"
        "   sum(engaged_plays) as engaged_plays from {schema}.media_traffic_monthly"
        f"   where dimension = :dimension and {OVERLAPS} and {where}"
        "   group by dimension_value) as selected"
        " order by plays desc, dimension_value",
        {"dimension": dimension, **days(period), **params},
    )


def traffic_by_media(
    wh: Warehouse, dimension: str, period: Period, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Each media's sources for `dimension` over the months overlapping the period."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        f"select media_name, project_name, media_id, dimension_value, loads, plays,{TRAFFIC_RATES},"
        " case when sum(plays) over (partition by media_id) > 0"
        "   then cast(plays as double precision) / sum(plays) over (partition by media_id)"
        " end as share_of_plays"
        " from (select media_id, max(media_name) as media_name,"
        "   max(project_name) as project_name, dimension_value, sum(loads) as loads,"
        "   sum(plays) as plays, sum(engaged_plays) as engaged_plays"
        "   from {schema}.media_traffic_monthly"
        f"   where dimension = :dimension and {OVERLAPS} and {where}"
        "   group by media_id, dimension_value) as selected"
        " order by media_name, media_id, plays desc, dimension_value",
        {"dimension": dimension, **days(period), **params},
    )


# Form submissions per play and CTA clicks per impression, from summed counts.
CONVERSION_RATES = (
    " case when cta_impressions > 0 then cast(cta_conversions as double precision)"
    "   / cta_impressions end as cta_conversion_rate,"
    " case when plays > 0 then cast(form_conversions as double precision)"
    "   / plays end as form_conversion_rate"
)


def conversion_rates(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """CTA and form conversion rates per media over the period's days, with the distinct
    leads (emails) who submitted a form in the period; most form conversions first."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        "select d.media_name, d.project_name, d.media_id, d.plays, d.cta_impressions,"
        " d.cta_conversions, d.cta_conversion_rate, d.form_conversions,"
        " d.form_conversion_rate, coalesce(l.distinct_leads, 0) as distinct_leads"
        f" from (select *,{CONVERSION_RATES} from ("
        "   select media_id, max(media_name) as media_name, max(project_name) as project_name,"
        "   sum(plays) as plays, sum(cta_impressions) as cta_impressions,"
        "   sum(cta_conversions) as cta_conversions, sum(form_conversions) as form_conversions"
        "   from {schema}.media_conversions_daily"
        f"   where analytics_date between :day_from and :day_to and {where}"
        "   group by media_id) as summed) as d"
        " left join (select media_id, count(distinct lower(email)) as distinct_leads"
        "   from {schema}.media_conversions"
        f"   where converted_at >= :ts_from and converted_at < :ts_to and {where}"
        "   group by media_id) as l on d.media_id = l.media_id"
        " order by d.form_conversions desc, d.cta_conversions desc, d.media_name, d.media_id",
        {**days(period), **period.bounds(), **params},
    )


def conversion_totals(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None
) -> dict[str, Any]:
    """The selected medias' CTA clicks per impression and form submissions per play over
    the period's days."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        f"select *,{CONVERSION_RATES} from (select sum(cta_conversions) as cta_conversions,"
        " sum(cta_impressions) as cta_impressions, sum(form_conversions) as form_conversions,"
        " sum(plays) as plays from {schema}.media_conversions_daily"
        f" where analytics_date between :day_from and :day_to and {where}) as summed",
        {**days(period), **params},
    )[0]


def conversions(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Form submissions (leads) in the period with their media and the matching viewer's
    sessions, newest first."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        "select converted_at, email, first_name, last_name, media_name, project_name, media_id,"
        " sessions_on_media_before_conversion, visitor_sessions_on_media, visitor_sessions,"
        " max_percent_viewed_on_media from {schema}.media_conversions"
        f" where converted_at >= :ts_from and converted_at < :ts_to and {where}"
        " order by converted_at desc, media_id, email",
        {**period.bounds(), **params},
    )
