"""The dbt project reads every stream the tap declares, and only those.

The tap's stream list (tests/declared.py) is the one source of truth. Each stream needs a
table in dbt's source `wistia` (transform/models/sources.yml) and a staging model that reads
it, transform/models/staging/stg_wistia__<stream>.sql, with its yml beside it. Every failure
names the stream and the file to add or fix.

The source tables stay in one sources.yml rather than in each staging model's yml (dbt
accepts either): the source's schema expression and loader notes would otherwise be repeated
in every file, and a copy that forgot `schema:` would silently read the target schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.declared import stream_names

TRANSFORM = Path(__file__).resolve().parents[1] / "transform"
SOURCES_YML = TRANSFORM / "models" / "sources.yml"
STAGING = TRANSFORM / "models" / "staging"


def source_tables() -> list[str]:
    sources = yaml.safe_load(SOURCES_YML.read_text())["sources"]
    (source,) = [s for s in sources if s["name"] == "wistia"]
    return [table["name"] for table in source["tables"]]


def test_every_declared_stream_is_a_dbt_source_table():
    tables = source_tables()
    missing = [
        f"stream {stream!r}: add it to the tables of source wistia in transform/models/sources.yml"
        for stream in stream_names()
        if stream not in tables
    ]
    assert not missing, "\n".join(missing)


def test_every_source_table_is_a_declared_stream():
    streams = stream_names()
    undeclared = [
        f"source table {table!r} is no stream of the tap: remove it from "
        "transform/models/sources.yml (or declare the stream in tap_wistia/streams/)"
        for table in source_tables()
        if table not in streams
    ]
    assert not undeclared, "\n".join(undeclared)


def test_every_declared_stream_has_a_staging_model_reading_it():
    problems = []
    for stream in stream_names():
        model = STAGING / f"stg_wistia__{stream}.sql"
        if not model.exists():
            problems.append(f"stream {stream!r}: add {model.relative_to(TRANSFORM.parent)}")
            continue
        reads = (
            rf"source\(\s*'wistia',\s*'{stream}'\s*\)"
            rf"|wistia_optional_source\(\s*'{stream}'\s*\)"
        )
        if not re.search(reads, model.read_text()):
            problems.append(
                f"stream {stream!r}: {model.relative_to(TRANSFORM.parent)} does not read "
                f"source('wistia', '{stream}') (or wistia_optional_source('{stream}'))"
            )
        if not model.with_suffix(".yml").exists():
            problems.append(
                f"stream {stream!r}: add {model.with_suffix('.yml').relative_to(TRANSFORM.parent)}"
                " (the model's description, tests and every column's description)"
            )
    assert not problems, "\n".join(problems)
