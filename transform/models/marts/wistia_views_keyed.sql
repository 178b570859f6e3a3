-- One row per viewing event with its keys (event_key, media_id, visitor_key) and the
-- resolved export fields. `wistia_views` selects the exact 24-column export from it; use
-- this model for joins. Sessions follow var('views_filter') (int_wistia__views).
with events as (
    select * from {{ ref('int_wistia__views') }}
),

visitors as (
    select * from {{ ref('stg_wistia__visitors') }}
)

select
    e.account_id,
    {{ wistia_account_name('e.account_id') }} as account_name,
    e.event_key,
    e.media_id,
    e.media_name,
    e.visitor_key,
    e.received_at as viewed_at,
    e.ip,
    e.country,
    e.region,
    e.city,
    e.latitude,
    e.longitude,
    e.org as ip_organization,
    v.org_name as employment_organization,
    v.org_title as title,
    -- Email: the event's, else the visitor's identity, else what a form/email gate captured.
    coalesce(e.email, v.email, e.conversion_email) as email,
    -- Name: the visitor's identity name ('' = unknown), else first + last from a conversion.
    coalesce(
        v.name,
        nullif(
            trim(coalesce(e.conversion_first_name, '') || ' ' || coalesce(e.conversion_last_name, '')),
            ''
        )
    ) as name,
    e.percent_viewed,
    e.embed_url,
    -- Links Clicked: the API only says *that* a call-to-action / email gate converted
    -- (conversion_type); no per-link click data exists. See wistia_links_clicked.
    {{ wistia_links_clicked('e.conversion_type', 'e.conversion_captured_email') }} as links_clicked,
    -- User agent: the event's own details, else the visitor's (as one consistent set).
    case when e.browser is not null then e.browser else v.browser end as browser,
    case when e.browser is not null then e.browser_version else v.browser_version end
        as browser_version,
    case when e.browser is not null then e.platform else v.platform end as platform,
    case when e.browser is not null then e.is_mobile else v.is_mobile end as is_mobile
from events as e
left join visitors as v
    on {{ wistia_join_on('e', 'v', ['visitor_key']) }}
