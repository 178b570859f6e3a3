"""CSV downloads for the sidebar's period, project and media, streamed by the server."""

import streamlit as st

from app import exports, queries, ui
from app.downloads_api import SESSIONS_PATH, VIEWS_PATH, download_url

selection = ui.start_page()
period = selection.period
st.title("Downloads")
st.caption(
    f"{period.start} to {period.end} (UTC), {selection.scope_label}. Change the period, "
    "project or media in the sidebar. Files are written as they download, so millions of "
    "rows are fine."
)
count = queries.count_views(period, selection.media_ids)
scope = selection.file_scope

st.subheader("Views export (24 columns)")
st.markdown(
    "One row per viewing session, the 24 columns of Wistia's classic export "
    "(`Date`, `IP`, … `Device`). *Percent Viewed* is a fraction from 0 to 1."
)
views_name = exports.file_name("views-24col", period, scope)
if count:
    st.link_button(
        f"Download {views_name} ({count:,} rows)",
        download_url(
            VIEWS_PATH, period, selection.project, selection.media_id, selection.account_id
        ),
        icon=":material/download:",
        type="primary",
    )
else:
    ui.empty_state("No viewing sessions in this period.", "Widen the period in the sidebar.")

st.subheader("Detailed sessions export")
st.markdown(
    "Every field of each session with its keys (`account_id`, `event_key`, `media_id`, "
    "`visitor_key`), "
    "the media and its project: for joins in your own tools."
)
if count:
    st.link_button(
        f"Download {exports.file_name('sessions-detailed', period, scope)} ({count:,} rows)",
        download_url(
            SESSIONS_PATH, period, selection.project, selection.media_id, selection.account_id
        ),
        icon=":material/download:",
    )
st.caption(
    "Every table on the other pages has its own download button. Cells that start with "
    "= + - @ (even after spaces) are prefixed with ' so spreadsheets do not run them as "
    "formulas."
)
