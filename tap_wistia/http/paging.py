"""Page-number paging, and a guard against a server that ignores the page number.

Wistia lists have no total and no next link: a page shorter than asked is the last. A
server (or proxy, or mock) that ignores `page` answers page 1 again and again, full
every time, and the listing would never end. Three neighbouring full pages with the same
records (by key) cannot happen on a real list, so that stops the run, naming the
endpoint. (Two can, barely: if exactly one page's worth of events arrives between two
requests, the newest-first events list shifts by one whole page.)
"""

from __future__ import annotations

import json
import threading
import typing as t

import requests
from singer_sdk.pagination import PageNumberPaginator

from tap_wistia.http.errors import WistiaError, describe_request

PAGE_SIZE = 100  # Wistia's cap; the default is 10, so it is always sent.
REPEATS_TO_FAIL = 2  # a page seen three times in a row


class PageIgnored(WistiaError):
    """The server answered the same full page for two page numbers."""


def payload(response: requests.Response) -> t.Any:
    """The response's JSON, parsed once (in validate_response, inside the retry loop)."""
    return response.wistia_payload  # type: ignore[attr-defined]


def page_fingerprint(items: list, keys: t.Sequence[str]) -> int:
    """Identifies a page by its records' keys (whole records when a key is missing)."""
    marks = []
    for item in items:
        key = tuple(item.get(k) for k in keys) if isinstance(item, dict) else None
        if key is None or None in key:
            key = (json.dumps(item, sort_keys=True, default=str),)
        marks.append(key)
    return hash(tuple(marks))


def _ignored(endpoint: str, page: int) -> PageIgnored:
    return PageIgnored(
        f"{endpoint}: pages {page - 2} to {page} hold the same records: the server ignores "
        "the page parameter, and the listing would never end. Check api_url (a proxy or "
        "another service may be answering)."
    )


class FullPagePaginator(PageNumberPaginator):
    """Next page while pages are full; a repeated full page is an error."""

    def __init__(self, keys: t.Sequence[str]) -> None:
        super().__init__(start_value=1)
        self._keys = keys
        self._previous: int | None = None
        self._repeats = 0

    def has_more(self, response: requests.Response) -> bool:
        items = payload(response)
        if len(items) < PAGE_SIZE:
            return False
        fingerprint = page_fingerprint(items, self._keys)
        self._repeats = self._repeats + 1 if fingerprint == self._previous else 0
        if self._repeats >= REPEATS_TO_FAIL:
            raise _ignored(describe_request(response.request), self.current_value)
        self._previous = fingerprint
        return True


class RepeatedPageGuard:
    """The same check for pages fetched out of order by parallel workers."""

    def __init__(self, keys: t.Sequence[str]) -> None:
        self._keys = keys
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int], int] = {}

    def check(self, listing: str, page: int, items: list, endpoint: str) -> None:
        """`listing` names one listing (a stream context); `page` its page number."""
        if len(items) < PAGE_SIZE:
            return
        fingerprint = page_fingerprint(items, self._keys)
        with self._lock:
            self._seen[(listing, page)] = fingerprint
            # Pages arrive out of order: look at every run of three that includes this one.
            for last in range(page, page + REPEATS_TO_FAIL + 1):
                run = [
                    self._seen.get((listing, p)) for p in range(last - REPEATS_TO_FAIL, last + 1)
                ]
                if run[0] is not None and run.count(run[0]) == len(run):
                    raise _ignored(endpoint, last)
