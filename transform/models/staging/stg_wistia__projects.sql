-- One row per project (numeric id): the latest loaded copy (projects are re-read in full
-- every run), then the latest `updated` when two copies were loaded together.
with source as (
    select * from {{ source('wistia', 'projects') }}
),

typed as (
    select
        {{ wistia_account_columns('projects') }}
        cast({{ wistia_col('id') }} as {{ dbt.type_bigint() }}) as project_id,
        {{ wistia_text('hashedId') }} as project_hashed_id,
        {{ wistia_text('name') }} as project_name,
        {{ wistia_text('description') }} as description,
        cast({{ wistia_col('mediaCount') }} as {{ dbt.type_bigint() }}) as media_count,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('public') }} as {{ dbt.type_boolean() }}) as is_public,
        {{ wistia_text('publicId') }} as public_id,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'project_id'],
    order_by=['loaded_at desc nulls last', 'updated_at desc nulls last'],
    required=['project_id']
) }}
