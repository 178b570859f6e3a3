"""The Meltano project (meltano.yml and the meltano/*.meltano.yml files it includes): every
plugin is custom (no Hub), the tap's settings are the tap's, versions pinned."""

from __future__ import annotations

import yaml

from tap_wistia.settings.validation import known_settings
from tests.meltano_project import (
    MELTANO_YML,
    REPO_ROOT,
    load_project,
    plugins,
    project_files,
    read_yaml,
)
from tests.settings_check import (
    SDK_SETTINGS,
    differences,
    meltano_entry_fields,
    meltano_fields,
    meltano_kind,
    own_settings,
)
from tests.target_duckdb.pins import DUCKDB_PIN

PROJECT = load_project()
PLUGINS = plugins()


def plugin(name: str) -> dict:
    return PLUGINS[name].definition


def test_project_settings():
    assert PROJECT["requires_meltano"] == ">=4.0"
    assert "version" not in PROJECT
    assert PROJECT["send_anonymous_usage_stats"] is False
    assert PROJECT["cli"]["disable_version_check"] is True
    assert PROJECT["default_environment"] == "dev"
    assert {e["name"] for e in PROJECT["environments"]} == {"dev", "prod", "sandbox"}


def test_meltano_yml_is_the_project_and_meltano_holds_one_file_per_kind():
    top = read_yaml(REPO_ROOT / MELTANO_YML)
    assert top["include_paths"] == ["./meltano/*.meltano.yml"]
    assert not {"plugins", "jobs", "schedules"} & set(top)
    assert len((REPO_ROOT / MELTANO_YML).read_text().splitlines()) <= 80  # read at a glance
    # Every file in meltano/ is included: a misnamed one would be ignored without a word.
    files = sorted((REPO_ROOT / "meltano").iterdir())
    assert files == sorted(project_files()[1:])
    for path in files:
        content, kind = read_yaml(path), path.name.removesuffix(".meltano.yml")
        if kind == "jobs":
            assert set(content) <= {"jobs", "schedules"}, path.name
        else:  # meltano/<kind>.meltano.yml declares plugins of that kind only
            assert set(content) == {"plugins"} and set(content["plugins"]) == {kind}, path.name


def test_every_plugin_is_custom():
    names = {kind: sorted(p["name"] for p in items) for kind, items in PROJECT["plugins"].items()}
    assert names == {
        "extractors": ["tap-wistia"],
        "loaders": ["target-csv", "target-duckdb", "target-postgres", "target-snowflake"],
        "utilities": ["dbt-duckdb", "dbt-postgres", "dbt-snowflake"],
    }
    for name in PLUGINS:
        p = plugin(name)
        assert "variant" not in p, name
        assert "inherit_from" not in p, name
        for key in ("namespace", "pip_url", "executable", "settings"):
            assert p.get(key), f"{name} lacks {key}"
    assert not list(REPO_ROOT.glob("plugins/**/*.lock"))


def test_pins():
    assert plugin("tap-wistia")["pip_url"] == "-e ."
    assert plugin("target-csv")["pip_url"].startswith("meltanolabs-target-csv")
    assert plugin("target-postgres")["pip_url"].startswith("meltanolabs-target-postgres")
    assert plugin("target-snowflake")["pip_url"].startswith("meltanolabs-target-snowflake")
    # The DuckDB loader is the project's own, installed with the duckdb of its extra;
    # dbt-duckdb has the same duckdb, so both (and the app) open the same file.
    assert plugin("target-duckdb")["pip_url"] == "-e .[duckdb-loader]"
    assert f"duckdb=={DUCKDB_PIN}" in plugin("dbt-duckdb")["pip_url"].split()
    for name in ("dbt-duckdb", "dbt-postgres", "dbt-snowflake"):
        assert "dbt-core~=1.11.0" in plugin(name)["pip_url"].split(), name


def test_tap_settings_say_what_the_tap_declares():
    tap = PLUGINS["tap-wistia"]
    where = str(tap.path.relative_to(REPO_ROOT))
    # Extras (`_...`) are Meltano's, not the tap's.
    entries = {s["name"]: s for s in tap.definition["settings"] if not s["name"].startswith("_")}
    sdk = {name: entries.pop(name) for name in SDK_SETTINGS.keys() & entries.keys()}
    expected = {name: meltano_fields(schema) for name, schema in own_settings().items()}
    found = {name: meltano_entry_fields(entry) for name, entry in entries.items()}
    assert differences(expected, found, where) == []
    assert list(found) == list(expected), f"{where}: the tap's settings are not in its order"
    # The SDK's standard settings: every one the tap accepts, of the SDK's kind.
    assert set(sdk) == known_settings() - set(own_settings()), where
    for name, entry in sdk.items():
        assert entry["kind"] == meltano_kind(SDK_SETTINGS[name]), f"{where}: setting {name}, kind"
    config = tap.definition["config"]
    assert config["flattening_enabled"] is True
    assert config["flattening_max_depth"] == 3


def test_every_stream_is_selected():
    # No `select` anywhere: Meltano's default (`*.*`) then selects every stream the tap
    # discovers, so a new stream is never left out without a word.
    assert "select" not in plugin("tap-wistia")
    for environment in PROJECT["environments"]:
        for extractor in (environment.get("config") or {}).get("plugins", {}).get("extractors", []):
            assert "select" not in extractor, environment["name"]


def test_singer_sdk_plugins_log_without_metrics_alike():
    entries = {
        name: next(s for s in plugin(name)["settings"] if s["name"] == "_sdk_log_config")
        for name in ("tap-wistia", "target-csv", "target-postgres", "target-snowflake")
    }
    assert all(entry == entries["tap-wistia"] for entry in entries.values()), entries
    assert (REPO_ROOT / entries["tap-wistia"]["value"]).is_file()


def test_dbt_profiles_exist():
    for kind in ("duckdb", "postgres", "snowflake"):
        profile = yaml.safe_load(
            (REPO_ROOT / "transform" / "profiles" / kind / "profiles.yml").read_text()
        )
        assert profile["meltano"]["outputs"]["dev"]["type"] == kind
        settings = {s["name"]: s for s in plugin(f"dbt-{kind}")["settings"]}
        assert settings["profiles_dir"]["value"].endswith(f"/transform/profiles/{kind}")
