-- One row per event_key: the latest loaded copy (incremental runs re-read the bookmark's
-- day, and a session's percent_viewed can grow between reads). IP and email addresses are
-- kept, hashed or dropped here (vars ip_privacy / email_privacy, macros/wistia_privacy.sql).
with source as (
    select * from {{ source('wistia', 'events') }}
),

typed as (
    select
        {{ wistia_account_columns('events') }}
        {{ wistia_text('event_key') }} as event_key,
        cast({{ wistia_col('received_at') }} as {{ dbt.type_timestamp() }}) as received_at,
        {{ wistia_text('visitor_key') }} as visitor_key,
        {{ wistia_text('media_id') }} as media_id,
        {{ wistia_text('media_name') }} as media_name,
        {{ wistia_text('media_url') }} as media_url,
        {{ wistia_text('embed_url') }} as embed_url,
        cast({{ wistia_col('percent_viewed') }} as {{ wistia_type_double() }}) as percent_viewed,
        {{ wistia_protect(wistia_text('ip'), 'ip') }} as ip,
        {{ wistia_text('org') }} as org,
        {{ wistia_text('country') }} as country,
        {{ wistia_text('region') }} as region,
        {{ wistia_text('city') }} as city,
        cast({{ wistia_col('lat') }} as {{ wistia_type_double() }}) as latitude,
        cast({{ wistia_col('lon') }} as {{ wistia_type_double() }}) as longitude,
        {{ wistia_protect(wistia_text('email'), 'email') }} as email,
        {{ wistia_text('iframe_heatmap_url') }} as iframe_heatmap_url,
        {{ wistia_text('thumbnail__url') }} as thumbnail_url,
        {{ wistia_text('conversion_type') }} as conversion_type,
        {{ wistia_protect(wistia_text('conversion_data__email'), 'email') }} as conversion_email,
        -- whether a conversion captured an email, known even when emails are dropped
        {{ wistia_text('conversion_data__email') }} is not null as conversion_captured_email,
        {{ wistia_text('conversion_data__first_name') }} as conversion_first_name,
        {{ wistia_text('conversion_data__last_name') }} as conversion_last_name,
        cast({{ wistia_col('conversion_data__is_new_lead') }} as {{ dbt.type_boolean() }})
            as conversion_is_new_lead,
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
    partition_by=['account_id', 'event_key'],
    order_by=['loaded_at desc nulls last', 'percent_viewed desc nulls last'],
    required=['event_key']
) }}
