"""The sandbox's content catalog (wistia_sandbox/catalog.py): every endpoint's responses
against the 2026-03 document, and data that ties to the rest of the account (folders are
the projects, subfolders the medias' subfolders, episodes real medias, tags the medias')."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.catalog_expected import folder_lists
from tests.test_sandbox_analytics import assert_valid, get
from tests.test_sandbox_analytics import get_json as modern_get_json
from tests.test_sandbox_generic_lists import follow_cursor
from wistia_sandbox import FakeWistia, generate_dataset

LISTS = ("/folders", "/tags", "/channels", "/channel_episodes", "/allowed_domains")


@pytest.fixture(scope="module")
def catalog_api():
    with FakeWistia(generate_dataset(seed=3, projects=5, medias=40)) as srv:
        yield srv


def read(srv: FakeWistia, path: str, spec_path: str | None = None, **params) -> list | dict:
    payload = modern_get_json(srv, path, **params)
    assert_valid(spec_path or path, payload)
    return payload


def test_account_counts_the_data(catalog_api):
    account = read(catalog_api, "/account")
    data = catalog_api.dataset
    assert account["media_count"] == len(data.medias)
    assert account["folder_count"] == len(data.projects)
    assert account["channel_count"] == len(read(catalog_api, "/channels"))


@pytest.mark.parametrize("path", LISTS)
def test_every_list_pages_by_offset_and_cursor_within_the_spec(catalog_api, path):
    offset: list = []
    for page in range(1, 100):
        rows = read(catalog_api, path, page=page, per_page=3)
        offset += rows
        if len(rows) < 3:
            break
    by_cursor = [r for page in follow_cursor(catalog_api, path, per_page=3) for r in page]
    assert offset and len(by_cursor) == len(offset) == len(read(catalog_api, path, per_page=100))


def test_folders_are_the_projects(catalog_api):
    folders = read(catalog_api, "/folders", per_page=100)
    projects = {p["hashedId"]: p for p in catalog_api.dataset.projects}
    assert {f["hashed_id"] for f in folders} == set(projects)
    for folder in folders:
        project = projects[folder["hashed_id"]]
        assert (folder["id"], folder["media_count"], folder["updated"]) == (
            project["id"],
            project["mediaCount"],
            project["updated"],
        )


def test_subfolders_and_sharings_per_folder(catalog_api):
    data = catalog_api.dataset
    subfolder_path = "/folders/{folderId}/subfolders"
    sharing_path = "/folders/{folderId}/sharings"
    media_subfolders = {m["subfolder"]["hashed_id"] for m in data.medias if m.get("subfolder")}
    served = set()
    for project in data.projects:
        folder = project["hashedId"]
        subfolders = read(catalog_api, f"/folders/{folder}/subfolders", subfolder_path)
        served |= {s["hashed_id"] for s in subfolders}
        assert subfolders == folder_lists(data, "subfolders")[folder]
        sharings = read(catalog_api, f"/folders/{folder}/sharings", sharing_path)
        assert all(s["folder"] == {"id": project["id"], "name": project["name"]} for s in sharings)
    assert media_subfolders <= served
    assert sum(len(v) for v in folder_lists(data, "sharings").values()) > 0
    assert get(catalog_api, "/folders/unknown/sharings").status_code == 404


def test_episodes_are_real_medias_of_real_channels(catalog_api):
    medias = {m["hashed_id"] for m in catalog_api.dataset.medias}
    channels = {c["hashed_id"]: c for c in read(catalog_api, "/channels")}
    episodes = read(catalog_api, "/channel_episodes", per_page=100)
    assert episodes and {e["media_hashed_id"] for e in episodes} <= medias
    per_channel = Counter(e["channel_hashed_id"] for e in episodes)
    assert per_channel == {h: c["media_count"] for h, c in channels.items()}


def test_tags_are_the_medias_tags(catalog_api):
    used = Counter(t["name"] for m in catalog_api.dataset.medias for t in m.get("tags") or ())
    tags = read(catalog_api, "/tags", per_page=100)
    assert {t["name"]: t["taggingsCount"] for t in tags} == used


def test_allowed_domains_are_the_embed_hosts(catalog_api):
    hosts = {urlsplit(e["embed_url"]).hostname for e in catalog_api.dataset.events}
    assert hosts <= {d["domain"] for d in read(catalog_api, "/allowed_domains")}
