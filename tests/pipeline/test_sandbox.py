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


def test_quickstart_on_the_sandbox_and_its_closing_hints(meltano_project, tmp_path):
    """`bash scripts/quickstart.sh` with no token: the sandbox, the DuckDB pipeline, the
    summary, and closing hints that work as printed (steps 1-2, the installs, are the
    session's `meltano install`)."""
    root = meltano_project.root
    venv = root / ".venv"
    venv.symlink_to(Path(sys.executable).parents[1], target_is_directory=True)
    try:
        env = clean_env(
            MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}",
            QUICKSTART_SKIP_INSTALL="1",
        )
        env.pop("MELTANO_ENVIRONMENT")
        proc = subprocess.run(
            ["bash", "scripts/quickstart.sh"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=MELTANO_TIMEOUT,
            check=False,
        )
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
        # A screenful; what the tools printed (dbt's START/PASS lines...) is in the log.
        log = root / ".meltano" / "logs" / "quickstart.log"
        assert len((proc.stdout + proc.stderr).splitlines()) <= 40, proc.stdout + proc.stderr
        assert f"quickstart: the full log is {log}" in proc.stdout
        assert not re.search(r"\bSTART\b|CREATE TABLE", proc.stdout), proc.stdout
        assert re.search(r"ok: dbt build Done\. PASS=\d+ .*ERROR=0 .*TOTAL=\d+", proc.stdout)
        assert "Beginning sync of 'events'" in log.read_text()
        summary = proc.stdout.split("==> [5/5]", 1)[1]
        assert re.search(r"analytics\.wistia_views\s+2000 rows", summary), summary
        assert "2000 rows + header" in summary

        hints = [line.strip() for line in summary.split("Try:", 1)[1].splitlines() if line.strip()]
        assert hints[1] == (
            "bash scripts/sandbox.sh meltano run tap-wistia target-csv dbt-duckdb:build-from-csv"
            "   # the same export with no warehouse"
        )  # run as printed by test_sandbox_one_liner_runs_the_csv_pipeline_without_a_token
        # Run by tests/app/test_browser.py, the README's quickstart step 3.
        assert (
            hints[2] == "bash scripts/dashboard.sh   # the analytics app on http://127.0.0.1:8501"
        )
        query = subprocess.run(
            ["bash", "-c", hints[0]],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert query.returncode == 0, query.stderr
        assert "Date" in query.stdout and "5 rows" in query.stdout, query.stdout
    finally:
        venv.unlink()
