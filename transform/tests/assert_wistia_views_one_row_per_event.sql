-- wistia_views has exactly one row per (deduplicated) staged event kept by views_filter.
with counts as (
    select
        (select count(*) from {{ ref('int_wistia__views') }}) as staged_events,
        (select count(*) from {{ ref('wistia_views') }}) as view_rows
)
select staged_events, view_rows
from counts
where staged_events <> view_rows
