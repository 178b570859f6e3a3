"""What the tap declares (its streams and settings), for tests that check every other place
that names them (meltano.yml, the README, dbt sources, the sandbox) against that one source."""

from __future__ import annotations

import typing as t

from tap_wistia.settings.schema import SCHEMA
from tap_wistia.streams.registry import STREAM_TYPES


def stream_names() -> list[str]:
    """Every stream the tap discovers, in sync order."""
    return [stream_type.name for stream_type in STREAM_TYPES]


def settings_schema() -> dict[str, t.Any]:
    """The tap's own settings (JSON schema): the one place they are declared."""
    return SCHEMA
