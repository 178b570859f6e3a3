{#-
  Privacy (GDPR) controls for personal data, applied in staging so that no model downstream
  ever sees the raw value:
    var('ip_privacy')     keep (default) | hash | drop    -> events.ip
    var('email_privacy')  keep (default) | hash | drop    -> events.email,
                          conversion_data.email, visitors' visitor_identity.email
  hash = lower-case hex SHA-256 of var('privacy_salt') followed by the value (emails trimmed
  and lower-cased first). The same salt gives the same hash on every run and warehouse, so
  joins and distinct counts still work; without the salt the value cannot be looked up.
  drop = NULL.
-#}
{% macro wistia_privacy_mode(kind) -%}
  {%- set mode = var(kind ~ '_privacy', 'keep') | string -%}
  {%- if mode not in ('keep', 'hash', 'drop') -%}
    {{ exceptions.raise_compiler_error(
        "var " ~ kind ~ "_privacy must be keep, hash or drop, got '" ~ mode ~ "'") }}
  {%- endif -%}
  {{ return(mode) }}
{%- endmacro %}


{#- `expr` (text) protected according to var('<kind>_privacy'); kind is 'ip' or 'email'. -#}
{% macro wistia_protect(expr, kind) -%}
  {%- set mode = wistia_privacy_mode(kind) -%}
  {%- if mode == 'keep' -%}
    {{ expr }}
  {%- elif mode == 'drop' -%}
    cast(null as {{ dbt.type_string() }})
  {%- else -%}
    {%- set salt = (var('privacy_salt', '') | string).replace("'", "''") -%}
    {%- set value = 'lower(trim(' ~ expr ~ '))' if kind == 'email' else expr -%}
    case when {{ expr }} is not null then {{ wistia_sha256_hex("'" ~ salt ~ "' || " ~ value) }} end
  {%- endif -%}
{%- endmacro %}


{#- Lower-case hex SHA-256 of a text expression (UTF-8 bytes). -#}
{% macro wistia_sha256_hex(expr) -%}
  {{ return(adapter.dispatch('wistia_sha256_hex')(expr)) }}
{%- endmacro %}

{% macro duckdb__wistia_sha256_hex(expr) -%}
  sha256({{ expr }})
{%- endmacro %}

{% macro postgres__wistia_sha256_hex(expr) -%}
  encode(sha256(convert_to({{ expr }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro snowflake__wistia_sha256_hex(expr) -%}
  lower(sha2({{ expr }}, 256))
{%- endmacro %}
