-- Identified viewers x media, the list CRM teams import: one row per (email, media) with
-- how far they got, the milestones they reached, how many sessions and when. Name,
-- organisation and title are those of the latest session. Sessions follow var('views_filter').
with views as (
    select *
    from {{ ref('wistia_views_keyed') }}
    where email is not null and media_id is not null
),

per_lead as (
    select
        account_id,
        email,
        media_id,
        max(percent_viewed) as max_percent_viewed,
        count(*) as sessions,
        min(viewed_at) as first_view_at,
        max(viewed_at) as last_view_at
    from views
    group by account_id, email, media_id
),

latest as (
    select account_id, email, media_id, media_name, name, employment_organization, title
    from (
        select
            views.*,
            row_number() over (
                partition by account_id, email, media_id order by viewed_at desc, event_key desc
            ) as recency_rank
        from views
    ) as ranked
    where recency_rank = 1
)

select
    p.account_id,
    {{ wistia_account_name('p.account_id') }} as account_name,
    p.email,
    p.media_id,
    coalesce(m.media_name, l.media_name) as media_name,
    l.name,
    l.employment_organization as organization,
    l.title,
    p.max_percent_viewed,
    coalesce(p.max_percent_viewed >= 0.25, false) as reached_25,
    coalesce(p.max_percent_viewed >= 0.50, false) as reached_50,
    coalesce(p.max_percent_viewed >= 0.75, false) as reached_75,
    coalesce(p.max_percent_viewed >= 1.0, false) as reached_100,
    p.sessions,
    p.first_view_at,
    p.last_view_at
from per_lead as p
inner join latest as l
    on {{ wistia_join_on('p', 'l', ['email', 'media_id']) }}
left join {{ ref('stg_wistia__medias') }} as m
    on {{ wistia_join_on('p', 'm', ['media_id']) }}
