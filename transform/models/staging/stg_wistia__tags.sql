-- One row per tag (its name): the latest loaded copy (tags are read in full every run).
with source as (
    select * from {{ wistia_optional_source('tags') }}
),

typed as (
    select
        {{ wistia_account_columns('tags') }}
        {{ wistia_text('name') }} as tag_name,
        cast({{ wistia_col('taggingsCount') }} as {{ dbt.type_bigint() }}) as media_count,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'tag_name'],
    order_by=['loaded_at desc nulls last', 'updated_at desc nulls last'],
    required=['tag_name']
) }}
