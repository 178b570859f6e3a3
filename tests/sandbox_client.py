"""HTTP helpers the sandbox's own tests share: authorised GETs, JSON pages, whole listings.

Split out of the former test_fake_wistia.py so each test_sandbox_*.py file holds one area of
the sandbox while they all call it the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests

from wistia_sandbox import FakeWistia, parse_ts

UNAUTHORIZED = {"code": "unauthorized_credentials", "error": "Invalid credentials."}


def auth(srv: FakeWistia) -> dict[str, str]:
    return {"Authorization": f"Bearer {srv.token}"}


def get(srv: FakeWistia, path: str, **params: Any) -> requests.Response:
    return requests.get(f"{srv.url}{path}", headers=auth(srv), params=params, timeout=10)


def get_json(srv: FakeWistia, path: str, **params: Any) -> Any:
    response = get(srv, path, **params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def get_all(srv: FakeWistia, path: str, **params: Any) -> list[dict[str, Any]]:
    """Page with per_page=100 until a short page."""
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = get_json(srv, path, page=page, per_page=100, **params)
        out.extend(batch)
        if len(batch) < 100:
            return out
        page += 1


def ts_list(records: list[dict[str, Any]], field: str) -> list[datetime]:
    return [parse_ts(r[field]) for r in records]
