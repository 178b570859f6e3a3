-- One row per media (hashed id). The copy with the latest `updated` wins, then the latest
-- load: medias are emitted only when updated since the bookmark, so the newest edit is the
-- truth even if an older listing was loaded later. Nested project/subfolder/thumbnail
-- objects arrive flattened by the tap; tags stay JSON text.
with source as (
    select * from {{ source('wistia', 'medias') }}
),

typed as (
    select
        {{ wistia_account_columns('medias') }}
        {{ wistia_text('hashed_id') }} as media_id,
        cast({{ wistia_col('id') }} as {{ dbt.type_bigint() }}) as media_numeric_id,
        {{ wistia_text('name') }} as media_name,
        {{ wistia_text('type') }} as media_type,
        cast({{ wistia_col('archived') }} as {{ dbt.type_boolean() }}) as is_archived,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('duration') }} as {{ wistia_type_double() }}) as duration_seconds,
        {{ wistia_text('status') }} as status,
        {{ wistia_text('section') }} as section,
        {{ wistia_text('thumbnail__url') }} as thumbnail_url,
        cast({{ wistia_col('project__id') }} as {{ dbt.type_bigint() }}) as project_id,
        {{ wistia_text('project__name') }} as project_name,
        {{ wistia_text('project__hashedId') }} as project_hashed_id,
        {{ wistia_text('subfolder__hashed_id') }} as subfolder_id,
        {{ wistia_text('subfolder__name') }} as subfolder_name,
        {{ wistia_text('tags') }} as tags_json,
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
        partition_by=['account_id', 'media_id'],
        order_by=['updated_at desc nulls last', 'loaded_at desc nulls last'],
        required=['media_id']
    ) }}
),

marks as (
    {{ wistia_deletion_marks('typed', ['account_id', 'media_id']) }}
)

select
    latest.account_id,
    latest.extra_fields,
    latest.media_id,
    latest.media_numeric_id,
    latest.media_name,
    latest.media_type,
    latest.is_archived,
    latest.created_at,
    latest.updated_at,
    latest.duration_seconds,
    latest.status,
    latest.section,
    latest.thumbnail_url,
    latest.project_id,
    latest.project_name,
    latest.project_hashed_id,
    latest.subfolder_id,
    latest.subfolder_name,
    latest.tags_json,
    marks.deleted_at,
    marks.deleted_at is not null as is_deleted,
    latest.loaded_at
from latest
left join marks
    on marks.account_id = latest.account_id and marks.media_id = latest.media_id
