"""When a failed request is tried again, how long the run waits, and when it gives up.

- 5xx, network errors, timeouts and unparseable bodies back off exponentially with
  jitter, at most `max_retries` times per request.
- 429s wait what Retry-After says (sanitised, see `retry_after`) and pause the whole run.
  They are not failures: they spend no retry, only the run's rate-limit wait budget
  (`max_rate_limit_wait_minutes`); past it the run fails.
- Until the API has answered once, a failure to connect (refused, unknown host, connect
  timeout) is retried only for `FIRST_CONTACT_SECONDS`, then the run fails naming
  `api_url`: a wrong URL or a missing network is not worth minutes of retries. Once it
  has answered, such failures are transient and retried as usual.
- Every wait is logged before it starts.
"""

from __future__ import annotations

import logging
import random
import re
import typing as t
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from singer_sdk.exceptions import RetriableAPIError

from tap_wistia.http import retry_after
from tap_wistia.http.budget import Throttle
from tap_wistia.http.concurrency import AdaptiveLimit, Outcome
from tap_wistia.http.errors import RateLimited, RetriesExhausted, WistiaError, describe_request
from tap_wistia.http.transport import DEADLINE_REASON, ResponseDeadlineExceeded

MAX_BACKOFF_SECONDS = 120.0
RETRIABLE_NETWORK_ERRORS = (
    ConnectionError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
FIRST_CONTACT_SECONDS = 6.0
_CERTIFICATE_FAILURE = re.compile(r"certificate verify failed: ([^()'\"]+)", re.IGNORECASE)


class CannotConnect(WistiaError):
    """The run's first request never reached the API."""


class CertificateNotTrusted(WistiaError):
    """TLS certificate verification failed: retrying cannot fix it."""


class RateLimitBudgetExhausted(WistiaError):
    """429s kept coming after the run waited `max_rate_limit_wait_minutes` in total."""


class Retrier:
    """The run's retry policy; one per run, shared by every stream and worker."""

    def __init__(
        self,
        throttle: Throttle,
        logger: logging.Logger,
        *,
        max_retries: int,
        rate_limit_budget_seconds: float,
        api_url: str,
        concurrency: AdaptiveLimit,
    ) -> None:
        self.throttle = throttle
        self.concurrency = concurrency  # every attempt holds one of its slots
        self.logger = logger
        self.max_retries = max_retries
        self.rate_limit_budget_seconds = rate_limit_budget_seconds
        self.api_url = api_url
        self.api_answered = False  # any HTTP response at all, in this run
        self._first_failure_at: float | None = None

    def send(
        self, request: requests.PreparedRequest, attempt: t.Callable[[], requests.Response]
    ) -> requests.Response:
        endpoint = describe_request(request)
        retries = 0
        rate_limited = 0
        while True:
            try:
                response = self._attempt(attempt)
            except RateLimited as exc:
                self.api_answered = True
                rate_limited += 1
                self._wait_for_rate_limit(endpoint, exc, rate_limited)
            except (RetriableAPIError, *RETRIABLE_NETWORK_ERRORS) as exc:
                refuse_untrusted_certificate(exc, request)
                not_reached = connect_failure(exc)
                self.api_answered = self.api_answered or not_reached is None
                wait = backoff_seconds(retries + 1)
                if not self.api_answered:
                    self._check_first_contact(t.cast("str", not_reached), wait, retries)
                reason = not_reached or failure_reason(exc)
                if retries >= self.max_retries:
                    raise RetriesExhausted(
                        f"{endpoint} still failing after {retries} retries; last error: {reason}"
                    ) from None
                retries += 1
                self.logger.warning(
                    "%s: %s; retrying in %.1f s (retry %d/%d)",
                    endpoint,
                    reason,
                    wait,
                    retries,
                    self.max_retries,
                )
                self.throttle.clock.sleep(wait)
            except WistiaError:
                self.api_answered = True
                raise
            else:
                self.api_answered = True
                return response

    def _attempt(self, attempt: t.Callable[[], requests.Response]) -> requests.Response:
        """One attempt within a concurrency slot, which learns its latency and outcome."""
        slot = self.concurrency.admit()
        outcome = Outcome.FAILED
        try:
            self.throttle.acquire()
            slot.sent()
            response = attempt()
            outcome = Outcome.ANSWERED
            return response
        except RateLimited:
            outcome = Outcome.RATE_LIMITED
            raise
        except WistiaError:
            outcome = Outcome.ANSWERED  # the server answered, with something unusable
            raise
        finally:
            slot.done(outcome)

    def _check_first_contact(self, why: str, wait: float, retries: int) -> None:
        """Fail once connecting has been tried for `FIRST_CONTACT_SECONDS` in vain."""
        clock = self.throttle.clock
        if self._first_failure_at is None:
            self._first_failure_at = clock.monotonic()
        tried_for = clock.monotonic() - self._first_failure_at
        if tried_for + wait > FIRST_CONTACT_SECONDS or retries >= self.max_retries:
            raise CannotConnect(
                f"Cannot connect to api_url {self.api_url} ({why}; tried for "
                f"{tried_for:.0f} s). Check api_url, the network, and any proxy "
                "(HTTPS_PROXY)."
            )

    def _wait_for_rate_limit(self, endpoint: str, exc: RateLimited, count: int) -> None:
        asked = exc.wait
        wait = retry_after.capped(backoff_seconds(count) if asked is None else asked)
        spent = self.throttle.rate_limited_seconds
        budget = self.rate_limit_budget_seconds
        if spent + wait > budget:
            raise RateLimitBudgetExhausted(
                f"{endpoint}: Wistia keeps answering 429 (rate limited) after the run waited "
                f"{spent / 60:.1f} min for it; the limit is max_rate_limit_wait_minutes "
                f"({budget / 60:g}). Another integration may be using the account's "
                "requests: lower max_requests_per_minute, run later, or raise "
                "max_rate_limit_wait_minutes."
            )
        if asked is None:
            why = "no usable Retry-After"
        elif asked > retry_after.MAX_RETRY_AFTER_SECONDS:
            why = f"Retry-After {asked:g} s, capped"
        else:
            why = "as Retry-After asks"
        self.logger.warning(
            "%s: rate limited (429); pausing all requests %.1f s (%s; %.1f of %g min of "
            "rate-limit waits used; no retry spent)",
            endpoint,
            wait,
            why,
            spent / 60,
            budget / 60,
        )
        self.throttle.pause(wait)


def backoff_seconds(retry: int) -> float:
    """1, 2, 4, ... seconds (capped) plus up to 1 s of jitter."""
    return min(2.0 ** (retry - 1), MAX_BACKOFF_SECONDS) + random.random()


def refuse_untrusted_certificate(exc: BaseException, request: requests.PreparedRequest) -> None:
    if not isinstance(exc, requests.exceptions.SSLError):
        return
    found = _CERTIFICATE_FAILURE.search(str(exc))
    if found is None:
        return  # another TLS failure (a dropped handshake): transient, retried
    host = urlsplit(request.url or "").hostname
    raise CertificateNotTrusted(
        f"TLS certificate verification failed for {host} ({found.group(1).strip()}). If a "
        "proxy or firewall on your network re-signs HTTPS traffic, set REQUESTS_CA_BUNDLE "
        "to its CA bundle (a PEM file); otherwise check api_url."
    ) from None


def connect_failure(exc: BaseException) -> str | None:
    """Why no connection could be made (refused, unknown host, ...), or None if one was."""
    if isinstance(exc, requests.exceptions.SSLError):
        return None
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connecting timed out"
    if isinstance(exc, requests.exceptions.ProxyError):
        return "the proxy refused the connection"
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return None
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return "host name not found"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused" if "refused" in str(reason).lower() else "cannot connect"
    return None


def failure_reason(exc: Exception) -> str:
    if isinstance(exc, RetriableAPIError):
        return str(exc)
    if isinstance(exc, ResponseDeadlineExceeded):
        return DEADLINE_REASON
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    # Connection errors' text can be long and nested; the class name says enough.
    return f"network error ({type(exc).__name__})"
