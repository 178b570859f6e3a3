-- Loads, plays, unique visitors and watch hours per media per time bucket, at four
-- resolutions, in the reporting time zone (see macros/wistia_play_trends.sql).
with views as (
    select
        v.media_id as trend_key,
        v.visitor_key,
        v.percent_viewed,
        v.received_at,
        {{ wistia_utc_to_local('v.received_at') }} as viewed_at_local,
        -- hours of video watched in the session: fraction viewed x the media's duration
        coalesce(v.percent_viewed, 0) * coalesce(m.duration_seconds, 0) / 3600.0 as watch_hours
    from {{ ref('int_wistia__views') }} as v
    left join {{ ref('stg_wistia__medias') }} as m
        on v.media_id = m.media_id
    where v.media_id is not null and v.received_at is not null
),

{{ wistia_play_trends('views') }}

select
    resolution,
    bucket_start,
    trend_key as media_id,
    loads,
    plays,
    unique_visitors,
    watch_hours
from trends
