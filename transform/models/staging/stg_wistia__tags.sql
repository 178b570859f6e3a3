-- One row per tag (its name): the latest loaded copy (tags are read in full every run),
-- with the deletion mark of a tag Wistia no longer lists (macros/wistia_deletions.sql).
with source as (
    select * from {{ wistia_optional_source('tags') }}
),

typed as (
    select
        {{ wistia_account_columns('tags') }}
        {{ wistia_text('name') }} as tag_name,
        cast({{ wistia_col('taggingsCount') }} as {{ dbt.type_bigint() }}) as media_count,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('_sdc_deleted_at') }} as {{ dbt.type_timestamp() }}) as deleted_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

-- An append-only loader's bare tombstone rows are marks, never the record's copy.
copies as (
    select * from typed
    where not {{ wistia_is_tombstone('deleted_at', 'created_at') }}
),

latest as (
    {{ wistia_latest_copy(
        'copies',
        partition_by=['account_id', 'tag_name'],
        order_by=['loaded_at desc nulls last', 'updated_at desc nulls last'],
        required=['tag_name']
    ) }}
),

marks as (
    {{ wistia_deletion_marks('typed', ['account_id', 'tag_name']) }}
)

select
    latest.account_id,
    latest.extra_fields,
    latest.tag_name,
    latest.media_count,
    latest.created_at,
    latest.updated_at,
    marks.deleted_at,
    marks.deleted_at is not null as is_deleted,
    latest.loaded_at
from latest
left join marks
    on marks.account_id = latest.account_id and marks.tag_name = latest.tag_name
