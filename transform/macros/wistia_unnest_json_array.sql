{#-
  Unnest a JSON array of numbers stored as text (the tap serialises arrays to JSON strings
  when it flattens records) into one row per element:
      <key columns...>, cell_index (0-based), cell_value
  `relation` is a CTE or relation name, `key_columns` a list of its columns.
  Rows whose array is NULL or empty produce no output row.
-#}
{% macro wistia_unnest_json_array(relation, key_columns, array_column) -%}
  {{ return(adapter.dispatch('wistia_unnest_json_array')(relation, key_columns, array_column)) }}
{%- endmacro %}

{% macro duckdb__wistia_unnest_json_array(relation, key_columns, array_column) -%}
  select
    {%- for key in key_columns %}
    {{ key }},
    {%- endfor %}
    cast(cell_index as integer) as cell_index,
    cast(cell_value as double) as cell_value
  from (
    select
      {%- for key in key_columns %}
      r.{{ key }},
      {%- endfor %}
      unnest(generate_series(0, len(cast(r.{{ array_column }} as double[])) - 1)) as cell_index,
      unnest(cast(r.{{ array_column }} as double[])) as cell_value
    from {{ relation }} as r
    where r.{{ array_column }} is not null
  ) as unnested
{%- endmacro %}

{% macro postgres__wistia_unnest_json_array(relation, key_columns, array_column) -%}
  select
    {%- for key in key_columns %}
    r.{{ key }},
    {%- endfor %}
    cast(u.ordinality - 1 as integer) as cell_index,
    cast(u.value as double precision) as cell_value
  from {{ relation }} as r
  cross join lateral jsonb_array_elements_text(cast(r.{{ array_column }} as jsonb))
    with ordinality as u(value, ordinality)
  where r.{{ array_column }} is not null
{%- endmacro %}

{% macro snowflake__wistia_unnest_json_array(relation, key_columns, array_column) -%}
  select
    {%- for key in key_columns %}
    r.{{ key }},
    {%- endfor %}
    cast(u.index as integer) as cell_index,
    cast(u.value as double) as cell_value
  from {{ relation }} as r,
    lateral flatten(input => parse_json(r.{{ array_column }})) as u
  where r.{{ array_column }} is not null
{%- endmacro %}
