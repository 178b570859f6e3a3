"""Fields a response carries that the stream's schema does not declare: kept, and reported.

Wistia ships a dated release every few months and adds fields to its answers. The SDK drops
every field its schema does not declare (one log line per run says so); here nothing is lost:

- every stream's schema gains one property, `extra_fields` (an object, added by the base
  stream `CleanRecordsStream` to every declared schema, so a stream added later has it with
  no code);
- each record's undeclared fields move into it, keyed by name, values unchanged (any JSON
  type; repaired like every value by `sanitise` first, so a loader can take them). A record
  that carries none has `extra_fields` null, so a table's column is null until the day
  Wistia adds something. A field the API itself names `extra_fields` is kept in it under
  that name;
- a field undeclared inside a declared object (a new `thumbnail.alt` on medias) is kept
  under its dotted path (`"thumbnail.alt"`); inside the objects of a declared array (a new
  `url_v2` on each of a media's `assets`), under `"assets[].url_v2"`, as a list with one
  value per item of the array, in its order (null for an item without the field), so
  `extra_fields['assets[].url_v2'][i]` belongs to `assets[i]`. A free-form object (one
  the schema gives no properties) has nothing undeclared: it is kept whole already;
- one WARNING per stream at the end of its sync names each new field with the number of
  records that carried it, and says how to promote one to a typed column
  (docs/adding-a-stream.md, "A field Wistia added").

`extra_fields` is declared without sub-properties, which keeps its content out of the
SDK's type conforming (which would drop every key it does not know) and out of its
flattening: with `flattening_enabled` (meltano/extractors.meltano.yml) a property without
sub-properties is flattened to ONE string column holding the object's JSON, never to
`extra_fields__<name>` columns that would appear and change type as Wistia adds fields.
Without flattening, loaders get an object (JSON/JSONB/VARIANT by target). Flattened, every
loader types the column as the flattened schema says, text: VARCHAR in the in-repo DuckDB
loader too, like the array columns (`assets`, `engagement_data`), rather than a rule that
singles out one column name; DuckDB's JSON operators read it as is
(`extra_fields->>'$.name'`), and staging casts it to the warehouse's JSON type.
"""

from __future__ import annotations

import typing as t
from collections import Counter

if t.TYPE_CHECKING:
    import logging

EXTRA_FIELDS = "extra_fields"
PROMOTE_DOC = "docs/adding-a-stream.md, 'A field Wistia added'"
EXTRA_FIELDS_PROPERTY: dict[str, t.Any] = {
    "type": ["object", "null"],
    "description": "Fields the API sent that the stream's schema does not declare "
    "(dotted paths for nested ones); null when there were none.",
}


def with_extra_fields(schema: dict) -> dict:
    """`schema` with the `extra_fields` property last (unchanged if it has it)."""
    properties = schema.get("properties", {})
    if EXTRA_FIELDS in properties:
        return schema
    return {**schema, "properties": {**properties, EXTRA_FIELDS: dict(EXTRA_FIELDS_PROPERTY)}}


def _undeclared(node: dict, schema: dict, prefix: str, found: dict[str, t.Any]) -> None:
    """Pop from `node` every field `schema` does not declare into `found`, by dotted path."""
    properties = schema.get("properties")
    if properties is None:
        return  # a free-form object: everything in it is declared
    for key in list(node):
        if key not in properties:
            found[f"{prefix}{key}"] = node.pop(key)
            continue
        value, declared = node[key], properties[key]
        if isinstance(value, dict):
            _undeclared(value, declared, f"{prefix}{key}.", found)
        elif isinstance(value, list) and "properties" in declared.get("items", {}):
            _undeclared_in_items(value, declared["items"], f"{prefix}{key}[].", found)


def _undeclared_in_items(items: list, schema: dict, prefix: str, found: dict[str, t.Any]) -> None:
    per_item: list[dict[str, t.Any]] = []
    for item in items:
        extra: dict[str, t.Any] = {}
        if isinstance(item, dict):
            _undeclared(item, schema, "", extra)
        per_item.append(extra)
    for name in dict.fromkeys(name for extra in per_item for name in extra):
        found[f"{prefix}{name}"] = [extra.get(name) for extra in per_item]


class UndeclaredFields:
    """Moves each record's undeclared fields into `extra_fields`, and counts them (one per
    stream and run)."""

    def __init__(self) -> None:
        self.records_with: Counter[str] = Counter()  # field path -> records that carried it

    def keep(self, record: dict, schema: dict) -> dict:
        """`record` with its undeclared fields moved into `extra_fields` (None if none)."""
        found: dict[str, t.Any] = {}
        if EXTRA_FIELDS in record:  # the API's own field of that name: kept under its name
            found[EXTRA_FIELDS] = record.pop(EXTRA_FIELDS)
        _undeclared(record, schema, "", found)
        self.records_with.update(found.keys())
        record[EXTRA_FIELDS] = found or None
        return record

    def report(self, stream_name: str, logger: logging.Logger) -> None:
        """One warning naming every new field, if the stream saw any."""
        if not self.records_with:
            return
        fields = ", ".join(
            f"{name} ({count} record{'s' if count != 1 else ''})"
            for name, count in sorted(self.records_with.items())
        )
        logger.warning(
            "%s: the API sent %d field(s) the schema does not declare, kept in the "
            "extra_fields column: %s. To load one as a typed column, declare it in the "
            "stream's schema (%s).",
            stream_name,
            len(self.records_with),
            fields,
            PROMOTE_DOC,
        )
