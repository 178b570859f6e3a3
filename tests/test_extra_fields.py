"""Fields the API sends that a schema does not declare reach the target in `extra_fields`
(one JSON column, also when the SDK flattens), named in one warning per stream and run."""

from __future__ import annotations

import contextlib
import io
import json
import logging

import pytest

from tap_wistia.streams.base import CleanRecordsStream
from tap_wistia.streams.extra_fields import EXTRA_FIELDS, UndeclaredFields
from tap_wistia.streams.registry import STREAM_TYPES
from tap_wistia.tap import TapWistia
from tests.drift_expected import DRIFTING, UNCHANGED, expected_extra_fields
from tests.tap_harness import FakeClock, run_sync, tap_config
from wistia_sandbox.drift import THUMBNAIL_FIELD, UNDECLARED

DATASET = {"seed": 5, "medias": 4, "visitors": 12, "events": 80, "days": 15}
SCHEMA = {
    "properties": {
        "id": {"type": ["string"]},
        "thumbnail": {"type": ["object", "null"], "properties": {"url": {"type": ["string"]}}},
        "assets": {
            "type": ["array", "null"],
            "items": {"type": ["object"], "properties": {"url": {"type": ["string"]}}},
        },
        "settings": {"type": ["object", "null"]},  # free-form: kept whole
        EXTRA_FIELDS: {"type": ["object", "null"]},
    }
}


def test_keep_moves_undeclared_fields_by_path_and_leaves_declared_ones() -> None:
    kept = UndeclaredFields()
    record = {
        "id": "a",
        "new": [1, {"x": None}],
        "thumbnail": {"url": "u", "alt": "text"},
        "assets": [{"url": "0", "cdn": "e0"}, {"url": "1"}, "odd"],
        "settings": {"anything": True},
        EXTRA_FIELDS: "sent by the API",
    }
    assert kept.keep(record, SCHEMA) == {
        "id": "a",
        "thumbnail": {"url": "u"},
        "assets": [{"url": "0"}, {"url": "1"}, "odd"],
        "settings": {"anything": True},
        EXTRA_FIELDS: {
            EXTRA_FIELDS: "sent by the API",
            "new": [1, {"x": None}],
            "thumbnail.alt": "text",
            "assets[].cdn": ["e0", None, None],
        },
    }
    assert kept.keep({"id": "b", "thumbnail": None}, SCHEMA)[EXTRA_FIELDS] is None
    assert kept.records_with == {
        EXTRA_FIELDS: 1, "new": 1, "thumbnail.alt": 1, "assets[].cdn": 1,
    }  # fmt: skip


def test_every_stream_declares_extra_fields_last_without_sub_properties() -> None:
    for stream in STREAM_TYPES:
        assert issubclass(stream, CleanRecordsStream), stream.name  # which fills it
        assert list(stream.schema["properties"])[-1] == EXTRA_FIELDS, stream.name
        assert stream.schema["properties"][EXTRA_FIELDS]["type"] == ["object", "null"]
        assert "properties" not in stream.schema["properties"][EXTRA_FIELDS], stream.name


def _expected_extra(stream: str, record: dict) -> dict:
    return expected_extra_fields(stream, len(record.get("assets") or []))


def test_undeclared_fields_arrive_unchanged_with_one_warning_per_stream(
    make_wistia, caplog: pytest.LogCaptureFixture
) -> None:
    srv = make_wistia(**DATASET)
    srv.undeclared_fields = True
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(srv))
    counts = result.record_counts()
    for stream in DRIFTING:
        records = result.records(stream)
        assert records, stream
        for record in records:
            assert record[EXTRA_FIELDS] == _expected_extra(stream, record), stream
            assert not set(UNDECLARED) & set(record), stream  # moved, not copied
        warnings = [m for m in caplog.messages if m.startswith(stream + ":")]
        drift = [w for w in warnings if "does not declare" in w]
        assert len(drift) == 1, (stream, warnings)
        for name in UNDECLARED:
            assert f"{name} ({counts[stream]} records)" in drift[0], (stream, name)
        assert "docs/adding-a-stream.md" in drift[0]
    assert f"thumbnail.{THUMBNAIL_FIELD} ({counts['medias']} records)" in caplog.text
    for quiet in UNCHANGED:
        assert result.records(quiet), quiet
        assert all(record[EXTRA_FIELDS] is None for record in result.records(quiet)), quiet
        assert not [r for r in caplog.records if r.getMessage().startswith(f"{quiet}: the API")]
    assert "not found in catalog schema" not in caplog.text  # nothing left for the SDK to drop


def test_without_new_fields_the_column_is_null_and_nothing_is_said(
    make_wistia, caplog: pytest.LogCaptureFixture
) -> None:
    srv = make_wistia(**DATASET)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(srv), streams=("projects", "medias", "events"))
    for stream in ("projects", "medias", "events"):
        assert result.records(stream)
        assert all(record[EXTRA_FIELDS] is None for record in result.records(stream))
    assert "does not declare" not in caplog.text


def test_flattening_writes_one_json_column(make_wistia) -> None:
    """As Meltano runs it (meltano/extractors.meltano.yml): one string column holding the
    object's JSON, never `extra_fields__<name>` columns."""
    srv = make_wistia(**DATASET)
    srv.undeclared_fields = True
    config = tap_config(srv, flattening_enabled=True, flattening_max_depth=3)
    result = run_sync(config, streams=("medias", "events"))
    schemas = {m["stream"]: m["schema"] for m in result.messages if m["type"] == "SCHEMA"}
    for stream in ("medias", "events"):
        properties = schemas[stream]["properties"]
        assert properties[EXTRA_FIELDS]["type"] == ["string", "null"], stream
        assert not [name for name in properties if name.startswith(EXTRA_FIELDS + "__")]
        for record in result.records(stream):
            assert not [name for name in record if name.startswith(EXTRA_FIELDS + "__")]
            assets = json.loads(record["assets"]) if record.get("assets") else None
            assert json.loads(record[EXTRA_FIELDS]) == _expected_extra(stream, {"assets": assets})
            assert "thumbnail__url" in record and "thumbnail__drift_alt" not in record


def test_deselecting_extra_fields_drops_them_and_still_names_them(
    make_wistia, caplog: pytest.LogCaptureFixture
) -> None:
    """The opt-out docs/adding-a-stream.md gives (`!*.extra_fields` in Meltano's select)."""
    srv = make_wistia(**DATASET)
    srv.undeclared_fields = True
    config = tap_config(srv)
    catalog = TapWistia(config=config, parse_env_config=False).catalog_dict
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] == "medias"
            if metadata["breadcrumb"] == ["properties", EXTRA_FIELDS]:
                metadata["metadata"]["selected"] = False
    tap = TapWistia(config=config, catalog=catalog, parse_env_config=False, clock=FakeClock())
    out = io.StringIO()
    with caplog.at_level(logging.WARNING), contextlib.redirect_stdout(out):
        tap.sync_all()
    records = [m["record"] for m in map(json.loads, out.getvalue().splitlines()) if "record" in m]
    assert len(records) == DATASET["medias"]
    assert not [r for r in records if EXTRA_FIELDS in r or set(UNDECLARED) & set(r)]
    assert f"drift_label ({DATASET['medias']} records)" in caplog.text
