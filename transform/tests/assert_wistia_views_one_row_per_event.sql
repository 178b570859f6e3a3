-- wistia_views has exactly one row per (deduplicated) staged event.
with counts as (
    select
        (select count(*) from {{ ref('stg_wistia__events') }}) as staged_events,
        (select count(*) from {{ ref('wistia_views') }}) as view_rows
)
select staged_events, view_rows
from counts
where staged_events <> view_rows
