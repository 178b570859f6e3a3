-- One row per cell of the engagement graph: cell i covers [i/N, (i+1)/N) of the video
-- (N = cells; one per second, or 1000 cells for videos longer than 1000 s).
-- viewers = engagement_data[i] (views of the slice), rewatch_views = rewatch_data[i].
with engagement as (
    select account_id, media_id, snapshot_date, engagement_data, rewatch_data
    from {{ ref('stg_wistia__media_engagement') }}
),

viewers as (
    {{ wistia_unnest_json_array('engagement', ['account_id', 'media_id', 'snapshot_date'], 'engagement_data') }}
),

rewatches as (
    {{ wistia_unnest_json_array('engagement', ['account_id', 'media_id', 'snapshot_date'], 'rewatch_data') }}
),

cell_counts as (
    select account_id, media_id, snapshot_date, count(*) as cell_count
    from viewers
    group by account_id, media_id, snapshot_date
)

select
    v.account_id,
    v.media_id,
    v.snapshot_date,
    v.cell_index,
    c.cell_count,
    v.cell_value as viewers,
    coalesce(r.cell_value, 0) as rewatch_views
from viewers as v
inner join cell_counts as c
    on v.account_id = c.account_id
    and v.media_id = c.media_id
    and v.snapshot_date = c.snapshot_date
left join rewatches as r
    on v.account_id = r.account_id
    and v.media_id = r.media_id
    and v.snapshot_date = r.snapshot_date
    and v.cell_index = r.cell_index
