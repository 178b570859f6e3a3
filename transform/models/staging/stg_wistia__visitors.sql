-- One row per visitor_key: the latest copy (the visitors stream is re-read every run).
-- The identity email is kept, hashed or dropped here (var email_privacy).
with source as (
    select * from {{ source('wistia', 'visitors') }}
),

typed as (
    select
        {{ wistia_account_columns('visitors') }}
        {{ wistia_text('visitor_key') }} as visitor_key,
        cast({{ wistia_col('created_at') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('last_active_at') }} as {{ dbt.type_timestamp() }}) as last_active_at,
        {{ wistia_text('last_event_key') }} as last_event_key,
        {{ wistia_text('identifying_event_key') }} as identifying_event_key,
        cast({{ wistia_col('load_count') }} as {{ dbt.type_bigint() }}) as load_count,
        cast({{ wistia_col('play_count') }} as {{ dbt.type_bigint() }}) as play_count,
        {{ wistia_text('visitor_identity__name') }} as name,
        {{ wistia_protect(wistia_text('visitor_identity__email'), 'email') }} as email,
        {{ wistia_text('visitor_identity__org__name') }} as org_name,
        {{ wistia_text('visitor_identity__org__title') }} as org_title,
        {{ wistia_text('user_agent_details__browser') }} as browser,
        {{ wistia_text('user_agent_details__browser_version') }} as browser_version,
        {{ wistia_text('user_agent_details__platform') }} as platform,
        cast({{ wistia_col('user_agent_details__mobile') }} as {{ dbt.type_boolean() }})
            as is_mobile,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'visitor_key'],
    order_by=['loaded_at desc nulls last', 'last_active_at desc nulls last'],
    required=['visitor_key']
) }}
