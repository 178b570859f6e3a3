"""meltano.yml: every plugin is custom (no Hub), settings match the tap, versions pinned."""

from __future__ import annotations

from pathlib import Path

import yaml

from tap_wistia.tap import TapWistia

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT = yaml.safe_load((REPO_ROOT / "meltano.yml").read_text())


def plugins() -> list[tuple[str, dict]]:
    return [(kind, p) for kind, items in PROJECT["plugins"].items() for p in items]


def plugin(name: str) -> dict:
    return next(p for _, p in plugins() if p["name"] == name)


def test_project_settings():
    assert PROJECT["requires_meltano"] == ">=4.0"
    assert "version" not in PROJECT
    assert PROJECT["send_anonymous_usage_stats"] is False
    assert PROJECT["cli"]["disable_version_check"] is True
    assert PROJECT["default_environment"] == "dev"
    assert {e["name"] for e in PROJECT["environments"]} == {"dev", "prod", "sandbox"}


def test_every_plugin_is_custom():
    names = {kind: sorted(p["name"] for p in items) for kind, items in PROJECT["plugins"].items()}
    assert names == {
        "extractors": ["tap-wistia"],
        "loaders": ["target-csv", "target-duckdb", "target-postgres", "target-snowflake"],
        "utilities": ["dbt-duckdb", "dbt-postgres", "dbt-snowflake"],
    }
    for _, p in plugins():
        assert "variant" not in p, p["name"]
        assert "inherit_from" not in p, p["name"]
        for key in ("namespace", "pip_url", "executable", "settings"):
            assert p.get(key), f"{p['name']} lacks {key}"
    assert not list(REPO_ROOT.glob("plugins/**/*.lock"))


def test_pins():
    assert plugin("tap-wistia")["pip_url"] == "-e ."
    assert plugin("target-csv")["pip_url"].startswith("meltanolabs-target-csv")
    assert plugin("target-postgres")["pip_url"].startswith("meltanolabs-target-postgres")
    assert plugin("target-snowflake")["pip_url"].startswith("meltanolabs-target-snowflake")
    # target-duckdb 0.8.0 drops the first record of each batch with duckdb >= 1.3.
    assert "duckdb==1.2.2" in plugin("target-duckdb")["pip_url"].split()
    assert "duckdb==1.2.2" in plugin("dbt-duckdb")["pip_url"].split()
    for name in ("dbt-duckdb", "dbt-postgres", "dbt-snowflake"):
        assert "dbt-core~=1.11.0" in plugin(name)["pip_url"].split(), name


def test_every_tap_setting_is_declared():
    declared = {s["name"]: s for s in plugin("tap-wistia")["settings"]}
    assert set(TapWistia.config_jsonschema["properties"]) <= set(declared)
    assert declared["api_token"].get("sensitive") is True
    config = plugin("tap-wistia")["config"]
    assert config["flattening_enabled"] is True
    assert config["flattening_max_depth"] == 3


def test_dbt_profiles_exist():
    for kind in ("duckdb", "postgres", "snowflake"):
        profile = yaml.safe_load(
            (REPO_ROOT / "transform" / "profiles" / kind / "profiles.yml").read_text()
        )
        assert profile["meltano"]["outputs"]["dev"]["type"] == kind
