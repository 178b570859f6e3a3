"""`STREAM_TYPES`: every declared stream, in the order a run syncs them.

The order is derived from the declarations (`streams.base.WistiaStream`): each stream
after its `parent` and the streams it is `planned_from`; where nothing orders two streams,
in `MODULES` order, then in the order their module defines them (never import order).
Order saves requests (the medias listing fills the catalog the per-media streams fan out
over; events are read before the per-media streams and visitors plan their refreshes
from them). A dependency on a stream that is not declared, or a cycle, fails at import.
"""

from __future__ import annotations

from tap_wistia.streams import (
    account,
    analytics,
    catalog,
    events,
    media_catalog,
    medias,
    webinars,
)
from tap_wistia.streams.analytics_base import AnalyticsStream
from tap_wistia.streams.base import WistiaStream, declared_streams
from tap_wistia.streams.optional_family import OptionalFamily

# Every module that declares streams, in the order their streams sync where no
# dependency decides: importing them is what declares their streams.
MODULES = (account, catalog, medias, events, analytics, webinars, media_catalog)


def sync_order(declared: list[type[WistiaStream]]) -> tuple[type[WistiaStream], ...]:
    """`declared` with every stream after the streams it depends on (a stable sort)."""
    by_name = {stream.name: stream for stream in declared}
    ordered: list[type[WistiaStream]] = []
    visiting: list[str] = []

    def visit(stream: type[WistiaStream]) -> None:
        if stream in ordered:
            return
        if stream.name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(stream.name) :], stream.name])
            raise TypeError(f"stream dependencies form a cycle: {cycle}")
        visiting.append(stream.name)
        for name in dependencies(stream):
            if name not in by_name:
                raise TypeError(f"stream '{stream.name}' depends on undeclared stream '{name}'")
            visit(by_name[name])
        visiting.pop()
        ordered.append(stream)

    for stream in declared:
        visit(stream)
    return tuple(ordered)


def dependencies(stream: type[WistiaStream]) -> tuple[str, ...]:
    return ((stream.parent,) if stream.parent else ()) + stream.planned_from


def in_module_order(declared: list[type[WistiaStream]]) -> list[type[WistiaStream]]:
    names = [module.__name__ for module in MODULES]
    undeclared = sorted({s.__module__ for s in declared} - set(names))
    if undeclared:
        raise TypeError(f"streams declared in {undeclared}: add the module to MODULES")
    return sorted(declared, key=lambda stream: names.index(stream.__module__))  # stable


STREAM_TYPES = sync_order(in_module_order(declared_streams()))
ANALYTICS_STREAM_TYPES = tuple(s for s in STREAM_TYPES if issubclass(s, AnalyticsStream))
# Streams a plan may not include (analytics, webinars, catalog, captions): skipped with one
# warning per family, or fatal (`optional_family`).
OPTIONAL_STREAM_TYPES = tuple(s for s in STREAM_TYPES if issubclass(s, OptionalFamily))
