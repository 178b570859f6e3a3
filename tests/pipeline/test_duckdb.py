"""`meltano run tap-wistia target-duckdb dbt-duckdb:build` on the embedded default."""

from __future__ import annotations

import csv
import itertools
import math
import os
import stat
from collections import Counter

import duckdb

from tests.analytics_expected import assert_analytics_marts, assert_period_marts
from tests.pipeline.dbt_docs import undocumented
from tests.pipeline.expected import (
    DETAILED_COLUMNS,
    VIEW_COLUMNS,
    csv_cell,
    expected_chunks,
    expected_views,
    media_file_name,
    normalise_row,
    sort_key,
    spreadsheet_safe,
)
from tests.pipeline.expected_catalog_marts import (
    check_account_daily_kpis,
    check_channel_attribution,
    check_content_inventory,
)
from tests.pipeline.expected_gold import Options
from tests.pipeline.expected_webinar_marts import check_webinar_attendance
from tests.pipeline.gold_checks import active_days, check_gold, dbt_env, pin_across_dst

# Viewer-typed values a spreadsheet would run as formulas (OWASP CSV injection).
PLANTED = {
    "city": '=HYPERLINK("http://evil.example","click")',
    "region": "+cmd|' /C calc'!A0",
    "embed_url": "@SUM(1+1)*cmd|' /C calc'!A0",
    "org": "-2+3+cmd|' /C calc'!A0",
    "country": "\tTAB",
    "ip": "\r10.0.0.1",
}


def query(path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def columns(path, relation: str) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return [d[0] for d in conn.execute(f"select * from {relation} limit 0").description]


# Trends in a reporting time zone whose clocks change inside the served days.
GOLD_OPTIONS = Options(reporting_timezone="America/New_York")


def test_duckdb_pipeline(pipeline_env):
    pin_across_dst(pipeline_env)
    pipeline_env.env.update(dbt_env(GOLD_OPTIONS))
    dataset = pipeline_env.wistia.dataset
    planted = dataset.events[0]
    planted.update(PLANTED)
    dataset.changed()
    # What earlier versions of the export left in the file: the build removes it.
    with duckdb.connect(str(pipeline_env.duckdb_path)) as conn:
        conn.execute("create view main.wistia_views as select 1 as stray")
    pipeline_env.run("run", "tap-wistia", "target-duckdb", "dbt-duckdb:build")
    db = pipeline_env.duckdb_path

    # Every model and column the build wrote is described in its yml, and only those.
    problems = undocumented(pipeline_env.workdir / "dbt_target" / "manifest.json", db)
    assert not problems, "dbt docs out of step with the warehouse:\n" + "\n".join(problems)

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

    # The CSV export agrees: RFC 4180 (CRLF, quoted where needed), UTF-8, same rows, each
    # formula-like cell neutralised; the warehouse keeps the raw values.
    raw = pipeline_env.views_csv.read_bytes()
    text = raw.decode("utf-8")
    assert text.startswith(",".join(VIEW_COLUMNS) + "\r\n")
    assert text.endswith("\r\n")
    with pipeline_env.views_csv.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    assert records[0] == VIEW_COLUMNS
    assert len(records) - 1 == len(rows)
    table_cells = Counter(
        tuple(spreadsheet_safe(csv_cell(v)) for v in r)
        for r in query(db, "select * from analytics.wistia_views")
    )
    assert Counter(tuple(r) for r in records[1:]) == table_cells
    assert any('"' in cell or "," in cell for r in records[1:] for cell in r)  # quoting exercised
    planted_row = next(r for r in records[1:] if r[4] == "'" + PLANTED["city"])
    header = records[0]
    for field, column in [
        ("region", "Region"),
        ("embed_url", "Embed URL"),
        ("org", "Organization"),
        ("country", "Country"),
        ("ip", "IP"),
    ]:
        assert planted_row[header.index(column)] == "'" + PLANTED[field], column
    raw_row = query(
        db,
        'select "City", "Region", "Embed URL", "Organization", "Country", "IP" '
        "from analytics.wistia_views where \"City\" like '=HYPERLINK%'",
    )
    assert raw_row == [
        tuple(PLANTED[f] for f in ("city", "region", "embed_url", "org", "country", "ip"))
    ]
    longitudes = [r[header.index("Longitude")] for r in records[1:]]
    assert any(v.startswith("-") for v in longitudes)  # negative numbers stay numbers
    assert all(float(v) <= 180 for v in longitudes if v)

    # A normal file (mode 0666 minus the umask, like any new file), and nothing else the
    # export leaves behind: no temporary file, no stray view in the DuckDB file.
    umask = os.umask(0)
    os.umask(umask)
    for path in pipeline_env.views_csv.parent.rglob("*.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path
    assert sorted(p.name for p in pipeline_env.views_csv.parent.iterdir()) == [
        "views_by_media",
        "wistia_views.csv",
        "wistia_views_detailed.csv",
    ]
    assert (
        query(
            db,
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('tap_wistia', 'analytics')",
        )
        == []
    )

    check_media_exports(pipeline_env.views_csv.parent, dataset, Counter(map(tuple, records[1:])))

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
    # per_media_refresh `active`: engagement is read for the medias played in the window
    # only (an unplayed media's all-zero curve costs a request and says nothing).
    graphs = {
        m["hashed_id"]: dataset.media_engagement(m)
        for m in dataset.medias
        if dataset.media_engagement(m)["engagement_data"]
        and dataset.events_of_media(m["hashed_id"])
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
    # Traffic sources, leads and conversion rates from the analytics streams.
    assert_analytics_marts(lambda sql: query(db, sql), dataset)
    # Their per-month traffic and per-day conversions, equal to the raw tap tables.
    assert_period_marts(lambda sql: query(db, sql), dataset)
    # The marts of issue 19 on what the tap already reads.
    check_channel_attribution(lambda sql: query(db, sql), dataset, GOLD_OPTIONS)
    check_content_inventory(lambda sql: query(db, sql), dataset)
    check_account_daily_kpis(lambda sql: query(db, sql), dataset)
    check_webinar_attendance(lambda sql: query(db, sql), dataset)


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


def read_rows(path) -> tuple[list[str], list[tuple[str, ...]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, [tuple(r) for r in rows]


def check_media_exports(folder, dataset, view_rows: Counter) -> None:
    """wistia_views_detailed.csv and views_by_media/: the same rows as wistia_views.csv with
    the media identified, every event once."""
    medias = {m["hashed_id"]: m for m in dataset.medias}
    projects = {p["id"]: p["name"] for p in dataset.projects}
    header, rows = read_rows(folder / "wistia_views_detailed.csv")
    assert header == DETAILED_COLUMNS
    assert sorted(r[4] for r in rows) == sorted(dataset.event_keys())
    assert Counter(r[5:] for r in rows) == view_rows
    media_of_event = {e["event_key"]: e["media_id"] for e in dataset.events}
    for _account_id, media_id, name, project, event_key, *_ in rows:
        media = medias[media_of_event[event_key]]
        assert (media_id, name, project) == (
            media["hashed_id"],
            media["name"],
            projects[media["project"]["id"]],
        )

    by_media = Counter(e["media_id"] for e in dataset.events)
    files = {p.name: p for p in (folder / "views_by_media").iterdir()}
    assert set(files) == {media_file_name(medias[m]["name"], m) for m in by_media}
    per_media_rows: Counter = Counter()
    for media_id, count in by_media.items():
        header, rows = read_rows(files[media_file_name(medias[media_id]["name"], media_id)])
        assert header == VIEW_COLUMNS
        assert len(rows) == count
        per_media_rows.update(rows)
    assert per_media_rows == view_rows
