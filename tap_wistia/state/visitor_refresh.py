"""Which visitors an incremental run must re-read, and whether that beats listing them all.

The visitor list has no order, no filter and no "changed since": the only complete read
is the whole list, one request per 100 visitors (a real account: ~1,100 requests). But a
visitor changes only when it plays something, and every play is an event. So when this
run's events cover everything since the visitors were last synced, re-reading exactly the
visitors seen in those new events (one request each) is complete too, and far cheaper.

Only events received since the last visitor sync count (the re-read bookmark day holds
events whose visitors were already re-read). Events can appear in the API a little after
they were received, so "since" starts `LATE_EVENT_MARGIN` before the last sync: an event
received just before it but listed only now still counts. An event listed later than
that margin is caught by the periodic full listing.

Visitors can also change without a play (an email captured by a form, an identity merged
on Wistia's side): every `visitors_full_refresh_days` the whole list is read anyway.

The events stream reports here what it read; the visitors stream asks for a plan.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tap_wistia.http.paging import PAGE_SIZE
from tap_wistia.timeutil import format_timestamp, parse_timestamp

# The state field holding when every visitor was last listed.
FULL_LISTING_AT = "full_listing_at"

# How long after an event is received it may still first appear in the events list.
LATE_EVENT_MARGIN = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Plan:
    keys: frozenset[str] | None  # None: list every visitor
    reason: str


class ChangedVisitors:
    """Collects visitor keys from new events, up to what listing everyone would cost."""

    def __init__(
        self,
        visitors_state: dict,
        *,
        enabled: bool,
        now: dt.datetime,
        full_listing_every: dt.timedelta,
    ) -> None:
        listed = visitors_state.get(FULL_LISTING_AT)
        self.last_full_listing = parse_timestamp(listed) if listed else None
        self.full_listing_every = full_listing_every
        self.full_listing_due = (
            self.last_full_listing is None or now - self.last_full_listing >= full_listing_every
        )
        synced = visitors_state.get("synced_through")
        count = visitors_state.get("visitor_count")
        self.synced_through = parse_timestamp(synced) if synced else None
        self.counted_from = self.synced_through - LATE_EVENT_MARGIN if self.synced_through else None
        self.known_count = int(count) if count is not None else None
        self.listing_cost = (
            math.floor(self.known_count / PAGE_SIZE) + 1 if self.known_count is not None else None
        )
        # Nothing to gain without a previous complete sync, or when a full listing is due.
        self.collecting = enabled and self.synced_through is not None and not self.full_listing_due
        self.keys: set[str] = set()
        self.overflowed = False
        self.events_from: dt.datetime | None = None
        self.events_through: dt.datetime | None = None

    def events_started(self, read_from: dt.datetime) -> None:
        self.events_from = read_from

    def saw_event(self, event: dict) -> None:
        visitor_key = event.get("visitor_key")
        if (
            not self.collecting
            or self.overflowed
            or not isinstance(visitor_key, str)
            or not visitor_key
        ):
            return  # a key of another JSON type (a list) names no visitor to re-read
        if not self._new(event.get("received_at")):
            return
        self.keys.add(visitor_key)
        if self.listing_cost is not None and len(self.keys) >= self.listing_cost:
            self.overflowed = True
            self.keys = set()

    def _new(self, received_at: object) -> bool:
        """Received since the last visitor sync (minus the margin); unknown counts as new."""
        if self.counted_from is None or not isinstance(received_at, str):
            return True
        try:
            return parse_timestamp(received_at) >= self.counted_from
        except ValueError:
            return True

    def window_done(self, covered_until: dt.datetime) -> None:
        self.events_through = covered_until

    def plan(self) -> Plan:
        if self.full_listing_due:
            if self.last_full_listing is None:
                return Plan(None, "no full listing recorded yet")
            return Plan(
                None,
                f"periodic full listing: the last one was at "
                f"{format_timestamp(self.last_full_listing)}, visitors_full_refresh_days="
                f"{self.full_listing_every.days}",
            )
        if not self.collecting:
            return Plan(None, "no earlier complete visitor sync (or events not selected/scoped)")
        if self.events_from is None or self.events_through is None:
            return Plan(None, "the events stream did not run")
        if self.events_from > self.synced_through:
            return Plan(
                None,
                f"events were read from {format_timestamp(self.events_from)}, after the last "
                f"visitor sync at {format_timestamp(self.synced_through)}: changes may be missed",
            )
        if self.overflowed:
            return Plan(
                None,
                f"new events touch {self.listing_cost}+ visitors: listing all "
                f"(~{self.listing_cost} requests) is cheaper",
            )
        return Plan(
            frozenset(self.keys),
            f"{len(self.keys)} visitor(s) in new events; listing all would take "
            f"~{self.listing_cost} requests",
        )
