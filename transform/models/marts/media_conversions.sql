-- Leads: one row per form submission, with its media and, where the submitted email matches
-- a known visitor's email (case-insensitive), that viewer's sessions: how many, on this
-- media and in all, before the conversion, and how much of this media they watched.
with conversions as (
    select * from {{ ref('stg_wistia__media_conversions') }}
),

medias as (
    select account_id, media_id, media_name, project_name from {{ ref('stg_wistia__medias') }}
),

visitors as (
    select account_id, visitor_key, lower(email) as email_normalized
    from {{ ref('stg_wistia__visitors') }}
    where email is not null
),

events as (
    select account_id, event_key, visitor_key, media_id, received_at, percent_viewed
    from {{ ref('stg_wistia__events') }}
),

sessions as (
    select
        c.account_id,
        c.media_id,
        c.email_normalized,
        c.converted_at,
        count(distinct v.visitor_key) as matched_visitors,
        min(v.visitor_key) as visitor_key,
        count(distinct e.event_key) as sessions,
        count(distinct case when e.media_id = c.media_id then e.event_key end)
            as sessions_on_media,
        count(distinct case
            when e.media_id = c.media_id and e.received_at <= c.converted_at then e.event_key
        end) as sessions_on_media_before,
        min(e.received_at) as first_session_at,
        max(e.received_at) as last_session_at,
        max(case when e.media_id = c.media_id then e.percent_viewed end)
            as max_percent_viewed_on_media
    from conversions as c
    inner join visitors as v
        on {{ wistia_join_on('c', 'v', ['email_normalized']) }}
    left join events as e
        on {{ wistia_join_on('v', 'e', ['visitor_key']) }}
    group by c.account_id, c.media_id, c.email_normalized, c.converted_at
)

select
    c.account_id,
    {{ wistia_account_name('c.account_id') }} as account_name,
    c.media_id,
    m.media_name,
    m.project_name,
    c.email,
    c.first_name,
    c.last_name,
    c.converted_at,
    s.visitor_key,
    coalesce(s.matched_visitors, 0) as matched_visitors,
    coalesce(s.sessions, 0) as visitor_sessions,
    coalesce(s.sessions_on_media, 0) as visitor_sessions_on_media,
    coalesce(s.sessions_on_media_before, 0) as sessions_on_media_before_conversion,
    s.first_session_at,
    s.last_session_at,
    s.max_percent_viewed_on_media
from conversions as c
left join medias as m
    on {{ wistia_join_on('c', 'm', ['media_id']) }}
left join sessions as s
    on {{ wistia_join_on('c', 's', ['media_id']) }}
    and c.email_normalized = s.email_normalized
    and c.converted_at = s.converted_at
