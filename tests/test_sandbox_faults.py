"""The sandbox's injected faults and limits: status codes, truncation, resets, delays, their
selection (path, every, times), forbidden prefixes, the rate limit, latency, the request log.
"""

from __future__ import annotations

import pytest
import requests

from tests.sandbox_client import auth, get
from wistia_sandbox import FakeWistia


@pytest.fixture
def small(make_wistia) -> FakeWistia:
    return make_wistia(medias=5, visitors=20, events=100)


def test_status_fault_with_retry_after(small: FakeWistia) -> None:
    small.faults.add("status", status=503, retry_after=7)
    r = get(small, "/stats/events")
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "7"
    assert "error" in r.json()
    assert get(small, "/stats/events").status_code == 200  # times=1 by default
    date_value = "Wed, 21 Oct 2026 07:28:00 GMT"
    small.faults.add("status", status=429, retry_after=date_value)
    r = get(small, "/stats/events")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == date_value
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "Rate limit exceeded"


def test_status_fault_bodies(small: FakeWistia) -> None:
    small.faults.add("status", status=404, path="/stats")
    r = get(small, "/stats/medias/" + small.dataset.medias[0]["hashed_id"])
    assert r.status_code == 404 and r.content == b""
    small.faults.add("status", status=404)
    r = get(small, "/medias")
    assert r.status_code == 404 and "error" in r.json()
    small.faults.add("status", status=403)
    r = get(small, "/stats/events")
    assert r.status_code == 403 and "not available" in r.json()["error"]
    small.faults.add("status", status=502, body="<html>Bad gateway</html>")
    r = get(small, "/stats/events")
    assert r.status_code == 502 and r.text == "<html>Bad gateway</html>"
    assert r.headers["Content-Type"].startswith("text/plain")


def test_truncate_fault_gives_invalid_json(small: FakeWistia) -> None:
    full = get(small, "/stats/events", per_page=50).content
    small.faults.add("truncate", path="/stats/events")
    r = get(small, "/stats/events", per_page=50)
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) == len(r.content) < len(full)
    assert full.startswith(r.content)
    with pytest.raises(ValueError):
        r.json()
    assert get(small, "/stats/events", per_page=50).content == full


def test_reset_fault_gives_connection_error(small: FakeWistia) -> None:
    small.faults.add("reset", path="/stats/visitors")
    with requests.Session() as s:
        assert s.get(f"{small.url}/medias", headers=auth(small), timeout=10).ok
        with pytest.raises(requests.exceptions.ConnectionError):
            s.get(f"{small.url}/stats/visitors", headers=auth(small), timeout=10)
        assert s.get(f"{small.url}/stats/visitors", headers=auth(small), timeout=10).ok
    log = small.requests_to("/stats/visitors")
    assert [(r.status, r.fault) for r in log] == [(0, "reset"), (200, None)]


def test_delay_fault_triggers_client_timeout(small: FakeWistia) -> None:
    small.faults.add("delay", delay=0.5, path="/stats/events")
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(f"{small.url}/stats/events", headers=auth(small), timeout=0.05)
    assert get(small, "/stats/events").status_code == 200
    assert [r.fault for r in small.requests_to("/stats/events")] == ["delay", None]


def test_every_nth_and_times(small: FakeWistia) -> None:
    small.faults.add("status", status=500, every=3, path="/stats/events")
    codes = [get(small, "/stats/events").status_code for _ in range(9)]
    assert codes == [200, 200, 500] * 3
    assert get(small, "/medias").status_code == 200  # other paths unaffected
    small.faults.clear()
    small.faults.add("status", status=503, times=2)
    assert [get(small, "/medias").status_code for _ in range(3)] == [503, 503, 200]


def test_fault_path_prefix_and_first_wins(small: FakeWistia) -> None:
    h = small.dataset.medias[0]["hashed_id"]
    small.faults.add("status", status=500, path=f"/stats/medias/{h}/engagement")
    assert get(small, f"/stats/medias/{h}").status_code == 200
    assert get(small, f"/stats/medias/{h}/engagement.json").status_code == 500
    small.faults.add("status", status=502)
    small.faults.add("status", status=503)
    assert get(small, "/medias").status_code == 502
    assert get(small, "/medias").status_code == 503
    assert get(small, "/medias").status_code == 200
    assert len(small.faults) == 0


def test_auth_is_checked_before_faults(small: FakeWistia) -> None:
    small.faults.add("status", status=500)
    r = requests.get(f"{small.url}/medias", timeout=10)
    assert r.status_code == 401
    assert get(small, "/medias").status_code == 500  # the fault was not consumed by the 401


def test_forbidden_prefixes(small: FakeWistia) -> None:
    small.forbidden_prefixes.add("/stats")
    r = get(small, "/stats/events")
    assert r.status_code == 403
    assert r.json() == {"error": "Stats API access is not available on your current plan"}
    assert get(small, "/medias").status_code == 200
    small.forbidden_prefixes.clear()
    assert get(small, "/stats/events").status_code == 200


def test_rate_limit_window(small: FakeWistia) -> None:
    small.rate_limit_per_minute = 3
    codes = [get(small, "/medias").status_code for _ in range(3)]
    r = get(small, "/medias")
    assert codes == [200, 200, 200]
    assert r.status_code == 429
    assert r.text == "Rate limit exceeded"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    small.rate_limit_per_minute = None
    assert get(small, "/medias").status_code == 200


def test_latency(small: FakeWistia) -> None:
    small.latency = 0.5
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(f"{small.url}/medias", headers=auth(small), timeout=0.05)
    small.latency = 0.0
    assert get(small, "/medias").status_code == 200


def test_request_log(small: FakeWistia) -> None:
    small.clear_requests()
    h = small.dataset.medias[0]["hashed_id"]
    requests.get(
        f"{small.url}/stats/medias/{h}/by_date.json?start_date=2026-01-01&x=&x=2",
        headers=auth(small),
        timeout=10,
    )
    requests.get(f"{small.url}/stats/events", params={"page": 2}, timeout=10)
    small.faults.add("status", status=500)
    get(small, "/stats/events", per_page=5)
    log = small.requests
    assert log[0].method == "GET"
    assert log[0].path == f"/stats/medias/{h}/by_date"
    assert log[0].query == {"start_date": ["2026-01-01"], "x": ["", "2"]}
    assert log[0].status == 200
    assert log[0].authorization == "Bearer test-token"
    assert log[0].fault is None
    assert (log[1].status, log[1].authorization, log[1].query) == (401, None, {"page": ["2"]})
    assert (log[2].status, log[2].fault) == (500, "status")
    assert [r.path for r in small.requests_to("/stats/events")] == ["/stats/events"] * 2
    assert len(small.requests_to("/stats/medias")) == 1
    with pytest.raises(AttributeError):
        log[0].status = 1  # type: ignore[misc]
    small.clear_requests()
    assert small.requests == []
