"""The catalog records the sandbox holds, by stream and key, read from its data (not from its
HTTP answers): what a complete first run of the catalog streams must emit."""

from __future__ import annotations

from wistia_sandbox import Dataset
from wistia_sandbox import catalog as sandbox_catalog

CATALOG_STREAMS = (
    "account", "folders", "subfolders", "folder_sharings", "tags", "channels",
    "channel_episodes", "allowed_domains",
)  # fmt: skip


def folder_lists(data: Dataset, kind: str) -> dict[str, list[dict]]:
    """Each folder's stored `subfolders` or `sharings`, by folder hashed id."""
    return {
        p["hashedId"]: data.lists[f"/modern/folders/{p['hashedId']}/{kind}"] for p in data.projects
    }


def expected_keys(data: Dataset) -> dict[str, set]:
    lists = data.lists
    return {
        "account": {sandbox_catalog.account(data)["id"]},
        "folders": {p["hashedId"] for p in data.projects},
        "subfolders": {
            (folder, s["hashed_id"])
            for folder, rows in folder_lists(data, "subfolders").items()
            for s in rows
        },
        "folder_sharings": {
            (folder, s["id"])
            for folder, rows in folder_lists(data, "sharings").items()
            for s in rows
        },
        "tags": {t["name"] for t in sandbox_catalog.tags(data)},
        "channels": {c["hashed_id"] for c in lists["/modern/channels"]},
        "channel_episodes": {e["hashed_id"] for e in lists["/modern/channel_episodes"]},
        "allowed_domains": {d["domain"] for d in lists["/modern/allowed_domains"]},
    }


def expected_catalog_counts(data: Dataset) -> dict[str, int]:
    return {name: len(keys) for name, keys in expected_keys(data).items()}
