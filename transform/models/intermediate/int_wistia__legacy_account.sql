{#-
  The account that rows loaded before the tap stamped `account_id` belong to (one row,
  one column; read by every staging model through macros/wistia_account.sql):
    1. var('legacy_account_id') (env DBT_LEGACY_ACCOUNT_ID) when set;
    2. else the account of the earliest loaded row that carries one, over every raw table:
       after the upgrade, the existing single-account user's first run stamps their own
       account, before any second account is added;
    3. else 0: nothing loaded since the upgrade yet (the warehouse still reads as before).
  A table, so the raw tables are scanned once per build, not once per staging query.
-#}
{{ config(materialized='table') }}
{%- set override = var('legacy_account_id', '') | string | trim -%}
{%- set stamped = [] -%}
{%- for node in graph.sources.values() | sort(attribute='name') if node.source_name == 'wistia' -%}
  {%- set raw = wistia_raw_column_names(node.name) -%}
  {%- if raw is none or ('account_id' in raw and '_sdc_batched_at' in raw) -%}
    {%- do stamped.append(node.name) -%}
  {%- endif -%}
{%- endfor %}
with first_loads as (
{%- for table_name in stamped %}
    select
        cast({{ wistia_col('account_id') }} as {{ dbt.type_bigint() }}) as account_id,
        min(cast({{ wistia_col('_sdc_batched_at') }} as {{ dbt.type_timestamp() }}))
            as first_loaded_at
    from {{ source('wistia', table_name) }}
    where {{ wistia_col('account_id') }} is not null
    group by 1
    {{- "\n    union all" if not loop.last }}
{%- else %}
    select cast(null as {{ dbt.type_bigint() }}) as account_id,
        cast(null as {{ dbt.type_timestamp() }}) as first_loaded_at
    where 1 = 0
{%- endfor %}
),

earliest as (
    select account_id
    from first_loads
    order by first_loaded_at, account_id
    limit 1
)

select
    {%- if override %}
    cast({{ override | int }} as {{ dbt.type_bigint() }}) as account_id
    {%- else %}
    coalesce(
        (select account_id from earliest), cast(0 as {{ dbt.type_bigint() }})
    ) as account_id
    {%- endif %}
