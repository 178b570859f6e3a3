"""Two sandbox accounts in one warehouse: what must hold after `tap -> loader -> dbt` ran
once per account (tests/pipeline/test_accounts.py, DuckDB and PostgreSQL).

The per-account checks reuse the single-account recomputations (gold_checks,
analytics_expected): each query they run is rewritten to read one account only
(`scoped`), so every mart of each account is compared with what that account's records
alone give. Only `account_id` tells the two accounts apart: the second account reuses the
first's ids (wistia_sandbox/accounts.py), so any join or key that forgot the account would
mix them and fail here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from tests.analytics_expected import assert_analytics_marts, assert_period_marts
from tests.pipeline.conftest import DATASET, PipelineEnv
from tests.pipeline.expected import VIEW_COLUMNS
from tests.pipeline.expected_gold import Options
from tests.pipeline.gold_checks import check_gold
from wistia_sandbox import Dataset
from wistia_sandbox.accounts import add_second_account

Fetch = Callable[[str], list[tuple]]
RELATION = re.compile(r'\b(analytics|tap_wistia)\."?(\w+)"?(\s+as\s+\w+)?', re.IGNORECASE)
EXPORT_COLUMNS = ", ".join(f'"{c}"' for c in VIEW_COLUMNS)


def scoped(fetch: Fetch, account_id: int) -> Fetch:
    """`fetch` reading one account: every analytics.* and tap_wistia.* relation a query
    names becomes that relation's rows of `account_id` (the 24-column export, which has
    no account column by design, becomes the detailed export's rows of the account)."""

    def relation(match: re.Match[str]) -> str:
        schema, table, alias = match.group(1), match.group(2), match.group(3)
        if table == "wistia_views":
            rows = (
                f"select {EXPORT_COLUMNS} from analytics.wistia_views_detailed"
                f' where "Account ID" = {account_id}'
            )
        else:
            column = '"Account ID"' if table == "wistia_views_detailed" else "account_id"
            rows = f"select * from {schema}.{table} where {column} = {account_id}"
        return f"({rows}){alias or f' as {table}'}"

    return lambda sql: fetch(RELATION.sub(relation, sql))


def load_both_accounts(pipeline: PipelineEnv, loader: str) -> Dataset:
    """The pipeline's sandbox serves a second account, whose ids overlap the first's; one
    `meltano run` per account, each with its own token and state, into the same loader.
    Returns the second account's dataset."""
    counts = {k: v for k, v in DATASET.items() if k != "seed"}
    token = add_second_account(pipeline.wistia, **counts)
    pipeline.run("run", "tap-wistia", loader)
    second = pipeline.env | {"TAP_WISTIA_API_TOKEN": token}
    pipeline.project.run("run", "--state-id-suffix", "two", "tap-wistia", loader, env=second)
    return pipeline.wistia.tokens[token]


def check_accounts(fetch: Fetch, accounts: dict[int, Dataset]) -> None:
    """Each account complete and alone in its rows; every mart per account equal to its
    recomputation from that account's records."""
    first = min(accounts)
    assert fetch("select account_id from analytics.int_wistia__legacy_account") == [(first,)]
    raw_accounts = {a for (a,) in fetch("select distinct account_id from tap_wistia.events")}
    assert raw_accounts == set(accounts)
    for account_id, dataset in accounts.items():
        one = scoped(fetch, account_id)
        # Complete: every record of the account, once.
        keys = [k for (k,) in one("select event_key from analytics.wistia_views_keyed")]
        assert sorted(keys) == sorted(dataset.event_keys()), account_id
        medias = dict(one("select media_id, media_name from analytics.media_overview"))
        assert medias == {m["hashed_id"]: m["name"] for m in dataset.medias}, account_id
        visitors = {k for (k,) in one("select visitor_key from analytics.stg_wistia__visitors")}
        assert visitors == set(dataset.visitor_keys()), account_id
        # Not mixed: an event's media name is its own account's.
        names = Counter(
            n for (n,) in one('select "Media Name" from analytics.wistia_views_detailed')
        )
        own = Counter(m["name"] for m in dataset.medias for e in dataset.events
                      if e["media_id"] == m["hashed_id"])  # fmt: skip
        assert names == own, account_id
        # Every mart per account equals its recomputation from the account's records.
        check_gold(one, dataset, Options())
        assert_analytics_marts(one, dataset)
        assert_period_marts(one, dataset)
    # The two accounts' marts differ (the second deleted a third of its medias).
    counts = dict(fetch("select account_id, count(*) from analytics.media_overview group by 1"))
    assert counts == {a: len(d.medias) for a, d in accounts.items()}
    assert len(set(counts.values())) == 2
