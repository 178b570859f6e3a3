"""What `extra_fields` holds for a record the sandbox served with `undeclared_fields=True`
(wistia_sandbox/drift.py): shared by the tap-level and the warehouse tests."""

from __future__ import annotations

from typing import Any

from wistia_sandbox.drift import ASSET_FIELD, THUMBNAIL_FIELD, THUMBNAIL_VALUE, UNDECLARED

# The streams whose answers carry undeclared fields; and ones whose answers carry none.
DRIFTING = ("medias", "events", "visitors", "media_analytics_daily")
UNCHANGED = ("projects", "media_stats", "media_traffic")


def expected_extra_fields(stream: str, assets: int = 0) -> dict[str, Any]:
    """`assets`: how many assets the media has (medias only)."""
    if stream != "medias":
        return UNDECLARED
    nested: dict[str, Any] = {f"thumbnail.{THUMBNAIL_FIELD}": THUMBNAIL_VALUE}
    if assets:
        nested[f"assets[].{ASSET_FIELD}"] = [f"edge-{position}" for position in range(assets)]
    return {**UNDECLARED, **nested}
