-- One row per project (numeric id): the latest loaded copy (projects are re-read in full
-- every run), then the latest `updated` when two copies were loaded together. `deleted_at` /
-- `is_deleted`: the project's deletion mark (macros/wistia_deletions.sql).
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
        cast({{ wistia_col('_sdc_deleted_at') }} as {{ dbt.type_timestamp() }}) as deleted_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

copies as (
    select * from typed
    where not {{ wistia_is_tombstone('deleted_at', 'created_at') }}
),

latest as (
    {{ wistia_latest_copy(
        'copies',
        partition_by=['account_id', 'project_id'],
        order_by=['loaded_at desc nulls last', 'updated_at desc nulls last'],
        required=['project_id']
    ) }}
),

marks as (
    {{ wistia_deletion_marks('typed', ['account_id', 'project_id']) }}
)

select
    latest.account_id,
    latest.extra_fields,
    latest.project_id,
    latest.project_hashed_id,
    latest.project_name,
    latest.description,
    latest.media_count,
    latest.created_at,
    latest.updated_at,
    latest.is_public,
    latest.public_id,
    marks.deleted_at,
    marks.deleted_at is not null as is_deleted,
    latest.loaded_at
from latest
left join marks
    on marks.account_id = latest.account_id and marks.project_id = latest.project_id
