"""A warehouse of two Wistia accounts for the account filter's tests (the
`two_account_warehouse` fixture of conftest.py): the synced warehouse plus a second account
(SECOND) made of a copy of the first account's rows for half of its medias, under the same
ids, the worst case, where only `account_id` tells the two apart."""

from __future__ import annotations

from pathlib import Path

import duckdb

FIRST, SECOND = 1001, 2002


def add_second_account(path: Path) -> None:
    """Copy account FIRST's rows of half its medias (all its visitors and buckets) into
    account SECOND, in every mart."""
    with duckdb.connect(str(path)) as conn:
        medias = [m for (m,) in conn.execute(
            "select media_id from analytics.media_overview order by media_id"
        ).fetchall()]  # fmt: skip
        half = ", ".join(f"'{m}'" for m in medias[: len(medias) // 2])
        marts = conn.execute(
            "select table_name, bool_or(column_name = 'media_id') from information_schema.columns"
            " where table_schema = 'analytics' and table_name in (select table_name from"
            " information_schema.columns where table_schema = 'analytics'"
            " and column_name = 'account_id') and table_name in (select table_name from"
            " information_schema.tables where table_schema = 'analytics'"
            " and table_type = 'BASE TABLE') group by table_name"
        ).fetchall()
        for mart, per_media in marts:
            only = f" and media_id in ({half})" if per_media else ""
            conn.execute(
                f"insert into analytics.{mart} select * replace ({SECOND} as account_id)"
                f" from analytics.{mart} where account_id = {FIRST}{only}"
            )


def plays(path: Path, account_id: int, first_day: object, last_day: object) -> int:
    """The account's plays over the days, by SQL on the mart the KPI cards read."""
    with duckdb.connect(str(path), read_only=True) as conn:
        ((total,),) = conn.execute(
            "select coalesce(sum(plays), 0) from analytics.media_daily_metrics"
            " where account_id = ? and stats_date between ? and ?",
            [account_id, first_day, last_day],
        ).fetchall()
    return int(total)
