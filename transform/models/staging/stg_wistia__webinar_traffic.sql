-- Registrations, attendees and impressions per webinar by traffic dimension and value;
-- the latest copy. Registrants without a value arrive as '(none)'.
with source as (
    select * from {{ wistia_optional_source('webinar_traffic') }}
),

typed as (
    select
        {{ wistia_account_columns('webinar_traffic') }}
        {{ wistia_text('webinar_id') }} as webinar_id,
        {{ wistia_text('dimension') }} as dimension,
        coalesce({{ wistia_text('value') }}, '(none)') as dimension_value,
        cast({{ wistia_col('registrations') }} as {{ dbt.type_bigint() }}) as registrations,
        cast({{ wistia_col('attendees') }} as {{ dbt.type_bigint() }}) as attendees,
        cast({{ wistia_col('impressions') }} as {{ dbt.type_bigint() }}) as impressions,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'webinar_id', 'dimension', 'dimension_value'],
    order_by=['loaded_at desc nulls last'],
    required=['webinar_id', 'dimension']
) }}
