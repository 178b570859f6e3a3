#!/usr/bin/env bash
# Install everything and run ALL tests: the one command behind `.ci/run`.
#
#   bash scripts/test.sh            # any extra arguments go to pytest, e.g. -k duckdb
#
# 1. creates .venv (Python >= 3.11) if missing and installs the project with its dev extras
# 2. `meltano install` (every plugin is custom: no Meltano Hub needed)
# 3. checks that PostgreSQL server binaries (the end-to-end tests start a server) and
#    Chromium + chromedriver (the app's browser test) exist
# 4. pytest over tests/ (the tap's tests and the pipeline tests), then ruff
# Exits non-zero if any step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
# shellcheck source=scripts/_env.sh
. "$ROOT/scripts/_env.sh"

step "[1/4] Python environment (.venv) and the project with its dev extras"
ensure_venv
echo "installed: $(python -m pip --version | cut -d' ' -f1-2), $(meltano --version 2>/dev/null | tail -n 1)"

step "[2/4] Meltano plugins (meltano install)"
meltano install

step "[3/4] PostgreSQL server binaries and Chromium"
PG_CTL="$(command -v pg_ctl || true)"
if [ -z "$PG_CTL" ] || ! command -v initdb >/dev/null 2>&1; then
  PG_CTL="$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -n "$PG_CTL" ]; then
  echo "found $("$PG_CTL" --version) ($PG_CTL)"
elif [ "${CI:-}" = "true" ]; then
  die "PostgreSQL server binaries (initdb, pg_ctl) are missing: .ci/run installs them with apt-get install -y postgresql."
else
  echo "WARNING: PostgreSQL server binaries (initdb, pg_ctl) not found: the PostgreSQL"
  echo "end-to-end test will be SKIPPED. Install them: sudo apt-get install -y postgresql"
fi

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "found $(chromium --version 2>/dev/null | head -n 1) and chromedriver (the app's browser test)"
elif [ "${CI:-}" = "true" ]; then
  die "chromium / chromedriver are missing: .ci/run installs them with apt-get install -y chromium chromium-driver."
else
  echo "WARNING: chromium / chromedriver not found: the app's browser test will FAIL."
  echo "Install them: sudo apt-get install -y chromium chromium-driver"
fi

step "[4/4] Tests: pytest tests/, ruff"
status=0
python -m pytest tests "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
fi
ruff check . || status=1
ruff format --check . || status=1

if [ "$status" -ne 0 ]; then
  die "tests failed (exit $status)"
fi
echo
echo "All tests passed."
