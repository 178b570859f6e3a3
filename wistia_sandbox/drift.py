"""Schema drift: answers that carry fields the tap's schemas do not declare.

Wistia adds fields to its answers with each dated release. With ``FakeWistia(...,
undeclared_fields=True)`` (``python -m wistia_sandbox --undeclared-fields``) the records of
medias, events, visitors (the listing and by key) and the modern daily timeseries
(``media_analytics_daily``) carry ``UNDECLARED``: one field of each JSON type. Medias also
carry one inside a declared object (``thumbnail.drift_alt``) and one inside each item of a
declared array (``assets[].drift_cdn``). The OpenAPI documents declare no
``additionalProperties: false``, so the answers stay valid against them.

The fields are added to the answer, not to the dataset, so every derived figure and every
other endpoint is unchanged; projects and the other stats stay as they were (a stream
whose answers carry nothing new).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .http_plumbing import _Response

# One of each JSON type (a float and an integer), names no schema declares.
UNDECLARED: dict[str, Any] = {
    "drift_label": "added in a later release",
    "drift_score": 4.25,
    "drift_rank": 7,
    "drift_flag": True,
    "drift_none": None,
    "drift_details": {"source": "sandbox", "levels": [1, 2], "nested": {"ok": False}},
    "drift_tags": ["new", 3, {"k": "v"}],
}
THUMBNAIL_FIELD = "drift_alt"  # inside the declared `thumbnail` object of a media
THUMBNAIL_VALUE = "a thumbnail's alt text"
ASSET_FIELD = "drift_cdn"  # inside each declared `assets` item of a media
# (paths relative to /v1 without .json, or to /modern) -> which records gain the fields.
_DRIFTING = (
    (False, re.compile(r"^/medias(/[^/]+)?$"), "medias"),
    (False, re.compile(r"^/stats/events(/[^/]+)?$"), "events"),
    (False, re.compile(r"^/stats/visitors(/[^/]+)?$"), "visitors"),
    (True, re.compile(r"^/analytics/medias/[^/]+/timeseries$"), "media_analytics_daily"),
)


def drifting_stream(path: str, modern: bool) -> str | None:
    """The stream whose answer at `path` gains undeclared fields, if any."""
    for is_modern, pattern, stream in _DRIFTING:
        if is_modern == modern and pattern.match(path):
            return stream
    return None


def add_undeclared(response: _Response, path: str, modern: bool) -> None:
    """Rewrite a 200 answer at `path` with the undeclared fields; any other answer, and one
    a fault cut short (not JSON any more), is left as it is."""
    if response.status != 200 or drifting_stream(path, modern) is None:
        return
    try:
        body = json.loads(response.body)
    except ValueError:
        return
    response.body = json.dumps(with_undeclared(path, modern, body), ensure_ascii=False).encode()


def with_undeclared(path: str, modern: bool, body: Any) -> Any:
    """`body` (a decoded 200 answer) with the undeclared fields on each of its records."""
    stream = drifting_stream(path, modern)
    if stream is None:
        return body
    for record in body if isinstance(body, list) else [body]:
        if not isinstance(record, dict):
            continue
        record.update(copy.deepcopy(UNDECLARED))
        if stream == "medias":
            _media_nested(record)
    return body


def _media_nested(media: dict[str, Any]) -> None:
    thumbnail = media.get("thumbnail")
    if isinstance(thumbnail, dict):
        thumbnail[THUMBNAIL_FIELD] = THUMBNAIL_VALUE
    for position, asset in enumerate(media.get("assets") or []):
        if isinstance(asset, dict):
            asset[ASSET_FIELD] = f"edge-{position}"
