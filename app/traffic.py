"""The figures of the Traffic & conversions page, read from the Wistia Analytics API marts
(media_traffic_sources, media_conversions, media_conversion_rates; no logic in the page).

Those marts are empty when the account's plan or the API token cannot read analytics (the
tap skips the analytics streams with a warning), and absent from a warehouse built before
they existed: `mart_rows` says which ones hold rows, so the page can explain instead of
failing. Traffic and conversion rates cover every month / day extracted (the marts are
not split by day); leads are filtered by the period like the other pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from app.metrics import Period, media_filter
from app.warehouse import Warehouse, in_list

ANALYTICS_MARTS = ("media_traffic_sources", "media_conversions", "media_conversion_rates")
TRAFFIC_DIMENSIONS = {
    "UTM source": "utm_source",
    "UTM medium": "utm_medium",
    "UTM campaign": "utm_campaign",
    "Referrer domain": "referrer_domain",
}


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


def traffic_days(wh: Warehouse, media_ids: Sequence[str] | None) -> tuple[dt.date, dt.date] | None:
    """First and last day the traffic figures of the medias (None = the account) cover."""
    # Per-media rows have a media id; the account's rows have none.
    where, params = (
        ("scope = 'account'", {}) if media_ids is None else media_filter("media_id", media_ids)
    )
    row = wh.rows(
        "select min(first_day) as first_day, max(end_day) as end_day"
        f" from {{schema}}.media_traffic_sources where {where}",
        params,
    )[0]
    if row["first_day"] is None:
        return None
    # end_day is exclusive in the mart.
    return row["first_day"], row["end_day"] - dt.timedelta(days=1)


def traffic_sources(
    wh: Warehouse, dimension: str, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Loads, plays, play rate, engagement and share of plays per value of `dimension` (a
    TRAFFIC_DIMENSIONS value): the account's rows without a media filter, else the selected
    medias' rows added up (engagement weighted by plays, as the mart does). Most plays first."""
    if media_ids is None:
        return wh.rows(
            "select dimension_value, loads, plays, play_rate, engagement_rate, share_of_plays"
            " from {schema}.media_traffic_sources"
            " where scope = 'account' and dimension = :dimension"
            " order by plays desc, dimension_value",
            {"dimension": dimension},
        )
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        "select dimension_value, loads, plays,"
        " case when loads > 0 then cast(plays as double precision) / loads end as play_rate,"
        " case when plays > 0 then engaged_plays / plays end as engagement_rate,"
        " case when sum(plays) over () > 0"
        "   then cast(plays as double precision) / sum(plays) over () end as share_of_plays"
        " from (select dimension_value, sum(loads) as loads, sum(plays) as plays,"
        "   sum(engagement_rate * plays) as engaged_plays"
        "   from {schema}.media_traffic_sources"
        f"   where scope = 'media' and dimension = :dimension and {where}"
        "   group by dimension_value) as selected"
        " order by plays desc, dimension_value",
        {"dimension": dimension, **params},
    )


def traffic_by_media(
    wh: Warehouse, dimension: str, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """The mart's per-media rows for `dimension`: each media's sources, most plays first."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        "select media_name, project_name, media_id, dimension_value, loads, plays, play_rate,"
        " engagement_rate, share_of_plays from {schema}.media_traffic_sources"
        f" where scope = 'media' and dimension = :dimension and {where}"
        " order by media_name, media_id, plays desc, dimension_value",
        {"dimension": dimension, **params},
    )


def conversion_rates(wh: Warehouse, media_ids: Sequence[str] | None) -> list[dict[str, Any]]:
    """CTA and form conversion rates per media, most form conversions first."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        "select media_name, project_name, media_id, plays, cta_impressions, cta_conversions,"
        " cta_conversion_rate, form_conversions, form_conversion_rate, distinct_leads,"
        f" first_day, last_day from {{schema}}.media_conversion_rates where {where}"
        " order by form_conversions desc, cta_conversions desc, media_name, media_id",
        params,
    )


def conversion_totals(wh: Warehouse, media_ids: Sequence[str] | None) -> dict[str, Any]:
    """The selected medias' CTA clicks per impression and form submissions per play, and the
    days those figures cover."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        "select sum(cta_conversions) as cta_conversions, sum(cta_impressions) as cta_impressions,"
        " case when sum(cta_impressions) > 0 then cast(sum(cta_conversions) as double precision)"
        "   / sum(cta_impressions) end as cta_conversion_rate,"
        " sum(form_conversions) as form_conversions, sum(plays) as plays,"
        " case when sum(plays) > 0 then cast(sum(form_conversions) as double precision)"
        "   / sum(plays) end as form_conversion_rate,"
        " min(first_day) as first_day, max(last_day) as last_day"
        f" from {{schema}}.media_conversion_rates where {where}",
        params,
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
