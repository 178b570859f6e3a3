#!/usr/bin/env bash
# One command from a fresh clone to a built warehouse:
#
#   bash scripts/quickstart.sh
#
# 1. creates .venv (Python >= 3.11) if missing and installs the project (with Meltano)
# 2. `meltano install` of what this path uses: the tap, the DuckDB and CSV loaders, dbt for
#    DuckDB (custom plugins, no Meltano Hub). PostgreSQL and Snowflake are installed when
#    wanted: `meltano install target-postgres dbt-postgres` (README, "Warehouses").
# 3. the Wistia API: with TAP_WISTIA_API_TOKEN set, your account (real API); otherwise the
#    bundled Wistia-compatible sandbox (`wistia-sandbox`, sample data) and meltano.yml's
#    `sandbox` environment
# 4. meltano run tap-wistia target-duckdb dbt-duckdb:build
# 5. prints where the DuckDB file and output/wistia_views.csv are
#
# The screen gets one line per step and the summary (a screenful); everything the tools
# print goes to .meltano/logs/quickstart.log, whose path is printed first.
#
# Sandbox runs are kept apart from real ones: their own files (output/sandbox/; the DuckDB
# file is rebuilt each time, since the sandbox generates its data relative to "now") and
# their own state (environment `sandbox`, --full-refresh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n==> [%s] %s\n' "$1" "$2"; }
# shellcheck source=scripts/_env.sh
. "$ROOT/scripts/_env.sh"

started=$SECONDS
mkdir -p "$ROOT/output" "$ROOT/.meltano/logs"
LOG="$ROOT/.meltano/logs/quickstart.log"
: >"$LOG"
echo "quickstart: the full log is $LOG"
# What the default path runs (step 4) and its closing hints use; nothing else is installed.
PLUGINS=(tap-wistia target-duckdb target-csv dbt-duckdb)

# A failed step: its last lines from the log, then stop.
fail() {
  echo "--- last lines of $LOG:" >&2
  tail -n 25 "$LOG" | sed -E 's/^[0-9T:.-]+Z \[[a-z ]+\] //' >&2
  die "$1; full log: $LOG"
}

# QUICKSTART_SKIP_INSTALL=1 (the tests, which install once for the whole suite) skips steps
# 1-2: .venv (or the current environment) must already have the project and its plugins.
if [ "${QUICKSTART_SKIP_INSTALL:-}" = 1 ]; then
  if [ -f .venv/bin/activate ]; then
    # shellcheck disable=SC1091
    . .venv/bin/activate
  fi
  step 1-2/5 "Python environment and Meltano plugins: already installed (QUICKSTART_SKIP_INSTALL=1)"
else
  # --- 1. Python environment --------------------------------------------------------------
  step 1/5 "Python environment (.venv) and the project"
  ensure_venv
  echo "ok: $(meltano --version 2>/dev/null | tail -n 1)"

  # --- 2. Meltano plugins -----------------------------------------------------------------
  step 2/5 "Meltano plugins: meltano install ${PLUGINS[*]} (first time: a few minutes)"
  meltano install "${PLUGINS[@]}" >>"$LOG" 2>&1 || fail "meltano install failed (exit $?)"
  echo "ok: installed ${PLUGINS[*]} (others on demand, e.g. meltano install target-postgres dbt-postgres)"

fi

# --- 3. The Wistia API ------------------------------------------------------------------
RUN_FLAGS=()
trap stop_sandbox EXIT
trap 'exit 130' INT TERM

if [ -n "${TAP_WISTIA_API_TOKEN:-}" ]; then
  step 3/5 "Wistia API: your account (TAP_WISTIA_API_TOKEN is set)"
  echo "API URL: ${TAP_WISTIA_API_URL:-https://api.wistia.com/v1}"
  DUCKDB_FILE="${TARGET_DUCKDB_FILEPATH:-$ROOT/wistia.duckdb}"
  CSV_FILE="${DBT_DUCKDB_VIEWS_CSV_PATH:-$ROOT/output/wistia_views.csv}"
  MELTANO_CMD=".venv/bin/meltano"
else
  step 3/5 "Wistia API: the bundled sandbox (set TAP_WISTIA_API_TOKEN to use your account)"
  start_sandbox 0 "$ROOT/.meltano/logs/sandbox.log"
  echo "sandbox: $SANDBOX_URL (pid $SANDBOX_PID)"
  # meltano.yml's `sandbox` environment: the sandbox's token, outputs under output/sandbox/.
  export MELTANO_ENVIRONMENT=sandbox TAP_WISTIA_API_URL="$SANDBOX_URL" TAP_WISTIA_API_TOKEN="$SANDBOX_TOKEN"
  DUCKDB_FILE="$ROOT/output/sandbox/wistia.duckdb"
  CSV_FILE="$ROOT/output/sandbox/wistia_views.csv"
  # The sandbox creates its data relative to "now": rebuild from scratch every time.
  mkdir -p "$(dirname "$DUCKDB_FILE")"
  rm -f "$DUCKDB_FILE" "$DUCKDB_FILE.wal"
  RUN_FLAGS=(--full-refresh)
  MELTANO_CMD="bash scripts/sandbox.sh meltano"
fi

# --- 4. Extract, load, transform ----------------------------------------------------------
step 4/5 "meltano run ${RUN_FLAGS[*]} tap-wistia target-duckdb dbt-duckdb:build"
echo "extract, load and dbt build: a minute or two (progress: tail -f $LOG) ..."
from="$(wc -l <"$LOG")"
meltano run "${RUN_FLAGS[@]}" tap-wistia target-duckdb dbt-duckdb:build >>"$LOG" 2>&1 \
  || fail "meltano run failed (exit $?)"
# dbt's closing tally, e.g. "Done. PASS=321 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=321".
tally="$(tail -n "+$((from + 1))" "$LOG" | grep -oE 'Done\. PASS=[0-9]+.*TOTAL=[0-9]+' | tail -n 1 || true)"
echo "ok: dbt build ${tally:-done}"

# --- 5. Where the results are -------------------------------------------------------------
step 5/5 "Done in $((SECONDS - started)) s"
python - "$DUCKDB_FILE" "$CSV_FILE" "$MELTANO_CMD" <<'PY'
import sys
import duckdb

db, csv_file, meltano = sys.argv[1], sys.argv[2], sys.argv[3]
with duckdb.connect(db, read_only=True) as conn:
    count = lambda rel: conn.execute(f"select count(*) from {rel}").fetchone()[0]
    print(f"DuckDB file:  {db}")
    for rel in ("analytics.wistia_views", "analytics.media_daily_metrics",
                "analytics.media_engagement_chunks", "analytics.visitor_segments"):
        print(f"  {rel:<36} {count(rel):>7} rows")
print(f"CSV export:   {csv_file}")
with open(csv_file, encoding="utf-8", newline="") as handle:
    import csv
    print(f"  {sum(1 for _ in csv.reader(handle)) - 1} rows + header (RFC 4180, UTF-8)")
print()
print("Try:")
print(f"  .venv/bin/python -c \"import duckdb; con = duckdb.connect('{db}', read_only=True); "
      "con.sql('select * from analytics.wistia_views limit 5').show()\"")
print(f"  {meltano} run tap-wistia target-csv dbt-duckdb:build-from-csv"
      "   # the same export with no warehouse")
print("  bash scripts/dashboard.sh   # the analytics app on http://127.0.0.1:8501")
PY
