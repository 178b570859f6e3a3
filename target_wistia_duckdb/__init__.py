"""target-duckdb for this project: tap-wistia's streams into the embedded DuckDB warehouse.

Why in-repo: target-duckdb 0.8.0 (the last release, 2024) silently dropped the first record
of every batch with duckdb >= 1.3, which held the whole project on duckdb 1.2.2. This loader
is a singer-sdk target (state, batching, stream maps and record metadata from the SDK) whose
sink stages each batch as JSON lines and loads it with DuckDB's `read_json` into typed
columns, upserting by key in one transaction (sink.py). It writes the tables and columns
target-duckdb wrote (columns.py), so existing warehouses, dbt models and the app carry on.
"""

from target_wistia_duckdb.target import TargetWistiaDuckDB

__all__ = ["TargetWistiaDuckDB"]
