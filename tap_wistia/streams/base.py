"""The base stream, where every stream is declared, and the bases the streams share.

A stream is declared once, by its class: `name`, `path` (the endpoint), `primary_keys`,
`replication_key`, `schema`, and `parent` (the stream whose records it fans out over, as
the per-media streams do over `medias`) and `planned_from` (streams whose reading this
one plans its requests from). Defining a concrete class registers it (`declared_streams`);
the sync order, Meltano's selection, the streams table (docs/streams.md), the dbt sources and the
tests' lists are derived from, or checked against, these declarations
(`docs/adding-a-stream.md`).

Every record of every stream carries the run's `account_id` (`state.account`), and every
stream's key starts with it: the class keeps its own declaration in `declared_keys` (what
identifies a record within one account, and what paging checks on raw pages) and
`primary_keys` becomes `("account_id", *declared_keys)`, its schema gains the non-null
`account_id`, when the class is defined; so a stream declares neither, and two accounts
in one warehouse never clash.

`WistiaStream` gives every stream Bearer auth, page-number paging, the run's one request
budget and retries (`http`), and clear errors. Streams read the run's settings, dates and
planning from the `RunContext` they are built with, never from raw config.
"""

from __future__ import annotations

import json
import typing as t
from functools import cached_property

import requests
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams import RESTStream
from singer_sdk.streams.rest import PageContext
from typing_extensions import override

from tap_wistia.http.errors import (
    RateLimited,
    ResourceNotFound,
    RetryableError,
    WistiaAuthError,
    WistiaError,
    describe_request,
    error_detail,
    parse_json_body,
)
from tap_wistia.http.paging import PAGE_SIZE, FullPagePaginator, RepeatedPageGuard, payload
from tap_wistia.http.retry_after import requested_wait
from tap_wistia.http.transport import new_session
from tap_wistia.sdk_private import ManualBookmarks, send_request
from tap_wistia.state import bookmarks
from tap_wistia.state.scope import adopt_scope
from tap_wistia.streams.sanitise import Sanitiser
from tap_wistia.timeutil import canonical_timestamp

if t.TYPE_CHECKING:
    from singer_sdk import Tap
    from singer_sdk.helpers.types import Context

    from tap_wistia.run import RunContext

_JSON_TYPES = {bool: "boolean", float: "number", list: "array", dict: "object"}
PROGRESS_EVERY = 100  # log progress every N medias / windows on long runs
_DECLARED: list[type[WistiaStream]] = []
ACCOUNT_ID = "account_id"


def keys_with_account(declared: t.Sequence[str]) -> tuple[str, ...]:
    """A stream's effective primary key: the account, then what identifies a record in it."""
    return (ACCOUNT_ID, *declared)


def schema_with_account(schema: dict) -> dict:
    """`schema` with the non-null `account_id` first among its properties (a copy)."""
    required = [ACCOUNT_ID, *(f for f in schema.get("required", ()) if f != ACCOUNT_ID)]
    properties = {ACCOUNT_ID: {"type": ["integer"]}, **schema.get("properties", {})}
    return {**schema, "properties": properties, "required": required}


def declared_streams() -> list[type[WistiaStream]]:
    """Every stream class that declares a `name`, in definition order."""
    return list(_DECLARED)


def _empty_objects_for_nulls(row: dict, schema: dict) -> None:
    """Turn null nested objects (a media in no subfolder, a visitor with no org) into {}.

    The SDK's flattening passes a null object through as one unflattened key that is not
    in the flattened schema, which loaders reject; {} flattens into its columns, all null.
    """
    for name, prop in schema.get("properties", {}).items():
        if "properties" not in prop:
            continue
        value = row.get(name)
        if value is None:
            row[name] = value = {}
        if isinstance(value, dict):
            _empty_objects_for_nulls(value, prop)


class WistiaStream(RESTStream):
    """Base for every Wistia stream."""

    # --- the declaration (besides the SDK's name, path, primary_keys, replication_key,
    # schema) ---
    # The stream whose records this one fans out over (e.g. "medias"); None: top level.
    parent: t.ClassVar[str | None] = None
    # Streams whose reading this one plans its requests from (synced before it).
    planned_from: t.ClassVar[tuple[str, ...]] = ()
    # False for a helper stream that is never synced on its own.
    discoverable: t.ClassVar[bool] = True
    # The date-time fields it emits; those are rewritten canonically.
    timestamp_fields: tuple[str, ...] = ()
    # List endpoints page with page/per_page; object endpoints answer one JSON object.
    paginated = True
    # by_date answers a list in one response, without paging.
    returns_list = False

    # The keys the class declares; `primary_keys` adds the account to them.
    declared_keys: t.ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "primary_keys" in cls.__dict__:
            cls.declared_keys = tuple(cls.__dict__["primary_keys"])
            cls.primary_keys = keys_with_account(cls.declared_keys)
        if isinstance(cls.__dict__.get("schema"), dict):
            cls.schema = schema_with_account(cls.__dict__["schema"])
        if "name" in cls.__dict__ and cls.__dict__.get("discoverable", True):
            _DECLARED.append(cls)

    def __init__(self, tap: Tap, run: RunContext) -> None:
        self.run = run
        super().__init__(tap=tap)

    @property
    @override
    def url_base(self) -> str:
        return self.run.settings.api_url

    @property
    @override
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.run.settings.api_token)

    @cached_property
    @override
    def requests_session(self) -> requests.Session:
        # One pooled connection per concurrent worker (requests keeps 10 by default).
        return new_session(pool_size=max(10, self.run.settings.max_concurrency + 2))

    @property
    @override
    def timeout(self) -> int:
        return self.run.settings.request_timeout

    @property
    @override
    def user_agent(self) -> str:
        return "tap-wistia (singer-sdk)"

    @override
    def get_new_paginator(self) -> BaseAPIPaginator | None:
        # Raw pages carry no account_id (it is added per record): they are checked by the
        # keys the API sends.
        return FullPagePaginator(self.declared_keys) if self.paginated else None

    @cached_property
    def repeated_pages(self) -> RepeatedPageGuard:
        return RepeatedPageGuard(self.declared_keys)

    @override
    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        if not self.paginated:
            return {}
        return {"page": next_page_token or 1, "per_page": PAGE_SIZE}

    # --- responses -----------------------------------------------------------------

    @override
    def validate_response(self, response: requests.Response) -> None:
        endpoint = describe_request(response.request)
        status = response.status_code
        if status == 401:
            raise WistiaAuthError(
                f"Wistia rejected the API token (401 {error_detail(response)}) on {endpoint}. "
                "The api_token setting is invalid, revoked, or its account is inactive: create "
                "a token under Account Settings > API Access and set TAP_WISTIA_API_TOKEN."
            )
        if status == 403:
            raise WistiaAuthError(
                f"Wistia refused {endpoint} (403 {error_detail(response)}). The token lacks the "
                "permission to read this data (stats need 'Read all data'), or the account's "
                "plan does not include it."
            )
        if status == 404:
            raise ResourceNotFound(f"{endpoint} answered 404 (not found).")
        if status == 429:
            raise RateLimited(
                f"{endpoint} answered 429 (rate limited)", response, requested_wait(response)
            )
        if status >= 500:
            raise RetryableError(f"{endpoint} answered {status} {error_detail(response)}", response)
        if status >= 400:
            raise WistiaError(f"{endpoint} answered {status}: {error_detail(response)}")
        response.wistia_payload = parse_json_body(response, endpoint)  # type: ignore[attr-defined]
        self.check_payload_shape(response.wistia_payload, endpoint)  # type: ignore[attr-defined]

    def fetch_page(self, context: Context | None, page: int, read: int = 0) -> list[dict]:
        """One page of a list endpoint, with the same throttle, retries and checks.

        `read` numbers the reads of one listing that changes while it is read (the open
        day's checks): pages of different reads may repeat each other legitimately, so
        each read is guarded as a listing of its own."""
        http_request = self.get_http_request(
            page=PageContext(stream_context=context, next_page_token=page)
        )
        prepared = self.build_prepared_request(
            method=http_request.method,
            url=http_request.url,
            params=http_request.encode_params(),
            headers=http_request.headers,
        )
        response = send_request(self, prepared, context)
        rows = list(self.parse_response(response))
        listing = json.dumps([context, read] if read else context, sort_keys=True, default=str)
        self.repeated_pages.check(listing, page, rows, describe_request(prepared))
        return rows

    def check_payload_shape(self, body: t.Any, endpoint: str) -> None:
        expected = list if self.paginated or self.returns_list else dict
        if not isinstance(body, expected):
            raise WistiaError(
                f"{endpoint} answered a JSON {type(body).__name__} where a "
                f"{expected.__name__} was expected; the API changed or a proxy answered."
            )

    @override
    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        body = payload(response)
        if isinstance(body, dict):
            yield body
            return
        endpoint = describe_request(response.request)
        for item in body:
            if not isinstance(item, dict):
                raise WistiaError(
                    f"{endpoint} returned a list item that is not an object: {item!r:.80}"
                )
            yield item

    @override
    def response_error_message(self, response: requests.Response) -> str:
        # The SDK's default echoes the body and headers; ours names the endpoint and status.
        return f"{describe_request(response.request)} answered {response.status_code}"

    @override
    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        row[ACCOUNT_ID] = self.run.account.id
        for field in self.timestamp_fields:
            if field in row:
                row[field] = canonical_timestamp(row[field])
        if self.run.settings.flattening_enabled:
            _empty_objects_for_nulls(row, self.schema)
        return row

    def require_key(self, row: dict, key: str, endpoint: str) -> None:
        value = row.get(key)
        if value is None or value == "":
            raise WistiaError(
                f"{endpoint} returned a record without its key '{key}': refusing to drop it "
                f"silently. Record fields: {sorted(row)}"
            )
        if isinstance(value, bool) or not isinstance(value, str | int):
            # A target would store `true` as 'True' and fail on a list or object; the
            # deduplication here cannot even hash one.
            raise WistiaError(
                f"{endpoint} returned a record whose key '{key}' is a JSON "
                f"{_JSON_TYPES.get(type(value), type(value).__name__)}, not a string or "
                "integer: it cannot identify the record, so the run stops rather than load "
                "it under a made-up key."
            )

    # --- retries -------------------------------------------------------------------

    @override
    def request_decorator(self, func: t.Callable) -> t.Callable:
        """Every request waits for a slot in the run's one budget; see `retries`."""
        retrier = self.run.retrier

        def send(
            prepared_request: requests.PreparedRequest, context: Context | None
        ) -> requests.Response:
            return retrier.send(prepared_request, lambda: func(prepared_request, context))

        return send


class CleanRecordsStream(WistiaStream):
    """Every record has its primary key and only values a loader can take (`sanitise`).

    A record without its key, or with one that is not a string or integer, cannot be
    upserted or deduplicated: the run fails naming the endpoint rather than emit it.
    Repairs (and records skipped for a required date-time that does not parse) are counted
    and reported once when the stream ends.
    """

    @cached_property
    def sanitiser(self) -> Sanitiser:
        return Sanitiser()

    @override
    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        required = self.schema.get("required", ())
        if not self.sanitiser.timestamps(
            self.sanitiser.clean(row), self.timestamp_fields, required
        ):
            return None  # counted, and reported when the stream ends
        processed = super().post_process(row, context)
        if processed is not None:
            for key in self.primary_keys:
                self.require_key(processed, key, f"GET {self.path}")
        return processed

    @override
    def sync(self, context: Context | None = None) -> None:
        try:
            super().sync(context)
        finally:
            self.sanitiser.report(self.name, self.logger)


class ModernApi(WistiaStream):
    """Mixin for a stream of Wistia's dated ("modern") API: its base URL (`modern_api_url`)
    and the `X-Wistia-API-Version` header (`api_version`) on every call, so a new release
    never changes the answers silently. Put it first: `class X(ModernApi, CleanRecordsStream)`.
    """

    @property
    @override
    def url_base(self) -> str:
        return self.run.settings.modern_api_url

    @property
    @override
    def http_headers(self) -> dict:
        return {**super().http_headers, "X-Wistia-API-Version": self.run.settings.api_version}


class ScopedStream(CleanRecordsStream):
    """A stream whose output depends on `media_ids` / `project_ids`.

    Before it syncs, configured project ids are checked to exist, and an incremental
    bookmark made under a scope that does not cover this run's is dropped (see `scope`).
    """

    # Each stream's state records the scope its bookmark was made under.
    state_fields: t.ClassVar[dict[str, str]] = {"scope": bookmarks.SCOPE}

    @override
    def sync(self, context: Context | None = None) -> None:
        self.run.planner.projects.check()
        if self.replication_key:
            adopt_scope(self.name, self.stream_state, self.run.scope, self.logger)
        super().sync(context)


class SelfBookmarkingStream(ManualBookmarks, ScopedStream):
    """A scoped stream that moves its bookmark itself, once everything before the new value
    is read (see `sdk_private.ManualBookmarks`)."""
