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


def ten_days_in_a_month(last: dt.date) -> tuple[dt.date, dt.date]:
    """The last ten days with data inside one month (else the previous month's last ten)."""
    end = last if last.day >= 10 else last.replace(day=1) - dt.timedelta(days=1)
    return end - dt.timedelta(days=9), end


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_traffic_page_follows_filters_and_downloads(app_env: SyncedProject, served: dict):
    at = run_app("traffic")
    wh = warehouse(app_env)
    # Every day with data: two months of traffic or more.
    first, last = metrics.data_days(wh)
    at.date_input(key="period").set_value((first, last)).run()
    wide = Period(first, last)
    sources = traffic.traffic_sources(wh, "utm_source", wide, None)
    table = at.dataframe[0].value
    assert list(table["UTM source"]) == [r["dimension_value"] for r in sources]
    assert list(table["Plays"]) == [r["plays"] for r in sources]
    months = traffic.traffic_months(wh, wide, None)
    assert months is not None and months[0] < months[1]
    assert f"Traffic for the months {months[0]} to {months[1]}, which overlap your period" in (
        captions(at)
    )
    rows, name = download(at, "download_traffic", served)
    assert rows[0] == [
        "dimension_value",
        "loads",
        "plays",
        "play_rate",
        "engagement_rate",
        "share_of_plays",
    ]
    assert len(rows) - 1 == len(sources)
    assert name == f"wistia_traffic-by-utm_source_{first}_to_{last}.csv"
    rates = traffic.conversion_rates(wh, wide, None)
    assert list(at.dataframe[2].value["Plays"]) == [r["plays"] for r in rates]
    rows, name = download(at, "download_conversion_rates", served)
    assert rows[0] == [
        "media_name",
        "project_name",
        "media_id",
        "plays",
        "cta_impressions",
        "cta_conversions",
        "cta_conversion_rate",
        "form_conversions",
        "form_conversion_rate",
        "distinct_leads",
    ]
    assert len(rows) - 1 == len(rates)
    assert name == f"wistia_conversion-rates_{first}_to_{last}.csv"

    leads = traffic.conversions(wh, wide, None)
    assert metric_values(at)["Leads in the period"] == f"{len(leads):,}"
    rows, name = download(at, "download_form_leads", served)
    assert rows[0][:3] == ["converted_at", "email", "first_name"] and len(rows[0]) == 11
    assert len(rows) - 1 == len(leads) > 0
    assert name == f"wistia_form-leads_{first}_to_{last}.csv"

    # Ten days inside one month: one month of traffic, the conversions of those days only.
    short = Period(*ten_days_in_a_month(last))
    at.date_input(key="period").set_value((short.start, short.end)).run()
    month = short.end.strftime("%Y-%m")
    assert f"Traffic for the month {month}, which overlaps your period" in captions(at)
    short_sources = traffic.traffic_sources(wh, "utm_source", short, None)
    assert list(at.dataframe[0].value["Plays"]) == [r["plays"] for r in short_sources]
    assert sum(r["plays"] for r in short_sources) < sum(r["plays"] for r in sources)
    short_rates = traffic.conversion_rates(wh, short, None)
    assert list(at.dataframe[2].value["Plays"]) == [r["plays"] for r in short_rates]
    assert sum(r["plays"] for r in short_rates) < sum(r["plays"] for r in rates)
    totals = traffic.conversion_totals(wh, short, None)
    assert metric_values(at)["Form conversions"] == f"{totals['form_conversions']:,}"
    short_leads = len(traffic.conversions(wh, short, None))
    assert metric_values(at)["Leads in the period"] == f"{short_leads:,}"
    assert short_leads < len(leads)

    # A project and another dimension: the selected medias' referrers, added up.
    project = at.selectbox(key="project").options[1]
    at.selectbox(key="project").set_value(project).run()
    at.button_group(key="traffic_by").set_value("Referrer domain").run()
    media_ids = metrics.select_medias(metrics.media_catalog(wh), project, None)
    referrers = traffic.traffic_sources(wh, "referrer_domain", short, media_ids)
    table = at.dataframe[0].value
    assert list(table["Plays"]) == [r["plays"] for r in referrers]
    assert table["Plays"].sum() < sum(
        r["plays"] for r in traffic.traffic_sources(wh, "referrer_domain", short, None)
    )
    totals = traffic.conversion_totals(wh, short, media_ids)
    assert metric_values(at)["Form conversion rate"] == (
        f"{totals['form_conversion_rate'] * 100:.1f} %"
    )
    rows, name = download(at, "download_traffic", served)
    assert len(rows) - 1 == len(referrers)
    assert name.startswith("wistia_traffic-by-referrer_domain_")
    assert name.endswith(f"_{short.start}_to_{short.end}.csv")


def warehouse_without_analytics(
    synced: SyncedProject, path: Path, empty: tuple[str, ...], full: tuple[str, ...] = ()
) -> None:
    """A warehouse with the core marts and, for the analytics marts, only `empty` ones with
    no rows and `full` ones with the synced rows (the others absent, as in a warehouse built
    before they existed)."""
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"attach '{synced.duckdb_path}' as synced (read_only)")
        conn.execute("create schema analytics")
        for mart in CORE_MARTS + full:
            conn.execute(f"create table analytics.{mart} as select * from synced.analytics.{mart}")
        for mart in empty:
            conn.execute(
                f"create table analytics.{mart} as select * from synced.analytics.{mart} limit 0"
            )


@pytest.mark.parametrize(
    "empty",
    [(), ("media_traffic_monthly", "media_conversions_daily", "media_conversions")],
    ids=["absent", "empty"],
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


def test_warehouse_before_period_marts_asks_for_a_rebuild(
    app_env: SyncedProject, monkeypatch, tmp_path: Path
):
    """Only the all-period marts (and the leads): traffic and rates say to rebuild, the
    leads of the period still show."""
    path = tmp_path / "older.duckdb"
    full = ("media_traffic_sources", "media_conversion_rates", "media_conversions")
    warehouse_without_analytics(app_env, path, (), full)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(path))
    at = run_app("traffic")
    messages = [i.value for i in at.info]
    assert [m.split(".")[0] for m in messages] == [
        "No traffic sources in the warehouse",
        "No conversion figures in the warehouse",
    ]
    assert all("Run `bash scripts/sync.sh`" in m for m in messages)
    assert [d.value.columns[0] for d in at.dataframe] == ["Converted (UTC)"]
    assert [b.proto.label for b in at.download_button] == ["Download leads from forms (CSV)"]
