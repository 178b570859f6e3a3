-- One row per media: where it is filed (folder path), how it is labelled (tags), where it
-- is published (channels, episodes), what it offers viewers of other languages (caption
-- languages, localizations) and whether anyone watched it (plays): to find the videos
-- without captions, or never played.
with medias as (
    select
        account_id,
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
    -- current figures: a media deleted in Wistia needs no captions (docs/deletions.md)
    where not is_deleted
),

-- A tag deleted in Wistia is left out of a media's tags (the media's copy may predate it).
deleted_tags as (
    select account_id, tag_name
    from {{ ref('stg_wistia__tags') }}
    where is_deleted
),

tag_rows as (
    select distinct u.account_id, u.media_id, u.item_name as tag
    from ({{ wistia_json_array_names('medias', ['account_id', 'media_id'], 'tags_json') }})
        as u
    left join deleted_tags as d
        on d.account_id = u.account_id and d.tag_name = u.item_name
    where d.tag_name is null
),

tags as (
    select
        account_id,
        media_id,
        count(*) as tag_count,
        {{ dbt.listagg('tag', "'; '", 'order by tag') }} as tags
    from tag_rows
    group by account_id, media_id
),

-- Published tracks only: a draft caption is not shown to viewers.
captions as (
    select
        account_id,
        media_id,
        count(distinct language_code) as caption_count,
        {{ dbt.listagg('language_name', "'; '", 'order by language_name') }}
            as caption_languages
    from (
        select distinct account_id, media_id, language_code, coalesce(language_name, language_code)
            as language_name
        from {{ ref('stg_wistia__captions') }}
        where not coalesce(is_draft, false)
    ) as published
    group by account_id, media_id
),

localizations as (
    select
        account_id,
        media_id,
        count(*) as localization_count,
        sum(case when is_enabled then 1 else 0 end) as enabled_localization_count,
        {{ dbt.listagg('language_name', "'; '", 'order by language_name') }}
            as localization_languages
    from (
        select
            account_id, media_id, coalesce(language_name, language_code) as language_name,
            is_enabled
        from {{ ref('stg_wistia__localizations') }}
    ) as localized
    group by account_id, media_id
),

-- Which channels publish the media, as which episodes (a media may be an episode of
-- several channels, or several times of one).
episodes as (
    select e.account_id, e.media_id, e.episode_hashed_id, e.is_published, c.channel_hashed_id,
        coalesce(c.channel_name, e.channel_hashed_id) as channel_name
    from {{ ref('stg_wistia__channel_episodes') }} as e
    left join {{ ref('stg_wistia__channels') }} as c
        on {{ wistia_join_on('e', 'c', ['channel_hashed_id']) }}
    -- a channel deleted in Wistia publishes nothing (its episodes' copies may remain)
    where e.media_id is not null and not coalesce(c.is_deleted, false)
),

channel_names as (
    select
        account_id,
        media_id,
        {{ dbt.listagg('channel_name', "'; '", 'order by channel_name') }} as channels
    from (select distinct account_id, media_id, channel_name from episodes) as named
    group by account_id, media_id
),

channels as (
    select
        e.account_id,
        e.media_id,
        count(distinct e.channel_name) as channel_count,
        count(*) as episode_count,
        sum(case when e.is_published then 1 else 0 end) as published_episode_count,
        max(n.channels) as channels
    from episodes as e
    inner join channel_names as n
        on {{ wistia_join_on('e', 'n', ['media_id']) }}
    group by e.account_id, e.media_id
),

plays as (
    select account_id, media_id, loads, plays, last_view_at
    from {{ ref('media_overview') }}
)

select
    m.account_id,
    {{ wistia_account_name('m.account_id') }} as account_name,
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
    coalesce(ch.channel_count, 0) as channel_count,
    ch.channels,
    coalesce(ch.episode_count, 0) as episode_count,
    coalesce(ch.published_episode_count, 0) as published_episode_count,
    coalesce(c.caption_count, 0) as caption_count,
    c.caption_languages,
    coalesce(c.caption_count, 0) > 0 as has_captions,
    coalesce(l.localization_count, 0) as localization_count,
    coalesce(l.enabled_localization_count, 0) as enabled_localization_count,
    l.localization_languages,
    coalesce(p.loads, 0) as loads,
    coalesce(p.plays, 0) as plays,
    coalesce(p.plays, 0) = 0 as never_played,
    p.last_view_at
from medias as m
left join tags as t
    on {{ wistia_join_on('m', 't', ['media_id']) }}
left join channels as ch
    on {{ wistia_join_on('m', 'ch', ['media_id']) }}
left join captions as c
    on {{ wistia_join_on('m', 'c', ['media_id']) }}
left join localizations as l
    on {{ wistia_join_on('m', 'l', ['media_id']) }}
left join plays as p
    on {{ wistia_join_on('m', 'p', ['media_id']) }}
