-- Aggregates per webinar, live and on demand: the latest copy (re-read until
-- webinar_refresh_days after the webinar ended).
with source as (
    select * from {{ wistia_optional_source('webinar_analytics') }}
),

typed as (
    select
        {{ wistia_account_columns('webinar_analytics') }}
        {{ wistia_text('webinar_id') }} as webinar_id,
        cast({{ wistia_col('registrations') }} as {{ dbt.type_bigint() }}) as registrations,
        cast({{ wistia_col('imported_registrations') }} as {{ dbt.type_bigint() }}) as imported_registrations,
        cast({{ wistia_col('on_demand_registrations') }} as {{ dbt.type_bigint() }}) as on_demand_registrations,
        cast({{ wistia_col('imported_on_demand_registrations') }} as {{ dbt.type_bigint() }}) as imported_on_demand_registrations,
        cast({{ wistia_col('total_watch_time') }} as {{ dbt.type_bigint() }}) as total_watch_time_seconds,
        cast({{ wistia_col('average_watch_time') }} as {{ dbt.type_bigint() }}) as average_watch_time_seconds,
        cast({{ wistia_col('attendance') }} as {{ dbt.type_bigint() }}) as attendees,
        cast({{ wistia_col('chatted_attendees') }} as {{ dbt.type_bigint() }}) as chatted_attendees,
        cast({{ wistia_col('engagement_rate') }} as {{ wistia_type_double() }}) as engagement_rate,
        cast({{ wistia_col('chats') }} as {{ dbt.type_bigint() }}) as chats,
        cast({{ wistia_col('currently_watching') }} as {{ dbt.type_bigint() }}) as currently_watching,
        cast({{ wistia_col('engaged_attendees') }} as {{ dbt.type_bigint() }}) as engaged_attendees,
        cast({{ wistia_col('impressions') }} as {{ dbt.type_bigint() }}) as impressions,
        cast({{ wistia_col('on_demand_impressions') }} as {{ dbt.type_bigint() }}) as on_demand_impressions,
        cast({{ wistia_col('on_demand_plays') }} as {{ dbt.type_bigint() }}) as on_demand_plays,
        cast({{ wistia_col('on_demand_engagement_rate') }} as {{ wistia_type_double() }}) as on_demand_engagement_rate,
        cast({{ wistia_col('event_time') }} as {{ dbt.type_bigint() }}) as event_time_seconds,
        cast({{ wistia_col('qa_questions') }} as {{ dbt.type_bigint() }}) as qa_questions,
        {{ wistia_text('poll_questions') }} as poll_questions_json,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'webinar_id'],
    order_by=['loaded_at desc nulls last'],
    required=['webinar_id']
) }}
