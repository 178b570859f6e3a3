"""The download routes' answers to filters that name nothing in the warehouse."""

from __future__ import annotations

from urllib.parse import quote_plus

from app import downloads_api, metrics
from app.warehouse import Warehouse, WarehouseConfig
from tests.app.conftest import SyncedProject
from tests.app.test_pages import fetch


def test_an_unknown_project_or_media_is_a_400_not_an_empty_file(app_env: SyncedProject):
    wh = Warehouse(WarehouseConfig(duckdb_path=app_env.duckdb_path))
    first, last = metrics.data_days(wh)
    base = f"{downloads_api.VIEWS_PATH}?from={first}&to={last}"
    status, _headers, body = fetch(f"{base}&project=No+such+project")
    assert (status, body) == (400, b"no project named 'No such project' in the warehouse")
    status, _headers, body = fetch(f"{base.replace('views', 'sessions')}&media=zzz")
    assert (status, body) == (400, b"no media with id 'zzz' in the warehouse")
    # A real project still downloads its rows.
    for row in metrics.media_catalog(wh):  # "Produits & démos" included
        status, _headers, body = fetch(f"{base}&project={quote_plus(row['project_name'])}")
        assert status == 200 and body.count(b"\r\n") > 1, row
