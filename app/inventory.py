"""The content inventory of the Medias page, read from the `content_inventory` mart (one row
per media: folder path, tags, channels and episodes, caption languages, localizations,
plays).

Decisions: the filters (without captions, never played) are SQL conditions on the mart's
own flags, so the table and its download hold the same rows; the sidebar's project and
media choice narrows them like every page. A warehouse built before the mart existed has
no such table: `content_inventory` then returns None and the page says to sync once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.metrics import media_filter
from app.warehouse import Warehouse

INVENTORY_COLUMNS = (
    "media_id", "media_name", "media_type", "folder_path", "tags", "channels",
    "episode_count", "caption_languages", "has_captions", "localization_languages",
    "plays", "never_played", "last_view_at", "created_at", "duration_seconds",
)  # fmt: skip


def content_inventory(
    wh: Warehouse,
    media_ids: Sequence[str] | None,
    *,
    without_captions: bool = False,
    never_played: bool = False,
) -> list[dict[str, Any]] | None:
    """The inventory's rows for the medias (None = all), least played first; None when the
    warehouse has no content_inventory mart yet."""
    if not wh.has_table("content_inventory"):
        return None
    where, params = media_filter("media_id", media_ids)
    if without_captions:
        where += " and not has_captions"
    if never_played:
        where += " and never_played"
    return wh.rows(
        f"select {', '.join(INVENTORY_COLUMNS)} from {{schema}}.content_inventory"
        f" where {where} order by plays, folder_path, media_name, media_id",
        params,
    )
