"""When a failed request is tried again, how long the run waits, and when it gives up.

- 5xx, network errors, timeouts and unparseable bodies back off exponentially with
  jitter, at most `max_retries` times per request.
- 429s wait what Retry-After says (sanitised, see `retry_after`) and pause the whole run.
  They are not failures: they spend no retry, only the run's rate-limit wait budget
  (`max_rate_limit_wait_minutes`); past it the run fails.
- Every wait is logged before it starts.
"""

from __future__ import annotations

import logging
import random
import typing as t

import requests
from singer_sdk.exceptions import RetriableAPIError

from tap_wistia import retry_after
from tap_wistia.http_errors import RateLimited, RetriesExhausted, WistiaError, describe_request
from tap_wistia.throttle import Throttle

MAX_BACKOFF_SECONDS = 120.0
RETRIABLE_NETWORK_ERRORS = (
    ConnectionError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


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
    ) -> None:
        self.throttle = throttle
        self.logger = logger
        self.max_retries = max_retries
        self.rate_limit_budget_seconds = rate_limit_budget_seconds

    def send(
        self, request: requests.PreparedRequest, attempt: t.Callable[[], requests.Response]
    ) -> requests.Response:
        endpoint = describe_request(request)
        retries = 0
        rate_limited = 0
        while True:
            self.throttle.acquire()
            try:
                return attempt()
            except RateLimited as exc:
                rate_limited += 1
                self._wait_for_rate_limit(endpoint, exc, rate_limited)
            except (RetriableAPIError, *RETRIABLE_NETWORK_ERRORS) as exc:
                reason = failure_reason(exc)
                if retries >= self.max_retries:
                    raise RetriesExhausted(
                        f"{endpoint} still failing after {retries} retries; last error: {reason}"
                    ) from None
                retries += 1
                wait = backoff_seconds(retries)
                self.logger.warning(
                    "%s: %s; retrying in %.1f s (retry %d/%d)",
                    endpoint,
                    reason,
                    wait,
                    retries,
                    self.max_retries,
                )
                self.throttle.clock.sleep(wait)

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


def failure_reason(exc: Exception) -> str:
    if isinstance(exc, RetriableAPIError):
        return str(exc)
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    # Connection errors' text can be long and nested; the class name says enough.
    return f"network error ({type(exc).__name__})"
