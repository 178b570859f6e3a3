{#-
  Which Wistia account a row belongs to, and the fields the tap's schema does not declare.

  The tap stamps `account_id` (integer, first in every primary key) and `extra_fields` (a
  JSON object of undeclared fields) on every record. Every staging model selects both with
  one call, `{{ wistia_account_columns('<raw table>') }}`, and keys its deduplication on
  `account_id` first, so two accounts' overlapping hashed ids never collapse into one row.

  Warehouses loaded before the upgrade: the raw tables lack both columns (or hold NULL in
  them for the rows loaded earlier). Such legacy rows belong to `int_wistia__legacy_account`
  (the account of the earliest row that carries one; var `legacy_account_id` overrides; 0
  while no row carries one yet), so a single-account warehouse keeps its figures, and the
  first upgraded run's copies of old records deduplicate against the legacy copies instead
  of doubling them. `extra_fields` is NULL on legacy rows.

  The raw columns are looked up once per model (`adapter.get_columns_in_relation`); compiled
  without a connection (--no-introspect) the model assumes they exist.
-#}
{% macro wistia_account_columns(table_name) -%}
  {%- set raw = wistia_raw_column_names(table_name) -%}
  {%- set legacy = '(select account_id from ' ~ ref('int_wistia__legacy_account') ~ ')' -%}
  {%- if raw is none or 'account_id' in raw %}
        coalesce(cast({{ wistia_col('account_id') }} as {{ dbt.type_bigint() }}), {{ legacy }})
            as account_id,
  {%- else %}
        {{ legacy }} as account_id,
  {%- endif %}
        {{ wistia_json_column('extra_fields', raw is none or 'extra_fields' in raw) }}
            as extra_fields,
{%- endmacro %}


{#- The lower-cased column names of raw table `table_name`: [] when the table does not
    exist, none when they cannot be read (parsing, or compiling with --no-introspect). -#}
{% macro wistia_raw_column_names(table_name) -%}
  {%- set declared = source('wistia', table_name) -%}
  {%- if not execute or not flags.INTROSPECT -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set found = adapter.get_relation(
        database=declared.database, schema=declared.schema, identifier=declared.identifier) -%}
  {%- if found is none -%}
    {{ return([]) }}
  {%- endif -%}
  {%- set names = [] -%}
  {%- for column in adapter.get_columns_in_relation(found) -%}
    {%- do names.append(column.name | lower) -%}
  {%- endfor -%}
  {{ return(names) }}
{%- endmacro %}


{#- Raw column `name` as the warehouse's JSON type (NULL when `present` is false): loaders
    write an object as JSON (target-duckdb), jsonb (target-postgres), VARIANT
    (target-snowflake) or JSON text (target-csv). -#}
{% macro wistia_json_column(name, present=true) -%}
  {{ return(adapter.dispatch('wistia_json_column')(name, present)) }}
{%- endmacro %}

{% macro default__wistia_json_column(name, present) -%}
  {%- if present -%}
    cast({{ wistia_col(name) }} as json)
  {%- else -%}
    cast(null as json)
  {%- endif -%}
{%- endmacro %}

{% macro postgres__wistia_json_column(name, present) -%}
  {%- if present -%}
    cast(cast({{ wistia_col(name) }} as text) as jsonb)
  {%- else -%}
    cast(null as jsonb)
  {%- endif -%}
{%- endmacro %}

{% macro snowflake__wistia_json_column(name, present) -%}
  {%- if present -%}
    try_parse_json(to_varchar({{ wistia_col(name) }}))
  {%- else -%}
    cast(null as variant)
  {%- endif -%}
{%- endmacro %}


{#- `a.account_id = b.account_id and a.x = b.x ...`: a join between two models on their
    keys, the account always first. -#}
{% macro wistia_join_on(left, right, keys) -%}
  {%- for key in ['account_id'] + keys -%}
    {{ left }}.{{ key }} = {{ right }}.{{ key }}{{ " and " if not loop.last }}
  {%- endfor -%}
{%- endmacro %}


{#- The account's name (int_wistia__accounts; NULL when the `account` stream is not loaded)
    for the account id `expression`, as a scalar subquery. -#}
{% macro wistia_account_name(expression) -%}
  (select a.account_name from {{ ref('int_wistia__accounts') }} as a
   where a.account_id = {{ expression }})
{%- endmacro %}
