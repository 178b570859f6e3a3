"""The README's configuration commands, run as printed: they store settings in `.env` and
never rewrite `meltano.yml` or the files it includes (Meltano 4)."""

from __future__ import annotations

import shlex
import shutil
import stat
import subprocess

from tests.meltano_project import project_files
from tests.pipeline.conftest import REPO_ROOT, _meltano_executable, clean_env
from tests.test_readme import readme_commands


def test_config_commands_leave_meltano_yml_alone(tmp_path):
    files = [path.relative_to(REPO_ROOT) for path in project_files(REPO_ROOT)]
    assert len(files) > 1  # meltano.yml and what it includes
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / name, tmp_path / name)
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

    for name in files:
        assert (tmp_path / name).read_bytes() == (REPO_ROOT / name).read_bytes(), name
    # As the README's security notes say: Meltano creates .env owner-only.
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
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
