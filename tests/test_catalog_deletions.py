"""Deleted tags, channels and webinars: full listings every run, so the tap marks a record
no longer listed (`streams.tombstones.AccountWideListing`), as it does medias and projects
(`tests/test_deletions.py`). Folders are not marked: see docs/deletions.md."""

from __future__ import annotations

import pytest

from tap_wistia.state.deletions import DELETED_AT, DELETED_IDS, KNOWN_IDS
from tap_wistia.streams.base import ACCOUNT_ID
from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import run_sync, tap_config

DATASET = {"projects": 3, "medias": 20, "visitors": 20, "events": 40, "days": 5, "webinars": 4}
CHANNELS = "/modern/channels"


def tombstones(result, stream: str) -> list[dict]:
    return [r for r in result.records(stream) if r.get(DELETED_AT)]


def delete_tag(dataset, name: str) -> None:
    """A tag is gone once no media carries it (the sandbox lists the medias' tags)."""
    for media in dataset.medias:
        media["tags"] = [tag for tag in media.get("tags") or () if tag["name"] != name]
    dataset.changed()


def first_tag(dataset) -> str:
    return next(tag["name"] for media in dataset.medias for tag in media.get("tags") or ())


@pytest.fixture
def server(make_wistia):
    return make_wistia(**DATASET)


def run_twice(server, stream: str, delete) -> tuple:
    config = tap_config(server)
    first = run_sync(config, streams=(stream,))
    gone = delete()
    second = run_sync(config, state=first.final_state, streams=(stream,))
    return first, second, gone


def assert_one_tombstone(second, stream: str, key: str, gone) -> dict:
    (tombstone,) = tombstones(second, stream)
    assert set(tombstone) == {ACCOUNT_ID, key, DELETED_AT}
    assert tombstone[ACCOUNT_ID] == second.tap.run.account.id
    assert tombstone[key] == gone
    assert parse_timestamp(tombstone[DELETED_AT]) == second.tap.run.window.run_started
    state = second.bookmark(stream)
    assert str(gone) not in state[KNOWN_IDS]
    assert state[DELETED_IDS] == {str(gone): tombstone[DELETED_AT]}
    return tombstone


def test_deleted_tag_gets_one_tombstone_and_a_restored_one_is_live_again(server):
    data = server.dataset
    name = first_tag(data)
    saved = [(m, list(m.get("tags") or ())) for m in data.medias]
    first, second, _ = run_twice(server, "tags", lambda: delete_tag(data, name))
    assert not tombstones(first, "tags")
    assert_one_tombstone(second, "tags", "name", name)
    assert name not in {r["name"] for r in second.records("tags") if not r.get(DELETED_AT)}

    for media, tags in saved:  # the tag is put back on its medias
        media["tags"] = tags
    data.changed()
    third = run_sync(tap_config(server), state=second.final_state, streams=("tags",))
    assert not tombstones(third, "tags")
    (back,) = [r for r in third.records("tags") if r["name"] == name]
    assert back.get(DELETED_AT) is None
    assert third.bookmark("tags")[DELETED_IDS] == {}


def test_deleted_channel_is_marked_once(server):
    channels = server.dataset.lists[CHANNELS]
    first, second, gone = run_twice(server, "channels", lambda: channels.pop(1)["hashed_id"])
    assert len(first.records("channels")) == len(channels) + 1
    tombstone = assert_one_tombstone(second, "channels", "hashed_id", gone)
    third = run_sync(tap_config(server), state=second.final_state, streams=("channels",))
    assert not tombstones(third, "channels")  # marked once, never re-dated
    assert third.bookmark("channels")[DELETED_IDS] == {gone: tombstone[DELETED_AT]}


def test_deleted_webinar_is_marked(server):
    webinars = server.dataset.webinars.webinars
    _, second, gone = run_twice(server, "webinars", lambda: webinars.pop(0)["id"])
    assert_one_tombstone(second, "webinars", "id", gone)
    assert len(second.records("webinars")) == len(webinars) + 1


def test_a_listing_that_fails_marks_nothing(server):
    config = tap_config(server)
    first = run_sync(config, streams=("channels", "webinars"))
    server.dataset.lists[CHANNELS].pop(0)
    server.dataset.webinars.webinars.pop(0)
    server.faults.add("status", status=403, path="/channels", times=10)
    server.faults.add("status", status=403, path="/webinars", times=10)
    failed = run_sync(config, state=first.final_state, streams=("channels", "webinars"))
    assert not tombstones(failed, "channels") and not tombstones(failed, "webinars")
    for stream in ("channels", "webinars"):
        assert failed.final_state["bookmarks"].get(stream, {}).get(KNOWN_IDS) in (
            None,
            first.bookmark(stream)[KNOWN_IDS],
        )
    server.faults.clear()
    again = run_sync(config, state=failed.final_state, streams=("channels", "webinars"))
    assert len(tombstones(again, "channels")) == 1 and len(tombstones(again, "webinars")) == 1


def test_scoped_run_still_marks_account_wide_listings(server):
    """`media_ids` / `project_ids` do not narrow tags, channels or webinars."""
    kept = server.dataset.media_ids()[0]
    config = tap_config(server, media_ids=[kept])
    first = run_sync(config, streams=("channels",))
    server.dataset.lists[CHANNELS].pop(0)
    second = run_sync(config, state=first.final_state, streams=("channels",))
    assert len(tombstones(second, "channels")) == 1
