{#-
  Unnest a JSON array of objects stored as text (the tap serialises arrays to JSON strings
  when it flattens records), such as a media's `tags` ([{"name": "webinar"}, ...]), into one
  row per element with a text field of it:
      <key columns...>, item_name
  Elements without the field, and rows whose array is NULL or empty, produce no row.
-#}
{% macro wistia_json_array_names(relation, key_columns, array_column, field='name') -%}
  {{ return(adapter.dispatch('wistia_json_array_names')(
      relation, key_columns, array_column, field)) }}
{%- endmacro %}

{% macro duckdb__wistia_json_array_names(relation, key_columns, array_column, field) -%}
  select
    {%- for key in key_columns %}
    {{ key }},
    {%- endfor %}
    item_name
  from (
    select
      {%- for key in key_columns %}
      r.{{ key }},
      {%- endfor %}
      unnest(json_extract_string(cast(r.{{ array_column }} as json), '$[*].{{ field }}'))
        as item_name
    from {{ relation }} as r
    where r.{{ array_column }} is not null
  ) as unnested
  where item_name is not null and item_name <> ''
{%- endmacro %}

{% macro postgres__wistia_json_array_names(relation, key_columns, array_column, field) -%}
  select
    {%- for key in key_columns %}
    r.{{ key }},
    {%- endfor %}
    u.value ->> '{{ field }}' as item_name
  from {{ relation }} as r
  cross join lateral jsonb_array_elements(cast(r.{{ array_column }} as jsonb)) as u(value)
  where r.{{ array_column }} is not null
    and coalesce(u.value ->> '{{ field }}', '') <> ''
{%- endmacro %}

{% macro snowflake__wistia_json_array_names(relation, key_columns, array_column, field) -%}
  select
    {%- for key in key_columns %}
    r.{{ key }},
    {%- endfor %}
    cast(u.value:{{ field }} as varchar) as item_name
  from {{ relation }} as r,
    lateral flatten(input => parse_json(r.{{ array_column }})) as u
  where r.{{ array_column }} is not null
    and coalesce(cast(u.value:{{ field }} as varchar), '') <> ''
{%- endmacro %}
