"""Worker threads for parallel requests, and two ways of using them in order.

The SDK syncs one request at a time; with Wistia's latency (hundreds of ms, tens of
seconds for a full events page) a serial tap uses a fraction of the request budget. Every
request still waits for its slot in the run's one `Throttle`.

`WorkerPool` owns the threads. They are daemon threads, closed in a `finally` by whoever
started them and, as a backstop, by `stop_all_workers` at the end of every sync: a worker
blocked in a retry loop or on a full buffer must never keep a failed or interrupted run
alive (`ThreadPoolExecutor` threads are joined at interpreter exit, which is what hung
runs after a fatal error). Closing wakes blocked workers, cancels queued calls and joins
the threads for at most `STOP_TIMEOUT_SECONDS`; a worker still inside an HTTP request
after that cannot hold the process, and its result is discarded.

`ordered_prefetch` runs independent jobs (one media's stats, one visitor) and hands their
records back in job order; `pages_ahead` reads one list's pages ahead of the consumer.
Event days use `page_crawl`, which does not need order.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
import typing as t
from collections import deque
from concurrent.futures import Future

if t.TYPE_CHECKING:
    from tap_wistia.http.concurrency import AdaptiveLimit

J = t.TypeVar("J")
R = t.TypeVar("R")

_DONE = object()
_PUT_RETRY_SECONDS = 0.05  # how often a blocked worker re-checks whether to give up
STOP_TIMEOUT_SECONDS = 5.0  # how long closing waits for workers still in a request
_STOP = None  # queued once per thread to make it exit

_live: set[WorkerPool] = set()
_live_lock = threading.Lock()


class WorkerPool:
    """Up to `workers` daemon threads running submitted calls; see the module docstring.

    Threads start when a call finds none idle, so a high `max_concurrency` ceiling costs
    threads only when the adaptive limit (`concurrency`) actually uses them.
    """

    def __init__(self, workers: int, name: str) -> None:
        self.stopping = threading.Event()
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._name = name
        self._max_threads = max(workers, 1)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting for a task
        self._queued = 0  # tasks submitted and not yet taken
        with _live_lock:
            _live.add(self)

    def submit(self, fn: t.Callable[..., R], *args: t.Any) -> Future[R]:
        future: Future[R] = Future()
        if self.stopping.is_set():
            future.cancel()
            return future
        with self._lock:
            self._queued += 1
            if self._queued > self._idle and len(self._threads) < self._max_threads:
                thread = threading.Thread(
                    target=self._run, name=f"{self._name}_{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                self._idle += 1
                thread.start()
        self._tasks.put((future, fn, args))
        return future

    def _run(self) -> None:
        while True:
            task = self._tasks.get()
            if task is _STOP:
                return
            with self._lock:
                self._idle -= 1
                self._queued -= 1
            future, fn, args = task
            if self.stopping.is_set() or not future.set_running_or_notify_cancel():
                future.cancel()
            else:
                try:
                    result = fn(*args)
                except BaseException as error:  # handed to whoever waits on the future
                    future.set_exception(error)
                else:
                    future.set_result(result)
            with self._lock:
                self._idle += 1

    def close(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop the workers: queued calls are cancelled, running ones abandoned after
        `timeout` seconds (their threads are daemons and cannot block the exit)."""
        self.stopping.set()
        with self._lock:
            threads = list(self._threads)
            self._max_threads = 0  # no thread starts after this
        for _ in threads:
            self._tasks.put(_STOP)
        deadline = time.monotonic() + timeout
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(max(deadline - time.monotonic(), 0.0))
        with _live_lock:
            _live.discard(self)


def stop_all_workers(timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """Close every pool still open: the backstop for a generator abandoned on an error
    path (an exception in the SDK while our generator was suspended never closes it)."""
    with _live_lock:
        pools = list(_live)
    for pool in pools:
        pool.stopping.set()
    for pool in pools:
        pool.close(timeout)


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

    Up to `workers` jobs run at once; each job's records pass through a queue of `buffer`
    records, so memory stays flat however far the workers get ahead. An exception raised
    by `fetch(job)` surfaces while that job's records are consumed, so the caller can
    handle it per job (e.g. skip a media that is gone).
    """
    if workers <= 1:
        for job in jobs:
            yield job, iter(fetch(job))
        return

    pool = WorkerPool(workers, "wistia-fetch")
    stop = pool.stopping

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
    try:
        for job in itertools.islice(remaining, workers):
            pending.append((job, _submit(pool, work, job, buffer)))
        while pending:
            job, out = pending.popleft()
            yield job, _drain(out)
            for job in itertools.islice(remaining, 1):
                pending.append((job, _submit(pool, work, job, buffer)))
    finally:
        pool.close()


def _submit(pool: WorkerPool, work: t.Callable, job: t.Any, buffer: int) -> queue.Queue:
    out: queue.Queue = queue.Queue(maxsize=buffer)
    pool.submit(work, job, out)
    return out


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
    concurrency: AdaptiveLimit | None = None,
) -> t.Iterator[list[R]]:
    """Pages 1, 2, ... of a list with no total, in order, up to the first short page.

    Looking ahead can ask for pages past the end, so it happens only where the list is
    known to go on: up to `expected_pages` (e.g. from the last run), and past those only
    after `serial_pages` more full pages. A short list therefore costs no wasted request;
    a long one at most `workers - 1` empty pages, and no more than the run's adaptive
    limit (`concurrency`) has in flight: as many as the latency needs, not the ceiling.
    """
    pool = WorkerPool(workers, "wistia-page")
    pending: deque[Future] = deque()
    next_page = 1

    def fill(read: int) -> None:
        nonlocal next_page
        ahead = workers if concurrency is None else min(workers, concurrency.limit)
        if read < expected_pages:  # pages known to exist
            limit = min(expected_pages, read + ahead)
        elif read - expected_pages >= serial_pages:  # past them, the list proved long
            limit = read + ahead
        else:
            limit = read + 1
        while next_page <= limit and len(pending) < ahead:
            pending.append(pool.submit(fetch_page, next_page))
            next_page += 1

    read = 0
    try:
        fill(read)
        while pending:
            page = pending.popleft().result()
            read += 1
            yield page
            if len(page) < page_size:
                return
            fill(read)
    finally:
        pool.close()
