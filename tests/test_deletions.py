"""Deleted medias and projects: the state the tap keeps and the tombstones it emits."""

from __future__ import annotations

import json

import pytest

from tap_wistia.http.errors import WistiaAuthError
from tap_wistia.state.bookmarks import BookmarkError
from tap_wistia.state.deletions import DELETED_AT, DELETED_IDS, KNOWN_IDS
from tap_wistia.timeutil import parse_timestamp
from tests.tap_harness import run_sync, tap_config

DATASET = {"projects": 3, "medias": 12, "visitors": 20, "events": 60, "days": 10}


def schemas(result, stream: str) -> list[dict]:
    return [m for m in result.messages if m["type"] == "SCHEMA" and m["stream"] == stream]


def tombstones(result, stream: str) -> list[dict]:
    return [r for r in result.records(stream) if r.get(DELETED_AT)]


def delete_whole_project(dataset, project: dict) -> None:
    """As Wistia does: the project's medias go with it."""
    for media in [m for m in dataset.medias if m["project"]["id"] == project["id"]]:
        dataset.delete_media(media["hashed_id"])
    dataset.delete_project(project["hashedId"])


@pytest.fixture
def server(make_wistia):
    return make_wistia(**DATASET)


def test_first_run_records_ids_and_marks_nothing(server):
    result = run_sync(tap_config(server), streams=("projects", "medias"))
    medias_state = result.bookmark("medias")
    assert medias_state[KNOWN_IDS] == sorted(server.dataset.media_ids())
    assert medias_state[DELETED_IDS] == {}
    assert result.bookmark("projects")[KNOWN_IDS] == sorted(
        str(p["id"]) for p in server.dataset.projects
    )
    assert not tombstones(result, "medias") and not tombstones(result, "projects")
    assert all(DELETED_AT in s["schema"]["properties"] for s in schemas(result, "medias"))


def test_deleted_media_gets_one_tombstone_under_a_narrow_schema(server):
    first = run_sync(tap_config(server), streams=("medias",))
    gone = server.dataset.media_ids()[3]
    server.dataset.delete_media(gone)
    second = run_sync(tap_config(server), state=first.final_state, streams=("medias",))

    full, narrow = schemas(second, "medias")
    assert DELETED_AT in full["schema"]["properties"] and "name" in full["schema"]["properties"]
    assert set(narrow["schema"]["properties"]) == {*narrow["key_properties"], DELETED_AT}
    assert "hashed_id" in narrow["key_properties"]
    (tombstone,) = tombstones(second, "medias")
    started = second.tap.run.window.run_started
    # Every key of the stream, and nothing else but the mark.
    assert set(tombstone) == {*narrow["key_properties"], DELETED_AT}
    assert all(tombstone[key] is not None for key in narrow["key_properties"])
    assert tombstone["hashed_id"] == gone
    assert parse_timestamp(tombstone[DELETED_AT]) == started
    # The tombstone is the stream's last message before its state: after every record.
    kinds = [(m["type"], m.get("stream")) for m in second.messages]
    narrow_at = second.messages.index(narrow)
    assert ("RECORD", "medias") not in kinds[narrow_at + 2 :]
    state = second.bookmark("medias")
    assert gone not in state[KNOWN_IDS]
    assert state[DELETED_IDS] == {gone: tombstone[DELETED_AT]}

    third = run_sync(tap_config(server), state=second.final_state, streams=("medias",))
    assert not tombstones(third, "medias")  # marked once, never re-dated
    assert third.bookmark("medias")[DELETED_IDS] == state[DELETED_IDS]


def test_restored_media_is_emitted_in_full_although_not_updated(server):
    first = run_sync(tap_config(server), streams=("medias",))
    record = server.dataset.delete_media(server.dataset.media_ids()[0])
    second = run_sync(tap_config(server), state=first.final_state, streams=("medias",))
    server.dataset.restore_media(record)
    third = run_sync(tap_config(server), state=second.final_state, streams=("medias",))

    (restored,) = third.records("medias")  # nothing else was updated since the bookmark
    assert restored["hashed_id"] == record["hashed_id"] and restored["name"] == record["name"]
    assert restored.get(DELETED_AT) is None
    assert parse_timestamp(restored["updated"]) < parse_timestamp(
        second.bookmark("medias")["replication_key_value"]
    )
    assert third.bookmark("medias")[DELETED_IDS] == {}
    assert record["hashed_id"] in third.bookmark("medias")[KNOWN_IDS]


def test_deleted_project_is_marked_with_its_integer_id(server):
    first = run_sync(tap_config(server), streams=("projects",))
    project = server.dataset.projects[0]
    delete_whole_project(server.dataset, project)
    second = run_sync(tap_config(server), state=first.final_state, streams=("projects",))
    (tombstone,) = tombstones(second, "projects")
    narrow = schemas(second, "projects")[-1]
    assert set(narrow["schema"]["properties"]) == {*narrow["key_properties"], DELETED_AT}
    assert set(tombstone) == {*narrow["key_properties"], DELETED_AT}
    assert tombstone["id"] == project["id"]  # an integer, as the schema says
    assert len(second.records("projects")) == len(server.dataset.projects) + 1


def test_media_ids_do_not_narrow_the_projects_listing(server):
    kept = server.dataset.media_ids()[0]
    first = run_sync(tap_config(server, media_ids=[kept]), streams=("projects",))
    project = next(
        p
        for p in server.dataset.projects
        if p["id"] != server.dataset.find_media(kept)["project"]["id"]
    )
    delete_whole_project(server.dataset, project)
    second = run_sync(
        tap_config(server, media_ids=[kept]), state=first.final_state, streams=("projects",)
    )
    assert [t["id"] for t in tombstones(second, "projects")] == [project["id"]]


def test_scoped_run_marks_nothing_and_keeps_the_known_ids(server):
    first = run_sync(tap_config(server), streams=("medias",))
    kept, gone = server.dataset.media_ids()[:2]
    server.dataset.delete_media(gone)
    scoped = run_sync(
        tap_config(server, media_ids=[kept]), state=first.final_state, streams=("medias",)
    )
    assert not tombstones(scoped, "medias")
    assert scoped.bookmark("medias")[KNOWN_IDS] == first.bookmark("medias")[KNOWN_IDS]
    # Back to the whole account: the scope change drops the bookmark, not the known ids,
    # so the deletion made meanwhile is still found.
    whole = run_sync(tap_config(server), state=scoped.final_state, streams=("medias",))
    assert [t["hashed_id"] for t in tombstones(whole, "medias")] == [gone]


def test_listing_that_fails_half_way_marks_nothing(make_wistia):
    server = make_wistia(**{**DATASET, "medias": 130})  # two pages
    first = run_sync(tap_config(server), streams=("medias",))
    server.dataset.delete_media(server.dataset.media_ids()[2])
    server.faults.add("status", status=401, path="/medias", every=2)  # the second page
    with pytest.raises(WistiaAuthError):
        run_sync(tap_config(server), state=first.final_state, streams=("medias",))
    # The second run read its first page, then failed on the second.
    assert [r.status for r in server.requests_to("/medias")][2:] == [200, 401]
    server.faults.clear()
    # The interrupted run emitted nothing of the kind; the next complete one marks it.
    again = run_sync(tap_config(server), state=first.final_state, streams=("medias",))
    assert len(tombstones(again, "medias")) == 1


def test_malformed_deletion_state_stops_the_run(server):
    state = {"bookmarks": {"medias": {KNOWN_IDS: "abc", DELETED_IDS: {}}}}
    with pytest.raises(BookmarkError, match="known_ids"):
        run_sync(tap_config(server), state=state, streams=("medias",))
    state = {"bookmarks": {"projects": {DELETED_IDS: {"1": "yesterday"}}}}
    with pytest.raises(BookmarkError, match="deleted_ids"):
        run_sync(tap_config(server), state=state, streams=("projects",))


def test_state_size_per_media_is_small(make_wistia):
    server = make_wistia(projects=5, medias=500, visitors=10, events=20, days=5)
    result = run_sync(tap_config(server), streams=("medias",))
    size = len(json.dumps(result.bookmark("medias")[KNOWN_IDS]))
    assert size / 500 < 16  # bytes per media: 80 KB at 5,000 medias
