"""The events stream's resume points: only what the tap could have written is trusted."""

from __future__ import annotations

import datetime as dt
import logging

from tap_wistia.timeutil import format_timestamp, parse_timestamp, start_of_day
from tests.tap_harness import run_sync, tap_config

NO_SCOPE = {"media_ids": None, "project_ids": None}


def test_hand_edited_resume_points_are_dropped_with_a_warning_and_read_again(make_wistia, caplog):
    now = dt.datetime.now(dt.UTC)
    server = make_wistia(medias=2, visitors=5, events=200, days=3, now=now)
    today, yesterday = now.date(), now.date() - dt.timedelta(days=1)
    state = {
        "bookmarks": {
            "events": {
                "replication_key": "received_at",
                "replication_key_value": format_timestamp(start_of_day(yesterday)),
                "scope": NO_SCOPE,
                # Today is open (never recorded); the rest is no window key at all.
                "days_read": [today.isoformat(), "2026-5-3", 7, f"{yesterday}/ "],
                "pages_read": {today.isoformat(): 1, yesterday.isoformat(): 0},
            }
        }
    }
    config = tap_config(server, start_date=yesterday.isoformat())
    with caplog.at_level(logging.INFO):
        result = run_sync(config, state=state, streams=("events",))
    read = {r["event_key"] for r in result.records("events")}
    days = {e["event_key"]: parse_timestamp(e["received_at"]).date() for e in server.dataset.events}
    todays = {key for key, day in days.items() if day == today}
    assert todays and todays <= read  # the open day was read, not skipped
    assert read == {key for key, day in days.items() if day >= yesterday}
    warning = next(r.getMessage() for r in caplog.records if "resume point(s)" in r.getMessage())
    assert warning.startswith(
        "events: 6 resume point(s) in the state are not what the tap writes (a malformed key "
        f"or count, or a day not yet closed): pages_read '{today}': 1; pages_read "
        f"'{yesterday}': 0; days_read '{today}'; days_read '2026-5-3'; days_read 7; and 1 more."
    )
    assert warning.endswith("Dropped: those days are read again.")


def test_days_skipped_as_read_are_named_in_the_log(make_wistia, caplog):
    now = dt.datetime.now(dt.UTC)
    server = make_wistia(medias=2, visitors=5, events=100, days=4, now=now)
    first = now.date() - dt.timedelta(days=3)
    skipped = first + dt.timedelta(days=1)
    state = {
        "bookmarks": {
            "events": {
                "replication_key": "received_at",
                "replication_key_value": format_timestamp(start_of_day(first)),
                "scope": NO_SCOPE,
                "days_read": [skipped.isoformat()],
            }
        }
    }
    config = tap_config(server, start_date=first.isoformat())
    with caplog.at_level(logging.INFO):
        run_sync(config, state=state, streams=("events",))
    assert (
        f"events: resuming: 1 day window(s) already read ({skipped}), 0 page(s) of partly read "
        "ones skipped"
    ) in caplog.text
    assert skipped.isoformat() not in {
        r.query["start_date"][0] for r in server.requests_to("/stats/events")
    }
