"""Assertions shared by the DuckDB and PostgreSQL pipeline tests: every gold mart equals its
independent recomputation (tests/pipeline/expected_gold.py) for the vars the run used."""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

import yaml

from tests.meltano_project import project_files
from tests.pipeline.conftest import DATASET, REPO_ROOT, PipelineEnv
from tests.pipeline.expected import expected_view, normalise_row
from tests.pipeline.expected_gold import (
    Options,
    expected_lead_ready,
    expected_media_overview,
    expected_trends,
    kept_events,
    protect,
)
from wistia_sandbox import Dataset, generate_dataset

Fetch = Callable[[str], list[tuple]]
RESOLUTIONS = {"1h", "1d", "7d", "30d"}
STREAM_MAP_BEGIN, STREAM_MAP_END = "# >>> privacy stream map", "# <<< privacy stream map"


def documented_stream_map() -> dict:
    """The commented privacy stream map between the markers in the Meltano project files
    (on the extractor, meltano/extractors.meltano.yml), parsed."""
    lines = [
        line
        for path in project_files(REPO_ROOT)
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    starts = [i for i, line in enumerate(lines) if line.strip() == STREAM_MAP_BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == STREAM_MAP_END]
    assert len(starts) == len(ends) == 1, "the Meltano project must document one privacy map"
    body = [line.split("# ", 1)[1] for line in lines[starts[0] + 1 : ends[0]]]
    return yaml.safe_load(textwrap.dedent("\n".join(body)))


def dbt_env(options: Options) -> dict[str, str]:
    """The environment variables behind the dbt vars (transform/dbt_project.yml)."""
    return {
        "DBT_VIEWS_FILTER": options.views_filter,
        "DBT_REPORTING_TIMEZONE": options.reporting_timezone,
        "DBT_IP_PRIVACY": options.ip_privacy,
        "DBT_EMAIL_PRIVACY": options.email_privacy,
        "DBT_PRIVACY_SALT": options.privacy_salt,
    }


def pin_across_dst(pipeline: PipelineEnv) -> dt.datetime:
    """Serve the same dataset shape but ending on the latest 10 November at 15:00 UTC, so
    its days include both the European (last Sunday of October) and the US (first Sunday
    of November) daylight saving changes, whatever day the tests run."""
    today = dt.datetime.now(dt.UTC)
    year = today.year if (today.month, today.day) >= (11, 11) else today.year - 1
    now = dt.datetime(year, 11, 10, 15, tzinfo=dt.UTC)
    pipeline.wistia.dataset = generate_dataset(**DATASET, now=now)
    start = now.date() - dt.timedelta(days=DATASET["days"] + 2)
    pipeline.env["TAP_WISTIA_START_DATE"] = f"{start.isoformat()}T00:00:00Z"
    pipeline.env["TAP_WISTIA_END_DATE"] = (
        f"{(now.date() + dt.timedelta(days=1)).isoformat()}T00:00:00Z"
    )
    return now


def zero_some_sessions(pipeline: PipelineEnv, every: int = 7) -> int:
    """Turn every `every`-th session into a load that never played (percent_viewed = 0)."""
    dataset = pipeline.wistia.dataset
    for event in dataset.events[::every]:
        event["percent_viewed"] = 0.0
    dataset.changed()
    return len(dataset.events[::every])


def active_days(dataset: Dataset, media: dict) -> list[dt.date]:
    """Days on which Wistia's per-day stats for the media are not all zero."""
    last = dataset.now.date() + dt.timedelta(days=1)
    first = last - dt.timedelta(days=DATASET["days"] + 5)
    return [
        dt.date.fromisoformat(row["date"])
        for row in dataset.media_by_date(media, first, last)
        if row["load_count"] or row["play_count"] or row["hours_watched"]
    ]


def _close(got: object, want: object) -> bool:
    if isinstance(want, float) and got is not None:
        return math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-9)
    return got == want


def expected_export(dataset: Dataset, options: Options) -> list[tuple]:
    """wistia_views rows after views_filter and the IP / email privacy vars."""
    rows = []
    for event in kept_events(dataset, options):
        row = list(expected_view(event, dataset.find_visitor(event["visitor_key"])))
        row[1] = protect(row[1], options.ip_privacy, options.privacy_salt)
        row[10] = protect(row[10], options.email_privacy, options.privacy_salt, normalise=True)
        rows.append(tuple(row))
    return rows


def check_trends(fetch: Fetch, dataset: Dataset, options: Options) -> None:
    for per_media, sql in (
        (
            True,
            "select media_id, resolution, bucket_start, loads, plays, unique_visitors, "
            "watch_hours from analytics.play_trends",
        ),
        (
            False,
            "select 'account', resolution, bucket_start, loads, plays, unique_visitors, "
            "watch_hours from analytics.play_trends_account",
        ),
    ):
        got = {(r[0], r[1], normalise_row((r[2],))[0]): r[3:] for r in fetch(sql)}
        want = expected_trends(dataset, options, per_media=per_media)
        assert {k[1] for k in got} == RESOLUTIONS
        assert set(got) == set(want), sorted(set(got) ^ set(want))[:5]
        for key, (loads, plays, visitors, hours) in want.items():
            row = got[key]
            assert (row[0], row[1], row[2]) == (loads, plays, visitors), key
            assert _close(row[3], hours), key
        # Zero-filled: idle buckets exist between active ones.
        assert any(v[0] == 0 for v in got.values())


def check_overview(fetch: Fetch, dataset: Dataset, options: Options) -> None:
    columns = [
        "media_id", "media_name", "project_name", "loads", "plays", "play_rate",
        "hours_watched", "unique_visitors", "avg_percent_viewed", "reached_25", "reached_50",
        "reached_75", "reached_100", "engagement", "first_view_at", "last_view_at",
        "play_count_tier", "play_rate_tier", "hours_watched_tier",
    ]  # fmt: skip
    rows = fetch(f"select {', '.join(columns)} from analytics.media_overview")
    got = {r[0]: dict(zip(columns[1:], normalise_row(r[1:]), strict=True)) for r in rows}
    want = expected_media_overview(dataset, options)
    assert set(got) == set(want)
    for media_id, expected in want.items():
        for name, value in expected.items():
            assert _close(got[media_id][name], value), (media_id, name, got[media_id][name], value)
    assert {r["play_count_tier"] for r in want.values()} == {"top", "middle", "long tail"}
    assert any(r["reached_100"] for r in want.values())


def check_leads(fetch: Fetch, dataset: Dataset, options: Options) -> int:
    columns = [
        "email", "media_id", "media_name", "name", "organization", "title",
        "max_percent_viewed", "reached_25", "reached_50", "reached_75", "reached_100",
        "sessions", "first_view_at", "last_view_at",
    ]  # fmt: skip
    rows = fetch(f"select {', '.join(columns)} from analytics.lead_ready_viewers")
    got = {(r[0], r[1]): dict(zip(columns[2:], normalise_row(r[2:]), strict=True)) for r in rows}
    want = expected_lead_ready(dataset, options)
    assert set(got) == set(want)
    for key, expected in want.items():
        for name, value in expected.items():
            assert _close(got[key][name], value), (key, name, got[key][name], value)
    return len(got)


def check_privacy(fetch: Fetch, dataset: Dataset, options: Options) -> None:
    """No text column of any model holds a raw IP / email address the vars protect."""
    raw: set[str] = set()
    if options.ip_privacy != "keep":
        raw |= {e["ip"] for e in dataset.events if e.get("ip")}
    if options.email_privacy != "keep":
        raw |= {
            v["visitor_identity"]["email"]
            for v in dataset.visitors
            if v["visitor_identity"]["email"]
        }
        raw |= {e["email"] for e in dataset.events if e.get("email")}
    if not raw:
        return
    text_columns = fetch(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'analytics' "
        "and lower(data_type) in ('varchar', 'text', 'character varying')"
    )
    assert len(text_columns) > 50
    for table, column in text_columns:
        values = {v for (v,) in fetch(f'select distinct "{column}" from analytics."{table}"')}
        assert not values & raw, (table, column)


def check_gold(fetch: Fetch, dataset: Dataset, options: Options) -> None:
    """Every gold mart against its recomputation; the export against the privacy vars."""
    export = [normalise_row(r) for r in fetch("select * from analytics.wistia_views")]
    assert Counter(export) == Counter(expected_export(dataset, options))
    check_privacy(fetch, dataset, options)
    check_trends(fetch, dataset, options)
    check_overview(fetch, dataset, options)
    leads = check_leads(fetch, dataset, options)
    if options.email_privacy != "drop":
        assert leads > 0
    if options.reporting_timezone != "UTC":
        # The run really crossed a daylight saving change in the reporting time zone.
        tz = ZoneInfo(options.reporting_timezone)
        times = [dt.datetime.fromisoformat(e["received_at"]) for e in dataset.events]
        assert min(times).astimezone(tz).utcoffset() != max(times).astimezone(tz).utcoffset()
