-- One row per sharing of a folder with a contact or contact group: the latest loaded copy.
with source as (
    select * from {{ wistia_optional_source('folder_sharings') }}
),

typed as (
    select
        {{ wistia_account_columns('folder_sharings') }}
        cast({{ wistia_col('id') }} as {{ dbt.type_bigint() }}) as sharing_id,
        {{ wistia_text('folder_hashed_id') }} as folder_hashed_id,
        cast({{ wistia_col('folder__id') }} as {{ dbt.type_bigint() }}) as folder_id,
        {{ wistia_text('folder__name') }} as folder_name,
        cast({{ wistia_col('share__id') }} as {{ dbt.type_bigint() }}) as contact_id,
        {{ wistia_text('share__name') }} as contact_name,
        {{ wistia_text('share__type') }} as contact_type,
        {{ wistia_text('share__email') }} as contact_email,
        cast({{ wistia_col('is_admin') }} as {{ dbt.type_boolean() }}) as is_admin,
        cast({{ wistia_col('can_share') }} as {{ dbt.type_boolean() }}) as can_share,
        cast({{ wistia_col('can_download') }} as {{ dbt.type_boolean() }}) as can_download,
        cast({{ wistia_col('can_upload') }} as {{ dbt.type_boolean() }}) as can_upload,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'sharing_id'],
    order_by=['loaded_at desc nulls last'],
    required=['sharing_id']
) }}
