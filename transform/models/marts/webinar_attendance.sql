-- The attendance funnel per webinar and UTM source: impressions of the registration page
-- (webinar_traffic) -> registrants -> live attendees -> minutes watched and engagement (the
-- audience, one row per registrant). A registrant without a source counts under '(none)'.
-- Engagement is the average of the attendees' own rates (Wistia's per-webinar rate is the
-- same average). Built empty when the account has no webinars (every webinar stream is
-- read through wistia_optional_source). A webinar deleted in Wistia is left out, with its
-- figures (docs/deletions.md).
with webinars as (
    select account_id, webinar_id, title, scheduled_for, lifecycle_status, is_deleted
    from {{ ref('stg_wistia__webinars') }}
),

audience as (
    select
        account_id,
        webinar_id,
        coalesce(utm_source, '(none)') as utm_source,
        attendance_status,
        played_seconds,
        focused_played_seconds,
        engagement_rate,
        chat_count
    from {{ ref('stg_wistia__webinar_audience') }}
),

by_source as (
    select
        account_id,
        webinar_id,
        utm_source,
        count(*) as registrants,
        sum(case when attendance_status = 'attended' then 1 else 0 end) as attendees,
        sum(case when attendance_status = 'watched_on_demand' then 1 else 0 end)
            as on_demand_viewers,
        sum(coalesce(played_seconds, 0)) / 60.0 as minutes_watched,
        sum(coalesce(focused_played_seconds, 0)) / 60.0 as focused_minutes_watched,
        avg(case when attendance_status = 'attended' then engagement_rate end)
            as engagement_rate,
        sum(coalesce(chat_count, 0)) as chats
    from audience
    group by account_id, webinar_id, utm_source
),

impressions as (
    select account_id, webinar_id, dimension_value as utm_source, impressions
    from {{ ref('stg_wistia__webinar_traffic') }}
    where dimension = 'utm_source'
)

select
    b.account_id,
    {{ wistia_account_name('b.account_id') }} as account_name,
    b.webinar_id,
    w.title as webinar_title,
    w.scheduled_for,
    w.lifecycle_status,
    b.utm_source,
    i.impressions,
    b.registrants,
    b.attendees,
    b.on_demand_viewers,
    case when b.registrants > 0
        then cast(b.attendees as {{ wistia_type_double() }}) / b.registrants
    end as attendance_rate,
    b.minutes_watched,
    case when b.attendees > 0 then b.minutes_watched / b.attendees end
        as minutes_per_attendee,
    b.focused_minutes_watched,
    b.engagement_rate,
    b.chats
from by_source as b
left join webinars as w
    on {{ wistia_join_on('b', 'w', ['webinar_id']) }}
left join impressions as i
    on {{ wistia_join_on('b', 'i', ['webinar_id']) }} and b.utm_source = i.utm_source
where not coalesce(w.is_deleted, false)
