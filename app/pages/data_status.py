"""Data freshness: the last sync, the newest data, where the data comes from.

Shown even when the warehouse cannot be read (a sync writing it, a missing file): the
sync's status comes from its own file."""

import datetime as dt

import streamlit as st

from app import freshness, queries, sync_status, ui

state = freshness.current()
freshness.banner(state)
st.title("Data status")
run = state.last_run
left, middle, right = st.columns(3)
through = "unavailable" if state.warehouse_error else "no data"
left.metric("Data through (UTC day)", str(state.last_day or through), border=True)
if run is None:
    middle.metric("Last sync", "never recorded", border=True)
    right.metric("Result", "-", border=True)
    st.info(
        'No scheduled sync has run here yet. With your Wistia token set (README, "Running '
        'it on your account"), install the daily sync with `bash scripts/sync.sh --install` '
        "(a crontab entry), or run one now with `bash scripts/sync.sh`.",
        icon=":material/schedule:",
    )
else:
    middle.metric("Last sync", ui.ago(run.started_at), border=True)
    right.metric("Result", run.status, border=True)
    finished = (
        f"finished {run.finished_at:%Y-%m-%d %H:%M UTC} "
        f"({(run.finished_at - run.started_at).total_seconds() / 60:.1f} min), "
        f"exit code {run.exit_code}"
        if run.finished_at and run.started_at
        else "not finished"
    )
    started = f"{run.started_at:%Y-%m-%d %H:%M UTC}" if run.started_at else "unknown"
    st.caption(
        f"Schedule `{run.job}`, environment `{run.environment}`: started {started}, "
        f"{finished}. Log: `{run.log}`."
    )
if state.reads_sandbox:
    st.info(
        "The app reads the quickstart's sandbox warehouse, which the sync does not build. "
        "After your first real sync, restart the app (`bash scripts/dashboard.sh`) to read "
        "it instead.",
        icon=":material/science:",
    )
if state.warehouse_error:
    st.warning(state.warehouse_error, icon=":material/database:")
elif state.age_hours is not None:
    message = (
        f"{state.age_message()} (warning above {state.stale_hours:g} hours, "
        "WISTIA_APP_STALE_HOURS)."
    )
    (st.warning if state.stale else st.success)(message)
st.caption(
    f"Warehouse: {queries.config().describe()}. Sync status file: "
    f"`{sync_status.status_file()}`. Checked {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC."
)
if st.button("Refresh data", icon=":material/refresh:"):
    queries.clear()
    st.rerun()
