"""The privacy stream map documented in meltano.yml, run as written through Meltano.

(The gold marts themselves are checked inside the DuckDB and PostgreSQL pipeline runs, see
tests/pipeline/gold_checks.py, so that no extra full pipeline run is needed.)
"""

from __future__ import annotations

import json
import textwrap

import yaml

from tests.pipeline.conftest import REPO_ROOT
from tests.pipeline.expected_gold import protect

BEGIN, END = "# >>> privacy stream map", "# <<< privacy stream map"


def documented_stream_map() -> dict:
    """The commented block between the markers in meltano.yml, uncommented and parsed."""
    lines = (REPO_ROOT / "meltano.yml").read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    assert len(starts) == len(ends) == 1, "meltano.yml must document one privacy stream map"
    body = [line.split("# ", 1)[1] for line in lines[starts[0] + 1 : ends[0]]]
    return yaml.safe_load(textwrap.dedent("\n".join(body)))


def records(stdout: str, stream: str) -> list[dict]:
    out = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            message = json.loads(line)
            if message.get("type") == "RECORD" and message["stream"] == stream:
                out.append(message["record"])
    return out


def test_documented_stream_map_hashes_ip_and_email_in_the_tap(pipeline_env):
    salt = "gdpr-salt-éà"
    pipeline_env.env.update(
        TAP_WISTIA_STREAM_MAPS=json.dumps(documented_stream_map()["stream_maps"]),
        TAP_WISTIA_STREAM_MAP_CONFIG=json.dumps({"privacy_salt": salt}),
        TAP_WISTIA__SELECT=json.dumps(["events.*", "visitors.*"]),
    )
    stdout = pipeline_env.run("invoke", "tap-wistia").stdout
    dataset = pipeline_env.wistia.dataset

    events = {r["event_key"]: r for r in records(stdout, "events")}
    assert set(events) == dataset.event_keys()
    raw_emails = 0
    for event in dataset.events:
        got = events[event["event_key"]]
        # Same hash as dbt's ip_privacy / email_privacy = hash with the same salt.
        assert got["ip"] == protect(event["ip"], "hash", salt)
        assert got["email"] == protect(event["email"], "hash", salt, normalise=True)
        conversion_email = (event.get("conversion_data") or {}).get("email")
        assert got.get("conversion_data__email") == protect(
            conversion_email, "hash", salt, normalise=True
        )
        assert got["received_at"] and got["media_id"] == event["media_id"]  # others untouched
        raw_emails += bool(event["email"]) + bool(conversion_email)
    assert raw_emails > 0

    visitors = {r["visitor_key"]: r for r in records(stdout, "visitors")}
    assert set(visitors) == set(dataset.visitor_keys())
    identified = 0
    for visitor in dataset.visitors:
        got, identity = visitors[visitor["visitor_key"]], visitor["visitor_identity"]
        assert got["visitor_identity__email"] == protect(
            identity["email"], "hash", salt, normalise=True
        )
        assert got["visitor_identity__name"] == identity["name"]
        assert got["visitor_identity__org__name"] == identity["org"]["name"]
        identified += bool(identity["email"])
    assert identified > 0
    assert not any(e["ip"] in stdout for e in dataset.events)
