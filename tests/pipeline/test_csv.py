"""`meltano run tap-wistia target-csv dbt-duckdb:build-from-csv`: raw CSVs that keep every
record across runs, the 24-column export built from them with no warehouse, and the
privacy stream map documented on the extractor (meltano/extractors.meltano.yml) hashing IP
and email addresses in the tap."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

from tests.analytics_expected import expected_counts, played_medias
from tests.catalog_expected import expected_catalog_counts
from tests.declared import stream_names
from tests.media_catalog_expected import expected_media_catalog_counts
from tests.pipeline.expected import STREAM_COLUMNS, VIEW_COLUMNS, expected_csv_rows
from tests.pipeline.expected_gold import protect
from tests.pipeline.gold_checks import documented_stream_map
from tests.webinars_expected import expected_webinar_counts

SALT = "gdpr-salt-éà"

# target-csv's add_record_metadata columns, after the stream's own.
METADATA_COLUMNS = [
    "_sdc_extracted_at",
    "_sdc_received_at",
    "_sdc_batched_at",
    "_sdc_deleted_at",
    "_sdc_sequence",
    "_sdc_table_version",
    "_sdc_sync_started_at",
]


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def run_files(csv_dir: Path) -> dict[str, list[Path]]:
    """Each stream's per-run files, oldest first (their names are the run's UTC start)."""
    return {stream: sorted((csv_dir / stream).glob("*.csv")) for stream in STREAM_COLUMNS}


def export_rows(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, [tuple(r) for r in rows]


def test_runs_keep_every_record_and_build_the_export(pipeline_env):
    first_run = pipeline_env.run("run", "tap-wistia", "target-csv")
    dataset = pipeline_env.wistia.dataset
    # The SDK's METRIC lines are off by default (the plugins' _sdk_log_config extras).
    assert "METRIC" not in first_run.output
    assert "Beginning sync of 'events'" in first_run.output

    # First run: one file per stream, the stream's columns + record metadata, every row.
    # Every stream the tap discovers is there: the project selects them all (no `select`).
    assert sorted(p.name for p in pipeline_env.csv_dir.iterdir()) == sorted(stream_names())
    first = run_files(pipeline_env.csv_dir)
    assert {stream: len(files) for stream, files in first.items()} == dict.fromkeys(
        STREAM_COLUMNS, 1
    )
    tables = {stream: read_csv(files[0]) for stream, files in first.items()}
    for stream, (header, _) in tables.items():
        # A stream that declares a metadata column (medias' `_sdc_deleted_at`) keeps it
        # in its own place.
        metadata = [c for c in METADATA_COLUMNS if c not in STREAM_COLUMNS[stream]]
        assert header == STREAM_COLUMNS[stream] + metadata, stream
    start = dt.date.fromisoformat(pipeline_env.env["TAP_WISTIA_START_DATE"][:10])
    today = dt.datetime.now(dt.UTC).date()
    # Beyond lifetime stats, a first run reads the medias played in the window.
    played = set(played_medias(dataset, start))
    daily = sum(
        len(dataset.media_by_date(m, start, today))
        for m in dataset.medias
        if m["hashed_id"] in played
    )
    assert {stream: len(rows) for stream, (_, rows) in tables.items()} == {
        "projects": len(dataset.projects),
        "medias": len(dataset.medias),
        "media_stats": len(dataset.medias),
        "media_engagement": len(played),
        "media_daily_stats": daily,
        "events": len(dataset.events),
        "visitors": len(dataset.visitors),
        **expected_counts(dataset, pipeline_env.env, today),
        **expected_media_catalog_counts(dataset, start, today),
        **expected_catalog_counts(dataset),
        **expected_webinar_counts(dataset, dt.datetime.now(dt.UTC)),
    }
    assert {r["event_key"] for r in tables["events"][1]} == dataset.event_keys()
    first_bytes = {path: path.read_bytes() for files in first.values() for path in files}

    # New data, then a run that fails (a wrong token): earlier files stay as they were.
    new = dataset.add_events(5, new_visitors=1)
    failed = pipeline_env.project.run(
        "run",
        "tap-wistia",
        "target-csv",
        env={**pipeline_env.env, "TAP_WISTIA_API_TOKEN": "wrong-token"},
        check=False,
    )
    assert failed.returncode != 0
    assert "rejected the API token" in failed.output
    assert {path: path.read_bytes() for path in first_bytes} == first_bytes

    # Second, incremental run, re-reading 3 days before the bookmark's so that events are
    # extracted twice: new files beside the old ones; the export has every event once.
    pipeline_env.project.run(
        "run",
        "tap-wistia",
        "target-csv",
        "dbt-duckdb:build-from-csv",
        env={**pipeline_env.env, "TAP_WISTIA_EVENTS_LOOKBACK_DAYS": "3"},
    )
    second = run_files(pipeline_env.csv_dir)
    assert {path: path.read_bytes() for path in first_bytes} == first_bytes
    new_events = [row for path in second["events"][1:] for row in read_csv(path)[1]]
    assert {e["event_key"] for e in new} <= {r["event_key"] for r in new_events}
    # Re-read events are in two files ...
    all_keys = [r["event_key"] for path in second["events"] for r in read_csv(path)[1]]
    assert len(all_keys) > len(dataset.events)
    # ... and the export holds each event exactly once, with its latest values.
    header, rows = export_rows(pipeline_env.views_csv)
    assert header == VIEW_COLUMNS
    assert len(rows) == len(dataset.events) == len(tables["events"][1]) + 5
    assert Counter(rows) == Counter(expected_csv_rows(dataset))


def test_documented_stream_map_hashes_ip_and_email_in_the_tap(pipeline_env):
    """The privacy stream map commented on the extractor, exactly as written."""
    pipeline_env.env.update(
        TAP_WISTIA_STREAM_MAPS=json.dumps(documented_stream_map()["stream_maps"]),
        TAP_WISTIA_STREAM_MAP_CONFIG=json.dumps({"privacy_salt": SALT}),
    )
    pipeline_env.run("run", "tap-wistia", "target-csv")

    dataset = pipeline_env.wistia.dataset
    tables = {
        stream: read_csv(files[-1]) for stream, files in run_files(pipeline_env.csv_dir).items()
    }
    events = tables["events"][1]
    assert {r["event_key"] for r in events} == dataset.event_keys()
    assert {r["visitor_key"] for r in tables["visitors"][1]} == set(dataset.visitor_keys())

    # The documented stream map hashed every IP / email in the tap (the same hash as dbt's
    # ip_privacy / email_privacy = hash with the same salt) and left the rest untouched.
    by_key = {r["event_key"]: r for r in events}
    emails = 0
    for event in dataset.events:
        row = by_key[event["event_key"]]
        conversion_email = (event.get("conversion_data") or {}).get("email")
        assert row["ip"] == protect(event["ip"], "hash", SALT)
        assert row["email"] == (protect(event["email"], "hash", SALT, normalise=True) or "")
        assert row["conversion_data__email"] == (
            protect(conversion_email, "hash", SALT, normalise=True) or ""
        )
        assert row["media_id"] == event["media_id"]
        emails += bool(event["email"]) + bool(conversion_email)
    visitors = {r["visitor_key"]: r for r in tables["visitors"][1]}
    for visitor in dataset.visitors:
        row, identity = visitors[visitor["visitor_key"]], visitor["visitor_identity"]
        assert row["visitor_identity__email"] == (
            protect(identity["email"], "hash", SALT, normalise=True) or ""
        )
        assert row["visitor_identity__name"] == identity["name"]
        emails += bool(identity["email"])
    assert emails > 0
