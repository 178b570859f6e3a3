"""Where plays come from (UTM tags, referrers) and what they turn into: CTA clicks and form
submissions (leads), from Wistia's Analytics API marts."""

import streamlit as st

from app import charts, exports, ui
from app.traffic import TRAFFIC_DIMENSIONS

NO_ANALYTICS_HINT = (
    "The sync skips Wistia's analytics streams (with a warning in its log) when the "
    "account's plan or the API token cannot read analytics. Use a token with 'Read detailed "
    "stats' on a plan that includes analytics, then run `bash scripts/sync.sh`; set the tap's "
    "`analytics_required: true` to make such a sync fail instead."
)

selection = ui.start_page()
st.title("Traffic & conversions")
available = ui.query("traffic.mart_rows")
if not any(available.values()):
    ui.empty_state("No Wistia analytics in the warehouse yet.", NO_ANALYTICS_HINT)
    st.stop()
scope = selection.project or ""

st.subheader("Traffic sources")
if not available["media_traffic_sources"]:
    ui.empty_state("No traffic sources in the warehouse.", NO_ANALYTICS_HINT)
else:
    label = (
        st.segmented_control(
            "Break down by", list(TRAFFIC_DIMENSIONS), default="UTM source", key="traffic_by"
        )
        or "UTM source"
    )
    dimension = TRAFFIC_DIMENSIONS[label]
    sources = ui.query("traffic.traffic_sources", dimension, selection.media_ids)
    days = ui.query("traffic.traffic_days", selection.media_ids)
    if not sources or days is None:
        ui.empty_state("No traffic for the selected medias.", "Clear the project or media filter.")
    else:
        st.caption(
            f"{selection.scope_label}, every month extracted ({days[0]} to {days[1]}): Wistia "
            "reports traffic per month, so the period filter does not apply. '(none)' holds "
            "visits without a value (untagged links, direct visits)."
        )
        top = sources[:15]
        st.altair_chart(charts.bar_chart(top, "dimension_value", "plays", label), width="stretch")
        st.dataframe(
            ui.frame(
                sources,
                {
                    "dimension_value": label,
                    "plays": "Plays",
                    "loads": "Loads",
                    "play_rate": "Play rate",
                    "engagement_rate": "Engagement",
                    "share_of_plays": "Share of plays",
                },
            ),
            hide_index=True,
            width="stretch",
            column_config={
                name: st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)
                for name in ("Play rate", "Engagement", "Share of plays")
            },
        )
        st.download_button(
            f"Download traffic by {label} (CSV)",
            exports.table_csv(sources),
            file_name=exports.file_name(f"traffic-by-{dimension}", scope=scope),
            mime="text/csv",
            key="download_traffic",
        )
        per_media = ui.query("traffic.traffic_by_media", dimension, selection.media_ids)
        with st.expander(f"Per media ({len(per_media)} rows)"):
            st.dataframe(
                ui.frame(
                    per_media,
                    {
                        "media_name": "Media",
                        "dimension_value": label,
                        "plays": "Plays",
                        "loads": "Loads",
                        "engagement_rate": "Engagement",
                        "share_of_plays": "Share of the media's plays",
                    },
                ),
                hide_index=True,
                width="stretch",
            )
            st.download_button(
                f"Download traffic by media and {label} (CSV)",
                exports.table_csv(per_media),
                file_name=exports.file_name(f"traffic-by-media-and-{dimension}", scope=scope),
                mime="text/csv",
                key="download_traffic_media",
            )

st.subheader("Conversion rates")
rates = (
    ui.query("traffic.conversion_rates", selection.media_ids)
    if available["media_conversion_rates"]
    else []
)
if not rates:
    ui.empty_state("No conversion figures for the selected medias.", NO_ANALYTICS_HINT)
else:
    totals = ui.query("traffic.conversion_totals", selection.media_ids)
    st.caption(
        f"{selection.scope_label}, every day extracted "
        f"({totals['first_day']} to {totals['last_day']})."
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
    st.dataframe(
        ui.frame(
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
        ),
        hide_index=True,
        width="stretch",
        column_config={
            name: st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)
            for name in ("CTA conversion rate", "Form conversion rate")
        },
    )
    st.download_button(
        "Download conversion rates (CSV)",
        exports.table_csv(rates),
        file_name=exports.file_name("conversion-rates", scope=scope),
        mime="text/csv",
        key="download_conversion_rates",
    )

st.subheader("Leads from forms")
period = selection.period
st.caption(f"Form submissions {period.start} to {period.end} (UTC), {selection.scope_label}.")
if not available["media_conversions"]:
    ui.empty_state(
        "No form submissions in the warehouse.",
        "They come from Wistia forms on your medias, read through the analytics API. "
        + NO_ANALYTICS_HINT,
    )
    st.stop()
leads = ui.query("traffic.conversions", period, selection.media_ids)
st.metric("Leads in the period", f"{len(leads):,}", border=True)
if not leads:
    ui.empty_state("No form submissions in this period.", "Widen the period in the sidebar.")
else:
    st.dataframe(
        ui.frame(
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
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Furthest viewed": st.column_config.ProgressColumn(
                format="percent", min_value=0, max_value=1
            )
        },
    )
    st.download_button(
        "Download leads from forms (CSV)",
        exports.table_csv(leads),
        file_name=exports.file_name("form-leads", period, scope=scope),
        mime="text/csv",
        key="download_form_leads",
    )
