-- The Wistia account: one row per account id, the latest loaded copy (read every run).
with source as (
    select * from {{ wistia_optional_source('account') }}
),

typed as (
    select
        {{ wistia_account_columns('account') }}
        {{ wistia_text('name') }} as account_name,
        {{ wistia_text('url') }} as account_url,
        cast({{ wistia_col('media_count') }} as {{ dbt.type_bigint() }}) as media_count,
        cast({{ wistia_col('video_limit') }} as {{ dbt.type_bigint() }}) as video_limit,
        cast({{ wistia_col('folder_count') }} as {{ dbt.type_bigint() }}) as folder_count,
        cast({{ wistia_col('channel_count') }} as {{ dbt.type_bigint() }}) as channel_count,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id'],
    order_by=['loaded_at desc nulls last'],
    required=['account_id']
) }}
