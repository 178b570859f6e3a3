-- Plays per viewer browser language (ISO 639-1) per media over the extraction window, one
-- snapshot per media and UTC extraction day (latest copy when a day was extracted twice).
with source as (
    select * from {{ wistia_optional_source('media_languages') }}
),

typed as (
    select
        {{ wistia_account_columns('media_languages') }}
        {{ wistia_text('media_id') }} as media_id,
        cast({{ wistia_col('snapshot_date') }} as date) as snapshot_date,
        {{ wistia_text('language') }} as language_code,
        cast({{ wistia_col('plays') }} as {{ dbt.type_bigint() }}) as plays,
        cast({{ wistia_col('percent_of_total_plays') }} as {{ wistia_type_double() }})
            as share_of_plays,
        cast({{ wistia_col('captions_support') }} as {{ dbt.type_boolean() }}) as has_captions,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'media_id', 'snapshot_date', 'language_code'],
    order_by=['loaded_at desc nulls last'],
    required=['media_id', 'snapshot_date', 'language_code']
) }}
