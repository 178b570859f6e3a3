-- One row per media: where it is filed (folder path), how it is labelled (tags), where it
-- is published (channels, episodes), what it offers viewers of other languages (caption
-- languages, localizations) and whether anyone watched it (plays): to find the videos
-- without captions, or never played.
with medias as (
    select
        media_id,
        media_name,
        media_type,
        is_archived,
        created_at,
        updated_at,
        duration_seconds,
        project_name,
        subfolder_name,
        tags_json
    from {{ ref('stg_wistia__medias') }}
),

tag_rows as (
    select distinct media_id, item_name as tag
    from ({{ wistia_json_array_names('medias', ['media_id'], 'tags_json') }}) as unnested
),

tags as (
    select
        media_id,
        count(*) as tag_count,
        {{ dbt.listagg('tag', "'; '", 'order by tag') }} as tags
    from tag_rows
    group by media_id
),

plays as (
    select media_id, loads, plays, last_view_at
    from {{ ref('media_overview') }}
)

select
    m.media_id,
    m.media_name,
    m.media_type,
    m.is_archived,
    m.created_at,
    m.duration_seconds,
    m.project_name,
    m.subfolder_name,
    case
        when m.subfolder_name is not null
        then {{ dbt.concat(['m.project_name', "' / '", 'm.subfolder_name']) }}
        else m.project_name
    end as folder_path,
    coalesce(t.tag_count, 0) as tag_count,
    t.tags,
    coalesce(p.loads, 0) as loads,
    coalesce(p.plays, 0) as plays,
    coalesce(p.plays, 0) = 0 as never_played,
    p.last_view_at
from medias as m
left join tags as t
    on m.media_id = t.media_id
left join plays as p
    on m.media_id = p.media_id
