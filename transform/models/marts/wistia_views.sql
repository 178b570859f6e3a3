{#-
  The per-view export: one row per event, exactly these 24 columns in this order (Wistia's
  old "Export as CSV" plus its identity-enrichment fields). Columns 13-17 (Tagline, Gender,
  Twitter/LinkedIn/Facebook Handle) have no source in today's Wistia API and stay empty.
  Percent Viewed is a fraction 0..1 (not a percentage). Date is the event's received_at in UTC.
-#}
{%- set empty = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
select
    viewed_at as {{ adapter.quote('Date') }},
    ip as {{ adapter.quote('IP') }},
    country as {{ adapter.quote('Country') }},
    region as {{ adapter.quote('Region') }},
    city as {{ adapter.quote('City') }},
    latitude as {{ adapter.quote('Latitude') }},
    longitude as {{ adapter.quote('Longitude') }},
    ip_organization as {{ adapter.quote('Organization') }},
    employment_organization as {{ adapter.quote('Employment Organization') }},
    title as {{ adapter.quote('Title') }},
    email as {{ adapter.quote('Email') }},
    name as {{ adapter.quote('Name') }},
    {{ empty }} as {{ adapter.quote('Tagline') }},
    {{ empty }} as {{ adapter.quote('Gender') }},
    {{ empty }} as {{ adapter.quote('Twitter Handle') }},
    {{ empty }} as {{ adapter.quote('LinkedIn Handle') }},
    {{ empty }} as {{ adapter.quote('Facebook Handle') }},
    percent_viewed as {{ adapter.quote('Percent Viewed') }},
    embed_url as {{ adapter.quote('Embed URL') }},
    links_clicked as {{ adapter.quote('Links Clicked') }},
    browser as {{ adapter.quote('Browser') }},
    browser_version as {{ adapter.quote('Browser Version') }},
    platform as {{ adapter.quote('Platform') }},
    case
        when is_mobile then 'Mobile'
        when not is_mobile then 'Desktop'
    end as {{ adapter.quote('Device') }}
from {{ ref('wistia_views_keyed') }}
