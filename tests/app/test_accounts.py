"""The account filter: a warehouse of one account shows none; with two
(tests/app/two_accounts.py), every figure, table and download reads the chosen account only."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import downloads_api, metrics, queries
from app.metrics import Period
from app.warehouse import Warehouse, WarehouseConfig
from tests.app.conftest import SyncedProject
from tests.app.test_pages import fetch
from tests.app.two_accounts import FIRST, SECOND, plays

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_one_account_shows_no_filter(app_env: SyncedProject):
    queries.clear()
    at = run_app()
    assert [s.label for s in at.sidebar.selectbox] == ["Project", "Media"]
    assert list(metrics.accounts(Warehouse(WarehouseConfig(duckdb_path=app_env.duckdb_path)))) == [
        FIRST
    ]


def test_two_accounts_every_figure_follows_the_filter(two_account_warehouse: Path):
    at = run_app()
    picker = at.sidebar.selectbox(key="account_picker")
    labels = metrics.accounts(Warehouse(WarehouseConfig(duckdb_path=two_account_warehouse)))
    assert list(labels) == [FIRST, SECOND]
    assert picker.options == list(labels.values())
    period = Period(*at.date_input(key="period").value)
    first_plays, second_plays = (
        plays(two_account_warehouse, FIRST, period.start, period.end),
        plays(two_account_warehouse, SECOND, period.start, period.end),
    )
    assert first_plays > second_plays > 0
    assert {m.label: m.value for m in at.metric}["Plays"] == f"{first_plays:,}"

    picker.set_value(SECOND).run()
    assert {m.label: m.value for m in at.metric}["Plays"] == f"{second_plays:,}"
    # The media table and the catalog list the chosen account's medias only.
    at.switch_page("pages/medias.py").run()
    assert not at.exception, [e.value for e in at.exception]
    scoped = Warehouse(WarehouseConfig(duckdb_path=two_account_warehouse, account_id=SECOND))
    every = Warehouse(WarehouseConfig(duckdb_path=two_account_warehouse))
    assert len(metrics.media_catalog(scoped)) * 2 <= len(metrics.media_catalog(every)) - 1
    shown = at.dataframe[0].value
    assert len(shown) == len(metrics.media_table(scoped, None))


def test_downloads_read_the_chosen_account(two_account_warehouse: Path):
    wh = Warehouse(WarehouseConfig(duckdb_path=two_account_warehouse))
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
        with duckdb.connect(str(two_account_warehouse), read_only=True) as conn:
            ((want,),) = conn.execute(
                "select count(*) from analytics.wistia_views_keyed where account_id = ?",
                [account_id],
            ).fetchall()
        assert counts[account_id] == want
    assert counts[FIRST] > counts[SECOND] > 0
