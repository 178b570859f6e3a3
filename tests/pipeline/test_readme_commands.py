"""The README's configuration commands, run as printed: they store settings in `.env` and
never rewrite `meltano.yml` (Meltano 4)."""

from __future__ import annotations

import shlex
import shutil
import subprocess

from tests.pipeline.conftest import REPO_ROOT, _meltano_executable, clean_env
from tests.test_readme import readme_commands


def test_config_commands_leave_meltano_yml_alone(tmp_path):
    shutil.copy(REPO_ROOT / "meltano.yml", tmp_path / "meltano.yml")
    env = clean_env(MELTANO_DATABASE_URI=f"sqlite:///{tmp_path / 'meltano.db'}")
    commands = [c for c in readme_commands() if c.startswith("meltano config ")]
    assert len(commands) == 3
    outputs = []
    for command in commands:
        proc = subprocess.run(
            [_meltano_executable(), *shlex.split(command)[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, (command, proc.stderr[-2000:])
        outputs.append(proc.stdout + proc.stderr)

    assert (tmp_path / "meltano.yml").read_bytes() == (REPO_ROOT / "meltano.yml").read_bytes()
    assert (tmp_path / ".env").read_text().splitlines() == [
        "TAP_WISTIA_API_TOKEN='YOUR_TOKEN'",
        "TAP_WISTIA_START_DATE='2025-01-01T00:00:00Z'",
    ]
    listing = outputs[-1]
    assert (
        "start_date [env: TAP_WISTIA_START_DATE] current value: '2025-01-01T00:00:00Z'" in listing
    )
    assert "api_token" in listing and "(redacted)" in listing
    assert "YOUR_TOKEN" not in "".join(outputs)
