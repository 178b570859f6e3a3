"""`meltano run tap-wistia target-duckdb dbt-duckdb:build` on the embedded default."""

from __future__ import annotations

import csv
import itertools
import math
from collections import Counter

import duckdb

from tests.pipeline.expected import (
    VIEW_COLUMNS,
    expected_chunks,
    expected_views,
    normalise_row,
    sort_key,
)
from tests.pipeline.expected_gold import Options
from tests.pipeline.gold_checks import active_days, check_gold, dbt_env, pin_across_dst


def query(path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def columns(path, relation: str) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return [d[0] for d in conn.execute(f"select * from {relation} limit 0").description]


def csv_cell(value) -> str:
    """How the export writes a database value."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


# Trends in a reporting time zone whose clocks change inside the served days.
GOLD_OPTIONS = Options(reporting_timezone="America/New_York")


def test_duckdb_pipeline(pipeline_env):
    pin_across_dst(pipeline_env)
    pipeline_env.env.update(dbt_env(GOLD_OPTIONS))
    pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")
    db = pipeline_env.duckdb_path
    dataset = pipeline_env.wistia.dataset

    # target-duckdb loaded every record (it drops the first of each batch on duckdb >= 1.3).
    assert query(db, "select count(*) from tap_wistia.events") == [(len(dataset.events),)]
    assert query(db, "select count(*) from tap_wistia.visitors") == [(len(dataset.visitors),)]

    # wistia_views: exactly the 24 headers in order, one row per event, documented mapping.
    assert columns(db, "analytics.wistia_views") == VIEW_COLUMNS
    rows = [normalise_row(r) for r in query(db, "select * from analytics.wistia_views")]
    assert len(rows) == len(dataset.events)
    assert sorted(rows, key=sort_key) == sorted(expected_views(dataset), key=sort_key)
    assert all(r[12:17] == (None,) * 5 for r in rows)  # no API source for columns 13-17
    assert all(0 <= r[17] <= 1 for r in rows if r[17] is not None)

    # The CSV export agrees: RFC 4180 (CRLF, quoted where needed), UTF-8, same rows.
    raw = pipeline_env.views_csv.read_bytes()
    text = raw.decode("utf-8")
    assert text.startswith(",".join(VIEW_COLUMNS) + "\r\n")
    assert text.endswith("\r\n")
    with pipeline_env.views_csv.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    assert records[0] == VIEW_COLUMNS
    assert len(records) - 1 == len(rows)
    table_cells = Counter(
        tuple(csv_cell(v) for v in r) for r in query(db, "select * from analytics.wistia_views")
    )
    assert Counter(tuple(r) for r in records[1:]) == table_cells
    assert any('"' in cell or "," in cell for r in records[1:] for cell in r)  # quoting exercised

    # Engagement chunks: 20 per graph, chunk 0 = 100 %, matches an independent computation,
    # non-increasing wherever the underlying curve is.
    chunks = query(
        db,
        "select media_id, chunk_index, avg_viewers, retention_pct, drop_off_pct, watch_seconds "
        "from analytics.media_engagement_chunks order by media_id, chunk_index",
    )
    by_media: dict[str, list[tuple]] = {}
    for row in chunks:
        by_media.setdefault(row[0], []).append(row)
    graphs = {
        m["hashed_id"]: dataset.media_engagement(m)
        for m in dataset.medias
        if dataset.media_engagement(m)["engagement_data"]
    }
    assert set(by_media) == set(graphs)
    monotone_checked = 0
    for media_id, graph in graphs.items():
        got = by_media[media_id]
        want = expected_chunks(graph["engagement_data"], graph["rewatch_data"])
        assert [r[1] for r in got] == list(range(20))
        assert [r[1] for r in got] == [w["chunk_index"] for w in want]
        for row, ref in zip(got, want, strict=True):
            assert math.isclose(row[2], ref["avg_viewers"], rel_tol=1e-9, abs_tol=1e-9)
        if graph["engagement_data"][0] > 0:
            assert math.isclose(got[0][3], 100.0)
            assert got[0][4] == 0
        # Wherever the curve does not rise across two neighbouring chunks, retention
        # must not rise either (rewatch bumps can legitimately raise a chunk).
        data, n = graph["engagement_data"], len(graph["engagement_data"])
        for c in range(19):
            first, last = (c * n) // 20, -(-((c + 2) * n) // 20) - 1
            span = data[first : last + 1]
            if data[0] > 0 and all(a >= b for a, b in itertools.pairwise(span)):
                assert got[c][3] >= got[c + 1][3] - 1e-9, (media_id, c)
                monotone_checked += 1
        assert all(r[5] >= 0 for r in got)

    # The other marts were built.
    assert query(db, "select count(*) from analytics.visitor_segments")[0][0] == len(
        dataset.visitors
    )
    metrics = query(
        db, "select sum(plays), sum(unique_visitors) from analytics.media_daily_metrics"
    )[0]
    assert metrics[0] > 0 and metrics[1] > 0
    assert monotone_checked > 0

    # The gold marts equal their independent recomputation (trends across a DST change).
    check_gold(lambda sql: query(db, sql), dataset, GOLD_OPTIONS)
    # All-zero media_daily_stats days are dropped in staging; active days are all kept.
    raw = query(db, "select count(*) from tap_wistia.media_daily_stats")[0][0]
    active = {(m["hashed_id"], day) for m in dataset.medias for day in active_days(dataset, m)}
    staged = query(db, "select media_id, stats_date from analytics.stg_wistia__media_daily_stats")
    assert {(m, d) for m, d in staged} == active
    assert 0 < len(active) < raw


def test_duckdb_incremental_run_dedupes(pipeline_env):
    """A second run re-reads the bookmark's day: staging dedupes, new events appear once."""
    pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")
    db = pipeline_env.duckdb_path
    before = query(db, "select count(*) from analytics.wistia_views")[0][0]

    new = pipeline_env.wistia.dataset.add_events(5, new_visitors=1)
    pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")

    assert query(db, "select count(*) from analytics.wistia_views")[0][0] == before + 5
    keys = {k for (k,) in query(db, "select event_key from analytics.wistia_views_keyed")}
    assert {e["event_key"] for e in new} <= keys
    assert query(
        db,
        "select count(*) from (select event_key from analytics.wistia_views_keyed "
        "group by event_key having count(*) > 1)",
    ) == [(0,)]
    with pipeline_env.views_csv.open(newline="", encoding="utf-8") as handle:
        assert sum(1 for _ in csv.reader(handle)) == before + 5 + 1
