"""Download periods that cannot be served are a 400 with the reason, never a 500."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from app import downloads_api


def get(path: str, query: str) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [],
    }
    route = (
        downloads_api.views_csv if path == downloads_api.VIEWS_PATH else downloads_api.sessions_csv
    )
    response = route(Request(scope))
    return response.status_code, bytes(response.body)


@pytest.mark.parametrize("path", [downloads_api.VIEWS_PATH, downloads_api.SESSIONS_PATH])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "from=0001-01-01&to=9999-12-31",
            b"from and to must lie between 2000-01-01 and 2099-12-31",
        ),
        (
            "from=2026-01-01&to=9999-12-31",
            b"from and to must lie between 2000-01-01 and 2099-12-31",
        ),
        (
            "from=0001-01-01&to=0001-01-02",
            b"from and to must lie between 2000-01-01 and 2099-12-31",
        ),
        ("from=2026-02-01&to=2026-01-01", b"to (2026-01-01) is before from (2026-02-01)"),
        ("from=2026-02-30&to=2026-03-01", b"from and to must be dates, YYYY-MM-DD"),
    ],
)
def test_impossible_periods_are_a_400_with_the_reason(path, query, message, tmp_path, monkeypatch):
    # No warehouse at all: the period is refused before anything is read.
    monkeypatch.setenv("WISTIA_APP_DUCKDB_PATH", str(tmp_path / "none.duckdb"))
    assert get(path, query) == (400, message)
