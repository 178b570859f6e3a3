"""The Meltano project as Meltano reads it: meltano.yml plus every file its `include_paths`
globs match (relative to the project root), merged as Meltano merges them (mappings
recursively, lists appended), for tests that check what the project declares."""

from __future__ import annotations

import typing as t
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
MELTANO_YML = "meltano.yml"


def project_files(root: Path = REPO_ROOT) -> list[Path]:
    """meltano.yml, then each file its include_paths match, each once."""
    top = root / MELTANO_YML
    included: list[Path] = []
    for pattern in read_yaml(top).get("include_paths", []):
        # Sorted: glob order is the file system's, and a test must not depend on it.
        for path in sorted(root.glob(pattern)):
            if path != top and path not in included:
                included.append(path)
    return [top, *included]


def read_yaml(path: Path) -> dict[str, t.Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _merge(into: dict[str, t.Any], other: dict[str, t.Any]) -> dict[str, t.Any]:
    merged = dict(into)
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


def load_project(root: Path = REPO_ROOT) -> dict[str, t.Any]:
    """Every project file merged into one mapping, as `meltano` sees the project."""
    merged: dict[str, t.Any] = {}
    for path in project_files(root):
        merged = _merge(merged, read_yaml(path))
    return merged


class Plugin(t.NamedTuple):
    kind: str  # extractors, loaders, utilities, ...
    definition: dict[str, t.Any]
    path: Path  # the file that declares it, for messages


def plugins(root: Path = REPO_ROOT) -> dict[str, Plugin]:
    """Every plugin by name, with the file it is declared in. Meltano refuses a plugin
    declared in two files, and so does this."""
    found: dict[str, Plugin] = {}
    for path in project_files(root):
        for kind, items in (read_yaml(path).get("plugins") or {}).items():
            for definition in items or []:
                name = definition["name"]
                assert name not in found, f"{name} is declared in {found[name].path} and {path}"
                found[name] = Plugin(kind, definition, path)
    return found
