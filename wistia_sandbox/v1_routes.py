"""The Data API v1 endpoints the sandbox serves under /v1: projects, medias (offset and cursor
pages), visitors, events, the account (``/account``) and the stats of medias, projects and the
account.

Plain lists need no route here: they are data (``Dataset.lists``, plain_lists.py). Projects
stay a route although they list plainly: their records are ``Dataset.projects``, whose
``mediaCount`` follows the medias, and they filter by ``hashed_ids[]``.

A mixin of :class:`~wistia_sandbox.server.FakeWistia`, split out so server.py holds the
request pipeline (rate limit, auth, faults, routing) and this module what each v1 path
answers. Each route reads the dataset of the account whose token the request carries
(``ds``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .cursor import CursorError, cursor_page, wants_cursor
from .dataset import Dataset
from .http_plumbing import _BadRequest, _empty, _error, _json, _Response
from .query_params import _bool_param, _date_param, _first, _paginate, _per_page, _sorted
from .record_basics import Record, parse_ts


class V1Routes:
    """The v1 endpoints of FakeWistia (mixed into it)."""

    def _dispatch(self, ds: Dataset, parts: list[str], query: dict[str, list[str]]) -> _Response:
        n = len(parts)
        if parts == ["account"]:
            return _json(200, ds.account())
        if parts == ["projects"]:
            return _json(200, self._list_projects(ds, query))
        if parts == ["medias"]:
            return _json(200, self._list_medias(ds, query))
        if n >= 2 and parts[0] == "stats":
            kind = parts[1]
            if parts[1:] == ["account"]:
                return _json(200, ds.account_stats())
            if kind == "projects" and n == 3:
                project = ds.find_project(parts[2])
                return _json(200, ds.project_stats(project)) if project else _empty(404)
            if kind == "medias" and n in (3, 4):
                media = ds.find_media(parts[2])
                if n == 3:
                    return _json(200, ds.media_stats(media)) if media else _empty(404)
                if parts[3] == "engagement":
                    return _json(200, ds.media_engagement(media)) if media else _empty(404)
                if parts[3] == "by_date":
                    return self._by_date(ds, media, query) if media else _empty(404)
            if kind == "visitors" and n == 2:
                return _json(200, self._list_visitors(ds, query))
            if kind == "visitors" and n == 3:
                visitor = ds.find_visitor(parts[2])
                return _json(200, visitor) if visitor else _empty(404)
            if kind == "events" and n == 2:
                return _json(200, self._list_events(ds, query))
            if kind == "events" and n == 3:
                event = ds.find_event(parts[2])
                return _json(200, event) if event else _empty(404)
        return _error(404, f"No route for /{'/'.join(parts)}")

    def _list_projects(self, ds: Dataset, query: dict[str, list[str]]) -> list[Record]:
        items = list(ds.projects)
        wanted = set(query.get("hashed_ids[]", []) + query.get("hashed_ids", []))
        if wanted:
            items = [p for p in items if p["hashedId"] in wanted]
        items = _sorted(
            items,
            query,
            {
                "id": lambda p: p["id"],
                "name": lambda p: p["name"],
                "created": lambda p: parse_ts(p["created"]),
                "updated": lambda p: parse_ts(p["updated"]),
                "mediaCount": lambda p: p["mediaCount"],
            },
        )
        return _paginate(items, query)

    def _list_medias(self, ds: Dataset, query: dict[str, list[str]]) -> list[Record]:
        items = list(ds.medias)
        project_id = _first(query, "project_id")
        if project_id is not None:
            project = ds.find_project(project_id)
            pid = project["id"] if project else None
            items = [m for m in items if m["project"]["id"] == pid]
        wanted = [v for v in query.get("hashed_ids[]", []) + query.get("hashed_ids", []) if v]
        if wanted:
            items = [m for m in items if m["hashed_id"] in set(wanted)]
        hashed_id = _first(query, "hashed_id")
        if hashed_id is not None:
            items = [m for m in items if m["hashed_id"] == hashed_id]
        mtype = _first(query, "type")
        if mtype is not None:
            items = [m for m in items if m["type"] == mtype]
        archived = _bool_param(_first(query, "archived"))
        if archived is not None:
            items = [m for m in items if m["archived"] is archived]
        name = _first(query, "name")
        if name is not None:
            items = [m for m in items if m["name"] == name]
        tags = [t for t in query.get("tags[]", []) if t]
        if tags:
            items = [m for m in items if set(tags) <= {t["name"] for t in m.get("tags", [])}]
        keys: dict[str, Callable[[Record], Any]] = {
            "id": lambda m: m["id"],
            "name": lambda m: m["name"],
            "created": lambda m: parse_ts(m["created"]),
            "updated": lambda m: parse_ts(m["updated"]),
            "position": lambda m: (m["project"]["id"], ds.media_position(m)),
        }
        if wants_cursor(query):
            try:
                return cursor_page(
                    items, query, keys[_first(query, "sort_by") or "id"], _per_page(query)
                )
            except (CursorError, KeyError) as exc:
                message = str(exc) if isinstance(exc, CursorError) else "Invalid sort_by"
                raise _BadRequest(_json(400, {"error": message})) from None
        return _paginate(_sorted(items, query, keys), query)

    def _list_visitors(self, ds: Dataset, query: dict[str, list[str]]) -> list[Record]:
        items: list[Record] = ds.visitors
        flt = _first(query, "filter")
        if flt == "has_name":
            items = [v for v in items if v["visitor_identity"]["name"]]
        elif flt == "has_email":
            items = [v for v in items if v["visitor_identity"]["email"]]
        elif flt == "identified_by_email_gate":
            items = [v for v in items if ds.visitor_identified_by_email_gate(v)]
        search = _first(query, "search")
        if search is not None:
            needle = search.casefold()
            items = [
                v
                for v in items
                if needle in (v["visitor_identity"]["name"] or "").casefold()
                or needle in (v["visitor_identity"]["email"] or "").casefold()
            ]
        return _paginate(items, query)

    def _list_events(self, ds: Dataset, query: dict[str, list[str]]) -> list[Record]:
        start = _date_param(query, "start_date")
        end = _date_param(query, "end_date")
        media_id = _first(query, "media_id")
        visitor_key = _first(query, "visitor_key")
        if media_id is not None:
            media = ds.find_media(media_id)
            hashed = media["hashed_id"] if media else media_id
            items = ds.events_of_media(hashed)
            if visitor_key is not None:
                items = [e for e in items if e["visitor_key"] == visitor_key]
        elif visitor_key is not None:
            items = ds.events_of_visitor(visitor_key)
        else:
            items = ds.events_newest_first()
        if start is not None or end is not None:
            lo = datetime.combine(start, datetime.min.time(), UTC) if start else None
            hi = (
                datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC) if end else None
            )
            items = [
                e
                for e in items
                if (lo is None or parse_ts(e["received_at"]) >= lo)
                and (hi is None or parse_ts(e["received_at"]) < hi)
            ]
        return _paginate(items, query)

    def _by_date(self, ds: Dataset, media: Record, query: dict[str, list[str]]) -> _Response:
        start = _date_param(query, "start_date")
        end = _date_param(query, "end_date")
        today = datetime.now(UTC).date()
        if end is None:
            end = today if start is None or start <= today else start
        if start is None:
            start = end - timedelta(days=1)
        if start > end:
            return _json(200, [])
        return _json(200, ds.media_by_date(media, start, end))
