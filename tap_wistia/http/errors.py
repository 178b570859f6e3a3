"""The tap's errors, and how a response or request is described in them.

Every message is meant for a person: it names the endpoint, says what went wrong and
what to do. No message carries a secret: the token travels only in the Authorization
header (never in a URL), and `WistiaError` masks it should an error body echo it.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from tap_wistia.http.redaction import redact

DETAIL_CHARS = 200


class WistiaError(FatalAPIError):
    """A failure the run cannot continue past; its message is meant for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class WistiaAuthError(WistiaError):
    """401/403: retrying cannot help."""


class ResourceNotFound(WistiaError):
    """404: the thing asked for is gone (e.g. a media deleted mid-run)."""


class RetriesExhausted(WistiaError):
    """A transient failure that did not clear within `max_retries`."""


class RetryableError(RetriableAPIError):
    """A transient failure (5xx, a truncated body): retried with backoff."""

    def __init__(self, message: str, response: requests.Response | None = None) -> None:
        super().__init__(redact(message), response)


class RateLimited(RetryableError):
    """429: wait as told; such waits do not spend `max_retries`."""

    def __init__(self, message: str, response: requests.Response, wait: float | None) -> None:
        super().__init__(message, response)
        self.wait = wait


def describe_request(request: requests.PreparedRequest | None) -> str:
    """`GET /v1/stats/events?page=2`: the endpoint without host. No secret is ever in a URL:
    the token travels only in the Authorization header."""
    if request is None or not request.url:
        return "request"
    parts = urlsplit(request.url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{request.method} {parts.path}{query}"


def looks_like_html(response: requests.Response) -> bool:
    """A proxy's error page, a captive portal or an SSO login page, not the API."""
    content_type = response.headers.get("Content-Type", "").lower()
    start = response.content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return "html" in content_type or start.startswith((b"<!doctype html", b"<html"))


def _looks_like_xml(response: requests.Response) -> bool:
    return response.content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def error_detail(response: requests.Response) -> str:
    """The API's own error text, short. Error bodies may be JSON, text/plain, HTML or empty."""
    if looks_like_html(response):
        return "(an HTML page, not the API's JSON)"
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return redact(text)[:DETAIL_CHARS]
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("code", "error") if body.get(k)]
        return redact(": ".join(parts))[:DETAIL_CHARS]
    return ""


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> t.NoReturn:
    raise _NonFiniteNumber(name)


def parse_json_body(response: requests.Response, endpoint: str) -> t.Any:
    """The JSON of a 2xx response, or an error saying what the body is instead.

    An HTML page (a proxy's, a captive portal's, a login page) will not turn into JSON
    by retrying: the run stops at once. Neither will `NaN`/`Infinity`, which Python's
    parser accepts but JSON does not, nor nesting deeper than the parser's recursion, nor
    a body declared as something else than JSON (XML, text) or that is markup. A JSON body
    that is cut short is retried.
    """
    try:
        return response.json(parse_constant=_reject_constant)
    except RecursionError:
        raise WistiaError(
            f"{endpoint} answered JSON nested deeper than the tap can read (over a thousand "
            "levels; no Wistia record is more than a few deep): a broken API or proxy "
            "answered. Nothing was loaded from it."
        ) from None
    except _NonFiniteNumber as exc:
        raise WistiaError(
            f"{endpoint} answered JSON containing {exc}, which is not valid JSON (no NaN or "
            "Infinity in JSON): a broken API or proxy answered. Nothing was loaded from it."
        ) from None
    except ValueError as exc:
        if looks_like_html(response):
            raise WistiaError(
                f"{endpoint} answered an HTML page (HTTP {response.status_code}), not the "
                "API's JSON: a proxy, captive portal or login page answered instead of "
                "Wistia. Check api_url and any proxy settings (HTTPS_PROXY)."
            ) from None
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if (content_type and "json" not in content_type) or _looks_like_xml(response):
            what = "markup (XML?)" if _looks_like_xml(response) else "not JSON"
            raise WistiaError(
                f"{endpoint} answered HTTP {response.status_code} with a body that is {what} "
                f"(Content-Type: {content_type or 'none'}): another service or a "
                "proxy answered, and asking again will not change that. Check api_url and "
                "any proxy settings (HTTPS_PROXY)."
            ) from None
        raise RetryableError(
            f"{endpoint} answered {response.status_code} with a body that is not valid JSON "
            f"({len(response.content)} bytes, truncated?)",
            response,
        ) from exc
