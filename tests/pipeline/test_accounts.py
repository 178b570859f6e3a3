"""The several-accounts recipe (docs/accounts.md) through `meltano run`: one extractor per
account inheriting from tap-wistia, each with its own token and state, one loader.

The sandbox serves two accounts whose hashed ids, visitor keys and event keys coincide;
each account's rows arrive complete, told apart by `account_id` alone, and clearing one
extractor's state leaves the other's alone.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.pipeline.conftest import COPY_IGNORE, DATASET, MeltanoProject
from wistia_sandbox.accounts import add_second_account

# The recipe's extractors, as docs/accounts.md writes them.
RECIPE = """\
plugins:
  extractors:
  - name: tap-wistia-brand-a
    inherit_from: tap-wistia
    load_schema: tap_wistia
  - name: tap-wistia-brand-b
    inherit_from: tap-wistia
    load_schema: tap_wistia
"""
EXTRACTORS = ("tap-wistia-brand-a", "tap-wistia-brand-b")
LISTED = ("projects", "medias", "visitors", "events")


@pytest.fixture
def recipe_project(meltano_project, tmp_path) -> MeltanoProject:
    """The installed project plus the recipe's extractors, in a copy (the session's project
    stays as shipped); the inherited extractors run in tap-wistia's installed venv."""
    root = tmp_path / "recipe"
    shutil.copytree(meltano_project.root, root, ignore=COPY_IGNORE)
    os.symlink(meltano_project.root / ".meltano", root / ".meltano")
    (root / "meltano" / "accounts.meltano.yml").write_text(RECIPE)
    return MeltanoProject(root=root, executable=meltano_project.executable)


def state_ids(project: MeltanoProject, env: dict[str, str]) -> set[str]:
    listed = project.run("state", "list", env=env).stdout.split()
    return {line for line in listed if line.startswith("dev:")}


def test_two_inherited_extractors_load_each_account_and_keep_their_own_state(
    pipeline_env, recipe_project
):
    counts = {k: v for k, v in DATASET.items() if k != "seed"}
    wistia = pipeline_env.wistia
    second_token = add_second_account(wistia, **counts)
    env = {
        **pipeline_env.env,
        "TAP_WISTIA_BRAND_A_API_TOKEN": wistia.token,
        "TAP_WISTIA_BRAND_B_API_TOKEN": second_token,
    }
    for extractor in EXTRACTORS:  # DuckDB: one writer at a time
        recipe_project.run("run", extractor, "target-duckdb", env=env)

    by_account = {dataset.account_id: dataset for dataset in wistia.tokens.values()}
    with duckdb.connect(str(pipeline_env.duckdb_path), read_only=True) as db:
        for stream in LISTED:
            loaded = dict(
                db.execute(
                    f"select account_id, count(*) from tap_wistia.{stream} group by 1"
                ).fetchall()
            )
            assert loaded == {
                account: len(getattr(dataset, stream)) for account, dataset in by_account.items()
            }, stream
        shared = db.execute(
            "select count(*) from (select hashed_id from tap_wistia.medias "
            "group by hashed_id having count(*) = 2)"
        ).fetchone()
        assert shared is not None and shared[0] > 0  # the same ids, both accounts kept
        names = db.execute(
            "select account_id, name from tap_wistia.medias where hashed_id = ?",
            [wistia.dataset.media_ids()[0]],
        ).fetchall()
        assert {account: name for account, name in names} == {
            account: dataset.find_media(wistia.dataset.media_ids()[0])["name"]
            for account, dataset in by_account.items()
        }

    ids = {f"dev:{extractor}-to-target-duckdb" for extractor in EXTRACTORS}
    assert state_ids(recipe_project, env) == ids
    states = {
        state_id: json.loads(recipe_project.run("state", "get", state_id, env=env).stdout)
        for state_id in ids
    }
    assert {s["singer_state"]["account_id"] for s in states.values()} == set(by_account)

    cleared, kept = sorted(ids)
    recipe_project.run("state", "clear", "--force", cleared, env=env)
    assert state_ids(recipe_project, env) == {kept}
    after = json.loads(recipe_project.run("state", "get", kept, env=env).stdout)
    assert after == states[kept]


def test_the_recipe_in_the_docs_is_the_one_tested():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "accounts.md").read_text()
    assert RECIPE.replace("plugins:\n", "") in doc
