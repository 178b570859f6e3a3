"""Each stream is declared once (`tap_wistia.streams.base`); these tests check what is
derived from the declarations, and name the file to change when a place falls behind.

Checked elsewhere against the same declarations: the streams table (docs/streams.md)
(`test_readme.py`), the dbt sources, Meltano's selection, and the sandbox serving every
stream (`test_streams.py::test_primary_keys_are_unique` needs records from each).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tap_wistia.streams.registry import STREAM_TYPES, dependencies, sync_order
from tests.pipeline.expected import STREAM_COLUMNS

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec" / "openapi"


def spec_paths(name: str) -> set[str]:
    doc = yaml.safe_load((SPEC_DIR / name).read_text())
    return {re.sub(r"\{[^}]+\}", "{}", path) for path, ops in doc["paths"].items() if "get" in ops}


def test_every_stream_syncs_after_what_it_depends_on():
    position = {stream.name: index for index, stream in enumerate(STREAM_TYPES)}
    for stream in STREAM_TYPES:
        for name in dependencies(stream):
            assert position[name] < position[stream.name], (stream.name, name)
    # The whole order, so that a change to it is a decision, not an accident of imports.
    assert list(position) == [
        "projects", "medias", "events", "visitors", "account", "folders", "subfolders",
        "folder_sharings", "tags", "channels", "channel_episodes", "allowed_domains",
        "media_stats", "media_engagement",
        "media_daily_stats", "media_analytics_daily", "media_traffic", "media_conversions",
        "media_embed_locations", "media_languages", "webinars", "webinar_analytics",
        "webinar_audience", "webinar_registrations", "webinar_traffic", "webinar_histograms",
        "captions", "localizations", "customizations", "account_daily_stats", "project_stats",
        "media_analytics_summary",
    ]  # fmt: skip


@dataclass
class Declared:
    name: str
    parent: str | None = None
    planned_from: tuple[str, ...] = ()


def test_sync_order_keeps_declaration_order_where_nothing_depends():
    order = sync_order([Declared("b", planned_from=("c",)), Declared("a"), Declared("c")])  # type: ignore[list-item]
    assert [stream.name for stream in order] == ["c", "b", "a"]


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ([Declared("a", parent="b"), Declared("b", planned_from=("a",))], "cycle: a -> b -> a"),
        ([Declared("a", parent="typo")], "'a' depends on undeclared stream 'typo'"),
    ],
)
def test_sync_order_refuses_a_cycle_or_an_unknown_stream(declared, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        sync_order(declared)


def test_every_declared_endpoint_is_a_get_in_wistias_openapi_documents():
    v1 = spec_paths("wistia-data-api-v1-openapi.yml")
    modern = spec_paths("wistia-data-api-2026-03-openapi.yml")
    for stream in STREAM_TYPES:
        path = re.sub(r"\{[^}]+\}", "{}", stream.path)
        assert path in v1 | modern, f"{stream.name}: {stream.path} is in no OpenAPI document"


def test_pipeline_expectations_cover_every_stream():
    declared = [stream.name for stream in STREAM_TYPES]
    missing = sorted(set(declared) - set(STREAM_COLUMNS))
    assert not missing, f"tests/pipeline/expected.py, STREAM_COLUMNS: add {missing}"
    assert sorted(STREAM_COLUMNS) == sorted(declared), "tests/pipeline/expected.py: undeclared"
