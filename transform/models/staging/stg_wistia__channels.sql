-- One row per channel: the latest loaded copy (channels are read in full every run), with
-- the deletion mark of a channel Wistia no longer lists (macros/wistia_deletions.sql).
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
        partition_by=['account_id', 'channel_hashed_id'],
        order_by=['loaded_at desc nulls last', 'updated_at desc nulls last'],
        required=['channel_hashed_id']
    ) }}
),

marks as (
    {{ wistia_deletion_marks('typed', ['account_id', 'channel_hashed_id']) }}
)

select
    latest.account_id,
    latest.extra_fields,
    latest.channel_hashed_id,
    latest.channel_id,
    latest.channel_name,
    latest.description,
    latest.media_count,
    latest.created_at,
    latest.updated_at,
    marks.deleted_at,
    marks.deleted_at is not null as is_deleted,
    latest.loaded_at
from latest
left join marks
    on marks.account_id = latest.account_id and marks.channel_hashed_id = latest.channel_hashed_id
