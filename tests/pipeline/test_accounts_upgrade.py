"""A warehouse loaded before the tap stamped `account_id` / `extra_fields` (main's tap:
its raw tables have neither column, keyed on the ids alone) keeps working: the dbt project
builds on it with no manual step and gives the figures of a fresh load (account 0: not
known yet, int_wistia__legacy_account; its name unknown too, main's tap having no `account`
stream), and after the first upgraded run (the DuckDB loader adopts the legacy rows into the
run's account) the same figures, names included, all under that account.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb

from tests.analytics_expected import assert_analytics_marts, assert_period_marts
from tests.pipeline.expected_gold import Options
from tests.pipeline.gold_checks import check_gold

STATE_ID = "dev:tap-wistia-to-target-duckdb"
ADDED = ("account_id", "extra_fields")
MARTS = (
    "media_overview", "media_daily_metrics", "visitor_segments", "lead_ready_viewers",
    "media_conversions", "media_traffic_sources", "play_trends_account", "wistia_views",
)  # fmt: skip


def named_marts(path: Path) -> list[str]:
    """The marts of MARTS with an account_name column."""
    with duckdb.connect(str(path), read_only=True) as conn:
        return [m for (m,) in conn.execute(
            "select table_name from information_schema.columns where table_schema = 'analytics'"
            " and column_name = 'account_name'"
        ).fetchall() if m in MARTS]  # fmt: skip


def downgrade(path: Path) -> None:
    """Every raw table as main's tap left it: without the added columns, its primary key
    the ids alone; and no `account` table (main's tap had no such stream), the one the
    marts' account_name comes from."""
    with duckdb.connect(str(path)) as conn:
        conn.execute("drop table tap_wistia.account")
        tables = [t for (t,) in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'tap_wistia'"
        ).fetchall()]  # fmt: skip
        for table in tables:
            columns = conn.execute(
                "select column_name, data_type from information_schema.columns where"
                " table_schema = 'tap_wistia' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            keys = conn.execute(
                "select constraint_column_names from duckdb_constraints() where schema_name ="
                " 'tap_wistia' and table_name = ? and constraint_type = 'PRIMARY KEY'",
                [table],
            ).fetchall()
            kept = [(name, kind) for name, kind in columns if name not in ADDED]
            old_keys = [k for k in (keys[0][0] if keys else []) if k not in ADDED]
            definition = ", ".join(f'"{name}" {kind}' for name, kind in kept)
            if old_keys:
                definition += ", primary key (" + ", ".join(f'"{k}"' for k in old_keys) + ")"
            names = ", ".join(f'"{name}"' for name, _ in kept)
            conn.execute(f'create table tap_wistia."{table}__old" ({definition})')
            conn.execute(
                f'insert into tap_wistia."{table}__old" select {names} from tap_wistia."{table}"'
            )
            conn.execute(f'drop table tap_wistia."{table}"')
            conn.execute(f'alter table tap_wistia."{table}__old" rename to "{table}"')


def figures(path: Path, without: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of the marts, without account_id nor the columns `without`, in a stable
    order."""
    result = {}
    with duckdb.connect(str(path), read_only=True) as conn:
        for mart in MARTS:
            names = [
                d[0] for d in conn.execute(f"select * from analytics.{mart} limit 0").description
            ]
            kept = ", ".join(f'"{n}"' for n in names if n not in ("account_id", *without))
            rows = conn.execute(f"select {kept} from analytics.{mart}").fetchall()
            result[mart] = sorted(rows, key=lambda row: repr([_rounded(v) for v in row]))
    return result


def _rounded(value: object) -> object:
    return round(value, 6) if isinstance(value, float) else value


def assert_same_figures(got: dict[str, list[tuple]], want: dict[str, list[tuple]]) -> None:
    """Equal marts, floats to 1e-9 (the same numbers summed in another order may differ in
    their last bits)."""
    assert got.keys() == want.keys()
    for mart, rows in want.items():
        assert len(got[mart]) == len(rows), mart
        for got_row, want_row in zip(got[mart], rows, strict=True):
            for a, b in zip(got_row, want_row, strict=True):
                if isinstance(b, float) and isinstance(a, float):
                    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (mart, got_row, want_row)
                else:
                    assert a == b, (mart, got_row, want_row)


def test_warehouse_loaded_before_accounts_keeps_its_figures(pipeline_env):
    path = pipeline_env.duckdb_path
    dataset = pipeline_env.wistia.dataset

    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    # A fresh load by this tap: the reference figures.
    pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")
    fresh = figures(path)
    figures_without_names = figures(path, without=("account_name",))
    named = named_marts(path)
    assert "media_overview" in named
    for mart in named:
        assert fetch(f"select distinct account_name from analytics.{mart}") == [
            (dataset.account_name,)
        ], mart

    # The same data as main's tap loaded it, and its state from before accounts.
    downgrade(path)
    state = json.loads(pipeline_env.run("state", "get", STATE_ID).stdout)
    state["singer_state"].pop("account_id", None)
    pipeline_env.run("state", "set", "--force", STATE_ID, json.dumps(state))
    assert not fetch(
        "select count(*) from information_schema.columns where table_schema = 'tap_wistia'"
        " and column_name in ('account_id', 'extra_fields')"
    )[0][0]

    # The upgraded dbt project builds on it as it is: same figures, account 0 (unknown yet)
    # and so its name (no `account` rows until the first upgraded run).
    pipeline_env.run("run", "dbt-duckdb:build")
    assert_same_figures(figures(path, without=("account_name",)), figures_without_names)
    assert fetch("select distinct account_id from analytics.media_overview") == [(0,)]
    for mart in named:
        assert fetch(f"select distinct account_name from analytics.{mart}") == [(None,)], mart
    check_gold(fetch, dataset, Options())

    # The first upgraded run: its copies of old records carry the account, the loader
    # adopts the legacy rows into it, so every record is still counted once.
    pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")
    assert fetch("select count(*) from tap_wistia.visitors where account_id is null") == [(0,)]
    assert_same_figures(figures(path), fresh)
    account = dataset.account_id
    assert fetch("select distinct account_id from analytics.media_overview") == [(account,)]
    assert fetch("select distinct account_id from analytics.wistia_views_keyed") == [(account,)]
    check_gold(fetch, dataset, Options())
    assert_analytics_marts(fetch, dataset)
    assert_period_marts(fetch, dataset)
