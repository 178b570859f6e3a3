"""Stream a large download while a thread drains its query into a temporary file.

A CSV download reads the warehouse through an open connection. Served straight to the
client, that connection (and on DuckDB the file's lock, which the scheduled sync needs)
would stay open as long as the slowest client takes to receive it. Here a thread reads the
query at the warehouse's pace and appends the chunks to an unlinked temporary file (not
in the app's memory, nothing left behind), while the response sends what is already written:
the connection closes as soon as the query is read, whatever the client does. The file
is in the temp folder (RAM if that is a tmpfs): leave room there for the largest export.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterator

READ_BYTES = 1 << 20
_LOGGER = logging.getLogger(__name__)


class SpooledStream:
    """Iterate the chunks of `source` (bytes) as they are spooled; `drained` is set once
    the source is exhausted, failed, or was abandoned because the reader closed early."""

    def __init__(self, source: Iterator[bytes]) -> None:
        self.drained = threading.Event()
        self._source = source
        self._changed = threading.Condition()
        self._written = 0
        self._error: BaseException | None = None
        self._abandoned = False
        fd, path = tempfile.mkstemp(prefix="wistia-download-", suffix=".csv")
        self._writer = os.fdopen(fd, "wb")
        self._reader = open(path, "rb")  # noqa: SIM115 - closed by the iterator
        os.unlink(path)  # the open handles keep it until both close
        self._thread = threading.Thread(target=self._drain, name="wistia-download", daemon=True)
        self._thread.start()

    @property
    def abandoned(self) -> bool:
        """Whether the reader closed before the end (a client that went away)."""
        return self._abandoned

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the draining thread to end; whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _drain(self) -> None:
        try:
            for chunk in self._source:
                if self._abandoned:
                    break
                self._writer.write(chunk)
                self._writer.flush()
                with self._changed:
                    self._written += len(chunk)
                    self._changed.notify_all()
        except BaseException as exc:  # handed to the reader, which raises it
            self._error = exc
        finally:
            # Each step may fail (a full disk on the last flush, a lost PostgreSQL
            # connection on close): the reader must still be told the end has come.
            try:
                close = getattr(self._source, "close", None)
                if close is not None:
                    close()  # ends the query's `with` block: the connection closes now
            except Exception as exc:
                _LOGGER.warning("closing a download's query failed: %s", exc)
            finally:
                try:
                    self._writer.close()
                except OSError as exc:
                    self._error = self._error or exc
                finally:
                    with self._changed:
                        self.drained.set()
                        self._changed.notify_all()

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        finished = False
        try:
            while True:
                with self._changed:
                    while self._written == sent and not self.drained.is_set():
                        self._changed.wait()
                    available, drained = self._written - sent, self.drained.is_set()
                if available:
                    chunk = self._reader.read(min(available, READ_BYTES))
                    sent += len(chunk)
                    yield chunk
                elif drained:
                    finished = True
                    if self._error is not None:
                        raise self._error
                    return
        finally:
            # No join here: when a client goes away, this runs on the server's event loop
            # (Starlette drops the iterator there), which must not wait for a query batch.
            # The drain thread sees the flag at its next chunk and closes the source.
            self._abandoned = not finished
            self._reader.close()
