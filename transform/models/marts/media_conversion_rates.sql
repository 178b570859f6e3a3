-- CTA and form conversion rates per media over every day extracted: CTA clicks per CTA
-- impression, and form submissions (and distinct leads) per play. Rates are fractions 0..1
-- (NULL without impressions / plays). The per-day counts, and the media's names, are
-- media_conversions_daily's.
with daily as (
    select
        account_id,
        media_id,
        media_name,
        project_name,
        sum(plays) as plays,
        sum(unique_plays) as unique_plays,
        sum(cta_impressions) as cta_impressions,
        sum(cta_conversions) as cta_conversions,
        sum(form_conversions) as form_conversions,
        min(analytics_date) as first_day,
        max(analytics_date) as last_day
    from {{ ref('media_conversions_daily') }}
    group by account_id, media_id, media_name, project_name
),

leads as (
    select account_id, media_id, count(distinct email_normalized) as distinct_leads
    from {{ ref('stg_wistia__media_conversions') }}
    group by account_id, media_id
)

select
    d.account_id,
    {{ wistia_account_name('d.account_id') }} as account_name,
    d.media_id,
    d.media_name,
    d.project_name,
    d.plays,
    d.cta_impressions,
    d.cta_conversions,
    case when d.cta_impressions > 0
        then cast(d.cta_conversions as {{ wistia_type_double() }}) / d.cta_impressions
    end as cta_conversion_rate,
    d.form_conversions,
    case when d.plays > 0
        then cast(d.form_conversions as {{ wistia_type_double() }}) / d.plays
    end as form_conversion_rate,
    coalesce(l.distinct_leads, 0) as distinct_leads,
    d.first_day,
    d.last_day
from daily as d
left join leads as l
    on {{ wistia_join_on('d', 'l', ['media_id']) }}
