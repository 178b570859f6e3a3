"""The medias this run covers, listed once and shared by every per-media stream.

The per-media streams (stats, engagement, daily stats) fan out over every media in scope.
Instead of making them SDK child streams (one state partition per media, and no way to
visit medias the incremental `medias` stream did not re-emit), they iterate this catalog:
the `medias` stream fills it while it pages; if `medias` is not selected the catalog lists
the medias itself on first use. Either way the listing costs one request per 100 medias.
Configured ids the account does not have (`media_ids`, `project_ids`) fail the run.
"""

from __future__ import annotations

import threading
import typing as t
from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogMedia:
    hashed_id: str
    duration: float | None
    updated: str | None  # as listed: tells `media_refresh` whether the media changed


class UnknownScopeIds(ValueError):
    """Configured ids the API does not know: a typo must not become an empty, successful run."""


class UnknownMediaIds(UnknownScopeIds):
    """Configured media ids the API does not know (or that are outside project_ids)."""


class UnknownProjectIds(UnknownScopeIds):
    """Configured project ids the API does not know."""


class ProjectScope:
    """The configured `project_ids` (hashed or numeric), checked against the account once.

    An empty project is a valid scope, so listing its medias cannot tell a typo from a
    project with nothing in it: only the project list can. It is small (one request per
    100 projects), and the `projects` stream, synced first, hands over its listing.
    """

    def __init__(self, wanted: set[str], list_projects: t.Callable[[], t.Iterable[dict]]) -> None:
        self.wanted = wanted
        self._list_projects = list_projects
        self._checked = not wanted
        self._lock = threading.Lock()

    def matches(self, project: dict) -> bool:
        return not self.wanted or bool(
            {str(project.get("id")), project.get("hashedId")} & self.wanted
        )

    def check(self, projects: t.Iterable[dict] | None = None) -> None:
        """Raise `UnknownProjectIds` unless every wanted id names a project."""
        with self._lock:
            if self._checked:
                return
            listed = self._list_projects() if projects is None else projects
            found = {str(value) for p in listed for value in (p.get("id"), p.get("hashedId"))}
            missing = sorted(self.wanted - found)
            if missing:
                raise UnknownProjectIds(
                    f"project_ids: Wistia does not know these project ids: {', '.join(missing)}"
                )
            self._checked = True


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
        self._medias[hashed_id] = CatalogMedia(
            hashed_id=hashed_id, duration=record.get("duration"), updated=record.get("updated")
        )

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
