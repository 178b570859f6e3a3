"""The base stream: Bearer auth, page-number paging, one rate limit, retries, clear errors."""

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

from tap_wistia.http_errors import (
    RateLimited,
    ResourceNotFound,
    RetryableError,
    WistiaAuthError,
    WistiaError,
    describe_request,
    error_detail,
    parse_json_body,
)
from tap_wistia.paging import PAGE_SIZE, FullPagePaginator, RepeatedPageGuard, payload
from tap_wistia.retry_after import requested_wait
from tap_wistia.sdk_private import send_request, tap_of
from tap_wistia.timeutil import canonical_timestamp
from tap_wistia.transport import new_session

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_wistia.tap import TapWistia


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

    # Subclasses name the date-time fields they emit; those are rewritten canonically.
    timestamp_fields: tuple[str, ...] = ()
    # List endpoints page with page/per_page; object endpoints answer one JSON object.
    paginated = True
    # by_date answers a list in one response, without paging.
    returns_list = False

    @property
    def wistia(self) -> TapWistia:
        """The running tap: its shared throttle, retrier, media catalog and run dates."""
        return tap_of(self)

    @property
    def url_base(self) -> str:
        return self.config["api_url"].rstrip("/")

    @property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.wistia.api_token)

    @cached_property
    @override
    def requests_session(self) -> requests.Session:
        # One pooled connection per concurrent worker (requests keeps 10 by default).
        return new_session(pool_size=max(10, self.wistia.max_concurrency + 2))

    @property
    def timeout(self) -> int:
        return int(self.config["request_timeout"])

    @property
    def user_agent(self) -> str:
        return "tap-wistia (singer-sdk)"

    def get_new_paginator(self) -> BaseAPIPaginator | None:
        return FullPagePaginator(self.primary_keys) if self.paginated else None

    @cached_property
    def repeated_pages(self) -> RepeatedPageGuard:
        return RepeatedPageGuard(self.primary_keys)

    def get_url_params(self, context: Context | None, next_page_token: t.Any) -> dict:
        if not self.paginated:
            return {}
        return {"page": next_page_token or 1, "per_page": PAGE_SIZE}

    # --- responses -----------------------------------------------------------------

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

    def fetch_page(self, context: Context | None, page: int) -> list[dict]:
        """One page of a list endpoint, with the same throttle, retries and checks."""
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
        listing = json.dumps(context, sort_keys=True, default=str)
        self.repeated_pages.check(listing, page, rows, describe_request(prepared))
        return rows

    def check_payload_shape(self, body: t.Any, endpoint: str) -> None:
        expected = list if self.paginated or self.returns_list else dict
        if not isinstance(body, expected):
            raise WistiaError(
                f"{endpoint} answered a JSON {type(body).__name__} where a "
                f"{expected.__name__} was expected; the API changed or a proxy answered."
            )

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

    def response_error_message(self, response: requests.Response) -> str:
        # The SDK's default echoes the body and headers; ours names the endpoint and status.
        return f"{describe_request(response.request)} answered {response.status_code}"

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        for field in self.timestamp_fields:
            if field in row:
                row[field] = canonical_timestamp(row[field])
        if self.config.get("flattening_enabled"):
            _empty_objects_for_nulls(row, self.schema)
        return row

    def require_key(self, row: dict, key: str, endpoint: str) -> None:
        if not row.get(key):
            raise WistiaError(
                f"{endpoint} returned a record without its key '{key}': refusing to drop it "
                f"silently. Record fields: {sorted(row)}"
            )

    # --- retries -------------------------------------------------------------------

    @override
    def request_decorator(self, func: t.Callable) -> t.Callable:
        """Every request waits for a slot in the run's one budget; see `retries`."""
        retrier = self.wistia.retrier

        def send(
            prepared_request: requests.PreparedRequest, context: Context | None
        ) -> requests.Response:
            return retrier.send(prepared_request, lambda: func(prepared_request, context))

        return send
