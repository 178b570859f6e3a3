{#-
  Cross-warehouse helpers. The raw tables are written by different Singer targets:
    * target-duckdb lower-cases every column name (hashedId -> hashedid), but DuckDB
      resolves identifiers case-insensitively, quoted or not;
    * target-postgres keeps camelCase names as quoted identifiers ("hashedId");
    * target-snowflake stores names upper-case (QUOTED_IDENTIFIERS_IGNORE_CASE).
  `wistia_col` therefore quotes the name as the tap emits it on DuckDB/Postgres and quotes
  the upper-cased name on Snowflake, so the same staging SQL reads all three.
-#}
{% macro wistia_col(name) -%}
  {{ return(adapter.dispatch('wistia_col')(name)) }}
{%- endmacro %}

{% macro default__wistia_col(name) -%}
  "{{ name }}"
{%- endmacro %}

{% macro snowflake__wistia_col(name) -%}
  "{{ name | upper }}"
{%- endmacro %}


{#- Empty strings from the API mean "unknown": normalise them to NULL. -#}
{% macro wistia_text(name) -%}
  nullif(cast({{ wistia_col(name) }} as {{ dbt.type_string() }}), '')
{%- endmacro %}


{#- Current time in UTC as a timestamp without time zone (the raw tables store UTC). -#}
{% macro wistia_utc_now() -%}
  {{ return(adapter.dispatch('wistia_utc_now')()) }}
{%- endmacro %}

{% macro default__wistia_utc_now() -%}
  cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__wistia_utc_now() -%}
  cast(now() at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro postgres__wistia_utc_now() -%}
  (now() at time zone 'UTC')
{%- endmacro %}

{% macro snowflake__wistia_utc_now() -%}
  cast(convert_timezone('UTC', current_timestamp()) as timestamp_ntz)
{%- endmacro %}


{#- The integers 0 .. n-1 as a one-column relation (`alias`), portable SQL. -#}
{% macro wistia_integer_series(n, alias='n') -%}
  {%- for i in range(n | int) %}
  select {{ i }} as {{ alias }}{% if not loop.last %} union all{% endif %}
  {%- endfor %}
{%- endmacro %}


{#- A 64-bit float everywhere (dbt.type_float() is a 32-bit REAL on DuckDB). -#}
{% macro wistia_type_double() -%}
  {{ return(adapter.dispatch('wistia_type_double')()) }}
{%- endmacro %}

{% macro default__wistia_type_double() -%}
  {{ dbt.type_float() }}
{%- endmacro %}

{% macro duckdb__wistia_type_double() -%}
  double
{%- endmacro %}

{% macro postgres__wistia_type_double() -%}
  double precision
{%- endmacro %}
