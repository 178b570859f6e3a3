"""What every page shares: how a page starts (freshness banner, sidebar filters), tables,
downloads and formatting.

The cached warehouse queries are in queries.py, which pages call by name. This module
imports freshness.py and queries.py, and neither imports it back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app import exports, freshness, metrics, queries
from app.metrics import Period
from app.reporting_zone import reporting_zone

DEFAULT_DAYS = 30
ACCOUNT_PICKER = "account_picker"  # the account selectbox's widget key


@dataclass(frozen=True)
class Selection:
    """The sidebar's choices, shared by every page."""

    period: Period
    project: str | None
    media_id: str | None
    media_ids: list[str] | None  # None = every media
    account_id: int | None = None  # None = the warehouse holds one account: no filter

    @property
    def file_scope(self) -> str:
        """What a download of this selection holds, for its file name."""
        scope = self.media_id or self.project or "all-medias"
        return scope if self.account_id is None else f"account-{self.account_id}-{scope}"

    @property
    def scope_label(self) -> str:
        if self.media_id:
            return "one media"
        return f"project {self.project}" if self.project else "all medias"


def account_picker() -> int | None:
    """The account every page reads when the warehouse holds several: one at a time (two
    accounts' figures are never added up, as their medias and viewers are distinct). None,
    and no picker, with a single account."""
    accounts = queries.accounts()
    if len(accounts) < 2:
        st.session_state.pop(queries.ACCOUNT_KEY, None)
        return None
    ids = list(accounts)
    if st.session_state.get(queries.ACCOUNT_KEY) not in ids:
        st.session_state[queries.ACCOUNT_KEY] = ids[0]
    # The choice lives under its own key, not the widget's: a widget's state does not
    # follow the user to another page, the account must. The callback stores it before
    # the rerun, so the freshness banner (drawn before this picker) reads it too.
    st.sidebar.selectbox(
        "Account",
        ids,
        index=ids.index(st.session_state[queries.ACCOUNT_KEY]),
        format_func=accounts.__getitem__,
        key=ACCOUNT_PICKER,
        on_change=_remember_account,
    )
    return st.session_state[queries.ACCOUNT_KEY]


def _remember_account() -> None:
    st.session_state[queries.ACCOUNT_KEY] = st.session_state[ACCOUNT_PICKER]


def sidebar() -> Selection | None:
    """Account, period, project and media pickers; None (with a message) when there is no
    data."""
    st.sidebar.header("Filters")
    account_id = account_picker()
    days = queries.data_days()
    if days is None:
        st.info(
            "The warehouse has no viewing data yet. Run `bash scripts/quickstart.sh` "
            "(or `bash scripts/sync.sh`), then reload this page.",
            icon=":material/hourglass_empty:",
        )
        return None
    first_day, last_day = days
    default_start = max(first_day, last_day - dt.timedelta(days=DEFAULT_DAYS - 1))
    picked = st.sidebar.date_input(
        "Period (UTC days)",
        value=(default_start, last_day),
        min_value=first_day - dt.timedelta(days=366),
        max_value=last_day + dt.timedelta(days=1),
        key="period",
    )
    start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (picked, picked)
    if isinstance(start, tuple):  # a half-picked range: only the start so far
        start = end = start[0]
    catalog = queries.media_catalog()
    projects = sorted({row["project_name"] for row in catalog if row["project_name"]})
    project = st.sidebar.selectbox("Project", ["All projects", *projects], key="project")
    project = None if project == "All projects" else project
    in_project = [row for row in catalog if not project or row["project_name"] == project]
    names = {row["media_id"]: f"{row['media_name']} ({row['media_id']})" for row in in_project}
    media_id = st.sidebar.selectbox(
        "Media", ["", *names], format_func=lambda m: names.get(m, "All medias"), key="media"
    )
    media_id = media_id or None
    period = Period(start, end)
    # The period is in UTC days; the trend marts bucket in dbt's reporting zone.
    st.sidebar.caption(
        f"Data from {first_day} to {last_day} (UTC). Trend buckets: {reporting_zone()} time."
    )
    return Selection(
        period, project, media_id, metrics.select_medias(catalog, project, media_id), account_id
    )


def start_page() -> Selection:
    """The freshness banner and the sidebar filters; stops the page when there is no data.

    Called by each page (not by dashboard.py): widgets of the navigation script itself
    are lost on reruns under Streamlit's AppTest, and pages are what the tests drive."""
    freshness.banner()
    selection = sidebar()
    if selection is None:
        st.stop()
    return selection


def frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    """Rows as a DataFrame with readable column titles (`columns`: name -> title)."""
    data = pd.DataFrame(rows, columns=list(columns))
    return data.rename(columns=columns)


def table(
    rows: list[dict[str, Any]],
    columns: dict[str, str],
    *,
    fractions: tuple[str, ...] = (),
    column_config: dict[str, Any] | None = None,
) -> None:
    """Rows as a full-width table with readable titles; the `fractions` columns (titles,
    values 0..1) as percent bars."""
    bars = {
        title: st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)
        for title in fractions
    }
    st.dataframe(
        frame(rows, columns),
        hide_index=True,
        width="stretch",
        column_config={**bars, **(column_config or {})} or None,
    )


def csv_download(label: str, rows: list[dict[str, Any]], file_name: str, key: str) -> None:
    """A button that downloads `rows` as a spreadsheet-safe CSV (see exports.table_csv)."""
    st.download_button(
        label, exports.table_csv(rows), file_name=file_name, mime="text/csv", key=key
    )


def change(current: float | None, previous: float | None, percent_points: bool = False) -> str:
    """'+12.5 %' (relative) or '+3.1 pp' (difference of two fractions); '' when unknown."""
    if current is None or previous is None:
        return ""
    if percent_points:
        return f"{(current - previous) * 100:+.1f} pp"
    if previous == 0:
        return "new" if current else "±0 %"
    return f"{(current - previous) / previous * 100:+.1f} %"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def ago(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """'12 min ago', '5 h ago', '3 days ago' (a metric card's width); 'unknown' if None."""
    if moment is None:
        return "unknown"
    minutes = max(0, int(((now or dt.datetime.now(dt.UTC)) - moment).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def chunk_range(chunk: dict[str, Any]) -> str:
    """'5-10 % (23-46 s)' for an engagement chunk; the percent range alone when the media's
    duration is unknown (Wistia may omit it, leaving the seconds NULL)."""
    percent_range = f"{chunk['start_pct']:.0f}-{chunk['end_pct']:.0f} %"
    if chunk["start_seconds"] is None or chunk["end_seconds"] is None:
        return percent_range
    return f"{percent_range} ({chunk['start_seconds']:.0f}-{chunk['end_seconds']:.0f} s)"


def empty_state(what: str, hint: str) -> None:
    st.info(f"{what} {hint}", icon=":material/info:")
