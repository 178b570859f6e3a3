-- Engagement histograms per ended webinar (JSON arrays, one value per time bucket of
-- the event); the latest copy.
with source as (
    select * from {{ wistia_optional_source('webinar_histograms') }}
),

typed as (
    select
        {{ wistia_account_columns('webinar_histograms') }}
        {{ wistia_text('webinar_id') }} as webinar_id,
        {{ wistia_text('attendees_histogram') }} as attendees_histogram_json,
        {{ wistia_text('chat_histogram') }} as chat_histogram_json,
        {{ wistia_text('visual_focus_played_histogram') }} as visual_focus_histogram_json,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'webinar_id'],
    order_by=['loaded_at desc nulls last'],
    required=['webinar_id']
) }}
