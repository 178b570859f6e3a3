"""What the events stream reports to the objects that plan later streams' work.

The events stream runs before the per-media streams and the visitors stream. Both plan
their requests from the events just read (`media_activity`, `visitor_refresh`); the events
stream tells them what it read through this one interface.
"""

from __future__ import annotations

import datetime as dt
import typing as t


class EventWatcher(t.Protocol):
    def events_started(self, read_from: dt.datetime) -> None: ...

    def saw_event(self, event: dict) -> None: ...

    def window_done(self, covered_until: dt.datetime) -> None: ...


class EventWatchers:
    """Fans each report out to every watcher."""

    def __init__(self, *watchers: EventWatcher) -> None:
        self.watchers = watchers

    def events_started(self, read_from: dt.datetime) -> None:
        for watcher in self.watchers:
            watcher.events_started(read_from)

    def saw_event(self, event: dict) -> None:
        for watcher in self.watchers:
            watcher.saw_event(event)

    def window_done(self, covered_until: dt.datetime) -> None:
        for watcher in self.watchers:
            watcher.window_done(covered_until)
