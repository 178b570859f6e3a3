{#-
  The value of query parameter `name` in the URL `url` (text), or NULL when the URL has none
  (or an empty one). The value is returned as written (percent-encoding kept): UTM values
  are plain words in practice, and no warehouse shares a URL-decoding function.
  `name` is a literal parameter name made of letters, digits and underscores.
-#}
{% macro wistia_url_param(url, name) -%}
  {{ return(adapter.dispatch('wistia_url_param')(url, name)) }}
{%- endmacro %}

{% macro default__wistia_url_param(url, name) -%}
  nullif(substring({{ url }} from '[?&]{{ name }}=([^&#]*)'), '')
{%- endmacro %}

{% macro duckdb__wistia_url_param(url, name) -%}
  nullif(regexp_extract({{ url }}, '[?&]{{ name }}=([^&#]*)', 1), '')
{%- endmacro %}

{% macro snowflake__wistia_url_param(url, name) -%}
  nullif(regexp_substr({{ url }}, '[?&]{{ name }}=([^&#]*)', 1, 1, 'e', 1), '')
{%- endmacro %}
