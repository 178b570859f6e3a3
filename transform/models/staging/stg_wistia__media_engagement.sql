-- The engagement graph per media as of each UTC extraction day (arrays kept as JSON text;
-- stg_wistia__media_engagement_cells unnests them).
with source as (
    select * from {{ source('wistia', 'media_engagement') }}
),

typed as (
    select
        {{ wistia_account_columns('media_engagement') }}
        {{ wistia_text('media_id') }} as media_id,
        cast({{ wistia_col('snapshot_date') }} as date) as snapshot_date,
        cast({{ wistia_col('duration') }} as {{ wistia_type_double() }}) as duration_seconds,
        cast({{ wistia_col('engagement') }} as {{ wistia_type_double() }}) as engagement,
        {{ wistia_text('engagement_data') }} as engagement_data,
        {{ wistia_text('rewatch_data') }} as rewatch_data,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'media_id', 'snapshot_date'],
    order_by=['loaded_at desc nulls last'],
    required=['media_id', 'snapshot_date']
) }}
