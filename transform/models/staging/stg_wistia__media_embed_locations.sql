-- Pages each media is embedded on, with figures over the extraction window, one snapshot
-- per media and UTC extraction day (latest copy when a day was extracted twice).
with source as (
    select * from {{ wistia_optional_source('media_embed_locations') }}
),

typed as (
    select
        {{ wistia_account_columns('media_embed_locations') }}
        {{ wistia_text('media_id') }} as media_id,
        cast({{ wistia_col('snapshot_date') }} as date) as snapshot_date,
        {{ wistia_text('embed_url') }} as embed_url,
        {{ wistia_text('embed_domain') }} as embed_domain,
        {{ wistia_text('embed_path') }} as embed_path,
        {{ wistia_text('page_title') }} as page_title,
        cast({{ wistia_col('loads') }} as {{ dbt.type_bigint() }}) as loads,
        cast({{ wistia_col('plays') }} as {{ dbt.type_bigint() }}) as plays,
        cast({{ wistia_col('play_rate') }} as {{ wistia_type_double() }}) as play_rate,
        cast({{ wistia_col('played_time') }} as {{ wistia_type_double() }}) as played_seconds,
        cast({{ wistia_col('engagement_rate') }} as {{ wistia_type_double() }}) as engagement_rate,
        cast({{ wistia_col('unique_visitors') }} as {{ dbt.type_bigint() }}) as unique_visitors,
        cast({{ wistia_col('cta_conversion_rate') }} as {{ wistia_type_double() }})
            as cta_conversion_rate,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'media_id', 'snapshot_date', 'embed_url'],
    order_by=['loaded_at desc nulls last'],
    required=['media_id', 'snapshot_date', 'embed_url']
) }}
