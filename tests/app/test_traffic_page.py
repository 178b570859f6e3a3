"""The Traffic & conversions page with Streamlit's AppTest: figures follow the filters, the
downloads serve the exact tables, and a warehouse without analytics gets an explanation."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import pytest
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from app import metrics, traffic
from app.metrics import Period
from tests.app.conftest import SyncedProject
from tests.app.test_pages import metric_values, run_app, warehouse

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# What the sidebar and the freshness banner read: enough for the page to start.
CORE_MARTS = ("media_daily_metrics", "wistia_views_keyed", "media_overview")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, str | None]]:
    """Bytes and file name each download button serves, by the button's URL (AppTest drops
    its media storage after every run)."""
    files: dict[str, tuple[bytes, str | None]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(
        self: MemoryMediaFileStorage,
        path_or_data: str | bytes,
        mimetype: str,
        kind: MediaFileKind,
        filename: str | None = None,
    ) -> str:
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[self.get_url(file_id)] = (self.get_file(file_id).content, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def download(at: AppTest, key: str, served: dict) -> tuple[list[list[str]], str | None]:
    body, name = served[at.download_button(key=key).proto.url]
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline=""))), name


def test_traffic_page_follows_filters_and_downloads(app_env: SyncedProject, served: dict):
    at = run_app("traffic")
    wh = warehouse(app_env)
    sources = traffic.traffic_sources(wh, "utm_source", None)
    table = at.dataframe[0].value
    assert list(table["UTM source"]) == [r["dimension_value"] for r in sources]
    assert list(table["Plays"]) == [r["plays"] for r in sources]
    rows, name = download(at, "download_traffic", served)
    assert rows[0] == [
        "dimension_value",
        "loads",
        "plays",
        "play_rate",
        "engagement_rate",
        "share_of_plays",
    ]
    assert len(rows) - 1 == len(sources) and name == "wistia_traffic-by-utm_source.csv"

    start, end = at.date_input(key="period").value
    leads = traffic.conversions(wh, Period(start, end), None)
    assert metric_values(at)["Leads in the period"] == f"{len(leads):,}"
    rows, name = download(at, "download_form_leads", served)
    assert rows[0][:3] == ["converted_at", "email", "first_name"] and len(rows[0]) == 11
    assert len(rows) - 1 == len(leads) > 0
    assert name == f"wistia_form-leads_{start}_to_{end}.csv"
    rates, _name = download(at, "download_conversion_rates", served)
    assert len(rates) - 1 == len(traffic.conversion_rates(wh, None))

    # A shorter period keeps fewer leads; traffic is not split by day.
    week = (end - dt.timedelta(days=6), end)
    at.date_input(key="period").set_value(week).run()
    week_leads = len(traffic.conversions(wh, Period(*week), None))
    assert metric_values(at)["Leads in the period"] == f"{week_leads:,}"
    assert week_leads < len(leads)

    # A project and another dimension: the selected medias' referrers, added up.
    project = at.selectbox(key="project").options[1]
    at.selectbox(key="project").set_value(project).run()
    at.button_group(key="traffic_by").set_value("Referrer domain").run()
    media_ids = metrics.select_medias(metrics.media_catalog(wh), project, None)
    referrers = traffic.traffic_sources(wh, "referrer_domain", media_ids)
    table = at.dataframe[0].value
    assert list(table["Plays"]) == [r["plays"] for r in referrers]
    assert table["Plays"].sum() < sum(
        r["plays"] for r in traffic.traffic_sources(wh, "referrer_domain", None)
    )
    totals = traffic.conversion_totals(wh, media_ids)
    assert metric_values(at)["Form conversion rate"] == (
        f"{totals['form_conversion_rate'] * 100:.1f} %"
    )
    rows, name = download(at, "download_traffic", served)
    assert len(rows) - 1 == len(referrers)
    assert name.startswith("wistia_traffic-by-referrer_domain_")


def warehouse_without_analytics(synced: SyncedProject, path: Path, empty: tuple[str, ...]) -> None:
    """A warehouse with the core marts and, for the analytics marts, only `empty` ones with
    no rows (the others absent, as in a warehouse built before they existed)."""
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"attach '{synced.duckdb_path}' as synced (read_only)")
        conn.execute("create schema analytics")
        for mart in CORE_MARTS:
            conn.execute(f"create table analytics.{mart} as select * from synced.analytics.{mart}")
        for mart in empty:
            conn.execute(
                f"create table analytics.{mart} as select * from synced.analytics.{mart} limit 0"
            )


@pytest.mark.parametrize(
    "empty", [(), ("media_traffic_sources", "media_conversions")], ids=["absent", "empty"]
)
def test_no_analytics_says_what_to_do(
    app_env: SyncedProject, monkeypatch, tmp_path: Path, empty: tuple[str, ...]
):
    path = tmp_path / "no-analytics.duckdb"
    warehouse_without_analytics(app_env, path, empty)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(path))
    at = run_app("traffic")
    (message,) = [i.value for i in at.info]
    assert message.startswith("No Wistia analytics in the warehouse yet.")
    assert "'Read detailed stats'" in message and "`analytics_required: true`" in message
    assert not at.warning and not at.dataframe and not at.download_button
