"""Every dbt model and every one of its columns is described, and the documented columns are
the model's real ones.

The descriptions come from dbt's own manifest (`target/manifest.json`, written by the build),
so `{{ doc(...) }}` blocks count once rendered and no yml is parsed a second way here. The
real columns come from the warehouse the build just wrote, not from the SQL: a column renamed
or added in a model without its yml fails the pipeline test that built it, naming the model,
the column and the yml file to edit.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb


def warehouse_columns(duckdb_path: Path, schema: str) -> dict[str, list[str]]:
    """Each relation of `schema` and its columns, in order, as the warehouse has them."""
    with duckdb.connect(str(duckdb_path), read_only=True) as conn:
        rows = conn.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = ? order by table_name, ordinal_position",
            [schema],
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def undocumented(manifest_path: Path, duckdb_path: Path) -> list[str]:
    """One line per problem: a model or a column without a description, a column the yml
    documents that the model does not have, or a real column the yml does not document."""
    manifest = json.loads(manifest_path.read_text())
    problems = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or not node["config"]["enabled"]:
            continue
        name = node["name"]
        if node["patch_path"]:
            where = f"{name} (transform/{node['patch_path'].split('://', 1)[-1]})"
        else:
            where = f"{name} (no yml: add transform/{node['original_file_path'][:-4]}.yml)"
        if not node["description"].strip():
            problems.append(f"{where}: the model has no description")
        real = warehouse_columns(duckdb_path, node["schema"]).get(node["alias"])
        if real is None:
            problems.append(f"{where}: not in the warehouse (schema {node['schema']})")
            continue
        documented = {column["name"]: column["description"] for column in node["columns"].values()}
        for column in real:
            if column not in documented:
                problems.append(f"{where}: column {column!r} is not in the yml")
            elif not documented[column].strip():
                problems.append(f"{where}: column {column!r} has no description")
        problems.extend(
            f"{where}: the yml documents {column!r}, which the model does not have"
            for column in documented
            if column not in real
        )
    return problems
