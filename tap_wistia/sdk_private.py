"""Every use of singer-sdk's private members, in one place, each with why.

The tap needs six things the SDK (0.54) offers no public hook for. Keeping them here means
an SDK upgrade is checked against this one file.
"""

from __future__ import annotations

import typing as t

from singer_sdk import Stream, Tap
from singer_sdk.mapper import RemoveRecordTransform
from singer_sdk.singerlib import SchemaMessage
from singer_sdk.streams import RESTStream
from typing_extensions import override

if t.TYPE_CHECKING:
    from types import FrameType

    import requests
    from singer_sdk.helpers.types import Context


def tap_of(stream: Stream) -> Tap:
    """The tap running `stream`, to build a helper stream beside it (one visitor by key).

    The SDK keeps it only in the private `Stream._tap`, with no public accessor."""
    return stream._tap


def mark_state_changed(stream: Stream) -> None:
    """Make the SDK write a STATE message for a state the stream changed itself.

    The SDK only knows of changes it made (its private `StreamStateManager.is_flushed`,
    in `singer_sdk.streams._state`); streams that keep their own marks in their state
    (visitors' sync point, per-media refresh marks, manual bookmarks) must set it too."""
    stream.state_manager.is_flushed = False


def send_request(
    stream: RESTStream, prepared: requests.PreparedRequest, context: Context | None
) -> requests.Response:
    """One prepared request through the stream's retry decorator and the SDK's sender.

    Pages read outside the SDK's own paging loop (the parallel page crawls) need the same
    send, validation and metrics as the loop's; the SDK has them only in the private
    `RESTStream._request`."""
    return stream.request_decorator(stream._request)(prepared, context)


def write_narrow_records(stream: Stream, fields: t.Sequence[str], records: list[dict]) -> None:
    """Write `records` (the stream's keys and `fields` only) under a SCHEMA message of just
    those columns, after the stream's own records.

    Why narrow: an upserting loader (target-postgres, this project's DuckDB loader) updates
    the columns of the batch's schema only, so a deletion mark does not null the other
    columns (a deleted media keeps its name). The SDK writes a stream's SCHEMA itself, from
    its full schema, once per sync (private `_write_schema_message`), and its RECORD
    messages only from `get_records` (private `_write_record_message`, which applies the
    selection, type conformance and stream maps); a second, narrower schema for the same
    stream has no public way out. Stream maps that drop the stream are honoured; aliases
    and the mapped key names are taken from the maps as the SDK does.
    """
    if not records:
        return
    for stream_map in stream.stream_maps:
        if isinstance(stream_map, RemoveRecordTransform):
            continue
        keys = list(stream_map.transformed_key_properties or [])
        properties = stream_map.transformed_schema["properties"]
        narrow = {
            "type": "object",
            "properties": {name: properties[name] for name in [*keys, *fields]},
        }
        stream._tap.write_message(SchemaMessage(stream_map.stream_alias, narrow, keys))
    for record in records:
        stream._write_record_message(record)


class ManualBookmarks(Stream):
    """A stream that moves its bookmark itself, once everything before the new value is read.

    The SDK moves a bookmark record by record (private `_increment_stream_state`), which is
    only right when records arrive in bookmark order; events (day windows read in parallel)
    and medias (listed in `created` order) do not. It writes STATE only at its own moments,
    through its private `_write_state_message`; a long crawl must write one mid-stream.
    """

    @override
    def _increment_stream_state(
        self, latest_record: dict, *, context: Context | None = None
    ) -> None:
        """Never per record: see `set_bookmark`."""

    def set_bookmark(self, value: str, context: Context | None = None) -> None:
        state = self.get_context_state(context)
        state["replication_key"] = self.replication_key
        state["replication_key_value"] = value
        mark_state_changed(self)

    def emit_state(self) -> None:
        """Write a STATE message now, mid-stream."""
        mark_state_changed(self)
        self._write_state_message()


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived: end the run now (exit 128 + the signal's number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class SignalsInterrupt(Tap):
    """SIGTERM/SIGINT raise `Interrupted` in the main thread.

    The SDK's handler (its private `_handle_termination`) writes the state and exits 0 from
    whatever the main thread was doing; a run cut short must exit non-zero, and its last
    STATE must come after the stream's own unwinding."""

    @override
    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)
