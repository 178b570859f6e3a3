"""Plays, viewing sessions, visitors and watch hours over time at a chosen resolution."""

import streamlit as st

from app import charts, exports, queries, ui
from app.metrics import RESOLUTIONS
from app.reporting_zone import reporting_zone

SESSIONS_HELP = (
    "Sessions: viewing sessions that started in the bucket, played or not. Wistia's own "
    "load counter (the Overview's play rate, the media table's Loads) also counts page "
    "loads that opened no session, so it is higher."
)

selection = ui.start_page()
st.title("Play trends")

label = (
    st.segmented_control("Resolution", list(RESOLUTIONS), default="1 day", key="resolution")
    or "1 day"
)
measures = st.multiselect(
    "Measures",
    ["plays", "loads", "unique_visitors", "watch_hours"],
    # Plays and sessions nearly coincide (a session is mostly a play): the default pair
    # shows two different things, as the Overview's chart does.
    default=["plays", "unique_visitors"],
    format_func=charts.LABELS.get,
    key="measures",
    help=SESSIONS_HELP,
)
rows = queries.play_trends(RESOLUTIONS[label], selection.period, selection.media_ids)
zone = reporting_zone()
st.caption(
    f"{selection.period.start} to {selection.period.end}, {selection.scope_label}, "
    f"buckets of {label} in {zone} time (DBT_REPORTING_TIMEZONE; the first may start "
    "before the period)."
    + (
        " Unique visitors are summed over the selected medias."
        if selection.media_ids is not None and len(selection.media_ids) > 1
        else ""
    )
)
if not rows:
    ui.empty_state("No data in this period.", "Widen the period or clear the media filter.")
elif not measures:
    ui.empty_state("No measure selected.", "Pick at least one measure above.")
else:
    st.altair_chart(charts.trend_chart(rows, measures), width="stretch")
    table = ui.frame(
        rows,
        {
            "bucket_start": f"From ({zone})",
            "loads": "Sessions",
            "plays": "Plays",
            "unique_visitors": "Unique visitors",
            "watch_hours": "Hours watched",
        },
    )
    with st.expander(f"Table ({len(rows)} buckets)"):
        st.dataframe(table, hide_index=True, width="stretch")
    ui.csv_download(
        "Download this table (CSV)",
        rows,
        exports.file_name(
            f"play-trends-{RESOLUTIONS[label]}", selection.period, selection.file_scope
        ),
        key="download_trends",
    )
