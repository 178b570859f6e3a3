-- Plays, CTA and form conversions per media and account-local day: the grain a dashboard
-- needs to sum conversions over a chosen period, where media_conversion_rates sums every
-- day. Counts only: rates are recomputed from the sums of the days read.
with daily as (
    select * from {{ ref('stg_wistia__media_analytics_daily') }}
),

medias as (
    select account_id, media_id, media_name, project_name from {{ ref('stg_wistia__medias') }}
)

select
    d.account_id,
    {{ wistia_account_name('d.account_id') }} as account_name,
    d.media_id,
    m.media_name,
    m.project_name,
    d.analytics_date,
    d.plays,
    d.unique_plays,
    d.cta_impressions,
    d.cta_conversions,
    d.form_conversions
from daily as d
left join medias as m
    on {{ wistia_join_on('d', 'm', ['media_id']) }}
