"""The account filter: a warehouse of one account shows none; with two, every figure, table
and download reads the chosen account only.

The two-account warehouse is the synced one plus a second account (2002) made of a copy of
the first account's rows for half of its medias, under the same ids: the worst case, where
only `account_id` tells the two apart.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import downloads_api, metrics, queries
from app.metrics import Period
from app.warehouse import Warehouse, WarehouseConfig
from tests.app.conftest import SyncedProject
from tests.app.test_pages import fetch

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FIRST, SECOND = 1001, 2002


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def add_second_account(path: Path) -> None:
    """Copy account FIRST's rows of half its medias (all its visitors and buckets) into
    account SECOND, in every mart."""
    with duckdb.connect(str(path)) as conn:
        medias = [m for (m,) in conn.execute(
            "select media_id from analytics.media_overview order by media_id"
        ).fetchall()]  # fmt: skip
        half = ", ".join(f"'{m}'" for m in medias[: len(medias) // 2])
        marts = conn.execute(
            "select table_name, bool_or(column_name = 'media_id') from information_schema.columns"
            " where table_schema = 'analytics' and table_name in (select table_name from"
            " information_schema.columns where table_schema = 'analytics'"
            " and column_name = 'account_id') and table_name in (select table_name from"
            " information_schema.tables where table_schema = 'analytics'"
            " and table_type = 'BASE TABLE') group by table_name"
        ).fetchall()
        for mart, per_media in marts:
            only = f" and media_id in ({half})" if per_media else ""
            conn.execute(
                f"insert into analytics.{mart} select * replace ({SECOND} as account_id)"
                f" from analytics.{mart} where account_id = {FIRST}{only}"
            )


@pytest.fixture
def two_accounts(app_env: SyncedProject, tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "two.duckdb"
    shutil.copyfile(app_env.duckdb_path, path)
    add_second_account(path)
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(path))
    queries.clear()
    yield path
    queries.clear()


def plays(path: Path, account_id: int, period: Period) -> int:
    with duckdb.connect(str(path), read_only=True) as conn:
        ((total,),) = conn.execute(
            "select coalesce(sum(plays), 0) from analytics.media_daily_metrics"
            " where account_id = ? and stats_date between ? and ?",
            [account_id, period.start, period.end],
        ).fetchall()
    return int(total)


def test_one_account_shows_no_filter(app_env: SyncedProject):
    queries.clear()
    at = run_app()
    assert [s.label for s in at.sidebar.selectbox] == ["Project", "Media"]
    assert metrics.accounts(Warehouse(WarehouseConfig(duckdb_path=app_env.duckdb_path))) == {
        FIRST: "Account 1001"
    }


def test_two_accounts_every_figure_follows_the_filter(two_accounts: Path):
    at = run_app()
    picker = at.sidebar.selectbox(key="account_picker")
    assert picker.options == ["Account 1001", "Account 2002"]
    period = Period(*at.date_input(key="period").value)
    first_plays, second_plays = (
        plays(two_accounts, FIRST, period),
        plays(two_accounts, SECOND, period),
    )
    assert first_plays > second_plays > 0
    assert {m.label: m.value for m in at.metric}["Plays"] == f"{first_plays:,}"

    picker.set_value(SECOND).run()
    assert {m.label: m.value for m in at.metric}["Plays"] == f"{second_plays:,}"
    # The media table and the catalog list the chosen account's medias only.
    at.switch_page("pages/medias.py").run()
    assert not at.exception, [e.value for e in at.exception]
    scoped = Warehouse(WarehouseConfig(duckdb_path=two_accounts, account_id=SECOND))
    every = Warehouse(WarehouseConfig(duckdb_path=two_accounts))
    assert len(metrics.media_catalog(scoped)) * 2 <= len(metrics.media_catalog(every)) - 1
    shown = at.dataframe[0].value
    assert len(shown) == len(metrics.media_table(scoped, None))


def test_downloads_read_the_chosen_account(two_accounts: Path):
    wh = Warehouse(WarehouseConfig(duckdb_path=two_accounts))
    first, last = metrics.data_days(wh)
    period = Period(first, last)
    counts = {}
    for account_id in (FIRST, SECOND):
        url = downloads_api.download_url(downloads_api.VIEWS_PATH, period, None, None, account_id)
        assert f"account={account_id}" in url
        status, headers, body = fetch(url)
        assert status == 200
        assert f"account-{account_id}-all-medias" in headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        counts[account_id] = len(rows) - 1
        with duckdb.connect(str(two_accounts), read_only=True) as conn:
            ((want,),) = conn.execute(
                "select count(*) from analytics.wistia_views_keyed where account_id = ?",
                [account_id],
            ).fetchall()
        assert counts[account_id] == want
    assert counts[FIRST] > counts[SECOND] > 0
