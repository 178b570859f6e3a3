"""Where plays come from (UTM tags, referrers) and what they turn into: CTA clicks and form
submissions (leads), from Wistia's Analytics API marts."""

import streamlit as st

from app import charts, exports, queries, ui
from app.traffic import ALL_PERIOD_MARTS, TRAFFIC_DIMENSIONS

NO_ANALYTICS_HINT = (
    "The sync skips Wistia's analytics streams (with a warning in its log) when the "
    "account's plan or the API token cannot read analytics. Use a token with 'Read detailed "
    "stats' on a plan that includes analytics, then run `bash scripts/sync.sh`; set the tap's "
    "`analytics_required: true` to make such a sync fail instead."
)
REBUILD_HINT = (
    "The warehouse was built before the per-month traffic and per-day conversion marts "
    "existed, so its figures cannot follow the period. Run `bash scripts/sync.sh` (the dbt "
    "build adds media_traffic_monthly and media_conversions_daily), then reload."
)

selection = ui.start_page()
st.title("Traffic & conversions")
available = queries.mart_rows()
if not any(available.values()):
    ui.empty_state("No Wistia analytics in the warehouse yet.", NO_ANALYTICS_HINT)
    st.stop()
# Only the all-period marts hold rows: the warehouse predates the period-level ones.
predates = not available["media_traffic_monthly"] and not available["media_conversions_daily"]
missing_hint = (
    REBUILD_HINT if predates and any(available[m] for m in ALL_PERIOD_MARTS) else NO_ANALYTICS_HINT
)
scope = selection.project or ""
period = selection.period

st.subheader("Traffic sources")
if not available["media_traffic_monthly"]:
    ui.empty_state("No traffic sources in the warehouse.", missing_hint)
else:
    label = (
        st.segmented_control(
            "Break down by", list(TRAFFIC_DIMENSIONS), default="UTM source", key="traffic_by"
        )
        or "UTM source"
    )
    dimension = TRAFFIC_DIMENSIONS[label]
    sources = queries.traffic_sources(dimension, period, selection.media_ids)
    months = queries.traffic_months(period, selection.media_ids)
    if not sources or months is None:
        ui.empty_state(
            "No traffic for the selected medias in this period.",
            "Widen the period or clear the project or media filter.",
        )
    else:
        covered = (
            f"months {months[0]} to {months[1]}, which overlap"
            if months[0] != months[1]
            else f"month {months[0]}, which overlaps"
        )
        st.caption(
            f"{selection.scope_label}. Traffic for the {covered} your period "
            f"({period.start} to {period.end}): Wistia reports traffic per month (account "
            "time zone). '(none)' holds visits without a value (untagged links, direct visits)."
        )
        top = sources[:15]
        st.altair_chart(charts.bar_chart(top, "dimension_value", "plays", label), width="stretch")
        ui.table(
            sources,
            {
                "dimension_value": label,
                "plays": "Plays",
                "loads": "Loads",
                "play_rate": "Play rate",
                "engagement_rate": "Engagement",
                "share_of_plays": "Share of plays",
            },
            fractions=("Play rate", "Engagement", "Share of plays"),
        )
        ui.csv_download(
            f"Download traffic by {label} (CSV)",
            sources,
            exports.file_name(f"traffic-by-{dimension}", period, scope=scope),
            key="download_traffic",
        )
        per_media = queries.traffic_by_media(dimension, period, selection.media_ids)
        with st.expander(f"Per media ({len(per_media)} rows)"):
            ui.table(
                per_media,
                {
                    "media_name": "Media",
                    "dimension_value": label,
                    "plays": "Plays",
                    "loads": "Loads",
                    "engagement_rate": "Engagement",
                    "share_of_plays": "Share of the media's plays",
                },
            )
            ui.csv_download(
                f"Download traffic by media and {label} (CSV)",
                per_media,
                exports.file_name(f"traffic-by-media-and-{dimension}", period, scope=scope),
                key="download_traffic_media",
            )

st.subheader("Conversion rates")
if not available["media_conversions_daily"]:
    rates = []
    ui.empty_state("No conversion figures in the warehouse.", missing_hint)
else:
    rates = queries.conversion_rates(period, selection.media_ids)
    if not rates:
        ui.empty_state(
            "No conversion figures for the selected medias in this period.",
            "Widen the period or clear the project or media filter.",
        )
if rates:
    totals = queries.conversion_totals(period, selection.media_ids)
    st.caption(
        f"{selection.scope_label}, {period.start} to {period.end} (Wistia's days, in the "
        "account's time zone); distinct leads are the emails that submitted a form then."
    )
    cards = st.columns(3)
    cards[0].metric(
        "CTA conversion rate",
        ui.percent(totals["cta_conversion_rate"]),
        help="Clicks on calls to action / CTA impressions.",
        border=True,
    )
    cards[1].metric(
        "Form conversion rate",
        ui.percent(totals["form_conversion_rate"]),
        help="Form submissions / plays.",
        border=True,
    )
    cards[2].metric("Form conversions", f"{totals['form_conversions'] or 0:,}", border=True)
    ui.table(
        rates,
        {
            "media_name": "Media",
            "project_name": "Project",
            "plays": "Plays",
            "cta_impressions": "CTA impressions",
            "cta_conversions": "CTA clicks",
            "cta_conversion_rate": "CTA conversion rate",
            "form_conversions": "Form conversions",
            "form_conversion_rate": "Form conversion rate",
            "distinct_leads": "Distinct leads",
        },
        fractions=("CTA conversion rate", "Form conversion rate"),
    )
    ui.csv_download(
        "Download conversion rates (CSV)",
        rates,
        exports.file_name("conversion-rates", period, scope=scope),
        key="download_conversion_rates",
    )

st.subheader("Leads from forms")
st.caption(f"Form submissions {period.start} to {period.end} (UTC), {selection.scope_label}.")
if not available["media_conversions"]:
    ui.empty_state(
        "No form submissions in the warehouse.",
        "They come from Wistia forms on your medias, read through the analytics API. "
        + NO_ANALYTICS_HINT,
    )
    st.stop()
leads = queries.conversions(period, selection.media_ids)
st.metric("Leads in the period", f"{len(leads):,}", border=True)
if not leads:
    ui.empty_state("No form submissions in this period.", "Widen the period in the sidebar.")
else:
    ui.table(
        leads,
        {
            "converted_at": "Converted (UTC)",
            "email": "Email",
            "first_name": "First name",
            "last_name": "Last name",
            "media_name": "Media",
            "sessions_on_media_before_conversion": "Sessions before",
            "max_percent_viewed_on_media": "Furthest viewed",
        },
        fractions=("Furthest viewed",),
    )
    ui.csv_download(
        "Download leads from forms (CSV)",
        leads,
        exports.file_name("form-leads", period, scope=scope),
        key="download_form_leads",
    )
