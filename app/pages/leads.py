"""Identified viewers per media, furthest viewers first: the list sales teams import."""

import streamlit as st

from app import exports, queries, ui

selection = ui.start_page()
st.title("Leads")
period = selection.period
st.caption(
    f"Identified viewers x media with sessions from {period.start} to {period.end}, "
    f"{selection.scope_label}; furthest viewed, sessions and views of that period."
)
if not queries.count_leads(period, selection.media_ids):
    ui.empty_state(
        "No identified viewers in this period.",
        "Widen the period. Viewers become identified through an email gate, a form or "
        "Wistia's identify API.",
    )
    st.stop()
min_viewed = st.slider("Watched at least (%)", 0, 100, 0, step=25, key="lead_min") / 100
rows = queries.leads(period, selection.media_ids, min_viewed)
st.metric("Leads", f"{len(rows):,}", border=True)
ui.table(
    rows,
    {
        "email": "Email",
        "name": "Name",
        "organization": "Organization",
        "title": "Title",
        "media_name": "Media",
        "max_percent_viewed": "Furthest viewed",
        "sessions": "Sessions",
        "last_view_at": "Last view (UTC)",
    },
    fractions=("Furthest viewed",),
)
ui.csv_download(
    "Download leads (CSV)",
    rows,
    exports.file_name("leads", period, selection.file_scope),
    key="download_leads",
)
