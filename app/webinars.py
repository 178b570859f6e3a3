"""The figures of the Webinars page: the attendance funnel, engagement and the audience,
read from the `webinar_attendance` mart and the staged audience (no logic in the page).

Decisions:
- Totals of a webinar, or of every webinar, are sums of the mart's rows (one per webinar
  and UTM source); rates are recomputed from the sums, and engagement is weighted by
  attendees, never an average of averages.
- The audience table reads `stg_wistia__webinar_audience` (one row per registrant, emails
  already kept, hashed or dropped by dbt's email_privacy): no mart repeats it.
- A warehouse without webinar data (a plan without webinars, or built before these
  models) answers None, and the page says why instead of failing.
"""

from __future__ import annotations

from typing import Any

from app.warehouse import Warehouse

# Weighted sums over the mart's rows; `selected` holds them.
FUNNEL_SUMS = (
    "sum(impressions) as impressions, sum(registrants) as registrants,"
    " sum(attendees) as attendees, sum(on_demand_viewers) as on_demand_viewers,"
    " sum(minutes_watched) as minutes_watched,"
    " sum(engagement_rate * attendees) as engaged_attendees"
)
FUNNEL_RATES = (
    " case when registrants > 0 then cast(attendees as double precision) / registrants end"
    " as attendance_rate,"
    " case when attendees > 0 then minutes_watched / attendees end as minutes_per_attendee,"
    " case when attendees > 0 then engaged_attendees / attendees end as engagement_rate"
)
AUDIENCE_COLUMNS = (
    "email", "first_name", "last_name", "company", "job_title", "attendance_status",
    "registered_at", "attended_at", "minutes_watched", "engagement_rate", "chat_count",
    "utm_source", "utm_medium", "utm_campaign", "referrer_domain",
)  # fmt: skip


def _webinar_filter(webinar_id: str | None) -> tuple[str, dict[str, Any]]:
    if webinar_id is None:
        return "1 = 1", {}
    return "webinar_id = :webinar_id", {"webinar_id": webinar_id}


def webinar_list(wh: Warehouse) -> list[dict[str, Any]] | None:
    """One row per webinar with its funnel totals, newest first; None without the mart."""
    if not wh.has_table("webinar_attendance"):
        return None
    return wh.rows(
        f"select *, {FUNNEL_RATES} from (select webinar_id,"
        " max(webinar_title) as webinar_title, max(scheduled_for) as scheduled_for,"
        f" max(lifecycle_status) as lifecycle_status, {FUNNEL_SUMS}"
        " from {schema}.webinar_attendance group by webinar_id) as selected"
        " order by scheduled_for desc, webinar_id"
    )


def webinar_funnel_by_source(wh: Warehouse, webinar_id: str | None) -> list[dict[str, Any]]:
    """The funnel per UTM source, for one webinar or all of them, most registrants first."""
    where, params = _webinar_filter(webinar_id)
    return wh.rows(
        f"select *, {FUNNEL_RATES} from (select utm_source, {FUNNEL_SUMS}"
        f" from {{schema}}.webinar_attendance where {where} group by utm_source) as selected"
        " order by registrants desc, utm_source",
        params,
    )


def webinar_audience(wh: Warehouse, webinar_id: str | None) -> list[dict[str, Any]]:
    """The registrants of one webinar (or all), attendees first, longest watchers first."""
    if not wh.has_table("stg_wistia__webinar_audience"):
        return []
    where, params = _webinar_filter(webinar_id)
    columns = ", ".join(
        "played_seconds / 60.0 as minutes_watched" if c == "minutes_watched" else c
        for c in AUDIENCE_COLUMNS
    )
    return wh.rows(
        f"select webinar_id, {columns} from {{schema}}.stg_wistia__webinar_audience"
        f" where {where}"
        " order by case when attendance_status = 'attended' then 0 else 1 end,"
        " played_seconds desc nulls last, email",
        params,
    )
