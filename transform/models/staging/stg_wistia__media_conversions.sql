-- Form submissions (leads) per media; one row per (media, email, converted_at), the latest
-- copy (each run re-reads the bookmark's day). The tap's '(none)' (no email collected)
-- becomes NULL. The email is kept, hashed or dropped (var email_privacy,
-- macros/wistia_privacy.sql) after deduplication, so copies are matched on the raw value.
with source as (
    select * from {{ wistia_optional_source('media_conversions') }}
),

typed as (
    select
        {{ wistia_account_columns('media_conversions') }}
        {{ wistia_text('media_id') }} as media_id,
        nullif({{ wistia_text('email') }}, '(none)') as email,
        cast({{ wistia_col('converted_at') }} as {{ dbt.type_timestamp() }}) as converted_at,
        {{ wistia_text('first_name') }} as first_name,
        {{ wistia_text('last_name') }} as last_name,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
),

latest as (
    {{ wistia_latest_copy(
        'typed',
        partition_by=['account_id', 'media_id', 'email', 'converted_at'],
        order_by=['loaded_at desc nulls last'],
        required=['media_id', 'converted_at']
    ) }}
),

protected as (
    select
        account_id,
        extra_fields,
        media_id,
        {{ wistia_protect('email', 'email') }} as email,
        converted_at,
        first_name,
        last_name,
        loaded_at
    from latest
)

select
    account_id,
    extra_fields,
    media_id,
    email,
    -- a hashed email is lower-case hex already, so joins on it still match
    lower(email) as email_normalized,
    converted_at,
    first_name,
    last_name,
    loaded_at
from protected
