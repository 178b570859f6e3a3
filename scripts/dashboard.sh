#!/usr/bin/env bash
# Start the analytics app (Streamlit) on http://127.0.0.1:8501:
#
#   bash scripts/dashboard.sh                      # after scripts/quickstart.sh
#   bash scripts/dashboard.sh --port 8600
#   WISTIA_APP_PASSWORD=... bash scripts/dashboard.sh --address 0.0.0.0   # for a team
#
# Reads the DuckDB file of the last quickstart/sync (read-only); see app/README.md for
# PostgreSQL, the auth proxy header and every setting.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/_env.sh
. "$ROOT/scripts/_env.sh"

if [ ! -x .venv/bin/python ]; then
  die "no .venv yet: run \`bash scripts/quickstart.sh\` first (it installs everything and builds the data)."
fi
# shellcheck disable=SC1091
. .venv/bin/activate
if ! python -c 'import streamlit, altair, psutil' >/dev/null 2>&1; then
  echo "installing the app's packages: pip install -e '.[app]' ..."
  python -m pip install --quiet -e '.[app]' || die "pip install -e '.[app]' failed"
fi
exec python -m app "$@"
