"""The content catalog, from the modern API: the account, folders (the modern name of v1
projects) with their subfolders and sharings, tags, channels and their episodes, and the
domains embeds are allowed on.

Decisions:

* **Incremental where the API can order by `updated`**: `folders` (cursor pages) and
  `channel_episodes` (offset pages: the API pages episodes by cursor only in id or created
  order) are listed newest `updated` first and the listing stops at the first record older
  than the bookmark, so a daily run costs one request when little changed. An edit during
  the crawl moves its record to the front (already passed): the bookmark is the crawl's
  start minus the clock skew, so it is read next run; in offset pages the others shift
  back by one, which repeats a record and skips none.
* **Read in full**: `account` (one object), `tags`, `channels` and `allowed_domains`: small
  lists (one request per 100), whose counts (`taggingsCount`, `media_count`) change with
  the medias without a documented change of `updated`; ordered by a field edits do not
  move (id, or creation for tags). Being complete listings, `tags` and `channels` mark a
  record no longer listed as deleted (`streams.tombstones`); `folders`, incremental, do
  not: the `projects` stream (the same objects in v1) marks them (docs/deletions.md).
* **Per folder** (`subfolders`, `folder_sharings`): one call per folder updated since the
  stream's last run (`folders_through` in its state), all folders on the first, in
  parallel within the run's budget and concurrency (`http.workers`). The folder listing is
  read once per run for the three folder streams (`state.folder_listing`). A subfolder or a
  sharing changed without its folder's `updated` moving is read when the folder next
  changes; deleting the stream's state re-reads every folder.
  `/channel_episodes` account-wide rather than per channel: one request per 100 episodes,
  not one per channel.
* **A plan without the feature** (403, or 404 on the endpoint): each endpoint is an
  optional family of its own (`channels` and `channel_episodes` one family: episodes are
  part of the channels feature), skipped with one warning, or the run fails when one of its
  streams is in `required_streams` (`optional_family`, the mechanism the analytics and
  webinars use). For the per-folder streams, a 404 for one folder after others answered
  means the folder was deleted mid-run: skipped with a warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import typing as t
from functools import cached_property

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from tap_wistia.http.workers import ordered_prefetch
from tap_wistia.sdk_private import ManualBookmarks, mark_state_changed, tap_of
from tap_wistia.state import bookmarks
from tap_wistia.state.folder_listing import Listing, updated_at
from tap_wistia.streams import schemas_catalog as schemas
from tap_wistia.streams.base import PROGRESS_EVERY, CleanRecordsStream, ModernApi
from tap_wistia.streams.medias import CursorPaginator
from tap_wistia.streams.optional_family import (
    FeatureNotFound,
    FeatureUnavailable,
    OptionalFamily,
)
from tap_wistia.streams.tombstones import AccountWideListing
from tap_wistia.timeutil import format_timestamp, parse_timestamp

if t.TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

    from tap_wistia.state.planner import FeatureGate

FOLDERS_THROUGH = "folders_through"  # per-folder streams: folders read up to this time


class CatalogStream(OptionalFamily, ModernApi, CleanRecordsStream):
    """A catalog endpoint, read in full in offset pages of 100 ordered by `sort_by`."""

    sort_by: t.ClassVar[str] = "id"

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        params = super().get_url_params(context, next_page_token)
        return {**params, "sort_by": self.sort_by} if self.paginated else params

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        gate = self.gate
        if gate.closed:
            return
        try:
            for row in self.read(context):
                gate.saw_success()
                yield row
        except (FeatureUnavailable, FeatureNotFound) as exc:
            self.close_family(str(exc))

    def read(self, context: Context | None) -> t.Iterable[dict]:
        return self.request_records(context)


class AccountStream(CatalogStream):
    """The account itself: one row (id, name, counts)."""

    name = "account"
    path = "/account"
    primary_keys = ("id",)
    replication_key = None
    schema = schemas.ACCOUNT
    paginated = False
    family_label = "Wistia account details"


class UpdatedFirstStream(ManualBookmarks, CatalogStream):
    """Incremental on `updated`: listed newest first, up to the bookmark (module docstring)."""

    replication_key = "updated"
    is_sorted = False  # descending: the bookmark is moved by the stream, at the end

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        return {
            **super().get_url_params(context, next_page_token),
            "sort_by": "updated",
            "sort_direction": 0,
        }

    def bookmark(self) -> dt.datetime | None:
        value = self.stream_state.get("replication_key_value")
        return parse_timestamp(value) if value else None

    def changed_since(self, since: dt.datetime | None) -> t.Iterator[dict]:
        for row in self.request_records(None):
            if since is not None and updated_at(row) < since:
                return  # every later record is older
            yield row

    def move_bookmark(self, listing_started: dt.datetime) -> None:
        mark = listing_started - bookmarks.CLOCK_SKEW
        since = self.bookmark()
        if since is None or mark > since:
            self.set_bookmark(format_timestamp(mark))


class FoldersStream(UpdatedFirstStream):
    """Folders (v1's projects), incremental on `updated`, by cursor pages."""

    name = "folders"
    path = "/folders"
    primary_keys = ("hashed_id",)
    schema = schemas.FOLDER
    timestamp_fields = ("created", "updated")

    @override
    def get_new_paginator(self) -> BaseAPIPaginator:
        return CursorPaginator(self.path)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        params = super().get_url_params(context, next_page_token)
        params.pop("page", None)  # the API refuses `page` together with a cursor
        if next_page_token:
            params["cursor[after]"] = next_page_token
        else:
            params["cursor[enabled]"] = 1
        return params

    @override
    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        # Copies without `cursor`: the paginator reads it from the response afterwards.
        for row in super().parse_response(response):
            yield {key: value for key, value in row.items() if key != "cursor"}

    @override
    def read(self, context: Context | None) -> t.Iterable[dict]:
        listing = self.run.planner.folders.get(self.bookmark(), self.changed_since)
        yield from in_scope(self, listing)
        self.move_bookmark(listing.started)


def in_scope(stream: CleanRecordsStream, listing: Listing) -> list[dict]:
    """The listing's folders within `project_ids` (a folder is a v1 project)."""
    scope = stream.run.planner.projects
    return [
        folder
        for folder in listing.folders
        if scope.matches({"id": folder.get("id"), "hashedId": folder.get("hashed_id")})
    ]


class PerFolderStream(CatalogStream):
    """One list per folder updated since the stream's last run (module docstring)."""

    parent = "folders"
    state_fields: t.ClassVar[dict[str, str]] = {FOLDERS_THROUGH: bookmarks.TIMESTAMP}
    replication_key = None
    timestamp_fields = ("created", "updated")

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        return False  # a daily run reads some folders: never tell a target to drop the rest

    @cached_property
    def folder_reader(self) -> FoldersStream:
        return FoldersStream(tap=tap_of(self), run=self.run)

    @override
    def read(self, context: Context | None) -> t.Iterable[dict]:
        value = self.stream_state.get(FOLDERS_THROUGH)
        since = parse_timestamp(value) if value else None
        listing = self.run.planner.folders.get(since, self.folder_reader.changed_since)
        folders = in_scope(self, listing)
        self.logger.info("%s: reading %d folder(s).", self.name, len(folders))
        fetched = ordered_prefetch(
            folders,
            lambda folder: self.request_records({"folder_id": folder["hashed_id"]}),
            workers=self.run.settings.max_concurrency,
        )
        # Closing the prefetch when the feature turns out unavailable stops its workers.
        with contextlib.closing(fetched):
            for done, (folder, rows) in enumerate(fetched, start=1):
                try:
                    shaped = [{**row, "folder_hashed_id": folder["hashed_id"]} for row in rows]
                except FeatureNotFound as exc:
                    self.folder_not_found(self.gate, folder, len(folders), exc)
                    continue
                self.gate.saw_success()
                yield from shaped
                if done % PROGRESS_EVERY == 0:
                    self.logger.info("%s: %d/%d folders done", self.name, done, len(folders))
        self.stream_state[FOLDERS_THROUGH] = format_timestamp(
            listing.started - bookmarks.CLOCK_SKEW
        )
        mark_state_changed(self)

    def folder_not_found(
        self, gate: FeatureGate, folder: dict, folders: int, exc: FeatureNotFound
    ) -> None:
        """A folder deleted mid-run is skipped; 404 for the first folders asked (and no
        success) means the endpoint is missing: raised for `get_records` to decide."""
        if gate.saw_not_found(folder["hashed_id"], folders):
            raise FeatureNotFound(
                f"{self.path} answered 404 for {len(gate.missing)} folders the API lists"
            ) from exc
        self.logger.warning("%s: folder %s is gone (404); skipped.", self.name, folder["hashed_id"])


class SubfoldersStream(PerFolderStream):
    """The subfolders of each folder."""

    name = "subfolders"
    path = "/folders/{folder_id}/subfolders"
    primary_keys = ("hashed_id",)
    schema = schemas.SUBFOLDER


class FolderSharingsStream(PerFolderStream):
    """Who has access to each folder, with which rights: governance."""

    name = "folder_sharings"
    path = "/folders/{folder_id}/sharings"
    primary_keys = ("id",)
    schema = schemas.FOLDER_SHARING
    timestamp_fields = ()


class TagsStream(AccountWideListing, CatalogStream):
    """Every tag of the account, with how many medias carry it; a tag no longer listed
    is marked deleted (`streams.tombstones`)."""

    name = "tags"
    path = "/tags"
    primary_keys = ("name",)
    replication_key = None
    schema = schemas.TAG
    timestamp_fields = ("created", "updated")
    sort_by = "created"  # tags have no id; creation order does not move with edits
    record_id_field = "name"

    @override
    def read(self, context: Context | None) -> t.Iterable[dict]:
        return self.tracked(super().read(context))


class ChannelsStream(AccountWideListing, CatalogStream):
    """Every channel (a collection of medias embedded or distributed as a podcast); a
    channel no longer listed is marked deleted (`streams.tombstones`)."""

    name = "channels"
    path = "/channels"
    primary_keys = ("hashed_id",)
    replication_key = None
    schema = schemas.CHANNEL
    timestamp_fields = ("created", "updated")
    record_id_field = "hashed_id"

    @override
    def read(self, context: Context | None) -> t.Iterable[dict]:
        return self.tracked(super().read(context))


class ChannelEpisodesStream(UpdatedFirstStream):
    """Which media is which episode of which channel, incremental on `updated`."""

    name = "channel_episodes"
    family = "channels"
    path = "/channel_episodes"
    primary_keys = ("hashed_id",)
    schema = schemas.CHANNEL_EPISODE
    timestamp_fields = ("created", "updated", "publish_at")

    @override
    def read(self, context: Context | None) -> t.Iterable[dict]:
        started = dt.datetime.now(dt.UTC)
        yield from self.changed_since(self.bookmark())
        self.move_bookmark(started)


class AllowedDomainsStream(CatalogStream):
    """The domains the account's embeds may play on (when domain restrictions are on)."""

    name = "allowed_domains"
    path = "/allowed_domains"
    primary_keys = ("domain",)
    replication_key = None
    schema = schemas.ALLOWED_DOMAIN
    timestamp_fields = ("created_at",)
