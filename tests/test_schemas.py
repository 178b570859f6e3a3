"""Each declared stream's schema carries every field of Wistia's official response definition
(the v1 document, or the 2026-03 one for the modern API)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tap_wistia.streams import schemas_v1 as schemas
from tap_wistia.streams.base import ModernApi
from tap_wistia.streams.registry import STREAM_TYPES

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec" / "openapi"
SPEC_PATH = SPEC_DIR / "wistia-data-api-v1-openapi.yml"
MODERN_SPEC_PATH = SPEC_DIR / "wistia-data-api-2026-03-openapi.yml"

# JSON types the tap may use for a spec type; `oneOf [integer, string]` is emitted as string.
COMPATIBLE = {
    "integer": {"integer"},
    "number": {"number"},
    "string": {"string"},
    "boolean": {"boolean"},
    "object": {"object"},
    "array": {"array"},
}


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text())


def resolve(spec: dict, node: dict) -> dict:
    """Follow $ref and merge allOf into one object schema."""
    while "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    if "allOf" in node:
        merged: dict = {"type": "object", "properties": {}}
        for part in node["allOf"]:
            merged["properties"].update(resolve(spec, part).get("properties", {}))
        extra = {k: v for k, v in node.items() if k != "allOf"}
        merged["properties"].update(extra.get("properties", {}))
        return merged
    return node


def spec_types(spec: dict, node: dict) -> set[str]:
    node = resolve(spec, node)
    if "oneOf" in node:
        return (
            {"string"}
            if any(resolve(spec, n).get("type") == "string" for n in node["oneOf"])
            else set()
        )
    declared = node.get("type", "object" if "properties" in node else None)
    declared = declared if isinstance(declared, list) else [declared]
    return {t for t in declared if t and t != "null"}


# Paging metadata, not data: the medias and folders streams page by `cursor` and leave it
# out of their records (a record's cursor changes with the sort order asked for); the
# modern lists declare it on every record.
PAGING_FIELDS = {
    "/medias.cursor", "/folders.cursor", "/folders/{folderId}/subfolders.cursor",
    "/folders/{folderId}/sharings.cursor", "/tags.cursor", "/channels.cursor",
    "/channel_episodes.cursor", "/allowed_domains.cursor",
    "/medias/{mediaHashedId}/captions.cursor",
}  # fmt: skip
# A secret: the media's viewing password, in clear; dropped before anything sees it.
WITHHELD_FIELDS = {"/medias/{mediaId}/customizations.encrypted"}


def missing_or_mistyped(spec: dict, spec_node: dict, tap_node: dict, where: str) -> list[str]:
    problems = []
    spec_node = resolve(spec, spec_node)
    for name, field in spec_node.get("properties", {}).items():
        path = f"{where}.{name}"
        if path in PAGING_FIELDS | WITHHELD_FIELDS:
            continue
        tap_field = tap_node.get("properties", {}).get(name)
        if tap_field is None:
            problems.append(f"{path}: missing from the tap schema")
            continue
        wanted = spec_types(spec, field)
        tap_types = set(
            tap_field["type"] if isinstance(tap_field["type"], list) else [tap_field["type"]]
        )
        tap_types.discard("null")
        allowed = set().union(*(COMPATIBLE[t] for t in wanted)) if wanted else tap_types
        if not tap_types & allowed:
            problems.append(f"{path}: spec type {sorted(wanted)}, tap type {sorted(tap_types)}")
            continue
        resolved = resolve(spec, field)
        # An object declared without properties is kept whole (one JSON column).
        if "object" in wanted and "properties" in tap_field:
            problems += missing_or_mistyped(spec, resolved, tap_field, path)
        if "array" in wanted and "items" in resolved:
            problems += missing_or_mistyped(
                spec, resolved["items"], tap_field["items"], f"{path}[]"
            )
    return problems


def response_schema(spec: dict, path: str) -> dict:
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = resolve(spec, schema)
    return resolve(spec, schema["items"]) if schema.get("type") == "array" else schema


def declared_cases(*, modern: bool) -> list[tuple[str, dict]]:
    """(OpenAPI path, tap schema) of every declared stream of one API: a new stream's
    schema is checked against the spec without editing this file."""
    spec = yaml.safe_load((MODERN_SPEC_PATH if modern else SPEC_PATH).read_text())
    by_shape = {re.sub(r"\{[^}]+\}", "{}", path): path for path in spec["paths"]}
    return [
        (by_shape[re.sub(r"\{[^}]+\}", "{}", stream.path)], stream.schema)
        for stream in STREAM_TYPES
        if issubclass(stream, ModernApi) == modern
    ]


CASES = declared_cases(modern=False)


@pytest.mark.parametrize(("path", "tap_schema"), CASES, ids=[c[0] for c in CASES])
def test_stream_schema_covers_the_official_response(spec, path, tap_schema):
    official = response_schema(spec, path)
    assert official.get("properties"), f"no properties found for {path}"
    assert missing_or_mistyped(spec, official, tap_schema, path) == []


MODERN_CASES = declared_cases(modern=True)


@pytest.fixture(scope="module")
def modern_spec() -> dict:
    return yaml.safe_load(MODERN_SPEC_PATH.read_text())


@pytest.mark.parametrize(("path", "tap_schema"), MODERN_CASES, ids=[c[0] for c in MODERN_CASES])
def test_analytics_schema_covers_the_2026_03_response(modern_spec, path, tap_schema):
    official = response_schema(modern_spec, path)
    if "data" in official.get("properties", {}):  # a cursor page: the records are its data
        official = resolve(modern_spec, official["properties"]["data"]["items"])
    assert official.get("properties"), f"no properties found for {path}"
    assert missing_or_mistyped(modern_spec, official, tap_schema, path) == []


def test_the_walker_catches_a_missing_or_mistyped_field(spec):
    official = response_schema(spec, "/stats/visitors")
    broken = {
        "properties": {
            **{k: v for k, v in schemas.VISITOR["properties"].items() if k != "last_event_key"},
            "load_count": {"type": ["string", "null"]},
        }
    }
    problems = missing_or_mistyped(spec, official, broken, "visitors")
    assert "visitors.last_event_key: missing from the tap schema" in problems
    assert any(p.startswith("visitors.load_count: spec type ['integer']") for p in problems)


def test_fields_beyond_the_spec_are_kept():
    assert "identifying_event_key" in schemas.VISITOR["properties"]
    assert "protected" in schemas.MEDIA["properties"]
