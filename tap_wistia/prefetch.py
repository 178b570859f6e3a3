"""Fetch independent jobs in parallel, hand their records back in job order.

The SDK syncs one request at a time; with Wistia's latency (hundreds of ms, tens of
seconds for a full events page) a serial tap uses a fraction of the request budget. Here
up to `workers` jobs (an events day window, one media's stats, one visitor) run in
threads while the caller consumes the oldest job's records. Order is what keeps state
correct: the caller sees job N's records only after job N-1's, so a bookmark written
after a job still means "everything before this is done". Each job's records pass
through a bounded queue, so memory stays flat however far the workers get ahead.
Every request still waits for its slot in the run's one `Throttle`.
"""

from __future__ import annotations

import queue
import threading
import typing as t
from collections import deque
from concurrent.futures import ThreadPoolExecutor

J = t.TypeVar("J")
R = t.TypeVar("R")

_DONE = object()
_PUT_RETRY_SECONDS = 0.05  # how often a blocked worker re-checks whether to give up


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def ordered_prefetch(
    jobs: t.Iterable[J],
    fetch: t.Callable[[J], t.Iterable[R]],
    *,
    workers: int,
    buffer: int = 200,
) -> t.Iterator[tuple[J, t.Iterator[R]]]:
    """Yield `(job, records)` in job order; consume each `records` before the next.

    An exception raised by `fetch(job)` surfaces while that job's records are consumed,
    so the caller can handle it per job (e.g. skip a media that is gone).
    """
    if workers <= 1:
        for job in jobs:
            yield job, iter(fetch(job))
        return

    stop = threading.Event()

    def work(job: J, out: queue.Queue) -> None:
        try:
            for record in fetch(job):
                _put(out, record, stop)
                if stop.is_set():
                    return
            _put(out, _DONE, stop)
        except BaseException as error:  # re-raised in the consumer's thread
            _put(out, _Failure(error), stop)

    pending: deque[tuple[J, queue.Queue]] = deque()
    remaining = iter(jobs)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wistia-fetch") as pool:

        def submit_next() -> None:
            for job in remaining:
                out: queue.Queue = queue.Queue(maxsize=buffer)
                pending.append((job, out))
                pool.submit(work, job, out)
                return

        try:
            for _ in range(workers):
                submit_next()
            while pending:
                job, out = pending.popleft()
                yield job, _drain(out)
                submit_next()
        finally:
            stop.set()


def _put(out: queue.Queue, item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            out.put(item, timeout=_PUT_RETRY_SECONDS)
            return
        except queue.Full:
            continue


def _drain(out: queue.Queue) -> t.Iterator[t.Any]:
    while True:
        item = out.get()
        if item is _DONE:
            return
        if isinstance(item, _Failure):
            raise item.error
        yield item


def pages_ahead(
    fetch_page: t.Callable[[int], list[R]],
    *,
    workers: int,
    page_size: int,
    expected_pages: int = 0,
    serial_pages: int = 10,
) -> t.Iterator[list[R]]:
    """Pages 1, 2, ... of a list with no total, in order, up to the first short page.

    Looking ahead can ask for pages past the end, so it happens only where the list is
    known to go on: up to `expected_pages` (e.g. from the last run), and past those only
    after `serial_pages` more full pages. A short list therefore costs no wasted request;
    a long one at most `workers - 1` empty pages.
    """
    with ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="wistia-page") as pool:
        pending: deque = deque()
        next_page = 1

        def fill(read: int) -> None:
            nonlocal next_page
            if read < expected_pages:  # pages known to exist
                limit = min(expected_pages, read + workers)
            elif read - expected_pages >= serial_pages:  # past them, the list proved long
                limit = read + workers
            else:
                limit = read + 1
            while next_page <= limit and len(pending) < workers:
                pending.append(pool.submit(fetch_page, next_page))
                next_page += 1

        read = 0
        fill(read)
        try:
            while pending:
                page = pending.popleft().result()
                read += 1
                yield page
                if len(page) < page_size:
                    return
                fill(read)
        finally:
            for future in pending:
                future.cancel()
