"""HTTP routes that stream large CSV downloads straight from the warehouse.

Streamlit's download button keeps the whole file in the server's memory, so the big files
(the 24-column views export and the detailed sessions export, up to millions of rows) are
served by these routes instead: rows are fetched in batches and written out as they come,
through a temporary file (app/spool.py) that frees the warehouse as soon as the query is
read.

    GET /download/views.csv?from=2026-01-01&to=2026-01-31[&project=...][&media=...][&account=...]
    GET /download/sessions.csv?... (same parameters)

`account` (a warehouse holding several Wistia accounts) narrows every query to that
account's rows, as the sidebar's account filter does (app/warehouse.py).

A period outside EARLIEST_DAY..LATEST_DAY (`from=0001-01-01&to=9999-12-31`) or reversed is
a 400 naming the allowed range: the day after 9999-12-31 does not exist, so such a period
cannot even be turned into timestamp bounds, and no Wistia data lies outside that range.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from app import exports, metrics
from app.metrics import Period
from app.spool import SpooledStream
from app.warehouse import Warehouse, WarehouseConfig, WarehouseError

VIEWS_PATH = "/download/views.csv"
SESSIONS_PATH = "/download/sessions.csv"
# Wistia started in 2008; the upper bound leaves room for any real request.
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)


def download_url(
    path: str,
    period: Period,
    project: str | None,
    media_id: str | None,
    account_id: int | None = None,
) -> str:
    """The URL of a download for these filters (what the Downloads page links to)."""
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if account_id is not None:
        params["account"] = str(account_id)
    if project:
        params["project"] = project
    if media_id:
        params["media"] = media_id
    return f"{path}?{urlencode(params)}"


def _request_filters(request: Request, wh: Warehouse) -> tuple[Period, list[str] | None, str]:
    try:
        period = Period(
            dt.date.fromisoformat(request.query_params["from"]),
            dt.date.fromisoformat(request.query_params["to"]),
        )
    except (KeyError, ValueError) as exc:
        raise ValueError("from and to must be dates, YYYY-MM-DD") from exc
    if period.end < period.start:
        raise ValueError(f"to ({period.end}) is before from ({period.start})")
    if period.start < EARLIEST_DAY or period.end > LATEST_DAY:
        raise ValueError(f"from and to must lie between {EARLIEST_DAY} and {LATEST_DAY}")
    project = request.query_params.get("project") or None
    media_id = request.query_params.get("media") or None
    catalog = metrics.media_catalog(wh) if (project or media_id) else []
    # A typo must not look like an empty period: say what is unknown.
    if project and all(row["project_name"] != project for row in catalog):
        raise ValueError(f"no project named {project!r} in the warehouse")
    if media_id and all(row["media_id"] != media_id for row in catalog):
        raise ValueError(f"no media with id {media_id!r} in the warehouse")
    media_ids = metrics.select_medias(catalog, project, media_id)
    scope = media_id or project or "all-medias"
    if wh.config.account_id is not None:  # as ui.Selection.file_scope names it
        scope = f"account-{wh.config.account_id}-{scope}"
    return period, media_ids, scope


def _csv_response(source: Iterator[bytes], filename: str) -> Response:
    # Spooled, so the warehouse is released once the query is read, not once a slow client
    # has received it all.
    chunks = iter(SpooledStream(source))
    # Run the query before answering, so a locked or missing warehouse is a clear 503
    # rather than a broken download.
    try:
        first = next(chunks)
    except WarehouseError as exc:
        return PlainTextResponse(str(exc), status_code=503)
    return StreamingResponse(
        itertools.chain([first], chunks),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _download(
    request: Request,
    what: str,
    stream_csv: Callable[[Warehouse, Period, list[str] | None], Iterator[bytes]],
) -> Response:
    try:
        wh = Warehouse(_account_config(request))
        period, media_ids, scope = _request_filters(request, wh)
    except ValueError as exc:
        return PlainTextResponse(str(exc), status_code=400)
    except WarehouseError as exc:  # a sync writing it, or no warehouse: not the request's fault
        return PlainTextResponse(str(exc), status_code=503)
    return _csv_response(stream_csv(wh, period, media_ids), exports.file_name(what, period, scope))


def _account_config(request: Request) -> WarehouseConfig:
    """The app's warehouse, narrowed to the request's `account` when it names one."""
    account = request.query_params.get("account") or None
    if account is None:
        return WarehouseConfig.from_env()
    if not account.isdigit():
        raise ValueError(f"account must be an account id (digits), got {account!r}")
    return dataclasses.replace(WarehouseConfig.from_env(), account_id=int(account))


def views_csv(request: Request) -> Response:
    return _download(request, "views-24col", exports.stream_views_csv)


def sessions_csv(request: Request) -> Response:
    return _download(request, "sessions-detailed", exports.stream_sessions_csv)


ROUTES = [Route(VIEWS_PATH, views_csv), Route(SESSIONS_PATH, sessions_csv)]
