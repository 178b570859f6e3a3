"""scripts/quickstart.sh installs only the plugins its path uses (PLUGINS), each a plugin the
project declares (Meltano skips an unknown name without a word), and everything its
`meltano run` commands and closing hints name is among them."""

from __future__ import annotations

import re

from tests.meltano_project import plugins
from tests.pipeline.conftest import REPO_ROOT

QUICKSTART = REPO_ROOT / "scripts" / "quickstart.sh"


def test_the_quickstart_installs_what_its_runs_use_and_nothing_else():
    script = QUICKSTART.read_text(encoding="utf-8")
    (listed,) = re.findall(r"^PLUGINS=\(([^)]*)\)$", script, flags=re.MULTILINE)
    installed = listed.split()
    declared = plugins()
    assert set(installed) <= set(declared)
    used = set()
    # The commands it runs, and the hints it prints (`{meltano} run ...` in its summary).
    for command in re.findall(r"(?:meltano|\{meltano\}) run ([^\n\"]*)", script):
        used |= {word.split(":")[0] for word in command.split() if word in declared or ":" in word}
    assert used == set(installed)
    # The warehouses the default path does not use are installed on demand.
    assert not {"target-postgres", "dbt-postgres", "target-snowflake", "dbt-snowflake"} & used
