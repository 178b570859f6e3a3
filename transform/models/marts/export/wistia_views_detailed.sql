-- The 24-column export with the account and video identified: Account ID, Media ID (hashed id), Media Name and
-- Project (from the media's latest copy, else the event's own media name), and Event Key,
-- then the 24 columns of `wistia_views`. One row per event. Written to
-- output/wistia_views_detailed.csv and, per media, output/views_by_media/ (DuckDB).
select
    k.account_id as {{ adapter.quote('Account ID') }},
    k.media_id as {{ adapter.quote('Media ID') }},
    coalesce(m.media_name, k.media_name) as {{ adapter.quote('Media Name') }},
    coalesce(p.project_name, m.project_name) as {{ adapter.quote('Project') }},
    k.event_key as {{ adapter.quote('Event Key') }},
{{ wistia_views_columns('k') }}
from {{ ref('wistia_views_keyed') }} as k
left join {{ ref('stg_wistia__medias') }} as m
    on {{ wistia_join_on('k', 'm', ['media_id']) }}
left join {{ ref('stg_wistia__projects') }} as p
    on {{ wistia_join_on('m', 'p', ['project_id']) }}
