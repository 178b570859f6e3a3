"""How current the data is: the last scheduled sync and the last UTC day with data.

A warning shows on every page when the data is older than WISTIA_APP_STALE_HOURS (default
36: a daily sync plus slack). Age counts from the end of the last successful sync when
one is recorded (a quiet account with no new plays is still current; a running or failed
run does not reset it), else from the end of the last UTC day with data. Nothing here
stops a page on a warehouse error: the sync's status file is read first, so a sync that
holds the warehouse can still be seen.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import streamlit as st

from app import queries, sync_status
from app.sync_status import SyncRun
from app.warehouse import SANDBOX_DUCKDB, WarehouseError

DEFAULT_STALE_HOURS = 36


@dataclass(frozen=True)
class Freshness:
    last_day: dt.date | None
    last_run: SyncRun | None
    stale_hours: float
    warehouse_error: str | None = None  # why the last day could not be read
    # The app reads the quickstart's sandbox warehouse, which the sync does not build.
    reads_sandbox: bool = False

    @property
    def synced_at(self) -> dt.datetime | None:
        """When the last successful sync finished, if the app reads what it built."""
        if self.last_run is None or self.reads_sandbox:
            return None
        return self.last_run.last_success_at

    @property
    def age_hours(self) -> float | None:
        """Hours since the last successful sync finished, else since the end of the last
        UTC day with data; None when neither is known."""
        if self.synced_at is not None:
            reference = self.synced_at
        elif self.last_day is not None:
            reference = dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), dt.UTC)
        else:
            return None
        return max(0.0, (dt.datetime.now(dt.UTC) - reference).total_seconds() / 3600)

    @property
    def stale(self) -> bool:
        age = self.age_hours
        return age is not None and age > self.stale_hours

    def age_message(self) -> str:
        """What the age counts from, in one sentence (assumes age_hours is known)."""
        if self.synced_at is not None:
            since = f"The last successful sync finished {_when(self.synced_at)}"
        else:
            since = f"The newest data is from {self.last_day} (UTC)"
        return f"{since}, {self.age_hours:.0f} hours ago"


def stale_hours() -> float:
    try:
        return float(os.environ.get("WISTIA_APP_STALE_HOURS", DEFAULT_STALE_HOURS))
    except ValueError:
        return DEFAULT_STALE_HOURS


def current() -> Freshness:
    last_run = sync_status.last_run(sync_status.status_file())
    try:
        config = queries.config()
        days = queries.data_days.fetch()
    except WarehouseError as exc:
        return Freshness(None, last_run, stale_hours(), warehouse_error=str(exc))
    sandbox = config.kind == "duckdb" and config.duckdb_path == SANDBOX_DUCKDB
    return Freshness(days[1] if days else None, last_run, stale_hours(), reads_sandbox=sandbox)


def banner(state: Freshness | None = None) -> None:
    """A note at the top of every page when a sync runs, failed or the data is old
    (`state`: the page's own `current()`, when it has one)."""
    state = state or current()
    run = state.last_run
    if run is not None and run.status == "running":
        st.info(
            f"A sync ({run.job}) has been running since {_when(run.started_at)}: the "
            "figures update when it finishes.",
            icon=":material/sync:",
        )
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
    if state.stale:
        st.warning(
            f"{state.age_message()}, older than {state.stale_hours:g} hours. Is the "
            "scheduled sync running? See Data status.",
            icon=":material/schedule:",
        )


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"
