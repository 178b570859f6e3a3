"""The README's settings and streams tables match the code."""

from __future__ import annotations

import re
from pathlib import Path

from singer_sdk.helpers import capabilities

from tap_wistia.tap import TapWistia

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def table_rows(heading: str) -> list[list[str]]:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


# The SDK's own settings: it adds them to the class's schema in place when a tap runs, so
# depending on test order they may be there or not. The README points to `--about` for them.
SDK_SETTINGS = {
    name
    for config in (
        capabilities.STREAM_MAPS_CONFIG,
        capabilities.FLATTENING_CONFIG,
        capabilities.BATCH_CONFIG,
    )
    for name in config["properties"]
}


def test_settings_table_lists_every_tap_setting_with_its_default():
    properties = {
        name: schema
        for name, schema in TapWistia.config_jsonschema["properties"].items()
        if name not in SDK_SETTINGS
    }
    rows = {row[0]: row for row in table_rows("Settings") if not row[0].startswith(":-")}
    assert set(rows) == set(properties)
    for name, schema in properties.items():
        assert rows[name][2] == str(schema.get("default")), name
        assert rows[name][3] == schema["description"], name


def test_streams_table_matches_the_streams():
    tap = TapWistia(config={"api_token": "x"}, parse_env_config=False)
    rows = {row[0]: row for row in table_rows("Streams") if not row[0].startswith("---")}
    assert list(rows) == list(tap.streams)
    for name, stream in tap.streams.items():
        assert rows[name][2] == ", ".join(stream.primary_keys), name
        if stream.replication_key:
            assert stream.replication_key in rows[name][3], name


def test_quickstart_names_the_test_command_ci_runs():
    assert "bash scripts/test.sh" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert re.search(r"bash scripts/test\.sh", ci)
