"""Snowflake cannot run offline: the models must parse and compile with its adapter, and
the loader must install and describe itself."""

from __future__ import annotations

import json

SNOWFLAKE_ENV = {
    "DBT_SNOWFLAKE_ACCOUNT": "example-account",
    "DBT_SNOWFLAKE_USER": "transformer",
    "DBT_SNOWFLAKE_PASSWORD": "not-a-secret",
    "DBT_SNOWFLAKE_ROLE": "TRANSFORMER",
    "DBT_SNOWFLAKE_WAREHOUSE": "TRANSFORMING",
    "DBT_SNOWFLAKE_DATABASE": "ANALYTICS_DB",
}


def test_dbt_snowflake_parses_and_compiles(pipeline_env):
    pipeline_env.env.update(SNOWFLAKE_ENV)
    # Compile the adapter-specific branches of the gold marts and the privacy macros too.
    pipeline_env.env.update(DBT_REPORTING_TIMEZONE="Europe/Paris", DBT_EMAIL_PRIVACY="hash")
    pipeline_env.run("invoke", "dbt-snowflake:parse")
    # No connection: do not populate the relation cache nor run introspective queries.
    pipeline_env.run("invoke", "dbt-snowflake", "compile", "--no-populate-cache", "--no-introspect")

    compiled = pipeline_env.workdir / "dbt_target" / "compiled" / "wistia" / "models"
    cells = (compiled / "staging" / "stg_wistia__media_engagement_cells.sql").read_text()
    assert "lateral flatten(input => parse_json(" in cells
    projects = (compiled / "staging" / "stg_wistia__projects.sql").read_text()
    assert '"HASHEDID"' in projects and "TAP_WISTIA.projects" in projects
    views = (compiled / "marts" / "wistia_views.sql").read_text()
    assert '"Employment Organization"' in views
    # The detailed export is a table everywhere; the CSV writer is DuckDB-only.
    exports = compiled / "marts" / "export"
    assert sorted(p.name for p in exports.glob("*.sql")) == ["wistia_views_detailed.sql"]
    assert '"Media ID"' in (exports / "wistia_views_detailed.sql").read_text()
    trends = (compiled / "marts" / "play_trends.sql").read_text()
    assert "convert_timezone('UTC', 'Europe/Paris'," in trends
    assert "array_generate_range(0, r.hour_count)" in trends
    for mart in (
        "media_overview",
        "play_trends_account",
        "lead_ready_viewers",
        "media_traffic_monthly",
        "media_conversions_daily",
    ):
        assert (compiled / "marts" / f"{mart}.sql").exists()
    events = (compiled / "staging" / "stg_wistia__events.sql").read_text()
    assert "lower(sha2(" in events and '"IP"' in events


def test_target_snowflake_about(pipeline_env):
    about = pipeline_env.run("invoke", "target-snowflake", "--about", "--format=json").stdout
    payload = json.loads(about[about.index("{") :])
    assert payload["name"] == "target-snowflake"
    assert {"account", "user", "database"} <= set(payload["settings"]["properties"])
