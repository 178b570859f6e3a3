"""The README's settings table and docs/streams.md's streams table match the code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tap_wistia.streams.registry import STREAM_TYPES
from tap_wistia.tap import TapWistia
from tests.settings_check import differences, own_settings, readme_fields

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
STREAMS_DOC = (ROOT / "docs" / "streams.md").read_text()


def table_rows(heading: str, text: str = README) -> list[list[str]]:
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_settings_table_says_what_the_tap_declares():
    # The SDK's standard settings are not in the table: the README points to `--about`.
    assert "| Setting | Kind | Required | Default | Description |" in README
    rows = [row for row in table_rows("Settings") if not row[0].startswith(":-")]
    columns = ["Kind", "Required", "Default", "Description"]
    found = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}
    expected = {name: readme_fields(name, schema) for name, schema in own_settings().items()}
    assert differences(expected, found, "README.md") == []
    assert list(found) == list(expected), "README.md: the Settings table is not in the tap's order"


def test_streams_table_matches_the_declarations():
    """One row per declared stream, in sync order, with its endpoint, keys and replication."""
    section = STREAMS_DOC.replace("# Streams\n", "## Streams\n", 1)
    rows = {r[0]: r for r in table_rows("Streams", section) if not r[0].startswith("---")}
    declared = [stream.name for stream in STREAM_TYPES]
    missing = [name for name in declared if name not in rows]
    assert not missing, f"docs/streams.md: add a row for {missing}"
    assert list(rows) == declared, "docs/streams.md: rows not in sync order"
    for stream in STREAM_TYPES:
        row = rows[stream.name]
        assert f"`{stream.path}" in row[1], f"docs/streams.md, {stream.name}: endpoint"
        assert row[2] == ", ".join(stream.primary_keys), f"docs/streams.md, {stream.name}: key"
        if stream.replication_key:
            assert stream.replication_key in row[3], f"docs/streams.md, {stream.name}"


def test_readme_links_the_streams_table():
    assert "[docs/streams.md](docs/streams.md)" in README.split("## Streams\n", 1)[1]


def test_quickstart_names_the_test_command_ci_runs():
    assert "bash scripts/test.sh" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert re.search(r"bash scripts/test\.sh", ci)


# Every command of the README's ```bash blocks, and the test that runs it (with the
# sandbox instead of Wistia, and the test's own folders).
COVERED_BY = {
    "bash scripts/quickstart.sh": (
        "tests/pipeline/test_sandbox.py::test_quickstart_on_the_sandbox_and_its_closing_hints"
    ),
    # What CI runs (.ci/run), checked by test_quickstart_names_the_test_command_ci_runs.
    "bash scripts/test.sh": "tests/test_readme.py::test_quickstart_names_the_test_command_ci_runs",
    "bash scripts/dashboard.sh": "tests/app/test_browser.py::test_app_in_chromium",
    "bash scripts/sandbox.sh meltano run tap-wistia target-csv dbt-duckdb:build-from-csv": (
        "tests/pipeline/test_sandbox.py::"
        "test_sandbox_one_liner_runs_the_csv_pipeline_without_a_token"
    ),
    "meltano config set --store=dotenv tap-wistia api_token YOUR_TOKEN": (
        "tests/pipeline/test_readme_commands.py::test_config_commands_leave_meltano_yml_alone"
    ),
    "meltano config set --store=dotenv tap-wistia start_date 2025-01-01T00:00:00Z": (
        "tests/pipeline/test_readme_commands.py::test_config_commands_leave_meltano_yml_alone"
    ),
    "meltano config list tap-wistia": (
        "tests/pipeline/test_readme_commands.py::test_config_commands_leave_meltano_yml_alone"
    ),
    "meltano run tap-wistia target-duckdb dbt-duckdb:build": (
        "tests/pipeline/test_duckdb.py::test_duckdb_pipeline"
    ),
    "meltano run tap-wistia target-csv dbt-duckdb:build-from-csv": (
        "tests/pipeline/test_csv.py::test_runs_keep_every_record_and_build_the_export"
    ),
}


def readme_commands(readme: str = README) -> list[str]:
    """The shell commands of the README's ```bash blocks, without their comments."""
    commands = []
    for block in re.findall(r"^```bash\n(.*?)^```", readme, flags=re.S | re.M):
        for line in block.splitlines():
            command = re.split(r"\s+#", line, maxsplit=1)[0].strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def test_readme_is_a_short_front_door():
    assert len(README.splitlines()) <= 250
    headings = [line[3:] for line in README.splitlines() if line.startswith("## ")]
    assert headings[:7] == [
        "Quickstart",
        "Running it on your account",
        "Settings",
        "Streams",
        "Troubleshooting",
        "Security notes",
        "More",
    ]


def test_every_readme_command_is_run_by_a_named_test():
    assert readme_commands() == list(COVERED_BY)
    root = Path(__file__).resolve().parents[1]
    for command, test in COVERED_BY.items():
        path, name = test.split("::")
        source = (root / path).read_text()
        assert f"def {name}(" in source, test
        words = command.split()
        if words[0] == "meltano":
            # The test runs these very arguments (through the project's meltano).
            quoted = ",".join(f'"{w}"' for w in words[1:])
            compact = re.sub(r"\s+", "", source)
            assert quoted in compact or "readme_commands(" in source, (command, test)
        else:
            assert words[1] in source, (command, test)


def test_about_names_both_apis_and_every_setting():
    about = subprocess.run(
        [sys.executable, "-m", "tap_wistia", "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(about.stdout)
    assert "Data API v1" in info["description"] and "modern" in info["description"]
    assert "webinars" in info["description"]
    assert set(TapWistia.config_jsonschema["properties"]) <= set(info["settings"]["properties"])
