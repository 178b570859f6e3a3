{#-
  One row per Wistia account in the warehouse: its id and its name. The name comes from the
  `account` stream (the catalog's one row per account) when dbt's source `wistia` declares
  it and the table exists (wistia_optional_source); otherwise it is NULL and every mart's
  account_name with it. Accounts are those with medias, events or visitors.
-#}
{{ config(materialized='table') }}
{%- set has_names = execute and graph.sources.values()
      | selectattr('source_name', 'equalto', 'wistia')
      | selectattr('name', 'equalto', 'account') | list | length > 0 -%}
with ids as (
    select account_id from {{ ref('stg_wistia__medias') }}
    union
    select account_id from {{ ref('stg_wistia__events') }}
    union
    select account_id from {{ ref('stg_wistia__visitors') }}
),

names as (
{%- if has_names %}
    select
        cast({{ wistia_col('id') }} as {{ dbt.type_bigint() }}) as account_id,
        max({{ wistia_text('name') }}) as account_name
    from {{ wistia_optional_source('account') }}
    group by 1
{%- else %}
    select
        cast(null as {{ dbt.type_bigint() }}) as account_id,
        cast(null as {{ dbt.type_string() }}) as account_name
    where 1 = 0
{%- endif %}
)

select ids.account_id, names.account_name
from ids
left join names
    on ids.account_id = names.account_id
