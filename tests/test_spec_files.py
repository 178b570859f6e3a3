"""The OpenAPI copies under spec/openapi are verbatim: their SHA-256 match the README's."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec" / "openapi"
LISTED = dict(
    (name, digest)
    for digest, name in re.findall(
        r"^([0-9a-f]{64})  (\S+)$", (SPEC_DIR / "README.md").read_text(), flags=re.M
    )
)


def test_readme_lists_every_spec_file():
    on_disk = {p.name for p in SPEC_DIR.iterdir() if p.suffix in (".yml", ".yaml")}
    assert on_disk == set(LISTED)


@pytest.mark.parametrize("name", sorted(LISTED))
def test_spec_copy_is_unchanged(name):
    assert hashlib.sha256((SPEC_DIR / name).read_bytes()).hexdigest() == LISTED[name]
