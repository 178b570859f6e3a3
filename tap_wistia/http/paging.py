"""Page-number paging, and guards against a listing that never ends.

Wistia lists have no total and no next link: a page shorter than asked is the last. A
server (or proxy, or mock) that ignores `page` answers page 1 again and again, full
every time, and the listing would never end. Three neighbouring full pages with the same
records (by key) cannot happen on a real list, so that stops the run, naming the
endpoint. (Two can, barely: if exactly one page's worth of events arrives between two
requests, the newest-first events list shifts by one whole page.)

Two more ways a broken server keeps a listing going:
- pages that cycle (A, B, A, B, ...): a full page with the same records as an earlier,
  not neighbouring, page of the listing stops the run (it would take two pages' worth of
  new events between two requests of one listing, read in order, to shift a real list
  that far);
- endless distinct full pages: past `MAX_PAGES` pages (10 million records; a day of
  events or an account's visitors are far fewer) one listing stops the run.
Pages are remembered by a hash of their keys (one integer a page), not by the keys
themselves, so the memory this takes is bounded by `MAX_PAGES` per listing. Cursor
listings (`CursorGuard`) are guarded the same way by their cursors.
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
MAX_PAGES = 100_000


class EndlessListing(WistiaError):
    """A listing that would never end: pages that repeat, or more than `MAX_PAGES`."""


class PageIgnored(EndlessListing):
    """The server answered the same full page for three page numbers in a row."""


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


def _cycling(endpoint: str, earlier: int, page: int) -> EndlessListing:
    return EndlessListing(
        f"{endpoint}: pages {earlier} and {page} hold the same records: the listing goes "
        "round in a cycle and would never end. Check api_url (a proxy or another service "
        "may be answering)."
    )


def _too_many(endpoint: str, what: str = "pages") -> EndlessListing:
    return EndlessListing(
        f"{endpoint}: more than {MAX_PAGES:,} full {what} of one listing ("
        f"{MAX_PAGES * PAGE_SIZE:,} records) without an end: more than any Wistia account "
        "holds, so the server never ends the listing. Check api_url."
    )


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
        self._first_page_of: dict[int, int] = {}  # page fingerprint -> first page with it

    def has_more(self, response: requests.Response) -> bool:
        items = payload(response)
        if len(items) < PAGE_SIZE:
            return False
        page = self.current_value
        endpoint = describe_request(response.request)
        fingerprint = page_fingerprint(items, self._keys)
        self._repeats = self._repeats + 1 if fingerprint == self._previous else 0
        if self._repeats >= REPEATS_TO_FAIL:
            raise _ignored(endpoint, page)
        earlier = self._first_page_of.setdefault(fingerprint, page)
        if earlier < page - 1 and fingerprint != self._previous:
            raise _cycling(endpoint, earlier, page)
        if page >= MAX_PAGES:
            raise _too_many(endpoint)
        self._previous = fingerprint
        return True


class RepeatedPageGuard:
    """The same check for pages fetched out of order by parallel workers."""

    def __init__(self, keys: t.Sequence[str]) -> None:
        self._keys = keys
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int], int] = {}  # (listing, page) -> fingerprint
        self._pages_of: dict[tuple[str, int], list[int]] = {}  # (listing, fingerprint) -> pages

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
            # Neighbours may repeat (see the module docstring); at most two pages are kept
            # per fingerprint, as a third equal page fails either way.
            pages = self._pages_of.setdefault((listing, fingerprint), [])
            far = [p for p in pages if abs(p - page) > 1]
            if far:
                raise _cycling(endpoint, min(far[0], page), max(far[0], page))
            pages.append(page)
            if page >= MAX_PAGES:
                raise _too_many(endpoint)


class CursorGuard:
    """A cursor listing (`cursor[after]`, `end_cursor`) that repeats a cursor, or runs past
    `MAX_PAGES`, would never end: both stop the run. One per listing."""

    def __init__(self) -> None:
        self._seen: set[int] = set()  # hashes of the cursors handed out so far

    def check(self, endpoint: str, cursor: str) -> None:
        mark = hash(cursor)
        if mark in self._seen:
            raise EndlessListing(
                f"{endpoint}: the listing handed out a cursor it had already given: it goes "
                "round in a cycle and would never end. Check api_url."
            )
        self._seen.add(mark)
        if len(self._seen) >= MAX_PAGES:
            raise _too_many(endpoint)
