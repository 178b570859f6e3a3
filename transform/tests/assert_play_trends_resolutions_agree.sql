-- Every resolution partitions the same sessions: per media, loads, plays and watch hours
-- summed over the buckets are the same at 1h, 1d, 7d and 30d, and equal the sessions.
with totals as (
    select
        media_id,
        resolution,
        sum(loads) as loads,
        sum(plays) as plays,
        sum(watch_hours) as watch_hours
    from {{ ref('play_trends') }}
    group by media_id, resolution
),

sessions as (
    select media_id, count(*) as loads
    from {{ ref('int_wistia__views') }}
    where media_id is not null and received_at is not null
    group by media_id
),

spread as (
    select
        media_id,
        min(loads) as min_loads,
        max(loads) as max_loads,
        min(plays) as min_plays,
        max(plays) as max_plays,
        max(watch_hours) - min(watch_hours) as watch_hours_spread,
        count(*) as resolutions
    from totals
    group by media_id
)

select sp.*, se.loads as sessions
from spread as sp
full outer join sessions as se
    on sp.media_id = se.media_id
where sp.media_id is null
    or se.media_id is null
    or sp.resolutions <> 4
    or sp.min_loads <> sp.max_loads
    or sp.min_plays <> sp.max_plays
    or sp.watch_hours_spread > 0.000001
    or sp.max_loads <> se.loads
