#!/usr/bin/env bash
# Run any command against the bundled Wistia-compatible sandbox (sample data, no account):
#
#   bash scripts/sandbox.sh meltano run tap-wistia target-csv dbt-duckdb:build-from-csv
#   bash scripts/sandbox.sh meltano run tap-wistia target-duckdb dbt-duckdb:build
#
# starts the sandbox on a free local port, runs the command with MELTANO_ENVIRONMENT=sandbox
# (meltano.yml: the sandbox's token, outputs under output/sandbox/, state ids sandbox:...)
# and TAP_WISTIA_API_URL pointing at it, stops the sandbox and exits with the command's
# status. Without a command it serves the sandbox on http://127.0.0.1:8765/v1 (the
# `sandbox` environment's api_url) until Ctrl-C, for `meltano --environment=sandbox ...`
# from another terminal.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/_env.sh
. "$ROOT/scripts/_env.sh"
if [ -f .venv/bin/activate ]; then
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
command -v wistia-sandbox >/dev/null || die "wistia-sandbox not found: run \`bash scripts/quickstart.sh\` once first."

if [ "$#" -eq 0 ]; then
  echo "Point Meltano at it from another terminal: meltano --environment=sandbox run ..."
  exec wistia-sandbox --host 127.0.0.1 --port 8765 --token "$SANDBOX_TOKEN"
fi

trap stop_sandbox EXIT
trap 'exit 130' INT TERM
start_sandbox 0 "$ROOT/.meltano/logs/sandbox.log"
echo "sandbox: $SANDBOX_URL" >&2
# The shell and .env may hold a real account's settings: the sandbox's win for this command.
export MELTANO_ENVIRONMENT=sandbox TAP_WISTIA_API_URL="$SANDBOX_URL" TAP_WISTIA_API_TOKEN="$SANDBOX_TOKEN"
set +e
"$@"
status=$?
set -e
exit "$status"
