-- Account-wide loads, plays, unique visitors and watch hours per time bucket (visitors are
-- counted once per bucket across medias, so this is not the sum of play_trends).
with views as (
    select
        cast('account' as {{ dbt.type_string() }}) as trend_key,
        v.visitor_key,
        v.percent_viewed,
        v.received_at,
        {{ wistia_utc_to_local('v.received_at') }} as viewed_at_local,
        coalesce(v.percent_viewed, 0) * coalesce(m.duration_seconds, 0) / 3600.0 as watch_hours
    from {{ ref('int_wistia__views') }} as v
    left join {{ ref('stg_wistia__medias') }} as m
        on v.media_id = m.media_id
    where v.received_at is not null
),

{{ wistia_play_trends('views') }}

select
    resolution,
    bucket_start,
    loads,
    plays,
    unique_visitors,
    watch_hours
from trends
