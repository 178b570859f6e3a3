"""KPI cards for the selected period, with the change vs the period just before."""

import streamlit as st

from app import charts, ui

selection = ui.start_page()
period = selection.period
now = ui.query("kpis", period, selection.media_ids)
before = ui.query("kpis", period.previous(), selection.media_ids)

st.title("Overview")
st.caption(
    f"{period.start} to {period.end} (UTC, {period.days} days), {selection.scope_label}; "
    f"changes vs {period.previous().start} to {period.previous().end}."
)

cards = st.columns(3)
cards[0].metric("Plays", f"{now.plays:,}", ui.change(now.plays, before.plays), border=True)
cards[1].metric(
    "Play rate",
    ui.percent(now.play_rate),
    ui.change(now.play_rate, before.play_rate, percent_points=True),
    help="Plays / player loads.",
    border=True,
)
cards[2].metric(
    "Unique visitors",
    f"{now.unique_visitors:,}",
    ui.change(now.unique_visitors, before.unique_visitors),
    border=True,
)
cards = st.columns(3)
cards[0].metric(
    "Hours watched",
    f"{now.hours_watched:,.1f}",
    ui.change(now.hours_watched, before.hours_watched),
    border=True,
)
cards[1].metric(
    "Avg. percent viewed",
    ui.percent(now.avg_percent_viewed),
    ui.change(now.avg_percent_viewed, before.avg_percent_viewed, percent_points=True),
    help="Mean fraction of the video watched per viewing session.",
    border=True,
)
cards[2].metric(
    "Identified viewers",
    f"{now.identified_viewers:,}",
    ui.change(now.identified_viewers, before.identified_viewers),
    help="Visitors with a known email or name.",
    border=True,
)
if now.plays == 0 and now.unique_visitors == 0:
    ui.empty_state(
        "No plays or viewing sessions in this period.",
        "Pick a longer period or another media in the sidebar.",
    )
else:
    daily = ui.query("play_trends", "1d", period, selection.media_ids)
    st.subheader("Per day")
    st.altair_chart(
        charts.trend_chart(daily, ["plays", "unique_visitors"]).properties(height=240),
        width="stretch",
    )
