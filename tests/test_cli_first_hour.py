"""A newcomer's first runs of the command line: one clear line per mistake, a calm log."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from tests.tap_harness import run_cli, tap_config

ROOT = Path(__file__).resolve().parent.parent
METRICS_ON = ROOT / "scripts" / "sdk-logging" / "metrics-on.yml"


def test_a_missing_token_says_what_to_set_under_meltano_and_directly(tmp_path):
    run = run_cli({"api_url": "http://127.0.0.1:9/v1"}, tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "api_token: is not set; set it to your Wistia API token" in run.stderr
    assert "meltano config set --store=dotenv tap-wistia api_token <your token>" in run.stderr
    assert "'api_token' is a required property" not in run.stderr


def test_a_config_file_that_is_missing_or_not_json_is_one_line(tmp_path):
    missing = tmp_path / "missing.json"
    run = subprocess.run(
        [sys.executable, "-m", "tap_wistia", "--config", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert len(run.stderr.strip().splitlines()) == 1
    assert f"--config: no file at '{missing}'." in run.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    run = subprocess.run(
        [sys.executable, "-m", "tap_wistia", "--config", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert len(run.stderr.strip().splitlines()) == 1
    assert "--config: a file is not valid JSON" in run.stderr


def test_metric_lines_are_off_by_default_and_on_with_the_documented_log_config(
    make_wistia, tmp_path
):
    server = make_wistia(medias=2, visitors=3, events=3, days=1)
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    config = tap_config(server, start_date=start)
    quiet = run_cli(config, tmp_path)
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert "METRIC" not in quiet.stderr
    assert '"type":"RECORD"' in quiet.stdout.replace(" ", "")
    loud = run_cli(config, tmp_path, env={"SINGER_SDK_LOG_CONFIG": str(METRICS_ON)})
    assert loud.returncode == 0, loud.stderr[-2000:]
    assert "METRIC" in loud.stderr
