"""The run's dates, fixed once at start from the settings and the clock.

Every stream reads the same instants, so a run that spans midnight still agrees with
itself on "today": events windows, daily stats, analytics windows and snapshot stamps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tap_wistia.timeutil import RETENTION_DAYS, parse_timestamp, start_of_day


@dataclass(frozen=True)
class RunWindow:
    run_started: dt.datetime
    start: dt.datetime  # the earliest instant read (start_date, clamped to the retention)
    end: dt.datetime  # the instant reading stops at (with complete_days_only: today's midnight)
    last_day: dt.date  # the last UTC day to read (events windows, daily stats)
    clamped_start_date: str | None  # a configured start_date older than the retention

    @classmethod
    def of(
        cls,
        now: dt.datetime,
        *,
        start_date: str | None,
        end_date: str | None,
        complete_days_only: bool,
    ) -> RunWindow:
        earliest = start_of_day(now.date() - dt.timedelta(days=RETENTION_DAYS))
        start, clamped = earliest, None
        if start_date:
            start = parse_timestamp(start_date)
            if start < earliest:
                start, clamped = earliest, start_date
        end = now
        if end_date:
            end = min(end, parse_timestamp(end_date))
        if complete_days_only:
            end = min(end, start_of_day(now.date()))
            last_day = (end - dt.timedelta(microseconds=1)).date()
        else:
            last_day = end.date()
        return cls(now, start, end, last_day, clamped)

    @property
    def snapshot_date(self) -> str:
        """The UTC day media snapshots are stamped with (a rerun that day replaces them)."""
        return self.run_started.date().isoformat()
