{#-
  The per-view export: one row per event, exactly these 24 columns in this order (Wistia's
  old "Export as CSV" plus its identity-enrichment fields). Columns 13-17 (Tagline, Gender,
  Twitter/LinkedIn/Facebook Handle) have no source in today's Wistia API and stay empty.
  Percent Viewed is a fraction 0..1 (not a percentage). Date is the event's received_at in UTC.
-#}
select
{{ wistia_views_columns() }}
from {{ ref('wistia_views_keyed') }}
