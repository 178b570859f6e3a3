"""Data freshness: the last sync, the newest data, where the data comes from."""

import datetime as dt

import streamlit as st

from app import freshness, sync_status, ui

freshness.banner()
st.title("Data status")
state = freshness.current()
run = state.last_run
left, middle, right = st.columns(3)
left.metric(
    "Data through (UTC day)",
    str(state.last_day) if state.last_day else "no data",
    border=True,
)
if run is None:
    middle.metric("Last sync", "never recorded", border=True)
    right.metric("Result", "-", border=True)
    st.info(
        "No scheduled sync has run here yet. Install it with `bash scripts/sync.sh --install` "
        "(a daily crontab entry), or run one now with `bash scripts/sync.sh`.",
        icon=":material/schedule:",
    )
else:
    middle.metric(
        "Last sync started",
        run.started_at.strftime("%Y-%m-%d %H:%M UTC") if run.started_at else "unknown",
        border=True,
    )
    right.metric("Result", run.status, border=True)
    duration = (
        f", took {(run.finished_at - run.started_at).total_seconds() / 60:.1f} min"
        if run.finished_at and run.started_at
        else ""
    )
    st.caption(
        f"Job `{run.job}`, environment `{run.environment}`, exit code {run.exit_code}"
        f"{duration}. Log: `{run.log}`."
    )
if state.age_hours is not None:
    message = (
        f"The newest data is {state.age_hours:.0f} hours old (warning above "
        f"{state.stale_hours:g} hours, WISTIA_APP_STALE_HOURS)."
    )
    (st.warning if state.stale else st.success)(message)
st.caption(
    f"Warehouse: {ui.config().describe()}. Sync status file: "
    f"`{sync_status.status_file()}`. Checked {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC."
)
if st.button("Refresh data", icon=":material/refresh:"):
    ui.cached.clear()
    st.rerun()
