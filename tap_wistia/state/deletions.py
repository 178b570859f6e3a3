"""Which listed records Wistia deleted: the ids a complete listing no longer returns.

Wistia's v1 API has no "deleted since" feed and a deleted media or project simply stops
being listed. The medias listing pages over every media each run anyway (v1 has no
"updated since" filter) and projects are read in full, so the tap compares each complete
listing with the previous one, kept in the stream's state:

- `known_ids`: the ids the last complete listing returned (sorted strings; about 13 bytes
  per media: 65 KB for 5,000 medias, measured in benchmarks/README.md);
- `deleted_ids`: {id: when first seen missing}, so a deletion is dated once (by the run
  that first missed it) and never re-dated, and an id that is listed again is known to be
  restored (re-emitted in full even if its `updated` is older than the bookmark).

Only a COMPLETE and UNSCOPED listing decides: a run with `media_ids` / `project_ids` lists
part of the account, and a failed listing stops the run before `finish` is reached, so
neither marks anything. The first run with this state (a new state, or one written before
deletions were tracked) records the ids and marks nothing: it cannot know what was there
before. Deleted ids are kept for good: a handful per month, and dropping one would let a
late restore go unnoticed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tap_wistia.state import bookmarks
from tap_wistia.timeutil import format_timestamp

KNOWN_IDS = "known_ids"
DELETED_IDS = "deleted_ids"
# The Singer column that marks a record deleted (the targets' soft-delete convention).
DELETED_AT = "_sdc_deleted_at"


@dataclass(frozen=True)
class Deletion:
    record_id: str
    deleted_at: str  # first seen missing (ISO 8601, UTC)


@dataclass
class DeletionTracker:
    """Collects one listing's ids; `finish` compares them with the state and updates it."""

    state: dict
    listed: set[str] = field(default_factory=set)

    def saw(self, record_id: str | int) -> None:
        self.listed.add(str(record_id))

    def was_deleted(self, record_id: str | int) -> bool:
        """Marked deleted by an earlier run: listed again now, so restored."""
        return str(record_id) in (self.state.get(DELETED_IDS) or {})

    def finish(self, seen_missing_at: dt.datetime) -> list[Deletion]:
        """After a complete, unscoped listing: the ids deleted since the last one (dated
        `seen_missing_at`); the state then holds this listing and every deletion so far."""
        previous = self.state.get(KNOWN_IDS)
        deleted: dict[str, str] = dict(self.state.get(DELETED_IDS) or {})
        for record_id in self.listed & deleted.keys():
            del deleted[record_id]  # restored: emitted in full by the listing
        new: list[Deletion] = []
        if previous is not None:
            when = format_timestamp(seen_missing_at)
            for record_id in sorted(set(previous) - self.listed):
                deleted.setdefault(record_id, when)
                new.append(Deletion(record_id, deleted[record_id]))
        self.state[KNOWN_IDS] = sorted(self.listed)
        self.state[DELETED_IDS] = deleted
        return new


# Declared in the streams' `state_fields`, so a malformed value stops the run up front
# (`bookmarks.check_bookmarks`).
STATE_FIELDS = {KNOWN_IDS: bookmarks.IDS, DELETED_IDS: bookmarks.ID_TIMESTAMPS}
