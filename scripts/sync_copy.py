"""The warehouse copy scripts/sync.sh builds into, so the app keeps reading the live file.

    python scripts/sync_copy.py prepare LIVE COPY   # COPY from LIVE, unless a killed run left one
    python scripts/sync_copy.py swap COPY LIVE      # COPY renamed over LIVE

Decisions:
- The sync loads and transforms `<dir>/.<name>.sync/<name>`, never the live `<dir>/<name>`:
  DuckDB lets one writer have a file and nobody else, so a sync writing the live file would
  lock the app out for its whole length. Readers of the live file never see a half-built
  warehouse; a rename swaps the new one in at the end.
- The copy is taken while holding a read-only connection to the live file: no writer can
  hold it meanwhile, so the bytes copied are one consistent database. A writer holding it
  (a notebook, an old sync) makes `prepare` fail with DuckDB's "Could not set lock on file"
  (exit 3), which sync.sh already waits for and retries.
- A copy a killed run left is kept and built on: Meltano saved that run's bookmarks as
  records were loaded, so those records are only in that copy.
- `swap` always runs after the load, whatever dbt did: the bookmarks Meltano saved describe
  the loaded rows, and swapping keeps the data and the state together (the marts are then
  those of the last successful dbt build). The copy's WAL is checkpointed into the file
  first, and a stale WAL beside the live file (a crashed writer's) is removed: DuckDB would
  replay it onto the new file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys

import duckdb

EXIT_LOCKED = 3


def lock_error(error: duckdb.Error) -> bool:
    return "Could not set lock on file" in str(error)


def prepare(live: str, copy: str) -> int:
    if os.path.exists(copy):
        print(f"sync: building on the copy a killed run left ({copy}): its loaded rows are kept")
        return 0
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    if not os.path.exists(live):
        print(f"sync: no warehouse yet at {live}: building a new one")
        return 0
    try:
        reader = duckdb.connect(live, read_only=True)
    except duckdb.Error as error:
        if lock_error(error):
            print(f"sync: cannot copy the warehouse: {error}")
            return EXIT_LOCKED
        raise
    try:
        # A partial copy never counts as the killed run's: copy beside it, then rename.
        partial = copy + ".partial"
        shutil.copyfile(live, partial)
        if os.path.exists(live + ".wal"):
            shutil.copyfile(live + ".wal", copy + ".wal")
        os.replace(partial, copy)
    finally:
        reader.close()
    print(f"sync: building into a copy of the warehouse ({copy}); the app keeps reading {live}")
    return 0


def swap(copy: str, live: str) -> int:
    folder = os.path.dirname(copy)
    if not os.path.exists(copy):
        print("sync: nothing was loaded: the live warehouse is unchanged")
        shutil.rmtree(folder, ignore_errors=True)
        return 0
    with duckdb.connect(copy) as conn:
        conn.execute("checkpoint")  # the WAL into the file: the rename moves one file
    try:
        reader = duckdb.connect(live, read_only=True) if os.path.exists(live) else None
    except duckdb.Error as error:
        if lock_error(error):
            print(f"sync: cannot replace the warehouse yet: {error}")
            return EXIT_LOCKED
        raise
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(live + ".wal")
        os.replace(copy, live)
    finally:
        if reader is not None:
            reader.close()
    shutil.rmtree(folder, ignore_errors=True)
    print(f"sync: the new warehouse replaced {live}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("prepare", "swap"):
        sys.exit(__doc__)
    action, first, second = argv
    return prepare(first, second) if action == "prepare" else swap(first, second)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
