"""Two Wistia accounts (different tokens, overlapping ids) loaded into one warehouse, one
`meltano run` per account, then one dbt build: each account complete, none mixed, every
mart per account equal to its recomputation (tests/pipeline/accounts_checks.py)."""

from __future__ import annotations

import duckdb

from tests.pipeline.accounts_checks import check_accounts, load_both_accounts
from tests.pipeline.expected import media_file_name


def test_two_accounts_into_duckdb(pipeline_env):
    second = load_both_accounts(pipeline_env, "target-duckdb")
    pipeline_env.run("run", "dbt-duckdb:build")

    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(pipeline_env.duckdb_path), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    first = pipeline_env.wistia.dataset
    check_accounts(fetch, {first.account_id: first, second.account_id: second})
    # The per-media files of two accounts sharing hashed ids: one file per account and media.
    files = {p.name for p in (pipeline_env.workdir / "output" / "views_by_media").iterdir()}
    assert files == {
        f"{d.account_id}-{media_file_name(m['name'], m['hashed_id'])}"
        for d in (first, second)
        for m in d.medias
        if any(e["media_id"] == m["hashed_id"] for e in d.events)
    }


def test_two_accounts_into_postgres(pipeline_env, postgres_server):
    dbname = postgres_server.create_database("wistia_accounts")
    pipeline_env.env.update(postgres_server.meltano_env(dbname))
    second = load_both_accounts(pipeline_env, "target-postgres")
    pipeline_env.run("run", "dbt-postgres:build")

    def fetch(sql: str) -> list[tuple]:
        with postgres_server.connect(dbname) as conn:
            return conn.execute(sql).fetchall()

    first = pipeline_env.wistia.dataset
    check_accounts(fetch, {first.account_id: first, second.account_id: second})
