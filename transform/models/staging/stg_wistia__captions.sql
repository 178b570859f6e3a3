-- Caption tracks per media: language and SRT text (latest copy of each track). A media
-- without a row here has no captions (as of its last read by the tap).
with source as (
    select * from {{ wistia_optional_source('captions') }}
),

typed as (
    select
        {{ wistia_account_columns('captions') }}
        {{ wistia_text('id') }} as caption_id,
        {{ wistia_text('media_id') }} as media_id,
        {{ wistia_text('language') }} as language_code,
        {{ wistia_text('english_name') }} as language_name,
        {{ wistia_text('native_name') }} as native_language_name,
        {{ wistia_text('text') }} as caption_text,
        cast({{ wistia_col('is_draft') }} as {{ dbt.type_boolean() }}) as is_draft,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'caption_id'],
    order_by=['loaded_at desc nulls last'],
    required=['caption_id', 'media_id']
) }}
