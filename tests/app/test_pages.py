"""Page logic with Streamlit's AppTest: filters change the figures, downloads are exact."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
from urllib.parse import urlsplit

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from app import charts, downloads_api, exports, metrics, ui
from app.metrics import Period
from app.reporting_zone import reporting_zone
from app.warehouse import Warehouse, WarehouseConfig
from tests.app.conftest import SyncedProject

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def warehouse(synced: SyncedProject) -> Warehouse:
    return Warehouse(WarehouseConfig(duckdb_path=synced.duckdb_path))


def test_overview_kpis_follow_period_and_project(app_env: SyncedProject):
    at = run_app()
    wh = warehouse(app_env)
    _first, last = metrics.data_days(wh)
    start, end = at.date_input(key="period").value
    assert (start, end) == (last - dt.timedelta(days=29), last)
    want = metrics.kpis(wh, Period(start, end), None)
    shown = metric_values(at)
    assert shown["Plays"] == f"{want.plays:,}"
    assert shown["Unique visitors"] == f"{want.unique_visitors:,}"
    assert shown["Hours watched"] == f"{want.hours_watched:,.1f}"
    assert shown["Identified viewers"] == f"{want.identified_viewers:,}"
    assert shown["Play rate"] == f"{want.play_rate * 100:.1f} %"

    week = (last - dt.timedelta(days=6), last)
    at.date_input(key="period").set_value(week).run()
    week_plays = metrics.kpis(wh, Period(*week), None).plays
    assert metric_values(at)["Plays"] == f"{week_plays:,}"
    assert week_plays < want.plays

    project = at.selectbox(key="project").options[1]
    at.selectbox(key="project").set_value(project).run()
    media_ids = metrics.select_medias(metrics.media_catalog(wh), project, None)
    project_plays = metrics.kpis(wh, Period(*week), media_ids).plays
    assert metric_values(at)["Plays"] == f"{project_plays:,}"
    assert project_plays < week_plays


def test_trends_resolution_changes_the_buckets(app_env: SyncedProject):
    at = run_app("trends")
    daily = at.dataframe[0].value
    assert len(daily) == 30
    at.button_group(key="resolution").set_value("7 days").run()
    weekly = at.dataframe[0].value
    assert 4 <= len(weekly) <= 6
    # Weekly buckets cover the period, the first one may start before it.
    start = f"From ({reporting_zone()})"  # the buckets' zone (tests/app/test_reporting_zone.py)
    assert weekly[start].iloc[0] <= daily[start].iloc[0] < weekly[start].iloc[1]
    assert weekly["Plays"].sum() >= daily["Plays"].sum()
    assert at.download_button[0].proto.label == "Download this table (CSV)"


def test_trends_name_the_viewing_sessions_for_what_they_are(app_env: SyncedProject):
    at = run_app("trends")
    measures = at.multiselect(key="measures")
    # Plays and sessions coincide in the sandbox (every session is played): not a default.
    assert measures.value == ["plays", "unique_visitors"]
    assert "Sessions" in measures.options and "Loads" not in measures.options
    assert "played or not" in measures.help and "load counter" in measures.help
    assert "Sessions" in at.dataframe[0].value.columns
    assert "Loads" not in at.dataframe[0].value.columns
    chart = charts.trend_chart([], ["plays", "loads"]).to_dict()
    assert chart["encoding"]["color"]["scale"]["domain"] == ["Plays", "Sessions"]


def test_medias_page_shows_no_invented_figures_for_a_media_without_plays(
    app_env: SyncedProject,
):
    # The sandbox has medias never played; per_media_refresh `active` reads no engagement
    # for them (Wistia would send an all-zero graph), so they have no chunks at all.
    ((unplayed,),) = app_env.query(
        "select min(media_id) from analytics.media_overview where media_id not in"
        " (select media_id from analytics.media_engagement_chunks"
        "  group by media_id having count(retention_pct) > 0)"
    )
    assert unplayed is not None
    at = run_app("medias")
    # The default media (most played) has its curve, hot spots and most rewatched part.
    assert metric_values(at)["Engagement"].endswith(" %")
    shown = " ".join(m.value for m in at.markdown)
    assert "points lost" in shown and "Most rewatched" in shown

    at.selectbox(key="curve_media").set_value(unplayed).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Engagement" not in metric_values(at)
    shown = " ".join(m.value for m in at.markdown)
    assert "points lost" not in shown and "Most rewatched" not in shown
    assert any(
        "No engagement data for this media" in i.value and "Pick a media with plays" in i.value
        for i in at.info
    )
    assert not at.get("arrow_vega_lite_chart")


def test_leads_page_counts_the_leads_over_the_threshold(app_env: SyncedProject):
    wh = warehouse(app_env)
    at = run_app("leads")
    period = Period(*at.date_input(key="period").value)
    assert metric_values(at)["Leads"] == f"{metrics.count_leads(wh, period, None):,}"
    at.slider(key="lead_min").set_value(50).run()
    over_half = metrics.count_leads(wh, period, None, 0.5)
    assert metric_values(at)["Leads"] == f"{over_half:,}"
    assert len(at.dataframe[0].value) == over_half < metrics.count_leads(wh, period, None)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [((23.4, 46.8), "5-10 % (23-47 s)"), ((None, None), "5-10 %")],
)
def test_chunk_range_leaves_out_unknown_seconds(seconds: tuple, shown: str):
    chunk = {"start_pct": 5.0, "end_pct": 10.0}
    chunk["start_seconds"], chunk["end_seconds"] = seconds
    assert ui.chunk_range(chunk) == shown


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """Call a download route in-process with the URL the page links to."""
    parts = urlsplit(url)
    route = {r.path: r.endpoint for r in downloads_api.ROUTES}[parts.path]
    scope = {
        "type": "http",
        "method": "GET",
        "path": parts.path,
        "query_string": parts.query.encode(),
        "headers": [],
    }
    response = route(Request(scope))

    async def body() -> bytes:
        if hasattr(response, "body_iterator"):
            return b"".join([chunk async for chunk in response.body_iterator])
        return response.body

    headers = {k.decode(): v.decode() for k, v in response.raw_headers}
    return response.status_code, headers, asyncio.run(body())


def test_downloads_follow_the_filters(app_env: SyncedProject):
    at = run_app("downloads")
    wh = warehouse(app_env)
    views_link = at.get("link_button")[0].proto
    status, headers, body = fetch(views_link.url)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    start, end = at.date_input(key="period").value
    count = metrics.count_views(wh, Period(start, end), None)
    assert status == 200
    mart_columns = app_env.query(
        "select column_name from information_schema.columns where table_schema = 'analytics'"
        " and table_name = 'wistia_views' order by ordinal_position"
    )
    assert rows[0] == exports.VIEWS_HEADER == [name for (name,) in mart_columns]
    assert len(rows) - 1 == count > 0
    assert f"({count:,} rows)" in views_link.label
    assert headers["content-disposition"] == (
        f'attachment; filename="wistia_views-24col_all-medias_{start}_to_{end}.csv"'
    )

    # AppTest's selectbox takes the option's value (the media id), not its label.
    media = metrics.media_catalog(wh)[0]["media_id"]
    at.selectbox(key="media").set_value(media).run()
    link = at.get("link_button")[0].proto
    assert f"media={media}" in link.url
    _status, headers, body = fetch(link.url)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert len(rows) - 1 == metrics.count_views(wh, Period(start, end), [media]) < count
    assert f"_{media}_" in headers["content-disposition"]

    detailed = at.get("link_button")[1].proto
    _status, _headers, body = fetch(detailed.url)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0][:5] == ["account_id", "account_name", "event_key", "media_id", "media_name"]
    assert rows[0][-1] == "project_name"
    assert {row[3] for row in rows[1:]} == {media}


def test_unfiltered_export_equals_the_wistia_views_mart(synced: SyncedProject):
    wh = warehouse(synced)
    first, last = metrics.data_days(wh)
    body = b"".join(exports.stream_views_csv(wh, Period(first, last), None))
    got = sorted(tuple(r) for r in csv.reader(io.StringIO(body.decode(), newline="")))[:-1]
    mart = synced.query("select * from analytics.wistia_views")
    assert sorted(tuple(exports.format_cell(v) for v in row) for row in mart) == got


def test_no_warehouse_says_what_to_run(app_env: SyncedProject, monkeypatch, tmp_path):
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    assert not at.exception
    assert any("bash scripts/quickstart.sh" in w.value for w in at.warning)


def test_data_status_shows_the_last_sync_and_warns_when_stale(
    app_env: SyncedProject, monkeypatch, tmp_path
):
    at = run_app("data_status")
    shown = metric_values(at)
    assert shown["Result"] == "success"
    assert shown["Last sync"].endswith(" min ago") or shown["Last sync"].endswith(" h ago")
    status = json.loads(app_env.status_file.read_text())
    started = dt.datetime.fromisoformat(status["started_at"].replace("Z", "+00:00"))
    assert any(
        f"started {started:%Y-%m-%d %H:%M UTC}, finished " in c.value and "exit code 0" in c.value
        for c in at.caption
    )
    assert not any("older than" in w.value for w in at.warning)

    failed = tmp_path / "last_run.json"
    failed.write_text(json.dumps({**status, "status": "failed", "exit_code": 1}))
    monkeypatch.setenv("WISTIA_SYNC_STATUS_FILE", str(failed))
    monkeypatch.setenv("WISTIA_APP_STALE_HOURS", "0")
    at = run_app()
    assert any("failed with exit code 1" in e.value for e in at.error)
    assert any("older than 0 hours" in w.value for w in at.warning)
