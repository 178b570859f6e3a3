-- One row per folder (the modern API's name for a project): the latest copy by `updated`,
-- then by load (a folder is re-read when it changes).
with source as (
    select * from {{ wistia_optional_source('folders') }}
),

typed as (
    select
        {{ wistia_account_columns('folders') }}
        {{ wistia_text('hashed_id') }} as folder_hashed_id,
        cast({{ wistia_col('id') }} as {{ dbt.type_bigint() }}) as folder_id,
        {{ wistia_text('name') }} as folder_name,
        {{ wistia_text('description') }} as description,
        cast({{ wistia_col('media_count') }} as {{ dbt.type_bigint() }}) as media_count,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('public') }} as {{ dbt.type_boolean() }}) as is_public,
        {{ wistia_text('public_id') }} as public_id,
        cast({{ wistia_col('anonymous_can_upload') }} as {{ dbt.type_boolean() }}) as anonymous_can_upload,
        cast({{ wistia_col('anonymous_can_download') }} as {{ dbt.type_boolean() }}) as anonymous_can_download,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'folder_hashed_id'],
    order_by=['updated_at desc nulls last', 'loaded_at desc nulls last'],
    required=['folder_hashed_id']
) }}
