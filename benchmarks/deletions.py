"""What finding deleted medias costs a daily run (issue 20): requests, time, state size.

    python -m benchmarks.deletions                 # 5,000 medias, ~1 min on 2 cores
    python -m benchmarks.deletions --medias 500    # a smaller library

The account (`wistia_sandbox.long_tail`): `--medias` medias of which 50 were ever played,
20,000 events over 90 days. Streams: projects, medias, events and visitors (the listings;
the per-media streams do not take part in deletions; their requests are in the long-tail
table). The first run starts without state; then 5 medias are deleted and 300 events
added, the state is aged by a day, and the daily run resumes from it: its requests are
counted at the server, its time measured in this process (virtual budget clock: no
waits), its STATE messages weighed. The tracking's own CPU (noting every listed id,
comparing with the previous listing) is timed apart, on the same number of ids.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import sys
import time
from collections import Counter

from tap_wistia.state.deletions import DELETED_AT, KNOWN_IDS, DeletionTracker
from tap_wistia.tap import TapWistia
from wistia_sandbox import FakeWistia
from wistia_sandbox.long_tail import add_plays, age_state, endpoint_of, long_tail_dataset

from .long_tail import NoWaitClock
from .machine_info import machine

STREAMS = ("projects", "medias", "events", "visitors")
DELETED = 5
REPEATS = 20


def sync(config: dict, state: dict | None) -> tuple[list[dict], float]:
    tap = TapWistia(config=config, state=state, parse_env_config=False, clock=NoWaitClock())
    for stream in tap.streams.values():
        stream.selected = stream.name in STREAMS
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    seconds = time.perf_counter() - started
    return [json.loads(line) for line in out.getvalue().splitlines()], seconds


def tracking_cpu(ids: list[str]) -> float:
    """Seconds of CPU to note `ids` and compare them with the previous listing."""
    state = {KNOWN_IDS: ids}
    started = time.process_time()
    for _ in range(REPEATS):
        tracker = DeletionTracker(dict(state))
        for record_id in ids[DELETED:]:
            tracker.saw(record_id)
            tracker.was_deleted(record_id)
        tracker.finish(dt.datetime.now(dt.UTC))
    return (time.process_time() - started) / REPEATS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medias", type=int, default=5_000)
    args = parser.parse_args(argv)
    dataset = long_tail_dataset(medias=args.medias, played=50, events=20_000, days=90)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=91)
    with FakeWistia(dataset) as server:
        config = {
            "api_token": server.token,
            "api_url": server.url,
            "start_date": start.strftime("%Y-%m-%dT00:00:00Z"),
            "max_requests_per_minute": 1_000_000,
        }
        print("first run ...", file=sys.stderr)
        first, _ = sync(config, None)
        state = [m["value"] for m in first if m["type"] == "STATE"][-1]
        for media_id in dataset.media_ids()[-DELETED:]:  # from the quiet tail
            dataset.delete_media(media_id)
        add_plays(dataset, 300)
        server.clear_requests()
        print("daily run ...", file=sys.stderr)
        daily, seconds = sync(config, age_state(state))
        requests = Counter(endpoint_of(r.path) for r in server.requests)
    states = [m for m in daily if m["type"] == "STATE"]
    last = states[-1]["value"]["bookmarks"]
    known = len(json.dumps(last["medias"][KNOWN_IDS]))
    tombstones = [
        m for m in daily if m["type"] == "RECORD" and m["record"].get(DELETED_AT) is not None
    ]
    state_bytes = [len(json.dumps(m)) for m in states]
    info = machine()
    print(
        f"Machine: {info['nproc']} cores ({info['cpu']}), Python {info['python']}, "
        f"singer-sdk {info['singer_sdk']}; tap-wistia {info['commit']}; {info['date']}.\n"
        f"Command: `python -m benchmarks.deletions --medias {args.medias}`.\n\n"
        f"| daily run, {args.medias:,} medias, {DELETED} deleted | figure |\n|:--|--:|\n"
        f"| requests to /medias (the listing, 100 a page) | {requests['/medias']:,} |\n"
        f"| requests to /projects | {requests['/projects']:,} |\n"
        f"| requests, all four streams | {sum(requests.values()):,} |\n"
        f"| extra requests for deletions | 0 |\n"
        f"| tombstones emitted | {len(tombstones)} |\n"
        f"| run time, four streams (no budget waits) | {seconds:.1f} s |\n"
        f"| the listing at the 600/min budget | >= {requests['/medias'] / 10:.0f} s |\n"
        f"| tracking CPU (note {args.medias:,} ids, compare) | "
        f"{tracking_cpu(sorted(dataset.media_ids())) * 1000:.1f} ms |\n"
        f"| `known_ids` in the medias state | {known / 1024:.0f} KB "
        f"({known / args.medias:.1f} B/media) |\n"
        f"| whole state (last STATE message) | {state_bytes[-1] / 1024:.0f} KB |\n"
        f"| STATE messages in the run / their bytes | {len(states)} / "
        f"{sum(state_bytes) / 1024 / 1024:.1f} MB |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
