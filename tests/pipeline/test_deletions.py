"""A media deleted in Wistia between two runs, into DuckDB and PostgreSQL: it is marked with
the time it was first seen missing, the current marts drop it, its history stays, nothing
else changes; restored, it is live again; a scoped run marks nothing (docs/deletions.md)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pytest

# Columns of media_overview that do not depend on the other medias (tiers and ranks do).
OWN_FIGURES = "media_id, media_name, project_name, loads, plays, hours_watched, unique_visitors"


@dataclass
class Warehouse:
    loader: str
    build: str
    fetch: Callable[[str], list[tuple]]


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, pipeline_env) -> Warehouse:
    if request.param == "duckdb":

        def fetch_duckdb(sql: str) -> list[tuple]:
            with duckdb.connect(str(pipeline_env.duckdb_path), read_only=True) as conn:
                return conn.execute(sql).fetchall()

        return Warehouse("target-duckdb", "dbt-duckdb:build", fetch_duckdb)
    server = request.getfixturevalue("postgres_server")
    dbname = server.create_database("wistia_deletions")
    pipeline_env.env.update(server.meltano_env(dbname))

    def fetch_postgres(sql: str) -> list[tuple]:
        with server.connect(dbname) as conn:
            return conn.execute(sql).fetchall()

    return Warehouse("target-postgres", "dbt-postgres:build", fetch_postgres)


def naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def test_deleted_media_is_marked_dropped_from_current_figures_and_restored(pipeline_env, warehouse):
    dataset = pipeline_env.wistia.dataset
    fetch = warehouse.fetch
    pipeline_env.run("run", "tap-wistia", warehouse.loader, warehouse.build)
    # The media with the most events: its history is what must survive.
    (gone,) = fetch(
        "select media_id from analytics.media_daily_metrics group by media_id "
        "order by sum(events) desc, media_id limit 1"
    )[0]
    overview = fetch(f"select {OWN_FIGURES} from analytics.media_overview order by media_id")
    # The account's name comes from the catalog's `account` stream.
    assert fetch("select distinct account_name from analytics.media_overview") == [
        (dataset.account_name,)
    ]
    history = {
        mart: Counter(fetch(f"select * from analytics.{mart}"))
        for mart in ("media_daily_metrics", "wistia_views_keyed")
    }
    # media_id first (the model's first column is account_id), to tell the rows apart.
    medias = fetch("select media_id, * from analytics.stg_wistia__medias order by media_id")

    record = dataset.delete_media(gone)  # its events stay: Wistia keeps no stats for it
    before = dt.datetime.now(dt.UTC)
    pipeline_env.run("run", "tap-wistia", warehouse.loader, warehouse.build)
    after = dt.datetime.now(dt.UTC)

    (marked,) = fetch(
        "select media_name, project_name, is_deleted, deleted_at "
        f"from analytics.stg_wistia__medias where media_id = '{gone}'"
    )
    assert marked[:3] == (record["name"], record["project"]["name"], True)
    assert naive_utc(before) <= marked[3] <= naive_utc(after)  # first seen missing
    assert fetch("select count(*) from analytics.stg_wistia__medias where is_deleted") == [(1,)]
    # Nothing else changed: the other medias' rows are as they were.
    others = fetch(
        f"select media_id, * from analytics.stg_wistia__medias where media_id <> '{gone}'"
        " order by media_id"
    )
    live_columns = len(medias[0]) - 3  # deleted_at, is_deleted, loaded_at
    assert [row[:live_columns] for row in others] == [
        row[:live_columns] for row in medias if row[0] != gone
    ]
    # Current figures without it; the other medias' own figures unchanged.
    assert fetch(f"select {OWN_FIGURES} from analytics.media_overview order by media_id") == [
        row for row in overview if row[0] != gone
    ]
    # History keeps its rows and names.
    for mart, rows in history.items():
        assert Counter(fetch(f"select * from analytics.{mart}")) == rows, mart
    gone_sessions = len([e for e in dataset.events if e["media_id"] == gone])
    assert fetch(f"select count(*) from tap_wistia.events where media_id = '{gone}'") == [
        (gone_sessions,)
    ]
    # The account's plays of the day re-read lost its plays (its stats went with it): the
    # daily KPIs still count its sessions, and say how many may be missing from the plays.
    assert fetch(
        "select sum(sessions), sum(deleted_media_sessions) from analytics.account_daily_kpis"
    ) == [(len(dataset.events), gone_sessions)]

    # A scoped run does not see the whole account: it marks nothing more.
    second = dataset.media_ids()[0]
    dataset.delete_media(dataset.media_ids()[1])
    pipeline_env.env["TAP_WISTIA_MEDIA_IDS"] = f'["{second}"]'
    pipeline_env.run("run", "tap-wistia", warehouse.loader)
    del pipeline_env.env["TAP_WISTIA_MEDIA_IDS"]
    assert fetch("select count(*) from tap_wistia.medias where _sdc_deleted_at is not null") == [
        (1,)
    ]

    # Restored (with its old `updated`): live again, in the current figures again.
    dataset.restore_media(record)
    pipeline_env.run("run", "tap-wistia", warehouse.loader, warehouse.build)
    assert fetch(
        f"select is_deleted, deleted_at from analytics.stg_wistia__medias where media_id = '{gone}'"
    ) == [(False, None)]
    assert gone in {row[0] for row in fetch("select media_id from analytics.media_overview")}
    # The media deleted during the scoped run is found by this unscoped one.
    assert fetch("select count(*) from analytics.stg_wistia__medias where is_deleted") == [(1,)]


def test_csv_files_keep_the_mark_and_the_exports_keep_the_deleted_media(pipeline_env):
    """target-csv appends: the mark is a later file of the key and `_sdc_deleted_at`
    (a new sink, so a new timestamped file), and the exports built from the files still
    name the deleted media's views."""
    dataset = pipeline_env.wistia.dataset
    pipeline_env.run("run", "tap-wistia", "target-csv")
    gone = max(dataset.media_ids(), key=lambda m: len(dataset.events_of_media(m)))
    record = dataset.delete_media(gone)
    pipeline_env.run("run", "tap-wistia", "target-csv", "dbt-duckdb:build-from-csv")

    files = sorted((pipeline_env.csv_dir / "medias").glob("*.csv"))
    with files[-1].open(newline="", encoding="utf-8") as handle:
        tombstones = list(csv.DictReader(handle))
    assert len(files) == 3  # run 1, run 2's records (none updated), run 2's marks
    assert [(t["hashed_id"], bool(t["_sdc_deleted_at"])) for t in tombstones] == [(gone, True)]
    assert "name" not in tombstones[0]

    # The staging model, as dbt compiled it, over the files: the media is marked deleted.
    compiled = next(
        (pipeline_env.workdir / "dbt_target" / "compiled").rglob("stg_wistia__medias.sql")
    )
    with duckdb.connect() as conn:
        conn.execute("create schema tap_wistia")
        # Its other input, the account of rows loaded without one: every row has one here.
        conn.execute("create schema analytics")
        conn.execute(
            "create table analytics.int_wistia__legacy_account as"
            f" select cast({dataset.account_id} as bigint) as account_id"
        )
        conn.execute(
            "create view tap_wistia.medias as select * from read_csv("
            f"'{pipeline_env.csv_dir}/medias/*.csv', header = true, all_varchar = true, "
            "union_by_name = true)"
        )
        staged = conn.execute(
            f"select media_id, media_name, is_deleted from ({compiled.read_text()}) as s"
        ).fetchall()
    assert len(staged) == len(dataset.medias) + 1
    assert [row for row in staged if row[2]] == [(gone, record["name"], True)]

    with (pipeline_env.views_csv.parent / "wistia_views_detailed.csv").open(
        newline="", encoding="utf-8"
    ) as handle:
        rows = [r for r in csv.DictReader(handle) if r["Media ID"] == gone]
    assert len(rows) == len(dataset.events_of_media(gone)) > 0
    assert {(r["Media Name"], r["Project"]) for r in rows} == {
        (record["name"], record["project"]["name"])
    }
