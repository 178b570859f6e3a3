"""Two DuckDB loaders on the same Singer file: wall, CPU, peak RSS and rows kept.

    python -m benchmarks.loaders SINGER_FILE --old PATH/TO/target-duckdb

SINGER_FILE is the tap's output of a pipeline run (`python -m benchmarks.pipeline --workdir
DIR` keeps it as DIR/singer.jsonl). Each loader runs directly (no `meltano invoke`: the
same wrapper cost for both is left out) into a fresh DuckDB file, measured like the
pipeline's steps. `--old` is target-duckdb 0.8.0 in a venv of its own, with the duckdb it
was pinned to (`pip install target-duckdb==0.8.0 duckdb==1.2.2`); the new loader is this
repository's `target-wistia-duckdb`. The counts are read with each loader's own Python, as
a file written by duckdb 2.x does not open in 1.2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .pipeline import _step

CONFIG = {"default_target_schema": "tap_wistia"}
COUNT = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
    "print(c.execute('select count(*) from tap_wistia.events').fetchone()[0])"
)


def measure_loader(name: str, executable: Path, singer: Path, work: Path, extra: dict) -> str:
    db = work / f"{name}.duckdb"
    config = work / f"{name}.json"
    config.write_text(json.dumps({**CONFIG, "filepath": str(db), **extra}))
    cmd = [str(executable), "--config", str(config)]
    figures = _step(cmd, dict(os.environ), work / f"{name}.log", stdin=singer)
    python = executable.with_name("python")
    events = subprocess.run(
        [str(python), "-c", COUNT, str(db)], capture_output=True, text=True, check=True
    ).stdout.strip()
    return (
        f"| {name} (`{executable.name}`) | {figures['wall']:.0f} s | {figures['cpu']:.0f} s "
        f"| {figures['max_rss_mb']} MB | {int(events):,} |"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.loaders")
    p.add_argument("singer", type=Path)
    p.add_argument("--old", type=Path, required=True, help="target-duckdb 0.8.0's executable")
    args = p.parse_args(argv)
    new = shutil.which("target-wistia-duckdb", path=str(Path(sys.executable).parent))
    if new is None:
        p.error("target-wistia-duckdb is not installed: pip install -e '.[dev]'")
    work = Path(tempfile.mkdtemp(prefix="tap-wistia-loaders-"))
    print("| loader | wall time | CPU | peak RSS | events loaded |")
    print("|:--|--:|--:|--:|--:|")
    # The settings meltano/loaders.meltano.yml gives each (0.8.0: its metadata switch).
    print(measure_loader("old", args.old, args.singer, work, {"add_metadata_columns": True}))
    print(measure_loader("new", Path(new), args.singer, work, {"add_record_metadata": True}))
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
