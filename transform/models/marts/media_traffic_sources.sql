-- Where plays come from: loads, plays, play rate and engagement per traffic dimension
-- (UTM source / medium / campaign, referrer domain, screen size) and value, per media and
-- for the whole account, summed over every month extracted. Engagement is the
-- plays-weighted average of the monthly rates (a month's rate is an average per play).
with traffic as (
    select * from {{ ref('stg_wistia__media_traffic') }}
),

medias as (
    select account_id, media_id, media_name, project_name from {{ ref('stg_wistia__medias') }}
),

per_media as (
    select
        'media' as scope,
        account_id,
        media_id,
        dimension,
        dimension_value,
        sum(loads) as loads,
        sum(plays) as plays,
        sum(engagement_rate * plays) as engaged_plays,
        min(period_start) as first_day,
        max(period_end) as end_day
    from traffic
    group by account_id, media_id, dimension, dimension_value
),

per_account as (
    select
        'account' as scope,
        account_id,
        cast(null as {{ dbt.type_string() }}) as media_id,
        dimension,
        dimension_value,
        sum(loads) as loads,
        sum(plays) as plays,
        sum(engaged_plays) as engaged_plays,
        min(first_day) as first_day,
        max(end_day) as end_day
    from per_media
    group by account_id, dimension, dimension_value
),

combined as (
    select * from per_media
    union all
    select * from per_account
),

with_totals as (
    select
        combined.*,
        sum(plays) over (partition by scope, account_id, media_id, dimension) as dimension_plays
    from combined
)

select
    t.scope,
    t.account_id,
    {{ wistia_account_name('t.account_id') }} as account_name,
    t.media_id,
    m.media_name,
    m.project_name,
    t.dimension,
    t.dimension_value,
    t.loads,
    t.plays,
    case when t.loads > 0 then cast(t.plays as {{ wistia_type_double() }}) / t.loads end
        as play_rate,
    case when t.plays > 0 then t.engaged_plays / t.plays end as engagement_rate,
    case when t.dimension_plays > 0
        then cast(t.plays as {{ wistia_type_double() }}) / t.dimension_plays
    end as share_of_plays,
    t.first_day,
    -- Exclusive: the day after the last day the figures cover.
    t.end_day
from with_totals as t
left join medias as m
    on {{ wistia_join_on('t', 'm', ['media_id']) }}
