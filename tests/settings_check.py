"""The tap's settings (tests/declared.py) as the places that repeat them must spell them:
Meltano's setting entries and the README's "Settings" table. Both checks compare field by
field with `differences`, so a failure names the setting, the field and the file."""

from __future__ import annotations

import json
import typing as t

from singer_sdk.helpers import capabilities

from tests.declared import settings_schema

# The SDK's standard settings (the tap accepts them too; `settings.schema.SCHEMA` holds only
# the tap's own). Their texts are the SDK's.
SDK_SETTINGS: dict[str, dict[str, t.Any]] = {
    name: schema
    for config in (
        capabilities.STREAM_MAPS_CONFIG,
        capabilities.FLATTENING_CONFIG,
        capabilities.BATCH_CONFIG,
    )
    for name, schema in config["properties"].items()
}
Fields = dict[str, t.Any]


def own_settings() -> dict[str, Fields]:
    """The tap's own settings (without the SDK's), in the tap's order."""
    return dict(settings_schema()["properties"])


def required_settings() -> set[str]:
    return set(settings_schema().get("required", []))


def meltano_kind(schema: Fields) -> str:
    """The Meltano `kind` for a JSON-schema property. Secrets are `string` + `sensitive:
    true`: Meltano 4 deprecates `kind: password` (and warns on every command)."""
    if schema.get("format") == "date-time":
        return "date_iso8601"
    if "enum" in schema:
        return "options"
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    (kind,) = [name for name in types if name != "null"]
    return kind


def meltano_fields(schema: Fields) -> Fields:
    """What a Meltano setting entry must say for a tap setting."""
    fields: Fields = {
        "kind": meltano_kind(schema),
        "value": schema.get("default"),
        "label": schema.get("title"),
        "description": schema.get("description"),
        "sensitive": bool(schema.get("secret")),
    }
    if "enum" in schema:
        fields["options"] = list(schema["enum"])
    return fields


def meltano_entry_fields(entry: Fields) -> Fields:
    """The same fields read from a Meltano setting entry (option values only)."""
    return {
        "kind": entry.get("kind"),
        "value": entry.get("value"),
        "label": entry.get("label"),
        "description": entry.get("description"),
        "sensitive": bool(entry.get("sensitive")),
        "options": [option["value"] for option in entry.get("options", [])],
    }


def readme_kind(schema: Fields) -> str:
    """The Kind cell: Meltano's kind in words a reader knows (`all / active` for options)."""
    kind = meltano_kind(schema)
    if kind == "options":
        return " / ".join(schema["enum"])
    return {"date_iso8601": "date-time", "array": "list"}.get(kind, kind)


def readme_fields(name: str, schema: Fields) -> Fields:
    """What the README's row for a tap setting must say (its cells are text)."""
    return {
        "Kind": readme_kind(schema),
        "Required": str(name in required_settings()),
        "Default": str(schema.get("default")),
        "Description": schema["description"],
    }


def differences(expected: dict[str, Fields], actual: dict[str, Fields], where: str) -> list[str]:
    """One line per setting missing, extra, or with a field that differs from the tap's."""
    lines = [f"{where}: setting {name} is missing" for name in expected if name not in actual]
    lines += [f"{where}: setting {name} is not the tap's" for name in actual.keys() - expected]
    for name in expected.keys() & actual.keys():
        for field, value in expected[name].items():
            found = actual[name].get(field)
            # JSON text, so that 0 and false, or 1 and "1", do not pass for each other.
            if json.dumps(found) != json.dumps(value):
                lines.append(
                    f"{where}: setting {name}, field {field}: {found!r} (the tap: {value!r})"
                )
    return sorted(lines)
