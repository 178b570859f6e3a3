"""Altair charts with one palette and one look, sized for a laptop screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

# One colour per measure, everywhere (colour-blind safe: Okabe-Ito).
COLOURS = {
    "plays": "#0072B2",
    "loads": "#56B4E9",
    "unique_visitors": "#009E73",
    "watch_hours": "#E69F00",
    "retention_pct": "#0072B2",
    "rewatch_ratio": "#D55E00",
    "drop_off_pct": "#CC79A7",
    "sessions": "#0072B2",
}
LABELS = {
    "plays": "Plays",
    # play_trends' `loads` are viewing sessions, played or not: not Wistia's load counter,
    # which also counts page loads without a session and is what play rates divide by.
    "loads": "Sessions",
    "unique_visitors": "Unique visitors",
    "watch_hours": "Hours watched",
    "retention_pct": "Viewers still watching (%)",
    "rewatch_ratio": "Rewatch views per viewer",
    "drop_off_pct": "Drop-off (% points)",
    "sessions": "Sessions",
}
HEIGHT = 300


def trend_chart(rows: Sequence[dict[str, Any]], measures: Sequence[str]) -> alt.Chart:
    """Lines over time, one colour per measure."""
    frame = pd.DataFrame(rows, columns=["bucket_start", *measures]).melt(
        "bucket_start", var_name="measure", value_name="value"
    )
    frame["measure"] = frame["measure"].map(LABELS)
    chosen = [LABELS[m] for m in measures]
    return (
        alt.Chart(frame)
        .mark_line(point=len(rows) <= 60, strokeWidth=2)
        .encode(
            x=alt.X("bucket_start:T", title=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=chosen, range=[COLOURS[m] for m in measures]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("bucket_start:T", title="From", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Value", format=",.2f"),
            ],
        )
        .properties(height=HEIGHT)
    )


def retention_chart(rows: Sequence[dict[str, Any]]) -> alt.LayerChart:
    """Retention curve (area) with the rewatch ratio on a second axis."""
    frame = pd.DataFrame(rows)
    base = alt.Chart(frame).encode(x=alt.X("start_pct:Q", title="Position in the video (%)"))
    area = base.mark_area(opacity=0.35, color=COLOURS["retention_pct"], line=True).encode(
        y=alt.Y("retention_pct:Q", title=LABELS["retention_pct"], scale=alt.Scale(domain=[0, 105])),
        tooltip=[
            alt.Tooltip("start_pct:Q", title="From %", format=".0f"),
            alt.Tooltip("retention_pct:Q", title="Still watching %", format=".1f"),
            alt.Tooltip("drop_off_pct:Q", title="Drop-off", format=".1f"),
            alt.Tooltip("rewatch_ratio:Q", title="Rewatch ratio", format=".2f"),
        ],
    )
    rewatch = base.mark_line(color=COLOURS["rewatch_ratio"], strokeDash=[4, 3]).encode(
        y=alt.Y(
            "rewatch_ratio:Q",
            title=LABELS["rewatch_ratio"],
            axis=alt.Axis(titleColor=COLOURS["rewatch_ratio"]),
        )
    )
    return alt.layer(area, rewatch).resolve_scale(y="independent").properties(height=HEIGHT)


def bar_chart(rows: Sequence[dict[str, Any]], category: str, measure: str, title: str) -> alt.Chart:
    """Horizontal bars, largest first."""
    frame = pd.DataFrame(rows, columns=[category, measure])
    return (
        alt.Chart(frame)
        .mark_bar(color=COLOURS.get(measure, COLOURS["plays"]))
        .encode(
            x=alt.X(f"{measure}:Q", title=LABELS.get(measure, measure)),
            y=alt.Y(f"{category}:N", title=title, sort="-x"),
            tooltip=[category, alt.Tooltip(f"{measure}:Q", format=",")],
        )
        .properties(height=alt.Step(26))
    )


def segment_heatmap(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Visitors per recency x frequency segment."""
    frame = pd.DataFrame(rows, columns=["recency_segment", "frequency_segment", "visitors"])
    recency = ["active", "recent", "lapsing", "lapsed", "never active"]
    frequency = ["frequent", "returning", "one-time", "no views"]
    heat = alt.Chart(frame).encode(
        x=alt.X("recency_segment:N", title="Recency", sort=recency, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("frequency_segment:N", title="Frequency", sort=frequency),
    )
    return (
        heat.mark_rect().encode(
            color=alt.Color("visitors:Q", scale=alt.Scale(scheme="blues"), title="Visitors"),
            tooltip=["recency_segment", "frequency_segment", "visitors"],
        )
        + heat.mark_text(fontSize=14).encode(
            text="visitors:Q",
            # White on the dark cells, black on the light ones.
            color=alt.condition(
                alt.datum.visitors > frame["visitors"].max() / 2,
                alt.value("white"),
                alt.value("black"),
            ),
        )
    ).properties(height=220)
