-- Plays, engagement and conversions by channel: traffic source (utm_source, utm_medium,
-- utm_campaign, referrer_domain) and embed page, per account.
--   * loads, plays, engagement: Wistia's own attribution (media_traffic over every month
--     extracted; media_embed_locations' latest snapshot per media, which covers the whole
--     extraction window).
--   * sessions, form conversions, leads: the v1 viewing sessions (events), attributed by
--     their embed_url: the page itself, and the utm_* parameters of its query string. A
--     form conversion (media_conversions) is attributed through its session: the event of
--     the same media received in the same second (one, the one carrying a conversion
--     first). Conversions whose session was not loaded count under '(unknown)'. The referrer
--     is not in the session, so referrer_domain rows have no session figures (NULL).
-- Viewer screen size is not a channel and is left out (media_traffic_sources has it).
{% set utm_dimensions = ['utm_source', 'utm_medium', 'utm_campaign'] %}
with traffic as (
    select
        account_id,
        dimension as channel_type,
        dimension_value as channel,
        media_id,
        loads,
        plays,
        engagement_rate
    from {{ ref('stg_wistia__media_traffic') }}
    where dimension in ('utm_source', 'utm_medium', 'utm_campaign', 'referrer_domain')
),

embed_snapshots as (
    select
        *,
        max(snapshot_date) over (partition by account_id, media_id) as latest_snapshot
    from {{ ref('stg_wistia__media_embed_locations') }}
),

embeds as (
    select
        account_id,
        'embed_page' as channel_type,
        embed_url as channel,
        media_id,
        loads,
        plays,
        engagement_rate
    from embed_snapshots
    where snapshot_date = latest_snapshot
),

pages as (
    select
        account_id, embed_url, max(page_title) as page_title, max(embed_domain) as embed_domain
    from embed_snapshots
    where snapshot_date = latest_snapshot
    group by account_id, embed_url
),

wistia_figures as (
    select
        account_id,
        channel_type,
        channel,
        count(distinct case when plays > 0 then media_id end) as medias,
        sum(loads) as loads,
        sum(plays) as plays,
        sum(engagement_rate * plays) as engaged_plays
    from (
        select * from traffic
        union all
        select * from embeds
    ) as figures
    group by account_id, channel_type, channel
),

-- Every session, and every session a conversion may belong to (views_filter aside).
all_sessions as (
    select
        account_id,
        event_key,
        media_id,
        received_at,
        conversion_type,
        embed_url
    from {{ ref('stg_wistia__events') }}
),

matched as (
    select
        c.account_id,
        c.media_id,
        c.converted_at,
        c.email_normalized,
        s.event_key,
        s.embed_url,
        row_number() over (
            partition by c.account_id, c.media_id, c.email_normalized, c.converted_at
            order by case when s.conversion_type is not null then 0 else 1 end, s.event_key
        ) as preference
    from {{ ref('stg_wistia__media_conversions') }} as c
    left join all_sessions as s
        on {{ wistia_join_on('c', 's', ['media_id']) }}
        and {{ dbt.date_trunc('second', 'c.converted_at') }}
        = {{ dbt.date_trunc('second', 's.received_at') }}
),

conversions as (
    select * from matched where preference = 1
),

-- One row per (session, channel type) and per (conversion, channel type): its channel.
session_channels as (
    {%- for dimension in utm_dimensions %}
    select
        account_id,
        '{{ dimension }}' as channel_type,
        coalesce({{ wistia_url_param('embed_url', dimension) }}, '(none)') as channel,
        event_key
    from {{ ref('int_wistia__views') }}
    union all
    {%- endfor %}
    select account_id, 'embed_page' as channel_type, embed_url as channel, event_key
    from {{ ref('int_wistia__views') }}
    where embed_url is not null
),

conversion_channels as (
    {%- for dimension in utm_dimensions %}
    select
        account_id,
        '{{ dimension }}' as channel_type,
        case when event_key is null then '(unknown)'
            else coalesce({{ wistia_url_param('embed_url', dimension) }}, '(none)')
        end as channel,
        email_normalized
    from conversions
    union all
    {%- endfor %}
    select
        account_id,
        'embed_page' as channel_type,
        case when event_key is null then '(unknown)' else embed_url end as channel,
        email_normalized
    from conversions
    where event_key is null or embed_url is not null
),

session_figures as (
    select account_id, channel_type, channel, count(*) as sessions
    from session_channels
    group by account_id, channel_type, channel
),

conversion_figures as (
    select
        account_id,
        channel_type,
        channel,
        count(*) as form_conversions,
        count(distinct email_normalized) as leads
    from conversion_channels
    group by account_id, channel_type, channel
),

channels as (
    select account_id, channel_type, channel from wistia_figures
    union
    select account_id, channel_type, channel from session_figures
    union
    select account_id, channel_type, channel from conversion_figures
)

select
    k.account_id,
    {{ wistia_account_name('k.account_id') }} as account_name,
    k.channel_type,
    k.channel,
    p.page_title,
    p.embed_domain,
    coalesce(w.medias, 0) as medias,
    coalesce(w.loads, 0) as loads,
    coalesce(w.plays, 0) as plays,
    case when w.loads > 0 then cast(w.plays as {{ wistia_type_double() }}) / w.loads end
        as play_rate,
    case when w.plays > 0 then w.engaged_plays / w.plays end as engagement_rate,
    case when k.channel_type = 'referrer_domain' then null
        else coalesce(s.sessions, 0) end as sessions,
    case when k.channel_type = 'referrer_domain' then null
        else coalesce(c.form_conversions, 0) end as form_conversions,
    case when k.channel_type = 'referrer_domain' then null
        else coalesce(c.leads, 0) end as leads,
    case when s.sessions > 0
        then cast(coalesce(c.form_conversions, 0) as {{ wistia_type_double() }}) / s.sessions
    end as conversions_per_session
from channels as k
left join wistia_figures as w
    on k.account_id = w.account_id
    and k.channel_type = w.channel_type
    and k.channel = w.channel
left join session_figures as s
    on k.account_id = s.account_id
    and k.channel_type = s.channel_type
    and k.channel = s.channel
left join conversion_figures as c
    on k.account_id = c.account_id
    and k.channel_type = c.channel_type
    and k.channel = c.channel
left join pages as p
    on k.account_id = p.account_id
    and k.channel_type = 'embed_page'
    and k.channel = p.embed_url
