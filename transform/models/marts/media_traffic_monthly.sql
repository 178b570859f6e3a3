-- Traffic sources per media, dimension, value and account-local month (Wistia reports
-- traffic per month): the grain a dashboard needs to follow a chosen period, where
-- media_traffic_sources sums every month. engaged_plays (engagement rate x plays) lets a
-- reader add months and medias up and recompute engagement from sums.
with traffic as (
    select * from {{ ref('stg_wistia__media_traffic') }}
),

medias as (
    select account_id, media_id, media_name, project_name from {{ ref('stg_wistia__medias') }}
)

select
    t.account_id,
    {{ wistia_account_name('t.account_id') }} as account_name,
    t.media_id,
    m.media_name,
    m.project_name,
    t.dimension,
    t.dimension_value,
    t.period_month,
    t.period_start,
    t.period_end,
    t.loads,
    t.plays,
    t.engagement_rate * t.plays as engaged_plays,
    t.engagement_rate
from traffic as t
left join medias as m
    on {{ wistia_join_on('t', 'm', ['media_id']) }}
