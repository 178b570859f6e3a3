"""Cross-stream planning: which medias, visitors and analytics a run reads, decided in one place.

Streams depend on each other's reading: the per-media streams fan out over the medias
listing; the events read this run decide which medias and months (`per_media_refresh:
active`, the default) and which visitors later streams re-read; a 403 on one analytics
stream skips the whole family. `RunPlanner` is the one object streams ask, built once per
run (`run.RunContext`):

- `projects`, `catalog`: the configured project ids checked against the account, and the
  medias in scope, listed once (`catalog`); `check_scope` checks `media_ids` (and the
  projects they are listed by) before any stream;
- `events_started` / `saw_event` / `window_done`: what the events stream reports;
- `media_refresh`: which medias a per-media stream refreshes (`media_refresh`); each of
  its warnings is logged once per run, however many streams meet it;
- `visitor_plan`: visitors to re-read one by one, or list them all (`visitor_refresh`);
- `media_edits`: which medias a per-media catalog stream (captions, ...) reads
  (`edit_refresh`: those edited since its last read);
- `project_list`: the projects in scope, listed once (the `projects` stream hands its
  listing over) for the per-project streams;
- `gate(family)`: the run-wide verdict on whether an optional family of streams (the
  analytics, the webinars, a catalog endpoint, the captions) can be read;
- `folders`: the folders changed since a time, listed once for the folder streams.

It reaches the streams only through the callables in `StreamAccess`, which the tap hands
it, so no planning module imports a stream.

Threads: only the main thread (the stream being synced) calls the planner; worker
threads make requests and never report here. The catalog and the project scope, which a
worker's first use could reach, take their own locks.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field
from functools import cached_property

from tap_wistia.state.catalog import MediaCatalog, ProjectScope
from tap_wistia.state.edit_refresh import plan_by_edits, remember_edits
from tap_wistia.state.folder_listing import FolderListing
from tap_wistia.state.media_refresh import MediaActivity, RefreshPlan
from tap_wistia.state.visitor_refresh import ChangedVisitors, Plan

if t.TYPE_CHECKING:
    from tap_wistia.settings.validation import Settings
    from tap_wistia.settings.window import RunWindow


@dataclass(frozen=True)
class StreamAccess:
    """What planning may ask of the streams; the tap provides it (`tap.TapWistia`)."""

    list_projects: t.Callable[[], t.Iterable[dict]]
    list_medias: t.Callable[[], t.Iterable[dict]]
    visitors_state: t.Callable[[], dict]
    is_selected: t.Callable[[str], bool]


# A 404 on the family (not on one deleted media or webinar) shows as 404 for every item:
# this many distinct items answering 404 before any success means the endpoints are not there.
FAMILY_404_ITEMS = 3


@dataclass
class FeatureGate:
    """Run-wide verdict on whether a family of endpoints (the analytics, the webinars, a
    catalog endpoint) can be read: once one stream finds them unavailable (403, or 404 for
    the whole family), the others ask nothing. `streams.optional_family` decides what it
    costs the run."""

    closed: bool = False
    succeeded: bool = False
    missing: set[str] = field(default_factory=set)  # items (medias, webinars) that answered 404

    def saw_success(self) -> None:
        self.succeeded = True

    def saw_not_found(self, item_id: str, items_in_scope: int) -> bool:
        """An item (a media, a webinar, a folder) answered 404: True when that means the
        whole family is missing (no success yet and `FAMILY_404_ITEMS` items, or every item,
        answered 404)."""
        if self.succeeded:
            return False
        self.missing.add(item_id)
        return len(self.missing) >= min(FAMILY_404_ITEMS, items_in_scope)

    def close(self) -> None:
        self.closed = True


class RunPlanner:
    def __init__(self, settings: Settings, window: RunWindow, streams: StreamAccess) -> None:
        self.settings = settings
        self.window = window
        self.streams = streams
        self.projects = ProjectScope(set(settings.project_ids), streams.list_projects)
        self.catalog = MediaCatalog(streams.list_medias, wanted_ids=settings.media_ids)
        self.media_activity = MediaActivity(enabled=settings.per_media_active)
        self.gates: dict[str, FeatureGate] = {}
        self.folders = FolderListing()
        self.warned: set[str] = set()
        self._projects: list[dict] | None = None

    @cached_property
    def changed_visitors(self) -> ChangedVisitors:
        """Built on first use, once the visitors stream's state is loaded."""
        enabled = (
            self.streams.is_selected("visitors")
            and self.streams.is_selected("events")
            and not self.settings.scoped
        )
        return ChangedVisitors(
            self.streams.visitors_state(),
            enabled=enabled,
            now=self.window.run_started,
            full_listing_every=dt.timedelta(days=self.settings.visitors_full_refresh_days),
        )

    def check_scope(self) -> None:
        """Configured `media_ids` checked against the account before any stream runs,
        whichever are selected: a typo must fail the run, not give an empty one whose
        bookmark moves on (the events listing of an unknown media is just empty). Listing
        the configured medias (filtered by `hashed_ids[]`, 100 a page) fills the catalog
        the per-media streams use. `project_ids` first: the listing is per project."""
        if self.settings.media_ids:
            self.projects.check()
            self.catalog.medias()

    # --- what the events stream reports ---------------------------------------------

    def events_started(self, read_from: dt.datetime) -> None:
        self.changed_visitors.events_started(read_from)
        self.media_activity.events_started(read_from)

    def saw_event(self, event: dict) -> None:
        self.changed_visitors.saw_event(event)
        self.media_activity.saw_event(event)

    def window_done(self, covered_until: dt.datetime) -> None:
        self.changed_visitors.window_done(covered_until)
        self.media_activity.window_done(covered_until)

    # --- plans ------------------------------------------------------------------------

    def media_refresh(self, stream_state: dict, *, lifetime: bool) -> RefreshPlan:
        """Which medias a per-media stream with `stream_state` refreshes this run."""
        return self.media_activity.plan(
            stream_state,
            self.catalog.medias(),
            lifetime=lifetime,
            now=self.window.run_started,
            window_start=self.window.start,
            every_days=self.settings.per_media_full_refresh_days,
        )

    def media_edits(self, stream_state: dict) -> RefreshPlan:
        """Which medias a per-media catalog stream with `stream_state` reads this run."""
        return plan_by_edits(
            stream_state,
            self.catalog.medias(),
            active=self.settings.per_media_active,
            every_days=self.settings.per_media_full_refresh_days,
        )

    def media_edits_done(self, stream_state: dict) -> None:
        remember_edits(stream_state, self.window.run_started)

    def saw_projects(self, projects: list[dict]) -> None:
        """The `projects` stream's complete listing (in scope), kept for `project_list`."""
        self._projects = projects

    def project_list(self) -> list[dict]:
        """The projects in scope: the `projects` stream's listing, or one of its own."""
        if self._projects is None:
            self._projects = [p for p in self.streams.list_projects() if self.projects.matches(p)]
        return self._projects

    def gate(self, family: str) -> FeatureGate:
        """The verdict shared by every stream of `family` (created on first use)."""
        return self.gates.setdefault(family, FeatureGate())

    def first_time(self, warning: str) -> bool:
        """True the first time this run meets `warning` (a warning is logged once)."""
        if warning in self.warned:
            return False
        self.warned.add(warning)
        return True

    def saw_lifetime_stats(self, media_id: str, row: dict) -> None:
        self.media_activity.saw_lifetime_stats(media_id, row)

    def media_refresh_done(self, stream_state: dict) -> None:
        """After a complete refresh: what the stream's next plan builds on."""
        self.media_activity.remember(stream_state)

    def visitor_plan(self) -> Plan:
        return self.changed_visitors.plan()
