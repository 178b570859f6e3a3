"""`meltano install` + `meltano run tap-wistia target-csv`: one CSV per stream, all rows,
with the privacy stream map documented in meltano.yml hashing IP and email addresses."""

from __future__ import annotations

import csv
import datetime as dt
import json

from tests.pipeline.expected import STREAM_COLUMNS
from tests.pipeline.expected_gold import protect
from tests.pipeline.gold_checks import documented_stream_map

SALT = "gdpr-salt-éà"


def read_csv(path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_run_to_csv(pipeline_env):
    pipeline_env.env.update(
        TAP_WISTIA_STREAM_MAPS=json.dumps(documented_stream_map()["stream_maps"]),
        TAP_WISTIA_STREAM_MAP_CONFIG=json.dumps({"privacy_salt": SALT}),
    )
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
    }
    counts = {stream: len(rows) for stream, (_, rows) in tables.items()}
    assert counts == expected

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
