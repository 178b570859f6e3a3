"""The folders changed since a time, listed once per run for every folder stream.

`folders` emits the folders updated since its bookmark; `subfolders` and `folder_sharings`
read one request per folder updated since theirs. All three read the same listing (newest
`updated` first, stopped at the first folder older than the time asked for), so the one
made first this run serves the others when it reaches back far enough: a daily run lists
the folders once, not three times.

Each stream's next bookmark is the moment that listing started, minus the clock skew
(`bookmarks.CLOCK_SKEW`): a folder edited while the listing was read may have been read
before the edit, and is then read again next run.
"""

from __future__ import annotations

import datetime as dt
import threading
import typing as t
from dataclasses import dataclass

from tap_wistia.timeutil import parse_timestamp


@dataclass(frozen=True)
class Listing:
    since: dt.datetime | None  # None: every folder
    started: dt.datetime
    folders: tuple[dict, ...]

    def covers(self, since: dt.datetime | None) -> bool:
        return self.since is None or (since is not None and self.since <= since)

    def changed_since(self, since: dt.datetime | None) -> list[dict]:
        return [f for f in self.folders if since is None or updated_at(f) >= since]


def updated_at(folder: dict) -> dt.datetime:
    """A folder's `updated`; one without counts as changed (it is read, never skipped)."""
    value = folder.get("updated")
    return parse_timestamp(value) if value else dt.datetime.max.replace(tzinfo=dt.UTC)


class FolderListing:
    """The run's widest folder listing so far (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listing: Listing | None = None

    def get(
        self,
        since: dt.datetime | None,
        read: t.Callable[[dt.datetime | None], t.Iterable[dict]],
    ) -> Listing:
        """The folders changed since `since`, read by `read(since)` unless a listing made
        this run already covers it."""
        with self._lock:
            if self._listing is not None and self._listing.covers(since):
                listing = self._listing
                return Listing(since, listing.started, tuple(listing.changed_since(since)))
        started = dt.datetime.now(dt.UTC)
        fresh = Listing(since, started, tuple(read(since)))
        with self._lock:
            if self._listing is None or fresh.covers(self._listing.since):
                self._listing = fresh
        return fresh
