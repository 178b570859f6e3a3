"""Who watches: browser / platform / device / country mix, recency x frequency segments."""

import streamlit as st

from app import charts, exports, queries, ui
from app.metrics import AUDIENCE_DIMENSIONS

selection = ui.start_page()
st.title("Audience")
st.caption(
    f"Viewing sessions {selection.period.start} to {selection.period.end}, {selection.scope_label}."
)

dimension = (
    st.segmented_control(
        "Break down by", list(AUDIENCE_DIMENSIONS), default="Device", key="dimension"
    )
    or "Device"
)
mix = queries.audience_mix(dimension, selection.period, selection.media_ids)
if not mix:
    ui.empty_state("No viewing sessions in this period.", "Widen the period in the sidebar.")
else:
    top = mix[:15]
    st.altair_chart(charts.bar_chart(top, "value", "sessions", dimension), width="stretch")
    if len(mix) > len(top):
        st.caption(f"Top {len(top)} of {len(mix)} values; the table has them all.")
    ui.table(mix, {"value": dimension, "sessions": "Sessions", "visitors": "Visitors"})
    ui.csv_download(
        f"Download by {dimension.lower()} (CSV)",
        mix,
        exports.file_name(
            f"audience-by-{dimension.lower()}", selection.period, selection.file_scope
        ),
        key="download_audience",
    )

st.subheader("Visitor segments")
st.caption("All visitors, as of the last sync: recency of their last visit x how often they watch.")
segments = queries.visitor_segments()
if segments:
    st.altair_chart(charts.segment_heatmap(segments), width="stretch")
else:
    ui.empty_state("No visitors yet.", "They appear after the first sync with viewing data.")
