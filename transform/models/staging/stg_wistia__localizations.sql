-- Localizations (translations of a media into another language), latest copy of each.
with source as (
    select * from {{ source('wistia', 'localizations') }}
),

typed as (
    select
        {{ wistia_account_columns('localizations') }}
        {{ wistia_text('hashed_id') }} as localization_id,
        {{ wistia_text('media_id') }} as media_id,
        {{ wistia_text('language_code') }} as language_code,
        {{ wistia_text('iso639_2_language_code') }} as iso_language_code,
        {{ wistia_text('language_name') }} as language_name,
        {{ wistia_text('native_language_name') }} as native_language_name,
        cast({{ wistia_col('enabled') }} as {{ dbt.type_boolean() }}) as is_enabled,
        cast({{ wistia_col('created_at') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated_at') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('ordered_at') }} as {{ dbt.type_timestamp() }}) as ordered_at,
        cast({{ wistia_col('enabled_at') }} as {{ dbt.type_timestamp() }}) as enabled_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'localization_id'],
    order_by=['loaded_at desc nulls last'],
    required=['localization_id', 'media_id']
) }}
