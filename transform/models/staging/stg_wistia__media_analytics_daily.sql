-- Daily analytics per media from the modern API: one row per (media, account-local day),
-- the latest copy (each run re-reads the bookmark's day while it is still growing).
with source as (
    select * from {{ wistia_optional_source('media_analytics_daily') }}
),

typed as (
    select
        {{ wistia_text('media_id') }} as media_id,
        cast({{ wistia_col('date') }} as date) as analytics_date,
        cast({{ wistia_col('timestamp') }} as {{ dbt.type_timestamp() }}) as bucket_start_at,
        cast({{ wistia_col('unique_loads') }} as {{ dbt.type_bigint() }}) as unique_loads,
        cast({{ wistia_col('unique_plays') }} as {{ dbt.type_bigint() }}) as unique_plays,
        cast({{ wistia_col('plays') }} as {{ dbt.type_bigint() }}) as plays,
        cast({{ wistia_col('play_rate') }} as {{ wistia_type_double() }}) as play_rate,
        cast({{ wistia_col('played_time') }} as {{ dbt.type_bigint() }}) as played_seconds,
        cast({{ wistia_col('unique_visitors') }} as {{ dbt.type_bigint() }}) as unique_visitors,
        cast({{ wistia_col('engagement_rate') }} as {{ wistia_type_double() }}) as engagement_rate,
        cast({{ wistia_col('cta_impressions') }} as {{ dbt.type_bigint() }}) as cta_impressions,
        cast({{ wistia_col('cta_conversions') }} as {{ dbt.type_bigint() }}) as cta_conversions,
        cast({{ wistia_col('cta_conversion_rate') }} as {{ wistia_type_double() }})
            as cta_conversion_rate,
        cast({{ wistia_col('form_conversions') }} as {{ dbt.type_bigint() }}) as form_conversions,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

ranked as (
    select
        typed.*,
        row_number() over (
            partition by media_id, analytics_date
            order by loaded_at desc nulls last
        ) as copy_rank
    from typed
    where media_id is not null and analytics_date is not null
)

select
    media_id,
    analytics_date,
    bucket_start_at,
    unique_loads,
    unique_plays,
    plays,
    play_rate,
    played_seconds,
    unique_visitors,
    engagement_rate,
    cta_impressions,
    cta_conversions,
    cta_conversion_rate,
    form_conversions,
    loaded_at
from ranked
where copy_rank = 1
