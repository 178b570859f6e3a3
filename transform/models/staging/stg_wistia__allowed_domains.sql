-- One row per allowed embed domain: the latest loaded copy (read in full every run).
with source as (
    select * from {{ wistia_optional_source('allowed_domains') }}
),

typed as (
    select
        {{ wistia_account_columns('allowed_domains') }}
        {{ wistia_text('domain') }} as domain,
        cast({{ wistia_col('created_at') }} as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}) as loaded_at
    from source
)

{{ wistia_latest_copy(
    'typed',
    partition_by=['account_id', 'domain'],
    order_by=['loaded_at desc nulls last'],
    required=['domain']
) }}
