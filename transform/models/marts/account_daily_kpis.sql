-- The account's KPIs per UTC day: Wistia's own daily totals (account_daily_stats: loads,
-- plays, hours watched) beside what the viewing sessions of that day say (sessions, played
-- sessions, unique visitors, form conversions, hours watched from percent viewed x the
-- media's duration). Wistia counts a play per session, so plays and sessions of a day
-- agree: tests/assert_account_daily_kpis_reconcile.sql checks it on every day the loaded
-- sessions cover. Every session counts here, whatever var('views_filter') says: Wistia's
-- plays do not follow it. A media deleted in Wistia takes its stats with it, while its
-- sessions stay in the events (history, docs/deletions.md): a day's plays re-read after the
-- deletion lack its plays, a day loaded before keeps them (account_daily_stats is
-- incremental: only its last day is re-read). deleted_media_sessions says how many of a
-- day's sessions may be missing from its plays.
with stats as (
    select account_id, stats_date, loads, plays, hours_watched
    from {{ ref('stg_wistia__account_daily_stats') }}
),

medias as (
    select account_id, media_id, duration_seconds, is_deleted
    from {{ ref('stg_wistia__medias') }}
),

sessions as (
    select
        e.account_id,
        cast(e.received_at as date) as session_date,
        count(*) as sessions,
        sum(case when e.percent_viewed > 0 then 1 else 0 end) as played_sessions,
        count(distinct e.visitor_key) as unique_visitors,
        sum(case when e.conversion_type is not null then 1 else 0 end) as form_conversions,
        sum(case when m.is_deleted then 1 else 0 end) as deleted_media_sessions,
        sum(coalesce(e.percent_viewed, 0) * coalesce(m.duration_seconds, 0)) / 3600.0
            as session_hours_watched
    from {{ ref('stg_wistia__events') }} as e
    left join medias as m
        on {{ wistia_join_on('e', 'm', ['media_id']) }}
    group by e.account_id, cast(e.received_at as date)
),

coverage as (
    select account_id, min(session_date) as first_day, max(session_date) as last_day
    from sessions
    group by account_id
)

select
    s.account_id,
    {{ wistia_account_name('s.account_id') }} as account_name,
    s.stats_date,
    s.loads,
    s.plays,
    case when s.loads > 0 then cast(s.plays as {{ wistia_type_double() }}) / s.loads end
        as play_rate,
    s.hours_watched,
    coalesce(e.sessions, 0) as sessions,
    coalesce(e.played_sessions, 0) as played_sessions,
    coalesce(e.unique_visitors, 0) as unique_visitors,
    coalesce(e.form_conversions, 0) as form_conversions,
    coalesce(e.session_hours_watched, 0) as session_hours_watched,
    coalesce(e.deleted_media_sessions, 0) as deleted_media_sessions,
    s.plays - coalesce(e.sessions, 0) as plays_minus_sessions,
    s.stats_date between c.first_day and c.last_day as sessions_loaded
from stats as s
left join coverage as c
    on s.account_id = c.account_id
left join sessions as e
    on s.account_id = e.account_id and s.stats_date = e.session_date
