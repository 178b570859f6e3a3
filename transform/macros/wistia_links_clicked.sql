{#-
  The export's Links Clicked column from an event's conversion_type (text) and whether the
  conversion captured an email (boolean). Wistia sends conversion_type either as a name
  ('pre-roll-email', 'mid-roll-email', 'post-roll-email': where the email gate sat) or as
  an undocumented numeric code (1, 2, ...). Names are kept. A code becomes its label from
  var('links_clicked_codes') (e.g. {"1": "pre-roll-email"}; empty by default because Wistia
  documents no code), else 'email-gate (code N)' when the conversion captured an email (an
  email gate, position unknown), else 'conversion (code N)'. No conversion_type but a
  captured email gives 'conversion'.
-#}
{% macro wistia_links_clicked(conversion_type, captured_email) -%}
  {%- set codes = var('links_clicked_codes', {}) or {} -%}
  case
    when {{ conversion_type }} is null then
      case when {{ captured_email }} then 'conversion' end
    when translate({{ conversion_type }}, '0123456789', '') <> '' then {{ conversion_type }}
    {%- for code, label in codes.items() %}
    when {{ conversion_type }} = '{{ code }}' then '{{ label | replace("'", "''") }}'
    {%- endfor %}
    when {{ captured_email }} then 'email-gate (code ' || {{ conversion_type }} || ')'
    else 'conversion (code ' || {{ conversion_type }} || ')'
  end
{%- endmacro %}
