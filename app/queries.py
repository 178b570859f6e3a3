"""The warehouse queries the pages run, each a cached function called by name:
`queries.kpis(period, media_ids)`.

Decisions:
- Named, never dispatched by a string: each query below is made from the metrics.py,
  traffic.py, inventory.py or webinars.py function itself, so renaming one fails when this
  module is imported, and a page calling a name that is not here fails
  tests/app/test_queries.py (which reads every page), not in front of a user. Arguments
  are checked against the function's signature by type checkers (ParamSpec). A new query
  is one line here.
- One `st.cache_data` function behind them all: results are kept CACHE_SECONDS per
  (warehouse, its file's version, query, arguments), so moving a widget does not re-run
  every query, and `clear()` (Refresh data on the Data status page) empties them at
  once. The query's qualified name keys the cache; the function itself travels as an
  underscore argument, which Streamlit leaves out of the key. The DuckDB file's version
  (inode, size, mtime) is in the key because a sync renames a new file over the live
  one: the next page load reads the new data at once, not CACHE_SECONDS later.
- A page's call turns a warehouse problem into one line saying what to do and stops the
  page; `fetch` raises WarehouseError instead, for code that explains it itself (the
  freshness banner, which must show even when the warehouse cannot be read).
- The queries live here, not in ui.py, so that freshness.py (whose banner ui.py shows)
  reads the cache without importing ui.py: ui -> freshness -> queries, no import cycle
  (tests/test_import_graph.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

import streamlit as st

from app import inventory, metrics, traffic, webinars
from app.warehouse import Warehouse, WarehouseConfig, WarehouseError, file_version

CACHE_SECONDS = 300
# The sidebar's account filter (ui.account_picker) in the session: every query reads that
# account only (warehouse.py applies it), and caches per account (it is in the config).
ACCOUNT_KEY = "account"

P = ParamSpec("P")
R = TypeVar("R")


def config(every_account: bool = False) -> WarehouseConfig:
    """The warehouse every query reads (WISTIA_APP_* variables, read per query), narrowed
    to the account the sidebar picked unless `every_account`."""
    account_id = None if every_account else st.session_state.get(ACCOUNT_KEY)
    return dataclasses.replace(WarehouseConfig.from_env(), account_id=account_id)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _cached(
    config: WarehouseConfig,
    version: tuple[int, int, int] | None,
    name: str,
    _function: Callable[..., Any],
    /,
    *args: Any,
    **kwargs: Any,
) -> Any:
    # `version` and `name` are there for the cache key only. Positional-only, so that a
    # query's own keyword arguments can never collide with these four.
    return _function(Warehouse(config), *args, **kwargs)


def clear() -> None:
    """Forget every cached result (the next page load reads the warehouse again)."""
    _cached.clear()


class Query(Generic[P, R]):
    """A metrics/traffic function `f(warehouse, *args)`, called as `query(*args)`: cached,
    on the configured warehouse."""

    def __init__(
        self, function: Callable[Concatenate[Warehouse, P], R], every_account: bool = False
    ) -> None:
        self.function = function
        self.name = f"{function.__module__}.{function.__qualname__}"
        self.every_account = every_account  # not narrowed by the account filter

    def fetch(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """The cached result; WarehouseError when the warehouse cannot be read."""
        where = config(self.every_account)
        version = file_version(where.duckdb_path) if where.kind == "duckdb" else None
        return _cached(where, version, self.name, self.function, *args, **kwargs)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """The cached result; on a warehouse problem, say what to do and stop the page."""
        try:
            return self.fetch(*args, **kwargs)
        except WarehouseError as exc:
            st.warning(str(exc), icon=":material/database:")
            st.stop()


accounts = Query(metrics.accounts, every_account=True)
data_days = Query(metrics.data_days)
media_catalog = Query(metrics.media_catalog)
kpis = Query(metrics.kpis)
play_trends = Query(metrics.play_trends)
count_views = Query(metrics.count_views)
media_table = Query(metrics.media_table)
engagement_curve = Query(metrics.engagement_curve)
drop_off_hot_spots = Query(metrics.drop_off_hot_spots)
most_rewatched_chunk = Query(metrics.most_rewatched_chunk)
audience_mix = Query(metrics.audience_mix)
visitor_segments = Query(metrics.visitor_segments)
leads = Query(metrics.leads)
count_leads = Query(metrics.count_leads)

mart_rows = Query(traffic.mart_rows)
traffic_months = Query(traffic.traffic_months)
traffic_sources = Query(traffic.traffic_sources)
traffic_by_media = Query(traffic.traffic_by_media)
conversion_rates = Query(traffic.conversion_rates)
conversion_totals = Query(traffic.conversion_totals)
conversions = Query(traffic.conversions)

content_inventory = Query(inventory.content_inventory)
webinar_list = Query(webinars.webinar_list)
webinar_funnel_by_source = Query(webinars.webinar_funnel_by_source)
webinar_audience = Query(webinars.webinar_audience)
