"""The time zone of the trend buckets, read the way dbt reads it when it builds them.

The trend marts (play_trends, play_trends_account) bucket in dbt's var
`reporting_timezone`, which transform/dbt_project.yml sets from DBT_REPORTING_TIMEZONE
(default UTC). Every other figure of the app is per UTC day, so the pages name the
trends' zone instead of calling everything UTC.

Decisions:
- The same sources in the same order as a Meltano-run dbt: the process environment, then
  the project's `.env` (Meltano's dotenv store, which it passes to dbt), then the default
  written in dbt_project.yml's var. Read per page run (a small file), so an edited `.env`
  shows after the next sync without restarting the app.
- Only what dbt_project.yml's line states is parsed (a literal, or env_var with a
  default): no Jinja. Anything else reads as UTC, dbt's macro default.
- The app names the zone set now; marts built before a change of zone keep the old one
  until the next sync rebuilds them (the README says so).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from app.warehouse import REPO_ROOT

VARIABLE = "DBT_REPORTING_TIMEZONE"
DEFAULT_ZONE = "UTC"
_VAR_LINE = re.compile(r"^\s*reporting_timezone:\s*(?P<value>.+?)\s*$", re.MULTILINE)
_ENV_VAR_DEFAULT = re.compile(
    r"env_var\(\s*['\"]" + VARIABLE + r"['\"]\s*,\s*['\"](?P<default>[^'\"]*)['\"]\s*\)"
)


def reporting_zone(env: dict[str, str] | None = None, root: Path = REPO_ROOT) -> str:
    """The IANA zone name of the trend buckets, e.g. 'UTC' or 'Europe/Paris'."""
    value = (os.environ if env is None else env).get(VARIABLE, "").strip()
    return value or _dotenv_value(root / ".env") or _dbt_default(root / "transform")


def _dotenv_value(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    for line in lines:
        key, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and key.strip() == VARIABLE:
            return value.strip().strip("'\"").strip()
    return ""


def _dbt_default(transform: Path) -> str:
    try:
        project = (transform / "dbt_project.yml").read_text(encoding="utf-8")
    except OSError:
        return DEFAULT_ZONE
    line = _VAR_LINE.search(project)
    if line is None:
        return DEFAULT_ZONE
    value = line["value"].strip("'\"")
    if "{{" not in value:
        return value or DEFAULT_ZONE
    default = _ENV_VAR_DEFAULT.search(value)
    return (default["default"] if default else "") or DEFAULT_ZONE
