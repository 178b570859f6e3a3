"""Snowflake run, not only compiled: `meltano run tap-wistia target-snowflake dbt-snowflake:build`
against fakesnow (a Snowflake emulator on DuckDB, served over http in the test process), with the
marts checked against the same expected values as the PostgreSQL run.

What the emulator cannot run, and the narrow workaround for each (fakesnow 0.9.43, the last
release that installs beside the project's duckdb==1.2.2 pin):
* `CURRENT_VERSION()`, which snowflake-sqlalchemy queries on every new engine: the emulator
  gets a macro returning a fixed version (snowflake_emulator.py).
* `CREATE FILE FORMAT`, the first statement of target-snowflake's load of every batch (the
  emulator fails it with an internal error); the rest of that load (`PUT` to the user stage
  `@~/target-snowflake/<sync id>`, `MERGE`/`COPY INTO` from it, `REMOVE` of it) is never
  reached. So `meltano run` really runs the tap and target-snowflake, which creates the schema
  and every table, and then fails on that statement; the test asserts exactly that, loads the
  tap's records itself into those tables with the target's upsert semantics, and then runs
  `dbt-snowflake:build` for real on the emulator (every model and data test).
* target-snowflake has no host/port/protocol settings: fakesnow_redirect.py, imported through a
  `.pth` file in the test project's target-snowflake venv, sends its connections to the
  emulator. dbt-snowflake has those settings (DBT_SNOWFLAKE_HOST/PORT/PROTOCOL).
* Reading the marts back over http fails on some timestamps with milliseconds (a fakesnow 0.9
  serialisation bug, fixed in 0.12): they are read with the same Snowflake SQL through
  fakesnow's in-process connection.
test_snowflake.py keeps the compile test with the real adapter and the loader's `--about`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.analytics_expected import assert_analytics_marts, assert_period_marts
from tests.pipeline.conftest import PipelineEnv
from tests.pipeline.expected import VIEW_COLUMNS, normalise_row, sort_key
from tests.pipeline.expected_gold import Options, protect
from tests.pipeline.gold_checks import check_gold, dbt_env, expected_export, zero_some_sessions
from tests.pipeline.snowflake_emulator import REDIRECT_MODULE, emulated_snowflake

pytest.importorskip("fakesnow", reason="fakesnow is in the dev extra: pip install -e '.[dev]'")

# Played sessions only, IP addresses dropped, emails hashed: the PostgreSQL run's options.
GOLD_OPTIONS = Options(
    views_filter="played", ip_privacy="drop", email_privacy="hash", privacy_salt="sf-salt"
)
STREAMS = {
    "PROJECTS",
    "MEDIAS",
    "MEDIA_STATS",
    "MEDIA_ENGAGEMENT",
    "VISITORS",
    "EVENTS",
    "MEDIA_DAILY_STATS",
    "MEDIA_ANALYTICS_DAILY",
    "MEDIA_TRAFFIC",
    "MEDIA_CONVERSIONS",
    "MEDIA_EMBED_LOCATIONS",
    "MEDIA_LANGUAGES",
}


@pytest.fixture
def redirected_loader(pipeline_env: PipelineEnv) -> Iterator[None]:
    """Make target-snowflake's venv (in the test's copy of the project) import the redirect."""
    venv = pipeline_env.project.root / ".meltano" / "loaders" / "target-snowflake" / "venv"
    (site_packages,) = venv.glob("lib/python*/site-packages")
    pth = site_packages / "zz_fakesnow_redirect.pth"
    pth.write_text(f"{REDIRECT_MODULE.parent}\nimport {REDIRECT_MODULE.stem}\n")
    try:
        yield
    finally:
        pth.unlink()


def test_snowflake_pipeline_on_emulator(pipeline_env: PipelineEnv, redirected_loader: None) -> None:
    with emulated_snowflake("WISTIA_E2E") as snowflake:
        pipeline_env.env.update(snowflake.meltano_env())
        pipeline_env.env.update(dbt_env(GOLD_OPTIONS))
        dataset = pipeline_env.wistia.dataset
        unplayed = zero_some_sessions(pipeline_env)

        run = pipeline_env.run(
            "run", "tap-wistia", "target-snowflake", "dbt-snowflake:build", check=False
        )
        assert run.returncode != 0
        # The tap ran and the loader created every table, then stopped on the emulator's gap.
        assert {first_words(s) for s in snowflake.unsupported} == {"CREATE OR REPLACE FILE FORMAT"}
        tables = {name for (_, name, *_) in snowflake.fetch("show tables in schema TAP_WISTIA")}
        assert tables == STREAMS

        messages = [
            json.loads(line)
            for line in pipeline_env.run("invoke", "tap-wistia").stdout.splitlines()
            if line.startswith("{")
        ]
        loaded = snowflake.load_singer_messages(messages, schema="TAP_WISTIA")
        assert loaded["events"] == len(dataset.events)

        snowflake.unsupported.clear()
        pipeline_env.run("invoke", "dbt-snowflake:build")

        def fetch(sql: str) -> list[tuple]:
            # Snowflake stores unquoted names upper-case, also in information_schema.
            return snowflake.fetch(sql.replace("'analytics'", "'ANALYTICS'"))

        columns = fetch(
            "select column_name from information_schema.columns where table_schema = "
            "'analytics' and table_name = 'WISTIA_VIEWS' order by ordinal_position"
        )
        assert [c for (c,) in columns] == VIEW_COLUMNS
        rows = [normalise_row(r) for r in fetch("select * from analytics.wistia_views")]
        assert len(rows) == len(dataset.events) - unplayed
        assert sorted(rows, key=sort_key) == sorted(
            expected_export(dataset, GOLD_OPTIONS), key=sort_key
        )
        check_gold(fetch, dataset, GOLD_OPTIONS)
        assert_analytics_marts(
            fetch,
            dataset,
            email_of=lambda email: protect(
                email, GOLD_OPTIONS.email_privacy, GOLD_OPTIONS.privacy_salt, normalise=True
            ),
        )
        assert_period_marts(fetch, dataset)
        assert not snowflake.unsupported


def first_words(statement: str, count: int = 5) -> str:
    return " ".join(statement.split()[:count]).upper()
