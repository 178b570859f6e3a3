{{ config(severity='warn') }}
-- Sanity check (an inference, not documented by Wistia): mean(engagement_data) /
-- engagement_data[0] should be close to the `engagement` figure of the same snapshot.
with cells as (
    select media_id, snapshot_date, avg(viewers) as mean_viewers,
           max(case when cell_index = 0 then viewers end) as first_cell
    from {{ ref('stg_wistia__media_engagement_cells') }}
    group by media_id, snapshot_date
)
select c.media_id, c.snapshot_date, e.engagement, c.mean_viewers / c.first_cell as from_curve
from cells as c
inner join {{ ref('stg_wistia__media_engagement') }} as e
    on c.media_id = e.media_id and c.snapshot_date = e.snapshot_date
where c.first_cell > 0
  and abs(c.mean_viewers / c.first_cell - e.engagement) > 0.05
