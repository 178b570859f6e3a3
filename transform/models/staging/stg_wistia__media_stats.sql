-- Lifetime totals per media as of each UTC extraction day: one row per (media, day),
-- the latest copy when the day was extracted more than once.
with source as (
    select * from {{ source('wistia', 'media_stats') }}
),

typed as (
    select
        {{ wistia_account_columns('media_stats') }}
        {{ wistia_text('media_id') }} as media_id,
        cast({{ wistia_col('snapshot_date') }} as date) as snapshot_date,
        cast({{ wistia_col('load_count') }} as {{ dbt.type_bigint() }}) as load_count,
        cast({{ wistia_col('play_count') }} as {{ dbt.type_bigint() }}) as play_count,
        cast({{ wistia_col('play_rate') }} as {{ wistia_type_double() }}) as play_rate,
        cast({{ wistia_col('hours_watched') }} as {{ wistia_type_double() }}) as hours_watched,
        cast({{ wistia_col('engagement') }} as {{ wistia_type_double() }}) as engagement,
        cast({{ wistia_col('visitors') }} as {{ dbt.type_bigint() }}) as visitors,
        {{ wistia_text('actions') }} as actions_json,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'media_id', 'snapshot_date'],
    order_by=['loaded_at desc nulls last'],
    required=['media_id', 'snapshot_date']
) }}
