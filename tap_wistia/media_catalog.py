"""The medias this run covers, listed once and shared by every per-media stream.

The per-media streams (stats, engagement, daily stats) fan out over every media in scope.
Instead of making them SDK child streams (one state partition per media, and no way to
visit medias the incremental `medias` stream did not re-emit), they iterate this catalog:
the `medias` stream fills it while it pages; if `medias` is not selected the catalog lists
the medias itself on first use. Either way the listing costs one request per 100 medias.
"""

from __future__ import annotations

import threading
import typing as t
from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogMedia:
    hashed_id: str
    duration: float | None


class UnknownMediaIds(ValueError):
    """Configured media ids the API does not know (or that are outside project_ids)."""


class MediaCatalog:
    def __init__(
        self,
        list_medias: t.Callable[[], t.Iterable[dict]],
        wanted_ids: t.Sequence[str] | None = None,
    ) -> None:
        self._list_medias = list_medias
        self._wanted_ids = list(wanted_ids or [])
        self._medias: dict[str, CatalogMedia] = {}
        self._complete = False
        self._lock = threading.Lock()

    def register(self, record: dict) -> None:
        hashed_id = record.get("hashed_id")
        if not hashed_id:
            return
        self._medias[hashed_id] = CatalogMedia(hashed_id=hashed_id, duration=record.get("duration"))

    def mark_complete(self) -> None:
        missing = [media_id for media_id in self._wanted_ids if media_id not in self._medias]
        self._complete = True
        if missing:
            raise UnknownMediaIds(
                "media_ids: Wistia does not know these hashed ids (or they are outside "
                f"project_ids): {', '.join(missing)}"
            )

    def medias(self) -> list[CatalogMedia]:
        with self._lock:
            if not self._complete:
                for record in self._list_medias():
                    self.register(record)
                self.mark_complete()
        return list(self._medias.values())

    def hashed_ids(self) -> set[str]:
        return {media.hashed_id for media in self.medias()}
