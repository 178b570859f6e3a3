"""The catalog streams (`tap_wistia/streams/catalog.py`) against the sandbox: complete, keys
unique, a second run that costs what changed (counted in the sandbox's request log), the
per-folder fan-out in parallel, and a plan without one of the endpoints (403, 404)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter

import pytest

from tap_wistia.http.errors import WistiaError
from tests.catalog_expected import CATALOG_STREAMS, expected_keys
from tests.tap_harness import run_sync, tap_config
from wistia_sandbox import FakeWistia

PER_FOLDER = {"subfolders", "folder_sharings"}


def keys_of(result, name: str) -> list:
    rows = result.records(name)
    if name == "subfolders":
        return [(r["folder_hashed_id"], r["hashed_id"]) for r in rows]
    if name == "folder_sharings":
        return [(r["folder_hashed_id"], r["id"]) for r in rows]
    key = {"account": "id", "tags": "name", "allowed_domains": "domain"}.get(name, "hashed_id")
    return [r[key] for r in rows]


def cost(srv: FakeWistia) -> Counter:
    """Requests per endpoint, a folder's lists counted under their endpoint."""
    return Counter(
        "/folders/{id}/" + e.path.rsplit("/", 1)[1] if e.path.count("/") == 3 else e.path
        for e in srv.requests
    )


def test_a_first_run_reads_everything_once_and_a_second_what_changed(make_wistia):
    srv = make_wistia(seed=5, projects=6, medias=40)
    data = srv.dataset
    config = tap_config(srv)
    first = run_sync(config, streams=CATALOG_STREAMS)
    expected = expected_keys(data)
    for name in CATALOG_STREAMS:
        keys = keys_of(first, name)
        assert len(keys) == len(set(keys)), name
        assert set(keys) == expected[name], name
    folders = len(data.projects)
    # /account twice: the run's account id (v1, once per run) and the account stream (modern).
    assert cost(srv) == {
        "/account": 2, "/folders": 1, "/folders/{id}/subfolders": folders,
        "/folders/{id}/sharings": folders, "/tags": 1, "/channels": 1,
        "/channel_episodes": 1, "/allowed_domains": 1,
    }  # fmt: skip

    # One folder edited (a subfolder added), one episode edited.
    srv.clear_requests()
    changed = data.projects[2]
    now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    changed["updated"] = now.isoformat()
    data._subfolders[changed["hashedId"]].append(
        data._factory.subfolder(len(data._subfolders[changed["hashedId"]]), now)
    )
    episode = data.lists["/modern/channel_episodes"][0]
    episode["updated"] = now.isoformat()
    second = run_sync(config, streams=CATALOG_STREAMS, state=first.final_state)
    assert cost(srv) == {
        "/account": 2, "/folders": 1, "/folders/{id}/subfolders": 1,
        "/folders/{id}/sharings": 1, "/tags": 1, "/channels": 1,
        "/channel_episodes": 1, "/allowed_domains": 1,
    }  # fmt: skip
    assert {r["hashed_id"] for r in second.records("folders")} == {changed["hashedId"]}
    assert {r["folder_hashed_id"] for r in second.records("subfolders")} <= {changed["hashedId"]}
    assert len(second.records("subfolders")) == len(data._subfolders[changed["hashedId"]])
    assert [r["hashed_id"] for r in second.records("channel_episodes")] == [episode["hashed_id"]]


def test_folders_fan_out_in_parallel(make_wistia):
    srv = make_wistia(seed=5, projects=12, medias=30)
    arrivals: list[float] = []

    def arrived(path: str, query: dict) -> None:
        if path.endswith("/sharings"):
            arrivals.append(time.monotonic())

    srv.latency = 0.5  # every answer takes this long: a serial client waits for each
    srv.on_request = arrived
    result = run_sync(tap_config(srv, max_concurrency=4), streams=("folder_sharings",))
    assert len(arrivals) == 12
    # Four requests arrived before the first could have been answered.
    assert arrivals[3] - arrivals[0] < srv.latency
    assert {r["folder_hashed_id"] for r in result.records("folder_sharings")} <= {
        p["hashedId"] for p in srv.dataset.projects
    }


@pytest.mark.parametrize("status", [403, 404])
def test_a_plan_without_an_endpoint_skips_it_with_one_warning(make_wistia, caplog, status):
    srv = make_wistia(seed=5, projects=3, medias=10)
    srv.faults.add("status", status=status, path="/channels", times=10)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(srv), streams=CATALOG_STREAMS)
    counts = result.record_counts()
    # Episodes are part of the channels feature: one family, one verdict, one warning.
    assert counts.get("channels", 0) == 0 and counts.get("channel_episodes", 0) == 0
    assert counts["tags"] > 0 and counts["folders"] > 0  # the run went on
    warnings = [r.getMessage() for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert "skipping channels, channel_episodes" in warnings[0]
    assert "required_streams" in warnings[0]
    assert len(srv.requests_to("/channels")) == 1
    assert not srv.requests_to("/channel_episodes")


@pytest.mark.parametrize("status", [403, 404])
def test_a_required_stream_the_plan_lacks_fails_the_run(make_wistia, status):
    srv = make_wistia(seed=5, projects=3, medias=10)
    srv.faults.add("status", status=status, path="/tags", times=10)
    config = tap_config(srv, required_streams=["tags"])
    with pytest.raises(WistiaError, match=r"Wistia tags are unavailable: .*tags is in required"):
        run_sync(config, streams=("tags",))


def test_per_folder_404s_on_the_first_folders_mean_the_endpoint_is_missing(make_wistia, caplog):
    srv = make_wistia(seed=5, projects=5, medias=10)
    srv.faults.add("status", status=404, path="/folders/", times=50)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(srv, max_concurrency=1), streams=("subfolders",))
    assert result.record_counts().get("subfolders", 0) == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w for w in warnings if "unavailable" in w] == [
        w for w in warnings if "skipping subfolders" in w
    ]
    assert len([w for w in warnings if "unavailable" in w]) == 1
    assert len(srv.requests_to("/folders/")) == 3  # FAMILY_404_MEDIAS, then no more


def test_a_folder_deleted_mid_run_is_skipped(make_wistia, caplog):
    srv = make_wistia(seed=5, projects=4, medias=10)
    gone = srv.dataset.projects[1]["hashedId"]
    srv.dataset.lists.pop(f"/modern/folders/{gone}/sharings")
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(srv, max_concurrency=1), streams=("folder_sharings",))
    assert gone not in {r["folder_hashed_id"] for r in result.records("folder_sharings")}
    assert any(f"folder {gone} is gone" in r.getMessage() for r in caplog.records)
