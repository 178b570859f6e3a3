"""The pages name the zone the trend buckets are in, read like dbt reads it: the
environment, then the project's .env, then dbt_project.yml's default."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.reporting_zone import reporting_zone
from app.warehouse import REPO_ROOT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DBT_LINE = "  reporting_timezone: \"{{ env_var('DBT_REPORTING_TIMEZONE', 'Asia/Tokyo') }}\"\n"


def project(tmp_path, dotenv: str | None = None, dbt_line: str | None = DBT_LINE):
    (tmp_path / "transform").mkdir(parents=True)
    if dbt_line is not None:
        (tmp_path / "transform" / "dbt_project.yml").write_text(
            f"name: wistia\nvars:\n  views_filter: all\n{dbt_line}", encoding="utf-8"
        )
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    return tmp_path


def test_the_environment_wins(tmp_path):
    root = project(tmp_path, dotenv="DBT_REPORTING_TIMEZONE='Europe/Paris'\n")
    assert reporting_zone({"DBT_REPORTING_TIMEZONE": "America/New_York"}, root) == (
        "America/New_York"
    )


@pytest.mark.parametrize(
    "dotenv",
    [
        "TAP_WISTIA_API_TOKEN='x'\nDBT_REPORTING_TIMEZONE='Europe/Paris'\n",
        'export DBT_REPORTING_TIMEZONE="Europe/Paris"\n',
        "DBT_REPORTING_TIMEZONE=Europe/Paris\n",
    ],
)
def test_then_the_projects_dotenv(tmp_path, dotenv):
    assert reporting_zone({}, project(tmp_path, dotenv=dotenv)) == "Europe/Paris"


def test_then_the_default_of_dbt_projects_var(tmp_path):
    assert reporting_zone({"DBT_REPORTING_TIMEZONE": " "}, project(tmp_path)) == "Asia/Tokyo"
    literal = project(tmp_path / "literal", dbt_line="  reporting_timezone: 'Europe/Oslo'\n")
    assert reporting_zone({}, literal) == "Europe/Oslo"
    assert reporting_zone({}, project(tmp_path / "none", dbt_line=None)) == "UTC"


def test_the_projects_own_dbt_default_reads_as_utc(tmp_path):
    real = (REPO_ROOT / "transform" / "dbt_project.yml").read_text(encoding="utf-8")
    assert reporting_zone({}, project(tmp_path, dbt_line="")) == "UTC"
    (tmp_path / "transform" / "dbt_project.yml").write_text(
        real.replace("'UTC'", "'Pacific/Auckland'"), encoding="utf-8"
    )
    assert reporting_zone({}, tmp_path) == "Pacific/Auckland"  # the real line is parsed


def test_the_trends_page_and_sidebar_name_the_buckets_zone(tiny_warehouse, monkeypatch):
    monkeypatch.setenv("DBT_REPORTING_TIMEZONE", "America/New_York")
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "buckets of 1 day in America/New_York time" in at.caption[0].value
    assert "From (America/New_York)" in at.dataframe[0].value.columns
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "(UTC). Trend buckets: America/New_York time." in sidebar
