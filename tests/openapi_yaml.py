"""The OpenAPI documents as YAML 1.2 reads them.

PyYAML implements YAML 1.1, where an unquoted `on`, `off`, `yes` or `no` is a boolean: the
2026-03 document's player plugins declare a property named `on`, which `yaml.safe_load`
turns into the key True. OpenAPI 3.1 documents are YAML 1.2, where only true and false are
booleans."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2's booleans (true / false only)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_document(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
