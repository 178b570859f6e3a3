{#-
  The engagement graph cut into K equal chunks (var `engagement_chunks`, default 20 = 5 %
  each) per media and snapshot date.

  Cell i of N covers [i/N, (i+1)/N) of the video, chunk k of K covers [k/K, (k+1)/K); each
  cell contributes to a chunk in proportion to their overlap, so any N (shorter or longer
  than K cells) is handled exactly.
    avg_viewers        overlap-weighted mean of engagement_data over the chunk
    retention_pct      100 * avg_viewers / avg_viewers of chunk 0 (chunk 0 = 100)
    drop_off_pct       retention_pct of the previous chunk minus this one (chunk 0 = 0)
    avg_rewatch_views  overlap-weighted mean of rewatch_data over the chunk
    watch_seconds      sum of (viewers + rewatch views) x seconds covered (~ cell width)
-#}
{%- set k = var('engagement_chunks', 20) | int -%}
with cells as (
    select * from {{ ref('stg_wistia__media_engagement_cells') }}
),

engagement as (
    select account_id, media_id, snapshot_date, duration_seconds, engagement
    from {{ ref('stg_wistia__media_engagement') }}
),

chunks as (
    {{ wistia_integer_series(k, 'chunk_index') }}
),

cell_chunks as (
    select
        c.account_id,
        c.media_id,
        c.snapshot_date,
        ch.chunk_index,
        c.cell_count,
        c.viewers,
        c.rewatch_views,
        -- overlap of the cell with the chunk, as a fraction of the whole video
        (
            case
                when cast(c.cell_index + 1 as {{ wistia_type_double() }}) / c.cell_count
                    < cast(ch.chunk_index + 1 as {{ wistia_type_double() }}) / {{ k }}
                then cast(c.cell_index + 1 as {{ wistia_type_double() }}) / c.cell_count
                else cast(ch.chunk_index + 1 as {{ wistia_type_double() }}) / {{ k }}
            end
            - case
                when cast(c.cell_index as {{ wistia_type_double() }}) / c.cell_count
                    > cast(ch.chunk_index as {{ wistia_type_double() }}) / {{ k }}
                then cast(c.cell_index as {{ wistia_type_double() }}) / c.cell_count
                else cast(ch.chunk_index as {{ wistia_type_double() }}) / {{ k }}
            end
        ) as overlap
    from cells as c
    inner join chunks as ch
        on c.cell_index * {{ k }} < (ch.chunk_index + 1) * c.cell_count
        and (c.cell_index + 1) * {{ k }} > ch.chunk_index * c.cell_count
),

per_chunk as (
    select
        account_id,
        media_id,
        snapshot_date,
        chunk_index,
        max(cell_count) as cell_count,
        sum(viewers * overlap) / sum(overlap) as avg_viewers,
        sum(rewatch_views * overlap) / sum(overlap) as avg_rewatch_views,
        sum((viewers + rewatch_views) * overlap) as watch_fraction_views
    from cell_chunks
    group by account_id, media_id, snapshot_date, chunk_index
),

with_first as (
    select
        p.*,
        max(case when p.chunk_index = 0 then p.avg_viewers end)
            over (partition by p.account_id, p.media_id, p.snapshot_date) as first_chunk_viewers
    from per_chunk as p
),

with_retention as (
    select
        w.*,
        case
            when w.first_chunk_viewers > 0 then 100.0 * w.avg_viewers / w.first_chunk_viewers
        end as retention_pct
    from with_first as w
)

select
    r.account_id,
    {{ wistia_account_name('r.account_id') }} as account_name,
    r.media_id,
    r.snapshot_date,
    r.chunk_index,
    {{ k }} as chunk_count,
    100.0 * r.chunk_index / {{ k }} as start_pct,
    100.0 * (r.chunk_index + 1) / {{ k }} as end_pct,
    e.duration_seconds * r.chunk_index / {{ k }} as start_seconds,
    e.duration_seconds * (r.chunk_index + 1) / {{ k }} as end_seconds,
    r.cell_count,
    r.avg_viewers,
    r.retention_pct,
    coalesce(
        lag(r.retention_pct) over (
            partition by r.account_id, r.media_id, r.snapshot_date order by r.chunk_index
        ) - r.retention_pct,
        0
    ) as drop_off_pct,
    r.avg_rewatch_views,
    case
        when r.avg_viewers > 0 then r.avg_rewatch_views / r.avg_viewers
    end as rewatch_ratio,
    r.watch_fraction_views * e.duration_seconds as watch_seconds,
    e.engagement as media_engagement
from with_retention as r
left join engagement as e
    on {{ wistia_join_on('r', 'e', ['media_id', 'snapshot_date']) }}
