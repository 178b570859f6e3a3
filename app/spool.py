"""Stream a large download while a thread drains its query into a temporary file.

A CSV download reads the warehouse through an open connection. Served straight to the
client, that connection (and on DuckDB the file's lock, which the scheduled sync needs)
would stay open as long as the slowest client takes to receive it. Here a thread reads the
query at the warehouse's pace and appends the chunks to an unlinked temporary file (no
memory growth, nothing left on disk), while the response sends what is already written:
the connection closes as soon as the query is read, whatever the client does.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator

READ_BYTES = 1 << 20


class SpooledStream:
    """Iterate the chunks of `source` (bytes) as they are spooled; `drained` is set once
    the source is exhausted, failed, or was abandoned because the reader closed early."""

    def __init__(self, source: Iterator[bytes]) -> None:
        self.drained = threading.Event()
        self._source = source
        self._changed = threading.Condition()
        self._written = 0
        self._error: BaseException | None = None
        self._cancelled = False
        fd, path = tempfile.mkstemp(prefix="wistia-download-", suffix=".csv")
        self._writer = os.fdopen(fd, "wb")
        self._reader = open(path, "rb")  # noqa: SIM115 - closed by the iterator
        os.unlink(path)  # the open handles keep it until both close
        self._thread = threading.Thread(target=self._drain, name="wistia-download", daemon=True)
        self._thread.start()

    @property
    def abandoned(self) -> bool:
        """Whether the reader closed before the end (a client that went away)."""
        return self._cancelled

    def _drain(self) -> None:
        try:
            for chunk in self._source:
                if self._cancelled:
                    break
                self._writer.write(chunk)
                self._writer.flush()
                with self._changed:
                    self._written += len(chunk)
                    self._changed.notify_all()
        except BaseException as exc:  # handed to the reader, which raises it
            self._error = exc
        finally:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()  # ends the query's `with` block: the connection closes now
            self._writer.close()
            with self._changed:
                self.drained.set()
                self._changed.notify_all()

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        try:
            while True:
                with self._changed:
                    while self._written == sent and not self.drained.is_set():
                        self._changed.wait()
                    available, finished = self._written - sent, self.drained.is_set()
                if available:
                    chunk = self._reader.read(min(available, READ_BYTES))
                    sent += len(chunk)
                    yield chunk
                elif finished:
                    if self._error is not None:
                        raise self._error
                    return
        finally:
            self._cancelled = True  # a client that went away stops the query early
            self._thread.join()
            self._reader.close()
