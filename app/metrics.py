"""The figures the pages show, each read from a dbt mart (no business logic in the pages).

Every function takes a `Warehouse` and plain filter values and returns rows (dicts) or a
small dataclass. Periods are UTC days, both ends included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.warehouse import Warehouse, in_list

RESOLUTIONS = {"1 hour": "1h", "1 day": "1d", "7 days": "7d", "30 days": "30d"}
BUCKET_WIDTH = {
    "1h": dt.timedelta(hours=1),
    "1d": dt.timedelta(days=1),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
}
# The same widths as SQL intervals (both engines read these literals).
BUCKET_INTERVAL = {
    "1h": "interval '1 hour'",
    "1d": "interval '1 day'",
    "7d": "interval '7 days'",
    "30d": "interval '30 days'",
}
AUDIENCE_DIMENSIONS = {
    "Browser": "browser",
    "Platform": "platform",
    "Device": "case when is_mobile then 'Mobile' when not is_mobile then 'Desktop' end",
    "Country": "country",
}


@dataclass(frozen=True)
class Period:
    """UTC days `start`..`end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def bounds(self) -> dict[str, dt.datetime]:
        """Half-open timestamp bounds [start 00:00, end + 1 day 00:00) for timestamp columns."""
        start = dt.datetime.combine(self.start, dt.time())
        return {"ts_from": start, "ts_to": start + dt.timedelta(days=self.days)}


@dataclass(frozen=True)
class Kpis:
    plays: int
    loads: int
    play_rate: float | None
    hours_watched: float
    unique_visitors: int
    avg_percent_viewed: float | None
    identified_viewers: int


def media_filter(column: str, media_ids: Sequence[str] | None) -> tuple[str, dict[str, Any]]:
    """SQL condition + params restricting `column` to `media_ids` (None = every media)."""
    if media_ids is None:
        return "1 = 1", {}
    if not media_ids:
        return "1 = 0", {}
    sql, params = in_list("media", list(media_ids))
    return f"{column} in {sql}", params


def data_days(wh: Warehouse) -> tuple[dt.date, dt.date] | None:
    """First and last UTC day with viewing sessions or daily stats (None when empty)."""
    row = wh.rows(
        "select min(d) as first_day, max(d) as last_day from ("
        " select min(stats_date) as d from {schema}.media_daily_metrics"
        " union all select max(stats_date) from {schema}.media_daily_metrics"
        " union all select cast(min(viewed_at) as date) from {schema}.wistia_views_keyed"
        " union all select cast(max(viewed_at) as date) from {schema}.wistia_views_keyed"
        ") as days"
    )[0]
    if row["first_day"] is None:
        return None
    return _as_date(row["first_day"]), _as_date(row["last_day"])


def accounts(wh: Warehouse) -> dict[int, str]:
    """The Wistia accounts the marts hold (those with medias): id -> label, 'name (id)' when
    the `account` stream is loaded (two accounts may share a name), else 'Account id'; {}
    for marts built before they carried one (the app then reads them as they are)."""
    stamped = wh.rows(
        "select count(*) as n from information_schema.columns where table_schema = :schema"
        " and table_name = 'media_overview' and column_name = 'account_id'",
        {"schema": wh.config.schema},
    )[0]["n"]
    if not stamped:
        return {}
    return {
        int(row["account_id"]): (
            f"{row['account_name']} ({row['account_id']})"
            if row["account_name"]
            else f"Account {row['account_id']}"
        )
        for row in wh.rows(
            "select account_id, max(account_name) as account_name from {schema}.media_overview"
            " group by account_id order by account_id"
        )
    }


def media_catalog(wh: Warehouse) -> list[dict[str, Any]]:
    """Every media with its project, by project then name."""
    return wh.rows(
        "select media_id, media_name, project_name from {schema}.media_overview "
        "order by project_name, media_name, media_id"
    )


def kpis(wh: Warehouse, period: Period, media_ids: Sequence[str] | None) -> Kpis:
    """The period's KPI figures: plays/loads/hours from media_daily_metrics, viewers and
    percent viewed from the viewing sessions (wistia_views_keyed)."""
    daily_where, daily_params = media_filter("media_id", media_ids)
    daily = wh.rows(
        "select coalesce(sum(plays), 0) as plays, coalesce(sum(loads), 0) as loads,"
        " coalesce(sum(hours_watched), 0) as hours_watched"
        " from {schema}.media_daily_metrics"
        f" where stats_date between :day_from and :day_to and {daily_where}",
        {"day_from": period.start, "day_to": period.end, **daily_params},
    )[0]
    views_where, views_params = media_filter("media_id", media_ids)
    views = wh.rows(
        "select count(distinct visitor_key) as unique_visitors,"
        " avg(percent_viewed) as avg_percent_viewed,"
        " count(distinct case when email is not null or name is not null"
        "   then coalesce(visitor_key, email) end) as identified_viewers"
        " from {schema}.wistia_views_keyed"
        f" where viewed_at >= :ts_from and viewed_at < :ts_to and {views_where}",
        {**period.bounds(), **views_params},
    )[0]
    plays, loads = int(daily["plays"]), int(daily["loads"])
    return Kpis(
        plays=plays,
        loads=loads,
        play_rate=plays / loads if loads else None,
        hours_watched=float(daily["hours_watched"]),
        unique_visitors=int(views["unique_visitors"]),
        avg_percent_viewed=_float_or_none(views["avg_percent_viewed"]),
        identified_viewers=int(views["identified_viewers"]),
    )


def play_trends(
    wh: Warehouse, resolution: str, period: Period, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Loads (viewing sessions, played or not: not Wistia's load counter that `kpis`
    reads), plays, unique visitors and watch hours per bucket at `resolution`
    ('1h', '1d', '7d', '30d'): every bucket that overlaps the period (the first one may
    start before it), zeros where the mart has none, none at all when the period has no
    row; the account-wide mart when no media filter is set.

    The marts fill zeros only between a media's (or the account's) first and last active
    bucket, so without this spine a chart would end early, as if data were missing."""
    reference = wh.rows(
        "select min(bucket_start) as bucket_start from {schema}.play_trends_account"
        " where resolution = :resolution",
        {"resolution": resolution},
    )[0]["bucket_start"]
    if reference is None:
        return []
    width = BUCKET_WIDTH[resolution]
    bounds = period.bounds()
    # Buckets are aligned on the mart's own grid (7d and 30d follow a dbt anchor day).
    first = reference + (bounds["ts_from"] - reference) // width * width
    last = first + (-((first - bounds["ts_to"]) // width) - 1) * width
    if media_ids is None:
        source = (
            "select bucket_start, loads, plays, unique_visitors, watch_hours"
            " from {schema}.play_trends_account where resolution = :resolution"
            " and bucket_start between :first_bucket and :last_bucket"
        )
        params: dict[str, Any] = {}
    else:
        where, params = media_filter("media_id", media_ids)
        # Unique visitors cannot be added across medias: the per-media mart gives an
        # upper bound only, so the page says they are summed over the medias.
        source = (
            "select bucket_start, sum(loads) as loads, sum(plays) as plays,"
            " sum(unique_visitors) as unique_visitors, sum(watch_hours) as watch_hours"
            " from {schema}.play_trends where resolution = :resolution"
            f" and bucket_start between :first_bucket and :last_bucket and {where}"
            " group by bucket_start"
        )
    return wh.rows(
        # generate_series(timestamp, timestamp, interval) reads the same on DuckDB and
        # PostgreSQL; the casts keep PostgreSQL off `timestamp with time zone`.
        "with spine as (select s.bucket_start from generate_series("
        " cast(:first_bucket as timestamp), cast(:last_bucket as timestamp),"
        f" {BUCKET_INTERVAL[resolution]}) as s(bucket_start)),"
        f" trend as ({source})"
        " select spine.bucket_start, coalesce(t.loads, 0) as loads,"
        " coalesce(t.plays, 0) as plays, coalesce(t.unique_visitors, 0) as unique_visitors,"
        " coalesce(t.watch_hours, 0) as watch_hours"
        " from spine left join trend as t on t.bucket_start = spine.bucket_start"
        " where exists (select 1 from trend) order by spine.bucket_start",
        {"resolution": resolution, "first_bucket": first, "last_bucket": last, **params},
    )


def count_views(wh: Warehouse, period: Period, media_ids: Sequence[str] | None) -> int:
    """Viewing sessions in the period (the row count of the views export)."""
    where, params = media_filter("media_id", media_ids)
    return int(
        wh.rows(
            "select count(*) as n from {schema}.wistia_views_keyed"
            f" where viewed_at >= :ts_from and viewed_at < :ts_to and {where}",
            {**period.bounds(), **params},
        )[0]["n"]
    )


def media_table(wh: Warehouse, media_ids: Sequence[str] | None) -> list[dict[str, Any]]:
    """media_overview rows (lifetime figures and tiers), most played first."""
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        "select media_id, media_name, project_name, plays, loads, play_rate, hours_watched,"
        " unique_visitors, avg_percent_viewed, engagement, reached_25, reached_50,"
        " reached_75, reached_100, play_count_tier, play_rate_tier, hours_watched_tier,"
        " first_view_at, last_view_at"
        f" from {{schema}}.media_overview where {where}"
        " order by plays desc, media_name, media_id",
        params,
    )


# The media's latest engagement snapshot (the chunk queries below take :media_id).
LATEST_SNAPSHOT = (
    "snapshot_date = (select max(snapshot_date) from {schema}.media_engagement_chunks"
    " where media_id = :media_id)"
)
CHUNK_COLUMNS = "chunk_index, start_pct, end_pct, start_seconds, end_seconds"


def engagement_curve(wh: Warehouse, media_id: str) -> list[dict[str, Any]]:
    """The media's latest engagement snapshot, chunk by chunk; empty when the media has no
    snapshot or no viewers in it (retention is NULL for every chunk of a media never
    played, and its drop-offs and engagement would read as invented zeros)."""
    return wh.rows(
        f"select snapshot_date, {CHUNK_COLUMNS}, retention_pct, drop_off_pct, avg_viewers,"
        " avg_rewatch_views, rewatch_ratio, media_engagement"
        " from {schema}.media_engagement_chunks"
        f" where media_id = :media_id and retention_pct is not null and {LATEST_SNAPSHOT}"
        " order by chunk_index",
        {"media_id": media_id},
    )


def drop_off_hot_spots(wh: Warehouse, media_id: str, count: int = 3) -> list[dict[str, Any]]:
    """The `count` chunks of the latest snapshot that lose the most viewers (retention
    points lost vs the chunk before), largest loss first. Chunk 0 has no chunk before it,
    and a chunk that loses no one is no hot spot: fewer rows then."""
    return wh.rows(
        f"select {CHUNK_COLUMNS}, drop_off_pct from {{schema}}.media_engagement_chunks"
        " where media_id = :media_id and chunk_index > 0 and retention_pct is not null"
        f" and drop_off_pct > 0 and {LATEST_SNAPSHOT}"
        " order by drop_off_pct desc, chunk_index limit :count",
        {"media_id": media_id, "count": count},
    )


def most_rewatched_chunk(wh: Warehouse, media_id: str) -> dict[str, Any] | None:
    """The chunk of the latest snapshot with the most rewatch views per viewer (the first
    one on a tie); None when no part of the media was rewatched."""
    rows = wh.rows(
        f"select {CHUNK_COLUMNS}, rewatch_ratio from {{schema}}.media_engagement_chunks"
        f" where media_id = :media_id and rewatch_ratio > 0 and {LATEST_SNAPSHOT}"
        " order by rewatch_ratio desc, chunk_index limit 1",
        {"media_id": media_id},
    )
    return rows[0] if rows else None


def audience_mix(
    wh: Warehouse, dimension: str, period: Period, media_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Viewing sessions and distinct visitors per value of `dimension` (a key of
    AUDIENCE_DIMENSIONS) in the period, largest first; unknown values as '(unknown)'."""
    expr = AUDIENCE_DIMENSIONS[dimension]
    where, params = media_filter("media_id", media_ids)
    return wh.rows(
        f"select coalesce({expr}, '(unknown)') as value, count(*) as sessions,"
        " count(distinct visitor_key) as visitors"
        " from {schema}.wistia_views_keyed"
        f" where viewed_at >= :ts_from and viewed_at < :ts_to and {where}"
        f" group by coalesce({expr}, '(unknown)') order by sessions desc, value",
        {**period.bounds(), **params},
    )


def visitor_segments(wh: Warehouse) -> list[dict[str, Any]]:
    """Visitors per recency x frequency segment (as of the last dbt build)."""
    return wh.rows(
        "select recency_segment, frequency_segment, count(*) as visitors,"
        " sum(case when identity_segment = 'identified' then 1 else 0 end) as identified"
        " from {schema}.visitor_segments"
        " group by recency_segment, frequency_segment"
        " order by recency_segment, frequency_segment"
    )


def leads(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None, min_viewed: float = 0.0
) -> list[dict[str, Any]]:
    """Identified viewers x media with sessions in the period (lead_ready_viewers' columns,
    from those sessions only) that watched at least `min_viewed` (0..1) of the media then,
    furthest viewers first."""
    sql, params = _leads_query(period, media_ids, min_viewed)
    return wh.rows(
        f"select * from ({sql}) as period_leads"
        " order by max_percent_viewed desc, last_view_at desc, email, media_id",
        params,
    )


def count_leads(
    wh: Warehouse, period: Period, media_ids: Sequence[str] | None, min_viewed: float = 0.0
) -> int:
    """How many rows `leads` returns for the same filters."""
    sql, params = _leads_query(period, media_ids, min_viewed)
    return int(wh.rows(f"select count(*) as n from ({sql}) as period_leads", params)[0]["n"])


def _leads_query(
    period: Period, media_ids: Sequence[str] | None, min_viewed: float
) -> tuple[str, dict[str, Any]]:
    # lead_ready_viewers is all time, so the period's figures are recomputed here from the
    # sessions as the mart computes them (transform/models/marts/lead_ready_viewers.sql);
    # the join to the mart keeps its media name and whatever rows it leaves out.
    where, params = media_filter("media_id", media_ids)
    sql = (
        "with views as (select email, media_id, percent_viewed, viewed_at, event_key, name,"
        " employment_organization, title from {schema}.wistia_views_keyed"
        " where email is not null and media_id is not null"
        f" and viewed_at >= :ts_from and viewed_at < :ts_to and {where}),"
        " per_lead as (select email, media_id, max(percent_viewed) as max_percent_viewed,"
        " count(*) as sessions, min(viewed_at) as first_view_at, max(viewed_at) as last_view_at"
        " from views group by email, media_id),"
        " latest as (select * from (select views.*, row_number() over (partition by email,"
        " media_id order by viewed_at desc, event_key desc) as recency_rank from views) as r"
        " where recency_rank = 1)"
        " select p.email, l.name, l.employment_organization as organization, l.title,"
        " m.media_name, p.media_id, p.max_percent_viewed,"
        " coalesce(p.max_percent_viewed >= 0.25, false) as reached_25,"
        " coalesce(p.max_percent_viewed >= 0.5, false) as reached_50,"
        " coalesce(p.max_percent_viewed >= 0.75, false) as reached_75,"
        " coalesce(p.max_percent_viewed >= 1.0, false) as reached_100,"
        " p.sessions, p.first_view_at, p.last_view_at"
        " from per_lead as p"
        " inner join latest as l on p.email = l.email and p.media_id = l.media_id"
        " inner join {schema}.lead_ready_viewers as m"
        " on p.email = m.email and p.media_id = m.media_id"
        # A lead whose furthest position is unknown counts as 0 % viewed.
        " where coalesce(p.max_percent_viewed, 0) >= :min_viewed"
    )
    return sql, {**params, **period.bounds(), "min_viewed": min_viewed}


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def select_medias(
    catalog: Sequence[dict[str, Any]], project: str | None, media_id: str | None
) -> list[str] | None:
    """Media ids for a project and/or media choice (None = no filter: every media)."""
    if not project and not media_id:
        return None
    return [
        row["media_id"]
        for row in catalog
        if (not project or row["project_name"] == project)
        and (not media_id or row["media_id"] == media_id)
    ]
