"""What every data module of the sandbox shares: the record type, the playable media types,
the API's timestamp styles (parse and format) and the stable hash that seeds derived figures.

The bottom layer of the data modules (sample_values, record_factory, dataset_stats, dataset,
data): it imports none of them, so each can import it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

Record = dict[str, Any]

PLAYABLE_TYPES = ("Video", "Audio")


def _h(*parts: object) -> int:
    """A stable 64-bit hash (Python's hash() is salted per process)."""
    raw = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")


@lru_cache(maxsize=1 << 18)
def parse_ts(value: str) -> datetime:
    """Parse any timestamp style the fake (and the live API) emits into an aware UTC datetime."""
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def format_ts(dt: datetime, style: int = 0) -> str:
    """0: ``2026-03-04T12:34:56.789Z``; 1: ``2026-03-04T12:34:56+00:00``; 2: ``...56Z``."""
    dt = _utc(dt)
    base = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if style == 0:
        return f"{base}.{dt.microsecond // 1000:03d}Z"
    if style == 1:
        return f"{base}+00:00"
    return f"{base}Z"


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
