-- The registration series of each webinar, one row per webinar and UTC day; the latest copy.
with source as (
    select * from {{ wistia_optional_source('webinar_registrations') }}
),

typed as (
    select
        {{ wistia_account_columns('webinar_registrations') }}
        {{ wistia_text('webinar_id') }} as webinar_id,
        cast({{ wistia_col('timestamp') }} as {{ dbt.type_timestamp() }}) as bucket_start,
        cast({{ wistia_col('registrations') }} as {{ dbt.type_bigint() }}) as registrations,
        cast({{ wistia_col('impressions') }} as {{ dbt.type_bigint() }}) as impressions,
        cast({{ wistia_col('on_demand_registrations') }} as {{ dbt.type_bigint() }}) as on_demand_registrations,
        cast({{ wistia_col('on_demand_impressions') }} as {{ dbt.type_bigint() }}) as on_demand_impressions,
        cast({{ wistia_col('completion_rate') }} as {{ wistia_type_double() }}) as completion_rate,
        cast({{ wistia_col('on_demand_completion_rate') }} as {{ wistia_type_double() }}) as on_demand_completion_rate,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'webinar_id', 'bucket_start'],
    order_by=['loaded_at desc nulls last'],
    required=['webinar_id', 'bucket_start']
) }}
