"""Bookmarks belong to the scope (`media_ids`, `project_ids`) they were made under.

A bookmark says "everything in scope before this point is read". Under another scope it
says nothing: after widening `media_ids` from one media to all, the other medias' older
events were never read, and trusting the bookmark would skip them for good. So each
incremental stream records its scope beside its bookmark, and a run whose scope is not
covered by the recorded one drops that stream's state (its bookmark and any mark made
under the old scope) and reads from `start_date`, saying so in one log line.

A scope covers another when, for both settings, it is unrestricted or a superset: the
medias a run reads are those that pass both filters, so this is set inclusion. A
narrower run keeps the bookmark (everything it needs was read) and records its own,
narrower scope. A bookmark without a recorded scope (a state written before scopes were
recorded) is not trusted either: its scope is unknown.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Mapping

Scope = dict[str, list[str] | None]
SETTINGS = ("media_ids", "project_ids")


def scope_of(config: Mapping[str, t.Any]) -> Scope:
    """The run's scope: each setting's ids, sorted; None for "no restriction"."""
    return {name: sorted({str(i) for i in config.get(name) or []}) or None for name in SETTINGS}


def covers(recorded: Scope, current: Scope) -> bool:
    for name in SETTINGS:
        wide, narrow = recorded.get(name), current.get(name)
        if wide is not None and (narrow is None or not set(narrow) <= set(wide)):
            return False
    return True


def adopt_scope(
    stream_name: str,
    state: dict,
    current: Scope,
    logger: logging.Logger,
    marks: tuple[str, ...] = ("replication_key_value",),
    keep: tuple[str, ...] = (),
) -> None:
    """Drop a stream `state` made for a scope that does not cover `current`; record it.

    `marks`: the state fields that say what was read (a stream without a bookmark keeps
    its own, like the media catalog streams' `edits_through`). The fields in `keep`
    describe the whole account, not the scope's reading (the ids a complete listing
    returned, `state.deletions`): they stay."""
    holders = [state, *state.get("partitions", [])]
    bookmarked = any(h.get(mark) is not None for h in holders for mark in marks)
    recorded = state.get("scope")
    if bookmarked and (recorded is None or not covers(recorded, current)):
        logger.warning(
            "%s: the bookmark was made for %s, this run covers %s: not trusting it, "
            "reading from start_date.",
            stream_name,
            describe(recorded) if recorded is not None else "an unrecorded scope",
            describe(current),
        )
        # Everything else the state holds (per-media activity marks, partitions) was
        # made under that scope too.
        kept = {name: state[name] for name in keep if name in state}
        state.clear()
        state.update(kept)
    state["scope"] = current


def describe(scope: Scope) -> str:
    parts = [f"{name}={','.join(ids)}" for name, ids in scope.items() if ids]
    return " and ".join(parts) if parts else "the whole account"
