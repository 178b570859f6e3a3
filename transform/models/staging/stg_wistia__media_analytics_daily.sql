-- Daily analytics per media from the modern API: one row per (media, account-local day),
-- the latest copy (each run re-reads the bookmark's day while it is still growing).
with source as (
    select * from {{ wistia_optional_source('media_analytics_daily') }}
),

typed as (
    select
        {{ wistia_account_columns('media_analytics_daily') }}
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
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'media_id', 'analytics_date'],
    order_by=['loaded_at desc nulls last'],
    required=['media_id', 'analytics_date']
) }}
