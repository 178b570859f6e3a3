"""Validation of sandbox responses against the Data API v1 OpenAPI document (spec/openapi/).

Split out of the former test_fake_wistia.py: test_sandbox_spec.py checks every response
kind with these, and the cursor-paging test checks its pages with them too.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = REPO_ROOT / "spec" / "openapi" / "wistia-data-api-v1-openapi.yml"
SPEC_URI = "urn:wistia-data-api-v1"
# Fields the live API returns although the v1 spec omits them (spec/openapi/README.md):
# visitor ``identifying_event_key``; media ``protected`` and the 401 body's ``code``
# (both documented in Wistia's 2026-01 dated document).
LIVE_EXTRA_FIELDS = {"identifying_event_key", "protected", "code"}


@functools.cache
def raw_spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@functools.cache
def spec() -> dict[str, Any]:
    """The v1 spec with its documented self-contradictions relaxed (and nothing else).

    * ``IncludesSubfolder.subfolder`` is described as "Null if the media is not in a
      subfolder" but typed as a plain object: allow null.
    * ``Visitor.last_event_key`` is "the event key for the last video play": a visitor who
      loaded but never played has none, so allow null.
    """
    doc = copy.deepcopy(raw_spec())
    schemas = doc["components"]["schemas"]
    sub = schemas["IncludesSubfolder"]["properties"]["subfolder"]
    schemas["IncludesSubfolder"]["properties"]["subfolder"] = {"anyOf": [{"type": "null"}, sub]}
    schemas["Visitor"]["properties"]["last_event_key"]["type"] = ["string", "null"]
    return doc


@functools.cache
def registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def response_pointer(path: str, status: str) -> str:
    """JSON pointer to the JSON schema of GET ``path``'s ``status`` response."""
    response = spec()["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        base = response["$ref"].lstrip("#")
    else:
        base = f"/paths/{_escape(path)}/get/responses/{status}"
    return f"{base}/content/application~1json/schema"


def validator(pointer: str) -> OAS31Validator:
    return OAS31Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=registry(),
        format_checker=oas31_format_checker,
    )


def response_validator(path: str, status: str = "200") -> OAS31Validator:
    return validator(response_pointer(path, status))


def schema_validator(name: str) -> OAS31Validator:
    return validator(f"/components/schemas/{name}")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    resolver = registry().resolver(base_uri=SPEC_URI)
    while "$ref" in schema:
        schema = resolver.lookup(schema["$ref"]).contents
    return schema


def _properties(schema: dict[str, Any]) -> dict[str, Any] | None:
    schema = _resolve(schema)
    found = "properties" in schema
    props = dict(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            more = _properties(sub)
            if more is not None:
                props.update(more)
                found = True
    return props if found else None


def undeclared(instance: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Paths of fields the schema does not declare (the spec itself allows extra fields)."""
    schema = _resolve(schema)
    out: list[str] = []
    if isinstance(instance, dict):
        props = _properties(schema)
        if props is None:
            return out
        for key, value in instance.items():
            if key not in props:
                if key not in LIVE_EXTRA_FIELDS:
                    out.append(f"{where}.{key}")
            else:
                out.extend(undeclared(value, props[key], f"{where}.{key}"))
    elif isinstance(instance, list):
        items = schema.get("items")
        if items is None:
            for sub in schema.get("allOf", []):
                items = _resolve(sub).get("items") or items
        if items is not None:
            for i, value in enumerate(instance):
                out.extend(undeclared(value, items, f"{where}[{i}]"))
    return out


def assert_valid(path: str, payload: Any, status: str = "200") -> None:
    """Validate a response body against the spec (types, formats, required) + no typos."""
    v = response_validator(path, status)
    errors = sorted(v.iter_errors(payload), key=lambda e: list(e.absolute_path))
    assert not errors, f"{path} {status}: " + "; ".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
    )
    extra = undeclared(payload, {"$ref": f"#{response_pointer(path, status)}"})
    assert not extra, f"{path} {status}: fields not in the spec: {extra[:10]}"


def declared_names(schema_name: str) -> set[str]:
    props = _properties({"$ref": f"#/components/schemas/{schema_name}"})
    assert props is not None
    return set(props)
