-- One row per subfolder: the latest loaded copy (a folder's subfolders are re-read when
-- the folder changes).
with source as (
    select * from {{ wistia_optional_source('subfolders') }}
),

typed as (
    select
        {{ wistia_account_columns('subfolders') }}
        {{ wistia_text('hashed_id') }} as subfolder_hashed_id,
        {{ wistia_text('folder_hashed_id') }} as folder_hashed_id,
        {{ wistia_text('name') }} as subfolder_name,
        {{ wistia_text('description') }} as description,
        cast({{ wistia_col('position') }} as {{ dbt.type_bigint() }}) as position,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'subfolder_hashed_id'],
    order_by=['loaded_at desc nulls last', 'updated_at desc nulls last'],
    required=['subfolder_hashed_id']
) }}
