"""Webinars: the attendance funnel (impressions -> registrants -> attendees), minutes watched
and engagement per webinar and UTM source, and the audience with a download."""

import streamlit as st

from app import charts, exports, queries, ui

NO_WEBINARS_HINT = (
    "Webinars come from Wistia's webinar streams: the sync skips them (with a warning in its "
    "log) when the account's plan has no webinars. Set the tap's `webinars_required: true` "
    "to make such a sync fail instead; a warehouse built before the webinar models exist "
    "gets them from `bash scripts/sync.sh`."
)

selection = ui.start_page()
st.title("Webinars")
webinars = queries.webinar_list()
if not webinars:
    ui.empty_state("No webinars in the warehouse.", NO_WEBINARS_HINT)
    st.stop()

titles = {
    row["webinar_id"]: f"{row['webinar_title']} ({str(row['scheduled_for'])[:10]})"
    for row in webinars
}
picked = st.selectbox(
    "Webinar", ["", *titles], format_func=lambda w: titles.get(w, "All webinars"), key="webinar"
)
webinar_id = picked or None
scope = webinar_id or "all-webinars"
chosen = [row for row in webinars if webinar_id in (None, row["webinar_id"])]
registrants = sum(row["registrants"] or 0 for row in chosen)
attendees = sum(row["attendees"] or 0 for row in chosen)
minutes = sum(row["minutes_watched"] or 0 for row in chosen)
engaged = sum((row["engagement_rate"] or 0) * (row["attendees"] or 0) for row in chosen)

st.subheader("Attendance funnel")
cards = st.columns(4)
cards[0].metric("Registrants", f"{registrants:,}", border=True)
cards[1].metric(
    "Attended live",
    f"{attendees:,}",
    help="Registrants who joined the live event.",
    border=True,
)
cards[2].metric(
    "Attendance rate", ui.percent(attendees / registrants if registrants else None), border=True
)
cards[3].metric(
    "Engagement",
    ui.percent(engaged / attendees if attendees else None),
    help="Average fraction of the event the live attendees watched.",
    border=True,
)
funnel = [
    {"step": "1. Page impressions", "count": sum(row["impressions"] or 0 for row in chosen)},
    {"step": "2. Registrants", "count": registrants},
    {"step": "3. Attended live", "count": attendees},
    {"step": "4. Watched on demand", "count": sum(r["on_demand_viewers"] or 0 for r in chosen)},
]
st.altair_chart(charts.bar_chart(funnel, "step", "count", "Funnel"), width="stretch")
st.caption(
    f"{len(chosen)} webinar(s); {minutes:,.0f} minutes watched live, "
    f"{minutes / attendees if attendees else 0:,.1f} per attendee."
)

st.subheader("By UTM source")
sources = queries.webinar_funnel_by_source(webinar_id)
source_columns = {
    "utm_source": "UTM source",
    "impressions": "Impressions",
    "registrants": "Registrants",
    "attendees": "Attendees",
    "attendance_rate": "Attendance rate",
    "minutes_watched": "Minutes watched",
    "minutes_per_attendee": "Minutes per attendee",
    "engagement_rate": "Engagement",
}
ui.table(sources, source_columns, fractions=("Attendance rate", "Engagement"))
ui.csv_download(
    "Download the funnel by UTM source (CSV)",
    sources,
    exports.file_name("webinar-funnel-by-source", scope=scope),
    key="download_webinar_sources",
)

if webinar_id is None:
    st.subheader("Every webinar")
    ui.table(
        webinars,
        {
            "webinar_title": "Webinar",
            "scheduled_for": "Starts (UTC)",
            "lifecycle_status": "Status",
            "registrants": "Registrants",
            "attendees": "Attendees",
            "attendance_rate": "Attendance rate",
            "minutes_per_attendee": "Minutes per attendee",
            "engagement_rate": "Engagement",
        },
        fractions=("Attendance rate", "Engagement"),
    )

st.subheader("Audience")
audience = queries.webinar_audience(webinar_id)
st.caption("One row per registrant: live attendees first, longest watchers first.")
ui.table(
    audience,
    {
        "email": "Email",
        "first_name": "First name",
        "last_name": "Last name",
        "company": "Company",
        "job_title": "Job title",
        "attendance_status": "Attendance",
        "minutes_watched": "Minutes watched",
        "engagement_rate": "Engagement",
        "chat_count": "Chats",
        "utm_source": "UTM source",
        "registered_at": "Registered (UTC)",
    },
    fractions=("Engagement",),
    column_config={"Minutes watched": st.column_config.NumberColumn(format="%.0f")},
)
ui.csv_download(
    "Download the audience (CSV)",
    audience,
    exports.file_name("webinar-audience", scope=scope),
    key="download_webinar_audience",
)
