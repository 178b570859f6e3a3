"""Deletion marks ("tombstones") for streams whose every run lists the whole account.

A stream mixing in `TracksDeletions` reports each listed record (`listed`) and, once its
listing is complete, calls `mark_deleted`: every id the previous complete listing had and
this one lacks goes to the target as a tombstone, `{key: id, _sdc_deleted_at: first seen
missing}` (`state.deletions` keeps the ids). Why this shape (docs/deletions.md):

- `_sdc_deleted_at` is the Singer convention the SDK targets already store (it is one of
  their record-metadata columns, so existing tables have it); not ACTIVATE_VERSION, which
  singer-sdk 0.54 sends at the START of a full-table sync (a failed run would leave every
  row soft-deleted) and which, with several accounts in one table, would mark the other
  accounts' rows deleted.
- Tombstones go under a SCHEMA message of the key and `_sdc_deleted_at` only
  (`sdk_private.write_narrow_records`): upserting loaders then update that column alone
  and the media keeps its name and project (marts keep history by name); append-only
  loaders (target-csv) get the tombstone as a later row, which staging reads as the mark.
- Only an unscoped run tracks deletions: with `media_ids` / `project_ids` the listing is
  part of the account. A listing that fails raises before `mark_deleted`. A listing no
  setting narrows (tags, channels, webinars: `AccountWideListing`) tracks them always.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

from typing_extensions import override

from tap_wistia.sdk_private import mark_state_changed, write_narrow_records
from tap_wistia.state import deletions
from tap_wistia.state.deletions import DELETED_AT, Deletion, DeletionTracker
from tap_wistia.streams.base import ACCOUNT_ID, WistiaStream

# A log line names at most this many deleted ids (a big clean-up would flood it).
NAMED_IN_LOG = 10


class TracksDeletions(WistiaStream):
    """A full listing whose vanished records are marked deleted (see the module)."""

    # The field that identifies a record in the account (its key within the account).
    record_id_field: t.ClassVar[str]

    def lists_whole_account(self) -> bool:
        """Whether this run's listing covers the whole account (not `media_ids` /
        `project_ids`); a stream narrowed by fewer settings says so."""
        return not self.run.settings.scoped

    @cached_property
    def deletions(self) -> DeletionTracker | None:
        """None when part of the account is listed: nothing can be concluded."""
        if not self.lists_whole_account():
            return None
        return DeletionTracker(self.stream_state)

    def listed(self, row: dict) -> bool:
        """Note a listed record; True if an earlier run marked it deleted (restored)."""
        if self.deletions is None:
            return False
        record_id = row[self.record_id_field]
        self.deletions.saw(record_id)
        return self.deletions.was_deleted(record_id)

    def tracked(self, rows: t.Iterable[dict]) -> t.Iterator[dict]:
        """A whole listing, passed through: each row noted, then the gone ones marked.
        A listing that raises stops before `mark_deleted` (nothing is concluded)."""
        for row in rows:
            self.listed(row)
            yield row
        self.mark_deleted()

    def mark_deleted(self) -> None:
        """After the complete listing: send a tombstone for each record gone since the
        last one, and keep this listing in the state for the next run."""
        if self.deletions is None:
            return
        gone = self.deletions.finish(self.run.window.run_started)
        mark_state_changed(self)
        if not gone:
            return
        named = ", ".join(d.record_id for d in gone[:NAMED_IN_LOG])
        more = f" and {len(gone) - NAMED_IN_LOG} more" if len(gone) > NAMED_IN_LOG else ""
        self.logger.info(
            "%s: %d record(s) no longer listed by Wistia, marked deleted (%s): %s%s",
            self.name,
            len(gone),
            DELETED_AT,
            named,
            more,
        )
        write_narrow_records(self, [DELETED_AT], [self.tombstone(d) for d in gone])

    def tombstone(self, deletion: Deletion) -> dict:
        """The record that marks `deletion`: the key (in its schema type) and the time."""
        prop = self.schema["properties"][self.record_id_field]
        types = prop.get("type", [])
        is_integer = "integer" in ([types] if isinstance(types, str) else types)
        record_id: str | int = int(deletion.record_id) if is_integer else deletion.record_id
        return {
            ACCOUNT_ID: self.run.account.id,  # the first key field (`streams.base`)
            self.record_id_field: record_id,
            DELETED_AT: deletion.deleted_at,
        }


class AccountWideListing(TracksDeletions):
    """A listing that `media_ids` / `project_ids` do not narrow (tags, channels, webinars):
    every complete listing decides."""

    state_fields: t.ClassVar[dict[str, str]] = deletions.STATE_FIELDS

    @override
    def lists_whole_account(self) -> bool:
        return True
