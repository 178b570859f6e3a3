-- One row per registrant of a webinar: attendance, engagement and UTM attribution; the
-- latest copy. The tap's '(none)' (no email) becomes NULL; the email then follows var
-- email_privacy (macros/wistia_privacy.sql), after deduplication on the raw value.
with source as (
    select * from {{ wistia_optional_source('webinar_audience') }}
),

typed as (
    select
        {{ wistia_account_columns('webinar_audience') }}
        {{ wistia_text('webinar_id') }} as webinar_id,
        nullif({{ wistia_text('email') }}, '(none)') as email,
        {{ wistia_text('first_name') }} as first_name,
        {{ wistia_text('last_name') }} as last_name,
        {{ wistia_text('phone_number') }} as phone_number,
        {{ wistia_text('company') }} as company,
        {{ wistia_text('job_title') }} as job_title,
        {{ wistia_text('country') }} as country,
        cast({{ wistia_col('registered_at') }} as {{ dbt.type_timestamp() }}) as registered_at,
        cast({{ wistia_col('attended_at') }} as {{ dbt.type_timestamp() }}) as attended_at,
        {{ wistia_text('attendance_status') }} as attendance_status,
        {{ wistia_text('restriction_status') }} as restriction_status,
        {{ wistia_text('origin_method') }} as origin_method,
        {{ wistia_text('utm_campaign') }} as utm_campaign,
        {{ wistia_text('utm_source') }} as utm_source,
        {{ wistia_text('utm_medium') }} as utm_medium,
        {{ wistia_text('referrer_domain') }} as referrer_domain,
        {{ wistia_text('ip_country') }} as ip_country,
        {{ wistia_text('ip_city') }} as ip_city,
        cast({{ wistia_col('engagement_rate') }} as {{ wistia_type_double() }}) as engagement_rate,
        cast({{ wistia_col('focused_rate') }} as {{ wistia_type_double() }}) as focused_rate,
        cast({{ wistia_col('played_time') }} as {{ dbt.type_bigint() }}) as played_seconds,
        cast({{ wistia_col('focused_played_time') }} as {{ dbt.type_bigint() }}) as focused_played_seconds,
        cast({{ wistia_col('chat_count') }} as {{ dbt.type_bigint() }}) as chat_count,
        cast({{ wistia_col('annotation_click_count') }} as {{ dbt.type_bigint() }}) as annotation_click_count,
        cast({{ wistia_col('poll_responses_count') }} as {{ dbt.type_bigint() }}) as poll_responses_count,
        {{ wistia_text('attendee_histogram') }} as attendee_histogram_json,
        {{ wistia_text('focused_attendee_histogram') }} as focused_attendee_histogram_json,
        {{ wistia_text('chats') }} as chats_json,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

latest as (
    {{ wistia_latest_copy(
        'typed',
        partition_by=['account_id', 'webinar_id', 'email'],
        order_by=['loaded_at desc nulls last'],
        required=['webinar_id']
    ) }}
)

select
    account_id,
    extra_fields,
    webinar_id,
    {{ wistia_protect('email', 'email') }} as email,
    -- a hashed email is lower-case hex already, so joins on it still match
    lower({{ wistia_protect('email', 'email') }}) as email_normalized,
    first_name,
    last_name,
    phone_number,
    company,
    job_title,
    country,
    registered_at,
    attended_at,
    attendance_status,
    restriction_status,
    origin_method,
    utm_campaign,
    utm_source,
    utm_medium,
    referrer_domain,
    ip_country,
    ip_city,
    engagement_rate,
    focused_rate,
    played_seconds,
    focused_played_seconds,
    chat_count,
    annotation_click_count,
    poll_responses_count,
    attendee_histogram_json,
    focused_attendee_histogram_json,
    chats_json,
    loaded_at
from latest
