-- One row per visitor: recency / frequency snapshot, browser / platform / device and
-- identified vs anonymous. Recency is measured against the time the model is built (UTC).
-- Views follow var('views_filter') (int_wistia__views).
with visitors as (
    select * from {{ ref('stg_wistia__visitors') }}
),

events as (
    select * from {{ ref('int_wistia__views') }}
),

event_stats as (
    select
        account_id,
        visitor_key,
        count(*) as views,
        count(distinct media_id) as medias_viewed,
        count(distinct cast(received_at as date)) as active_days,
        min(received_at) as first_view_at,
        max(received_at) as last_view_at,
        avg(percent_viewed) as avg_percent_viewed,
        max(percent_viewed) as max_percent_viewed,
        max(email) as event_email,
        max(case when conversion_type is not null then 1 else 0 end) as has_converted
    from events
    where visitor_key is not null
    group by account_id, visitor_key
),

latest_event as (
    select account_id, visitor_key, browser, browser_version, platform, is_mobile
    from (
        select
            account_id,
            visitor_key,
            browser,
            browser_version,
            platform,
            is_mobile,
            row_number() over (partition by account_id, visitor_key order by received_at desc) as rn
        from events
        where visitor_key is not null
    ) as ranked
    where rn = 1
),

base as (
    select
        coalesce(v.account_id, s.account_id) as account_id,
        coalesce(v.visitor_key, s.visitor_key) as visitor_key,
        v.created_at,
        coalesce(v.last_active_at, s.last_view_at) as last_active_at,
        s.first_view_at,
        s.last_view_at,
        coalesce(s.views, 0) as views,
        coalesce(s.medias_viewed, 0) as medias_viewed,
        coalesce(s.active_days, 0) as active_days,
        v.load_count,
        v.play_count,
        s.avg_percent_viewed,
        s.max_percent_viewed,
        v.name,
        coalesce(v.email, s.event_email) as email,
        v.org_name,
        v.org_title,
        coalesce(s.has_converted, 0) = 1 as has_converted,
        case when v.browser is not null then v.browser else le.browser end as browser,
        case when v.browser is not null then v.browser_version else le.browser_version end
            as browser_version,
        case when v.browser is not null then v.platform else le.platform end as platform,
        case when v.browser is not null then v.is_mobile else le.is_mobile end as is_mobile
    from visitors as v
    full outer join event_stats as s
        on {{ wistia_join_on('v', 's', ['visitor_key']) }}
    left join latest_event as le
        on coalesce(v.account_id, s.account_id) = le.account_id
        and coalesce(v.visitor_key, s.visitor_key) = le.visitor_key
),

measured as (
    select
        base.*,
        {{ dbt.datediff('base.last_active_at', wistia_utc_now(), 'day') }} as recency_days
    from base
)

select
    account_id,
    {{ wistia_account_name('measured.account_id') }} as account_name,
    visitor_key,
    created_at,
    last_active_at,
    first_view_at,
    last_view_at,
    recency_days,
    case
        when last_active_at is null then 'never active'
        when recency_days <= {{ var('recency_days_active', 7) }} then 'active'
        when recency_days <= {{ var('recency_days_recent', 30) }} then 'recent'
        when recency_days <= {{ var('recency_days_lapsing', 90) }} then 'lapsing'
        else 'lapsed'
    end as recency_segment,
    views,
    medias_viewed,
    active_days,
    case
        when views = 0 then 'no views'
        when views = 1 then 'one-time'
        when views <= 4 then 'returning'
        else 'frequent'
    end as frequency_segment,
    load_count,
    play_count,
    avg_percent_viewed,
    max_percent_viewed,
    browser,
    browser_version,
    platform,
    is_mobile,
    case when is_mobile then 'Mobile' when not is_mobile then 'Desktop' end as device,
    case
        when name is not null or email is not null then 'identified'
        else 'anonymous'
    end as identity_segment,
    name,
    email,
    org_name,
    org_title,
    has_converted
from measured
