-- Webinars, one row per webinar: the latest copy (the list is read in full every run), with
-- the deletion mark of a webinar Wistia no longer lists (macros/wistia_deletions.sql).
with source as (
    select * from {{ wistia_optional_source('webinars') }}
),

typed as (
    select
        {{ wistia_account_columns('webinars') }}
        {{ wistia_text('id') }} as webinar_id,
        {{ wistia_text('title') }} as title,
        {{ wistia_text('description') }} as description,
        cast({{ wistia_col('scheduled_for') }} as {{ dbt.type_timestamp() }}) as scheduled_for,
        cast({{ wistia_col('event_duration') }} as {{ dbt.type_bigint() }}) as event_duration_minutes,
        {{ wistia_text('lifecycle_status') }} as lifecycle_status,
        {{ wistia_text('registration_status') }} as registration_status,
        cast({{ wistia_col('created_at') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated_at') }} as {{ dbt.type_timestamp() }}) as updated_at,
        {{ wistia_text('audience_link') }} as audience_link,
        {{ wistia_text('host_link') }} as host_link,
        {{ wistia_text('panelist_link') }} as panelist_link,
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
        partition_by=['account_id', 'webinar_id'],
        order_by=['loaded_at desc nulls last'],
        required=['webinar_id']
    ) }}
),

marks as (
    {{ wistia_deletion_marks('typed', ['account_id', 'webinar_id']) }}
)

select
    latest.account_id,
    latest.extra_fields,
    latest.webinar_id,
    latest.title,
    latest.description,
    latest.scheduled_for,
    latest.event_duration_minutes,
    latest.lifecycle_status,
    latest.registration_status,
    latest.created_at,
    latest.updated_at,
    latest.audience_link,
    latest.host_link,
    latest.panelist_link,
    marks.deleted_at,
    marks.deleted_at is not null as is_deleted,
    latest.loaded_at
from latest
left join marks
    on marks.account_id = latest.account_id and marks.webinar_id = latest.webinar_id
