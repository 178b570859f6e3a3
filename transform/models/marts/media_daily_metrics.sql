-- Loads, plays, play rate, hours watched and unique visitors per media per UTC day.
-- Loads/plays/hours come from Wistia's per-day stats; unique visitors are counted from the
-- events of that day (a day with events but no stats row still appears); events follow
-- var('views_filter').
with daily as (
    select * from {{ ref('stg_wistia__media_daily_stats') }}
),

event_days as (
    select
        account_id,
        media_id,
        cast(received_at as date) as stats_date,
        count(*) as events,
        count(distinct visitor_key) as unique_visitors
    from {{ ref('int_wistia__views') }}
    where media_id is not null and received_at is not null
    group by account_id, media_id, cast(received_at as date)
),

medias as (
    select account_id, media_id, media_name, project_name from {{ ref('stg_wistia__medias') }}
),

joined as (
    select
        coalesce(d.account_id, e.account_id) as account_id,
        coalesce(d.media_id, e.media_id) as media_id,
        coalesce(d.stats_date, e.stats_date) as stats_date,
        coalesce(d.load_count, 0) as loads,
        coalesce(d.play_count, 0) as plays,
        coalesce(d.hours_watched, 0) as hours_watched,
        coalesce(e.events, 0) as events,
        coalesce(e.unique_visitors, 0) as unique_visitors
    from daily as d
    full outer join event_days as e
        on {{ wistia_join_on('d', 'e', ['media_id', 'stats_date']) }}
)

select
    j.account_id,
    {{ wistia_account_name('j.account_id') }} as account_name,
    j.media_id,
    m.media_name,
    m.project_name,
    j.stats_date,
    j.loads,
    j.plays,
    -- Fraction 0..1 of loads that became plays (NULL when there was no load).
    case when j.loads > 0 then cast(j.plays as {{ wistia_type_double() }}) / j.loads end as play_rate,
    j.hours_watched,
    j.events,
    j.unique_visitors
from joined as j
left join medias as m
    on {{ wistia_join_on('j', 'm', ['media_id']) }}
