"""How current the data is: the last scheduled sync and the last UTC day with data.

A warning shows on every page when the newest data is older than WISTIA_APP_STALE_HOURS
(default 36: a daily sync plus slack).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import streamlit as st

from app import sync_status, ui
from app.sync_status import SyncRun

DEFAULT_STALE_HOURS = 36


@dataclass(frozen=True)
class Freshness:
    last_day: dt.date | None
    last_run: SyncRun | None
    stale_hours: float

    @property
    def age_hours(self) -> float | None:
        """Hours since the end of the last UTC day with data."""
        if self.last_day is None:
            return None
        end_of_day = dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), dt.UTC)
        return max(0.0, (dt.datetime.now(dt.UTC) - end_of_day).total_seconds() / 3600)

    @property
    def stale(self) -> bool:
        age = self.age_hours
        return age is not None and age > self.stale_hours


def stale_hours() -> float:
    try:
        return float(os.environ.get("WISTIA_APP_STALE_HOURS", DEFAULT_STALE_HOURS))
    except ValueError:
        return DEFAULT_STALE_HOURS


def current() -> Freshness:
    days = ui.query("data_days")
    return Freshness(
        last_day=days[1] if days else None,
        last_run=sync_status.last_run(sync_status.status_file()),
        stale_hours=stale_hours(),
    )


def banner() -> None:
    """A warning at the top of every page when the data is old or the last sync failed."""
    state = current()
    run = state.last_run
    if run is not None and run.status == "interrupted":
        st.error(
            f"The last sync ({run.job}, started {_when(run.started_at)}) was interrupted "
            f"before it finished: see {run.log}, then run `bash scripts/sync.sh`.",
            icon=":material/sync_problem:",
        )
    if run is not None and run.status == "failed":
        st.error(
            f"The last sync ({run.job}, started {_when(run.started_at)}) failed with exit "
            f"code {run.exit_code}: see {run.log}. The figures below may be out of date.",
            icon=":material/sync_problem:",
        )
    if state.stale and state.age_hours is not None:
        st.warning(
            f"The newest data is from {state.last_day} (UTC), {state.age_hours:.0f} hours "
            f"ago, older than {state.stale_hours:g} hours. Is the scheduled sync running? "
            "See Data status.",
            icon=":material/schedule:",
        )


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"
