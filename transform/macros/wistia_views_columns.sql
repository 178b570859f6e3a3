{#-
  The 24 columns of the per-view export, in order, from a row of `wistia_views_keyed`
  (alias `prefix`). Shared by `wistia_views` (exactly these) and `wistia_views_detailed`
  (the media and event identified first) so the two can never disagree.
-#}
{% macro wistia_views_columns(prefix='') -%}
{%- set p = prefix ~ '.' if prefix else '' -%}
{%- set empty = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {{ p }}viewed_at as {{ adapter.quote('Date') }},
    {{ p }}ip as {{ adapter.quote('IP') }},
    {{ p }}country as {{ adapter.quote('Country') }},
    {{ p }}region as {{ adapter.quote('Region') }},
    {{ p }}city as {{ adapter.quote('City') }},
    {{ p }}latitude as {{ adapter.quote('Latitude') }},
    {{ p }}longitude as {{ adapter.quote('Longitude') }},
    {{ p }}ip_organization as {{ adapter.quote('Organization') }},
    {{ p }}employment_organization as {{ adapter.quote('Employment Organization') }},
    {{ p }}title as {{ adapter.quote('Title') }},
    {{ p }}email as {{ adapter.quote('Email') }},
    {{ p }}name as {{ adapter.quote('Name') }},
    {{ empty }} as {{ adapter.quote('Tagline') }},
    {{ empty }} as {{ adapter.quote('Gender') }},
    {{ empty }} as {{ adapter.quote('Twitter Handle') }},
    {{ empty }} as {{ adapter.quote('LinkedIn Handle') }},
    {{ empty }} as {{ adapter.quote('Facebook Handle') }},
    {{ p }}percent_viewed as {{ adapter.quote('Percent Viewed') }},
    {{ p }}embed_url as {{ adapter.quote('Embed URL') }},
    {{ p }}links_clicked as {{ adapter.quote('Links Clicked') }},
    {{ p }}browser as {{ adapter.quote('Browser') }},
    {{ p }}browser_version as {{ adapter.quote('Browser Version') }},
    {{ p }}platform as {{ adapter.quote('Platform') }},
    case
        when {{ p }}is_mobile then 'Mobile'
        when not {{ p }}is_mobile then 'Desktop'
    end as {{ adapter.quote('Device') }}
{%- endmacro %}
