"""KPI cards for the selected period, with the change vs the period just before."""

import streamlit as st

from app import charts, queries, ui
from app.reporting_zone import reporting_zone

selection = ui.start_page()
period = selection.period
now = queries.kpis(period, selection.media_ids)
before = queries.kpis(period.previous(), selection.media_ids)

st.title("Overview")
st.caption(
    f"{period.start} to {period.end} (UTC, {period.days} days), {selection.scope_label}; "
    f"changes vs {period.previous().start} to {period.previous().end}."
)

# (title, Kpis field, how it is shown, help): one card each, three per row.
CARDS = (
    ("Plays", "plays", "count", None),
    ("Play rate", "play_rate", "percent", "Plays / player loads."),
    ("Unique visitors", "unique_visitors", "count", None),
    ("Hours watched", "hours_watched", "hours", None),
    (
        "Avg. percent viewed",
        "avg_percent_viewed",
        "percent",
        "Mean fraction of the video watched per viewing session.",
    ),
    ("Identified viewers", "identified_viewers", "count", "Visitors with a known email or name."),
)
SHOWN_AS = {"count": "{:,}".format, "hours": "{:,.1f}".format, "percent": ui.percent}

for card, (title, field, shown_as, help_text) in zip(
    [*st.columns(3), *st.columns(3)], CARDS, strict=True
):
    current, previous = getattr(now, field), getattr(before, field)
    card.metric(
        title,
        SHOWN_AS[shown_as](current),
        # Fractions change in percentage points, counts relatively.
        ui.change(current, previous, percent_points=shown_as == "percent"),
        help=help_text,
        border=True,
    )
if now.plays == 0 and now.unique_visitors == 0:
    ui.empty_state(
        "No plays or viewing sessions in this period.",
        "Pick a longer period or another media in the sidebar.",
    )
else:
    daily = queries.play_trends("1d", period, selection.media_ids)
    st.subheader(f"Per day ({reporting_zone()} days)")
    st.altair_chart(
        charts.trend_chart(daily, ["plays", "unique_visitors"]).properties(height=240),
        width="stretch",
    )
