"""`meltano install` + `meltano run tap-wistia target-csv`: one CSV per stream, all rows."""

from __future__ import annotations

import csv
import datetime as dt

from tests.analytics_expected import expected_counts
from tests.pipeline.expected import STREAM_COLUMNS


def read_csv(path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_run_to_csv(pipeline_env):
    pipeline_env.run("run", "tap-wistia", "target-csv")

    dataset = pipeline_env.wistia.dataset
    files = sorted(p.name for p in pipeline_env.csv_dir.glob("*.csv"))
    assert files == sorted(f"{stream}.csv" for stream in STREAM_COLUMNS)

    tables = {stream: read_csv(pipeline_env.csv_dir / f"{stream}.csv") for stream in STREAM_COLUMNS}
    for stream, (header, _) in tables.items():
        assert header == STREAM_COLUMNS[stream], stream

    start = dt.date.fromisoformat(pipeline_env.env["TAP_WISTIA_START_DATE"][:10])
    today = dt.datetime.now(dt.UTC).date()
    daily = sum(len(dataset.media_by_date(m, start, today)) for m in dataset.medias)
    expected = {
        "projects": len(dataset.projects),
        "medias": len(dataset.medias),
        "media_stats": len(dataset.medias),
        "media_engagement": len(dataset.medias),
        "media_daily_stats": daily,
        "events": len(dataset.events),
        "visitors": len(dataset.visitors),
        **expected_counts(dataset, pipeline_env.env, today),
    }
    counts = {stream: len(rows) for stream, (_, rows) in tables.items()}
    assert counts == expected

    events = tables["events"][1]
    assert {r["event_key"] for r in events} == dataset.event_keys()
    assert {r["visitor_key"] for r in tables["visitors"][1]} == set(dataset.visitor_keys())
