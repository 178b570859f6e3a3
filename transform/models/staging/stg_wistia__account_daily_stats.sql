-- The whole account's loads, plays and hours watched per UTC day (latest copy of a day:
-- the tap re-reads the bookmark's day, which grows until it ends).
with source as (
    select * from {{ source('wistia', 'account_daily_stats') }}
),

typed as (
    select
        {{ wistia_account_columns('account_daily_stats') }}
        cast({{ wistia_col('date') }} as date) as stats_date,
        cast({{ wistia_col('load_count') }} as {{ dbt.type_bigint() }}) as loads,
        cast({{ wistia_col('play_count') }} as {{ dbt.type_bigint() }}) as plays,
        cast({{ wistia_col('hours_watched') }} as {{ wistia_type_double() }}) as hours_watched,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'stats_date'],
    order_by=['loaded_at desc nulls last'],
    required=['stats_date']
) }}
