"""Two singer-sdk log lines that say nothing useful here, dropped at their source loggers.

- "Pagination stopped after N pages because no records were found in the last response":
  `RESTStream.request_records` (singer_sdk/streams/rest.py), INFO on the stream's logger,
  once for every listing or per-media call that ends on an empty page: hundreds of lines
  on a long run, and an empty last page is the normal end of a Wistia list.
- "Stream is assumed to be unsorted, progress is not resumable if interrupted":
  `increment_state` (singer_sdk/helpers/_state.py), WARNING on the "singer_sdk" logger,
  for every stream with `is_sorted = False`. Our unsorted streams keep their own
  bookmarks (events commit per finished day and resume per page; daily stats re-read from
  their one bookmark), so the warning is wrong for them and only alarms people.

Neither message has a setting or hook to turn it off, and lowering the level of the
"singer_sdk" logger would also hide warnings that matter; a filter drops exactly these.

The SDK's METRIC lines (one per request, batch and sync: most of a run's output) are off
by default on the command line too, as under Meltano (whose plugins get
`scripts/sdk-logging/metrics-off.yml`): the "singer_sdk.metrics" logger stops
propagating (a level would not hold: the SDK resets levels at start-up). A logging
config in `SINGER_SDK_LOG_CONFIG` decides instead, so
`SINGER_SDK_LOG_CONFIG=scripts/sdk-logging/metrics-on.yml` turns them back on.
"""

from __future__ import annotations

import logging
import os
import typing as t

NOISE = (
    "Pagination stopped after",
    "Stream is assumed to be unsorted",
)


class _DropSdkNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(NOISE))


_FILTER = _DropSdkNoise()  # one instance: adding it again to a logger is a no-op


def quiet_sdk_noise(stream_loggers: t.Iterable[logging.Logger]) -> None:
    """A logger's filters see only records logged on it, so each source logger gets it."""
    logging.getLogger("singer_sdk").addFilter(_FILTER)
    for logger in stream_loggers:
        logger.addFilter(_FILTER)


def metrics_off_unless_configured() -> None:
    """No METRIC lines on the console unless `SINGER_SDK_LOG_CONFIG` says otherwise."""
    if "SINGER_SDK_LOG_CONFIG" in os.environ:
        return
    metrics = logging.getLogger("singer_sdk.metrics")
    metrics.propagate = False
    if not metrics.handlers:
        metrics.addHandler(logging.NullHandler())  # not Python's last-resort handler
