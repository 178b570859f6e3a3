"""The one duckdb version the project pins (pyproject's extras), read for the tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def duckdb_pins() -> dict[str, str]:
    """extra -> the version its `duckdb==` requirement pins."""
    extras = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]
    return {
        extra: match.group(1)
        for extra, requirements in extras.items()
        for requirement in requirements
        if (match := re.fullmatch(r"duckdb==(\S+)", requirement))
    }


DUCKDB_PIN = duckdb_pins()["duckdb-loader"]
