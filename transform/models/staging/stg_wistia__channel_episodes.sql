-- One row per channel episode (a media in a channel): the latest `updated`, then the
-- latest loaded copy.
with source as (
    select * from {{ wistia_optional_source('channel_episodes') }}
),

typed as (
    select
        {{ wistia_account_columns('channel_episodes') }}
        {{ wistia_text('hashed_id') }} as episode_hashed_id,
        {{ wistia_text('channel_hashed_id') }} as channel_hashed_id,
        {{ wistia_text('media_hashed_id') }} as media_id,
        {{ wistia_text('title') }} as title,
        {{ wistia_text('description') }} as description,
        {{ wistia_text('summary') }} as summary,
        cast({{ wistia_col('published') }} as {{ dbt.type_boolean() }}) as is_published,
        cast({{ wistia_col('publish_at') }} as {{ dbt.type_timestamp() }}) as publish_at,
        cast({{ wistia_col('created') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('updated') }} as {{ dbt.type_timestamp() }}) as updated_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'episode_hashed_id'],
    order_by=['updated_at desc nulls last', 'loaded_at desc nulls last'],
    required=['episode_hashed_id']
) }}
