{#-
  Time helpers for the trend models. The raw tables store UTC timestamps without time zone;
  reports are in var('reporting_timezone') (an IANA name such as 'Europe/Paris', default UTC),
  so day and hour boundaries follow local time, daylight saving included.
-#}
{% macro wistia_reporting_timezone() -%}
  {%- set tz = var('reporting_timezone', 'UTC') | string -%}
  {%- if not modules.re.fullmatch('[A-Za-z][A-Za-z0-9_+/-]*', tz) -%}
    {{ exceptions.raise_compiler_error(
        "var reporting_timezone must be an IANA time zone name such as 'Europe/Paris', got '" ~ tz ~ "'") }}
  {%- endif -%}
  {{ return(tz) }}
{%- endmacro %}


{#- A UTC timestamp (without time zone) as wall-clock time in the reporting time zone. -#}
{% macro wistia_utc_to_local(ts) -%}
  {{ return(adapter.dispatch('wistia_utc_to_local')(ts, wistia_reporting_timezone())) }}
{%- endmacro %}

{#- DuckDB (ICU) and PostgreSQL: timestamp AT TIME ZONE 'UTC' reads the value as UTC
    (-> timestamptz); timestamptz AT TIME ZONE tz gives the wall clock there. -#}
{% macro default__wistia_utc_to_local(ts, tz) -%}
  cast((({{ ts }}) at time zone 'UTC') at time zone '{{ tz }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro snowflake__wistia_utc_to_local(ts, tz) -%}
  cast(convert_timezone('UTC', '{{ tz }}', {{ ts }}) as timestamp_ntz)
{%- endmacro %}


{#-
  Start of the `days`-long bucket holding a local timestamp, as a timestamp at local midnight.
  Buckets are counted from var('trend_bucket_anchor') (default 1970-01-05, a Monday), so
  7-day buckets are Monday-to-Sunday weeks and bucket edges never move as data arrives.
-#}
{% macro wistia_day_bucket(local_ts, days) -%}
  {%- set anchor = "cast('" ~ var('trend_bucket_anchor', '1970-01-05') ~ "' as date)" -%}
  {%- set offset = dbt.datediff(anchor, 'cast(' ~ local_ts ~ ' as date)', 'day') -%}
  cast({{ dbt.dateadd(
      'day',
      'cast(floor((' ~ offset ~ ') / ' ~ days ~ '.0) * ' ~ days ~ ' as integer)',
      "cast('" ~ var('trend_bucket_anchor', '1970-01-05') ~ "' as " ~ dbt.type_timestamp() ~ ")"
  ) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#-
  One row per (input row, step) with step = 0 .. count_column - 1: a per-row integer series
  (the warehouses have no common generate_series).
-#}
{% macro wistia_series_per_row(relation, key_columns, count_column, alias='step') -%}
  {{ return(adapter.dispatch('wistia_series_per_row')(relation, key_columns, count_column, alias)) }}
{%- endmacro %}

{% macro duckdb__wistia_series_per_row(relation, key_columns, count_column, alias) -%}
  select
    {%- for key in key_columns %}
    r.{{ key }},
    {%- endfor %}
    unnest(generate_series(0, r.{{ count_column }} - 1)) as {{ alias }}
  from {{ relation }} as r
{%- endmacro %}

{% macro postgres__wistia_series_per_row(relation, key_columns, count_column, alias) -%}
  select
    {%- for key in key_columns %}
    r.{{ key }},
    {%- endfor %}
    g.{{ alias }}
  from {{ relation }} as r
  cross join lateral generate_series(0, r.{{ count_column }} - 1) as g({{ alias }})
{%- endmacro %}

{% macro snowflake__wistia_series_per_row(relation, key_columns, count_column, alias) -%}
  select
    {%- for key in key_columns %}
    r.{{ key }},
    {%- endfor %}
    cast(g.value as integer) as {{ alias }}
  from {{ relation }} as r,
    lateral flatten(input => array_generate_range(0, r.{{ count_column }})) as g
{%- endmacro %}
