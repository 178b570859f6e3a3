-- Loads, plays and engagement per media, traffic dimension, value and account-local month;
-- the latest copy (each run re-reads the bookmark's month). Visits without a value for the
-- dimension (untagged, direct) arrive as '(none)' (the tap's stand-in for an empty key).
with source as (
    select * from {{ wistia_optional_source('media_traffic') }}
),

typed as (
    select
        {{ wistia_account_columns('media_traffic') }}
        {{ wistia_text('media_id') }} as media_id,
        {{ wistia_text('dimension') }} as dimension,
        coalesce({{ wistia_text('value') }}, '(none)') as dimension_value,
        {{ wistia_text('period') }} as period_month,
        cast({{ wistia_col('period_start') }} as date) as period_start,
        cast({{ wistia_col('period_end') }} as date) as period_end,
        cast({{ wistia_col('loads') }} as {{ dbt.type_bigint() }}) as loads,
        cast({{ wistia_col('plays') }} as {{ dbt.type_bigint() }}) as plays,
        cast({{ wistia_col('engagement_rate') }} as {{ wistia_type_double() }}) as engagement_rate,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'media_id', 'dimension', 'dimension_value', 'period_month'],
    order_by=['loaded_at desc nulls last'],
    required=['media_id', 'dimension', 'period_month']
) }}
