"""The sandbox's HTTP behaviour: authentication, .json suffixes and unknown paths, methods,
keep-alive, a prompt stop, concurrent clients.
"""

from __future__ import annotations

import http.client
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.sandbox_client import UNAUTHORIZED, auth, get, get_json
from wistia_sandbox import FakeWistia, generate_dataset


@pytest.mark.parametrize(
    "headers, params",
    [
        ({}, {}),
        ({"Authorization": "Bearer wrong"}, {}),
        ({"Authorization": "Bearer"}, {}),
        ({"Authorization": "Token test-token"}, {}),
        ({}, {"api_password": "test-token"}),
    ],
)
def test_unauthorized(api: FakeWistia, headers: dict[str, str], params: dict[str, str]) -> None:
    r = requests.get(f"{api.url}/medias", headers=headers, params=params, timeout=10)
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == UNAUTHORIZED


def test_basic_auth_is_refused(api: FakeWistia) -> None:
    r = requests.get(f"{api.url}/medias", auth=("api", api.token), timeout=10)
    assert r.status_code == 401 and r.json() == UNAUTHORIZED


def test_json_suffix_and_unknown_paths(api: FakeWistia) -> None:
    h = api.dataset.medias[1]["hashed_id"]
    key = api.dataset.visitor_keys()[0]
    for path in (
        "/medias",
        "/projects",
        "/stats/events",
        "/stats/visitors",
        f"/stats/visitors/{key}",
        "/stats/account",
        f"/stats/medias/{h}",
        f"/stats/medias/{h}/engagement",
        f"/stats/medias/{h}/by_date",
    ):
        assert get_json(api, f"{path}.json") == get_json(api, path), path
    for path in ("/nothing", "/medias/abc/xyz", "/stats/medias/x/y/z", "/stats"):
        r = get(api, path)
        assert r.status_code == 404 and "error" in r.json(), path
    r = requests.get(api.url.replace("/v1", "/v2/medias"), headers=auth(api), timeout=10)
    assert r.status_code == 404 and "error" in r.json()


def test_non_get_is_405(api: FakeWistia) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = requests.request(
            method, f"{api.url}/medias", headers=auth(api), json={"x": 1}, timeout=10
        )
        assert r.status_code == 405, method
        assert "error" in r.json()


def test_keep_alive_and_content_length(api: FakeWistia) -> None:
    host, port = api.url.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/v1/medias", headers=auth(api))
        sock = conn.sock
        for path in ("/v1/projects", "/v1/stats/medias/none", "/v1/nope", "/v1/stats/events"):
            response = conn.getresponse()
            body = response.read()
            assert int(response.headers["Content-Length"]) == len(body)
            conn.request("GET", path, headers=auth(api))
            assert conn.sock is sock  # same TCP connection reused
        conn.getresponse().read()
    finally:
        conn.close()


def test_stop_is_prompt_with_open_keep_alive_connection() -> None:
    srv = FakeWistia(generate_dataset(medias=2, visitors=3, events=5)).start()
    port = srv.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/v1/medias", headers=auth(srv))
    assert conn.getresponse().read()
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2
    conn.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_concurrent_requests(make_wistia) -> None:
    srv = make_wistia(medias=5, visitors=30, events=300)

    def fetch(i: int) -> int:
        with requests.Session() as s:
            codes = [
                s.get(f"{srv.url}/stats/events", headers=auth(srv), params={"page": j % 4 + 1})
                for j in range(10)
            ]
        return sum(c.status_code == 200 for c in codes)

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(fetch, range(8))) == 80
    assert len(srv.requests) == 80
    assert srv.errors == []
