"""The run context: everything a run shares, built once at start and handed to every stream.

Streams get their settings, dates, request budget, retries, scope and planning from this
one object, never from the tap (which the SDK keeps private) nor from raw config: a
setting is parsed and checked once (`settings.validation`), and a service shared by the
run (the budget every request waits on, the retrier whose 429 pause stops every request)
exists once. Dependencies point one way: the tap builds the context, streams read it, and
nothing here imports a stream or the tap.
"""

from __future__ import annotations

import logging
import typing as t
from dataclasses import dataclass

from tap_wistia.http.budget import Clock, SystemClock, Throttle
from tap_wistia.http.concurrency import AdaptiveLimit
from tap_wistia.http.retries import Retrier
from tap_wistia.state.account import RunAccount
from tap_wistia.state.planner import RunPlanner, StreamAccess
from tap_wistia.state.scope import Scope, scope_of

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from tap_wistia.settings.validation import Settings
    from tap_wistia.settings.window import RunWindow


@dataclass(frozen=True)
class RunContext:
    settings: Settings
    window: RunWindow
    scope: Scope  # what incremental bookmarks are recorded under (`state.scope`)
    budget: Throttle  # the one requests-per-minute budget, and the run's clock
    retrier: Retrier
    concurrency: AdaptiveLimit  # requests in flight, learned from latency (`concurrency`)
    planner: RunPlanner
    account: RunAccount  # the account the token reads: every record's `account_id`

    @classmethod
    def start(
        cls,
        settings: Settings,
        window: RunWindow,
        streams: StreamAccess,
        logger: logging.Logger,
        read_account: Callable[[], dict],
        clock: Clock | None = None,
    ) -> RunContext:
        budget = Throttle(settings.max_requests_per_minute, clock or SystemClock())
        concurrency = AdaptiveLimit(budget.interval, settings.max_concurrency, budget.clock)
        retrier = Retrier(
            budget,
            logger,
            max_retries=settings.max_retries,
            rate_limit_budget_seconds=60.0 * settings.max_rate_limit_wait_minutes,
            api_url=settings.api_url,
            concurrency=concurrency,
        )
        scope = scope_of({"media_ids": settings.media_ids, "project_ids": settings.project_ids})
        planner = RunPlanner(settings, window, streams)
        account = RunAccount(read_account)
        return cls(settings, window, scope, budget, retrier, concurrency, planner, account)

    @property
    def clock(self) -> Clock:
        return self.budget.clock
