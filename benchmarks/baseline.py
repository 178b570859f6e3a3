"""The naive serial baseline: a plain `requests` loop, like the seed pipeline.

    python -m benchmarks.baseline --config config.json [--output /dev/null] [--streams events]

One request at a time, Bearer auth, per_page=100, every list paged to its last (short) page:
projects, medias, per media its stats / engagement / by_date, all events of start_date..end_date
in one listing, then all visitors. Records go out as JSON lines. On 429 it sleeps what
Retry-After says (60 s when absent) and retries; anything else that is not a 2xx fails the
run. No state: every run re-reads everything, so its "incremental" run is a full run.
It reads the tap's config file (api_url, api_token, start_date, end_date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from typing import Any

import requests

PER_PAGE = 100
STREAMS = ("projects", "medias", "media_stats", "media_engagement", "media_daily_stats")
ALL_STREAMS = (*STREAMS, "events", "visitors")


class Baseline:
    def __init__(self, url: str, token: str, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout
        self.requests = 0
        self.rate_limited = 0

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        while True:
            self.requests += 1
            response = self.session.get(self.url + path, params=params, timeout=self.timeout)
            if response.status_code == 429:
                self.rate_limited += 1
                time.sleep(float(response.headers.get("Retry-After") or 60))
                continue
            response.raise_for_status()
            return response.json()

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict]:
        page = 1
        while True:
            rows = self.get(path, {**(params or {}), "page": page, "per_page": PER_PAGE})
            yield from rows
            if len(rows) < PER_PAGE:
                return
            page += 1


def run(config: dict[str, Any], out: Any, streams: set[str]) -> dict[str, int]:
    api = Baseline(config["api_url"], config["api_token"], config.get("request_timeout", 60))
    now = dt.datetime.now(dt.UTC)
    start = _day(config.get("start_date")) or (now - dt.timedelta(days=730)).date()
    end = _day(config.get("end_date")) or now.date()
    counts: dict[str, int] = {}

    def emit(stream: str, record: dict) -> None:
        out.write(json.dumps({"type": "RECORD", "stream": stream, "record": record}) + "\n")
        counts[stream] = counts.get(stream, 0) + 1

    if "projects" in streams:
        for row in api.pages("/projects"):
            emit("projects", row)
    per_media = streams & {"media_stats", "media_engagement", "media_daily_stats"}
    if "medias" in streams or per_media:
        medias = []
        for row in api.pages("/medias"):
            medias.append(row["hashed_id"])
            if "medias" in streams:
                emit("medias", row)
        for media in medias:
            if "media_stats" in streams:
                emit("media_stats", {**api.get(f"/stats/medias/{media}"), "media_id": media})
            if "media_engagement" in streams:
                row = api.get(f"/stats/medias/{media}/engagement")
                emit("media_engagement", {**row, "media_id": media})
            if "media_daily_stats" in streams:
                days = api.get(
                    f"/stats/medias/{media}/by_date",
                    {"start_date": start.isoformat(), "end_date": end.isoformat()},
                )
                for row in days:
                    emit("media_daily_stats", {**row, "media_id": media})
    if "events" in streams:
        window = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        for row in api.pages("/stats/events", window):
            emit("events", row)
    if "visitors" in streams:
        for row in api.pages("/stats/visitors"):
            emit("visitors", row)
    return {"requests": api.requests, "429": api.rate_limited, **counts}


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.baseline")
    p.add_argument("--config", required=True)
    p.add_argument("--output", default="/dev/null")
    p.add_argument("--streams", default=",".join(ALL_STREAMS), help="comma-separated")
    args = p.parse_args(argv)
    with open(args.config) as f:
        config = json.load(f)
    streams = {s for s in args.streams.split(",") if s}
    with open(args.output, "w") as out:
        summary = run(config, out, streams)
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
