-- All-time totals per project, one snapshot per project and UTC extraction day (latest
-- copy when a day was extracted twice).
with source as (
    select * from {{ source('wistia', 'project_stats') }}
),

typed as (
    select
        {{ wistia_account_columns('project_stats') }}
        {{ wistia_text('project_id') }} as project_hashed_id,
        cast({{ wistia_col('snapshot_date') }} as date) as snapshot_date,
        cast({{ wistia_col('load_count') }} as {{ dbt.type_bigint() }}) as loads,
        cast({{ wistia_col('play_count') }} as {{ dbt.type_bigint() }}) as plays,
        cast({{ wistia_col('hours_watched') }} as {{ wistia_type_double() }}) as hours_watched,
        cast({{ wistia_col('number_of_videos') }} as {{ dbt.type_bigint() }}) as video_count,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'project_hashed_id', 'snapshot_date'],
    order_by=['loaded_at desc nulls last'],
    required=['project_hashed_id', 'snapshot_date']
) }}
