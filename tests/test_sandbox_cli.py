"""The sandbox's command line: `wistia-sandbox --no-analytics` stands for an account whose
plan or token cannot read analytics."""

from __future__ import annotations

import requests

from wistia_sandbox.__main__ import build_parser, build_server

SMALL = ["--port", "0", "--medias", "3", "--visitors", "10", "--events", "40", "--days", "10"]


def answers(no_analytics: bool) -> tuple[int, int]:
    """Status of one v1 call and one modern analytics call."""
    flags = ["--no-analytics"] if no_analytics else []
    server = build_server(build_parser().parse_args([*SMALL, *flags])).start()
    try:
        auth = {"Authorization": f"Bearer {server.token}", "X-Wistia-API-Version": "2026-03"}
        media_id = server.dataset.media_ids()[0]
        v1 = requests.get(f"{server.url}/medias", headers=auth, timeout=10)
        analytics = requests.get(
            f"{server.modern_url}/analytics/medias/{media_id}/timeseries",
            headers=auth,
            params={"start_date": "2026-01-01", "end_date": "2026-01-08", "granularity": "daily"},
            timeout=10,
        )
        return v1.status_code, analytics.status_code
    finally:
        server.stop()


def test_no_analytics_forbids_only_the_analytics_api():
    assert answers(no_analytics=True) == (200, 403)


def test_analytics_answer_by_default():
    assert answers(no_analytics=False) == (200, 200)
