-- One row per channel: the latest loaded copy (channels are read in full every run).
with source as (
    select * from {{ wistia_optional_source('channels') }}
),

typed as (
    select
        {{ wistia_account_columns('channels') }}
        {{ wistia_text('hashed_id') }} as channel_hashed_id,
        cast({{ wistia_col('id') }} as {{ dbt.type_bigint() }}) as channel_id,
        {{ wistia_text('name') }} as channel_name,
        {{ wistia_text('description') }} as description,
        cast({{ wistia_col('media_count') }} as {{ dbt.type_bigint() }}) as media_count,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'channel_hashed_id'],
    order_by=['loaded_at desc nulls last', 'updated_at desc nulls last'],
    required=['channel_hashed_id']
) }}
