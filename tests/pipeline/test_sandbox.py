"""The sandbox as a product feature: `bash scripts/sandbox.sh meltano run ...` (the README's
and the quickstart's one-liner) runs a real Meltano pipeline against the bundled sandbox,
with no token, and leaves no server behind."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from tests.pipeline.conftest import MELTANO_TIMEOUT, clean_env
from tests.pipeline.expected import VIEW_COLUMNS, expected_csv_rows
from tests.pipeline.test_csv import export_rows
from wistia_sandbox import generate_dataset


def run_sandbox_script(project_root: Path, tmp_path: Path, *command: str):
    venv_bin = str(Path(sys.executable).parent)
    env = clean_env(MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}")
    env["PATH"] = f"{venv_bin}:{env.get('PATH', '')}"
    env.pop("MELTANO_ENVIRONMENT")  # the script chooses the `sandbox` environment itself
    return subprocess.run(
        ["bash", "scripts/sandbox.sh", *command],
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=MELTANO_TIMEOUT,
        check=False,
    )


def test_sandbox_one_liner_runs_the_csv_pipeline_without_a_token(meltano_project, tmp_path):
    proc = run_sandbox_script(
        meltano_project.root,
        tmp_path,
        "meltano",
        "run",
        "tap-wistia",
        "target-csv",
        "dbt-duckdb:build-from-csv",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    # The `sandbox` environment's outputs, apart from a real account's; the sandbox's data
    # (its defaults: 2,000 events) in the export, one row per event.
    export = meltano_project.root / "output" / "sandbox" / "wistia_views.csv"
    header, rows = export_rows(export)
    assert header == VIEW_COLUMNS
    dataset = generate_dataset(seed=1, projects=4, medias=30, visitors=250, events=2000, days=180)
    without_date = Counter(row[1:] for row in rows)
    assert without_date == Counter(row[1:] for row in expected_csv_rows(dataset))
    assert not (meltano_project.root / "output" / "wistia_views.csv").exists()
    assert list((meltano_project.root / "output" / "sandbox" / "csv" / "events").glob("*.csv"))

    # The script stopped its sandbox: nothing listens on its port any more.
    url = re.search(r"sandbox: (http://\S+)", proc.stderr)
    assert url, proc.stderr[-2000:]
    parts = urlsplit(url.group(1))
    with socket.socket() as sock:
        assert sock.connect_ex((parts.hostname, parts.port)) != 0


def test_sandbox_script_passes_the_command_exit_status(meltano_project, tmp_path):
    proc = run_sandbox_script(meltano_project.root, tmp_path, "bash", "-c", "exit 7")
    assert proc.returncode == 7
