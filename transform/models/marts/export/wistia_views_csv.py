"""DuckDB only: write `wistia_views` to a CSV file (RFC 4180, UTF-8, CRLF, header row).

The file path is env WISTIA_VIEWS_CSV_PATH (Meltano's dbt-duckdb sets
<project>/output/wistia_views.csv), default ../output/wistia_views.csv relative to transform/.
The model's own table records the path, row count and export time. Fields are formatted
by DuckDB (timestamps as 'YYYY-MM-DD HH:MM:SS' UTC); NULL becomes an empty field.
"""

import csv
import os
import tempfile
from typing import Any


def model(dbt: Any, session: Any) -> Any:
    dbt.config(materialized="table")
    views = dbt.ref("wistia_views")
    # dbt-duckdb runs Python models in-process, so the environment is dbt's own.
    path = os.path.abspath(os.environ.get("WISTIA_VIEWS_CSV_PATH") or "../output/wistia_views.csv")

    columns = list(views.columns)
    as_text = ", ".join(
        f"strftime(\"{c}\", '%Y-%m-%d %H:%M:%S')" if c == "Date" else f'cast("{c}" as varchar)'
        for c in columns
    )
    rows = views.query(
        "wistia_views",
        f"select {as_text} from wistia_views "
        'order by "Date", "IP", "Email", "Embed URL", "Percent Viewed"',
    ).fetchall()

    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".wistia_views.", suffix=".csv", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(columns)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise

    escaped = path.replace("'", "''")
    return session.sql(
        f"select '{escaped}' as csv_path, {len(rows)} as row_count, "
        "cast(now() at time zone 'UTC' as timestamp) as exported_at"
    )
