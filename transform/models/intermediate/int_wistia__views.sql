{#-
  The viewing sessions every view-counting model reads: staged events, narrowed by
  var('views_filter'):
    all     every session Wistia recorded (default; a load that never played has
            percent_viewed = 0)
    played  only sessions where the video was played (percent_viewed > 0), like the old
            Wistia export's `filter=view`
-#}
{%- set views_filter = var('views_filter', 'all') -%}
{%- if views_filter not in ('all', 'played') -%}
  {{ exceptions.raise_compiler_error(
      "var views_filter must be 'all' or 'played', got '" ~ views_filter ~ "'") }}
{%- endif -%}
select *
from {{ ref('stg_wistia__events') }}
{%- if views_filter == 'played' %}
where percent_viewed > 0
{%- endif %}
