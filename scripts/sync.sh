#!/usr/bin/env bash
# The scheduled sync: run the Meltano schedule (tap -> DuckDB -> dbt) in the `prod`
# environment, one run at a time, and record the result for the app's Data status page.
#
#   bash scripts/sync.sh                 # run now; exit 75 at once if a sync is running
#   bash scripts/sync.sh --wait          # run now, after the running sync (if any) ends
#   bash scripts/sync.sh --print-cron    # the crontab line for the schedule's interval
#   bash scripts/sync.sh --install       # add (or replace) that line in your crontab
#
# Settings (environment): SYNC_SCHEDULE (default daily-wistia-to-duckdb, a schedule in
# meltano/jobs.meltano.yml), MELTANO_ENVIRONMENT (default prod), WISTIA_SYNC_DIR (lock,
# status and log; default output/sync), WISTIA_SYNC_LOCK_RETRIES (default 5) and
# WISTIA_SYNC_LOCK_RETRY_SECONDS (default 60): how often and after how long to run again
# when another program holds the DuckDB file. The tap's own settings come from .env / the
# environment as usual.
#
# Overlaps: the run holds an exclusive flock(1) on $WISTIA_SYNC_DIR/sync.lock for its whole
# length. A second run never touches the Meltano state or the DuckDB file: without --wait
# it exits 75 ("another sync is running"), with --wait it queues. The lock is released by
# the kernel when the run ends, however it ends, so a crash never leaves a stale lock.
# Holding it also proves no other sync runs: a job Meltano still counts as running (a run
# killed with -9 leaves its row "running" for 5 minutes) is a dead one, and the run goes on
# with `--force`, saying so.
#
# The app stays available: the run builds into a copy, <dir>/.<name>.sync/<name> beside the
# DuckDB file, and renames it over the live file at the end (scripts/sync_copy.py), even when
# dbt failed after the load, so the data matches the bookmarks Meltano saved.
#
# Files (the token's config file, the warehouse, the exports) are private: umask 077.
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/_env.sh
. "$ROOT/scripts/_env.sh"

SCHEDULE="${SYNC_SCHEDULE:-daily-wistia-to-duckdb}"
ENVIRONMENT="${MELTANO_ENVIRONMENT:-prod}"
SYNC_DIR="${WISTIA_SYNC_DIR:-$ROOT/output/sync}"
LOCK="$SYNC_DIR/sync.lock"
STATUS="$SYNC_DIR/last_run.json"
LOG="$SYNC_DIR/sync.log"
EXIT_BUSY=75  # EX_TEMPFAIL: not an error, try later
LOCK_RETRIES="${WISTIA_SYNC_LOCK_RETRIES:-5}"
LOCK_RETRY_SECONDS="${WISTIA_SYNC_LOCK_RETRY_SECONDS:-60}"

mode="run"
case "${1:-}" in
  "") ;;
  --wait) mode="wait" ;;
  --print-cron) mode="print-cron" ;;
  --install) mode="install" ;;
  -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown option $1 (use --wait, --print-cron, --install or --help)" ;;
esac

for number in "$LOCK_RETRIES" "$LOCK_RETRY_SECONDS"; do
  case "$number" in
    ''|*[!0-9]*) die "WISTIA_SYNC_LOCK_RETRIES and WISTIA_SYNC_LOCK_RETRY_SECONDS take whole numbers (got '$number')." ;;
  esac
done

[ -x .venv/bin/meltano ] || die "no .venv with Meltano: run \`bash scripts/quickstart.sh\` first."
# shellcheck disable=SC1091
. .venv/bin/activate
command -v flock >/dev/null 2>&1 || die "flock is missing: install util-linux."
mkdir -p "$SYNC_DIR"

# The schedule's cron expression, as Meltano resolves it (@daily -> 0 0 * * *).
cron_interval() {
  meltano schedule list --format=json 2>/dev/null | python -c '
import json, sys
name = sys.argv[1]
for schedule in json.load(sys.stdin)["schedules"]["job"]:
    if schedule["name"] == name:
        print(schedule["cron_interval"])
        break
else:
    sys.exit(f"no job schedule named {name!r} in the Meltano project")
' "$SCHEDULE"
}

if [ "$mode" = "print-cron" ] || [ "$mode" = "install" ]; then
  interval="$(cron_interval)" || die "cannot read schedule $SCHEDULE from the Meltano project"
  line="$interval umask 077; cd $(printf '%q' "$ROOT") && bash scripts/sync.sh >/dev/null 2>&1 # tap-wistia $SCHEDULE"
  if [ "$mode" = "print-cron" ]; then
    echo "$line"
    exit 0
  fi
  command -v crontab >/dev/null 2>&1 || die "crontab is missing: install cron, or add this line to your scheduler: $line"
  { crontab -l 2>/dev/null | grep -vF "# tap-wistia $SCHEDULE" || true; echo "$line"; } | crontab -
  echo "installed in your crontab: $line"
  exit 0
fi

# Write the status file atomically (the app may read it at any moment).
write_status() {  # status exit_code finished_at
  python - "$STATUS" "$SCHEDULE" "$ENVIRONMENT" "$1" "$2" "$started_at" "$3" "$LOG" <<'PY'
import json, os, sys, tempfile
path, schedule, environment, status, code, started, finished, log = sys.argv[1:]
try:  # carried from run to run: the app counts the data's age from it
    with open(path, encoding="utf-8") as handle:
        last_success = json.load(handle).get("last_success_at")
except (OSError, ValueError, AttributeError):
    last_success = None
if status == "success":
    last_success = finished
record = {"job": schedule, "environment": environment, "status": status,
          "started_at": started, "finished_at": finished or None,
          "exit_code": int(code) if code else None, "log": log,
          "last_success_at": last_success}
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".last_run.")
with os.fdopen(fd, "w", encoding="utf-8") as handle:
    json.dump(record, handle, indent=2)
os.replace(tmp, path)
PY
}

exec 9>>"$LOCK"
if ! flock --nonblock 9; then
  holder="$(cat "$LOCK.pid" 2>/dev/null || echo '?')"
  if [ "$mode" = "run" ]; then
    echo "another sync is running (pid $holder): this run exits without touching the state or the warehouse. Use --wait to run after it." >&2
    exit "$EXIT_BUSY"
  fi
  echo "another sync is running (pid $holder): waiting for it to finish ..."
  flock 9
fi
# The live DuckDB file (dbt-duckdb's `path`, which the loader's file matches) and the copy
# this run builds into: both plugins are pointed at the copy.
live_db="$(meltano --environment="$ENVIRONMENT" config print dbt-duckdb 2>/dev/null \
  | python -c 'import json, sys; print(json.load(sys.stdin)["path"])')" \
  || die "cannot read dbt-duckdb's path from the Meltano project"
copy_db="$(dirname "$live_db")/.$(basename "$live_db").sync/$(basename "$live_db")"
export TARGET_DUCKDB_FILEPATH="$copy_db" DBT_DUCKDB_PATH="$copy_db"

echo "$$" >"$LOCK.pid"
# Under the lock, what a killed run left half-written is stale: its status temporaries.
rm -f "$SYNC_DIR"/.last_run.*
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "sync: lock acquired, running schedule $SCHEDULE (environment $ENVIRONMENT), log $LOG"
write_status running "" ""

say() { echo "$1"; echo "$1" >>"$LOG"; }

# One attempt: copy the warehouse, run the schedule (again with --force when Meltano still
# counts a killed run as running), swap the copy in. Sets `status`.
attempt_sync() {
  local from force=()
  status=0
  python scripts/sync_copy.py prepare "$live_db" "$copy_db" >>"$LOG" 2>&1 || { status=$?; return; }
  while :; do
    from="$(wc -l <"$LOG")"
    meltano --environment="$ENVIRONMENT" schedule run "$SCHEDULE" "${force[@]}" >>"$LOG" 2>&1 \
      || status=$?
    if [ "$status" -ne 0 ] && [ "${#force[@]}" -eq 0 ] && logged_since "$from" "pipeline is already running"; then
      say "sync: Meltano still counts an earlier run of this job as running, but this sync holds the lock, so that run is dead (killed): running again with --force"
      force=(--force)
      status=0
      continue
    fi
    break
  done
  if [ "$status" -ne 0 ] && [ -f "$copy_db" ]; then
    say "sync: the schedule failed (exit $status): the rows it loaded are swapped in with the bookmarks Meltano saved for them; if dbt did not finish, the marts are those of the last successful build"
  fi
  local swapped=0
  python scripts/sync_copy.py swap "$copy_db" "$live_db" >>"$LOG" 2>&1 || swapped=$?
  if [ "$swapped" -ne 0 ] && [ "$status" -eq 0 ]; then
    status=$swapped
  fi
}

# awk, not `tail | grep -q`: under pipefail, grep quitting early makes tail fail.
logged_since() {  # line-count text
  awk -v n="$1" -v text="$2" 'NR > n && index($0, text) { found = 1 } END { exit !found }' "$LOG"
}

# DuckDB lets one program write a file while nobody else has it open. A writer holding the
# live file (a notebook) when the run copies it or swaps the copy in: wait and run again.
# The tap resumes from its last saved bookmarks, and the staging models keep one copy of
# any row loaded twice.
attempt=1
[ -f "$LOG" ] && mv -f "$LOG" "$LOG.1"  # keep the previous run's log beside this one
: >"$LOG"
while :; do
  logged="$(wc -l <"$LOG")"
  attempt_sync
  if [ "$status" -eq 0 ] || [ "$attempt" -gt "$LOCK_RETRIES" ] \
    || ! logged_since "$logged" "Could not set lock on file"; then
    break
  fi
  say "sync: the warehouse file is open in another program (attempt $attempt failed on its lock); retrying in ${LOCK_RETRY_SECONDS} s"
  attempt=$((attempt + 1))
  sleep "$LOCK_RETRY_SECONDS"
done
finished_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
if [ "$status" -eq 0 ]; then
  write_status success 0 "$finished_at"
  echo "sync: done ($started_at -> $finished_at)"
else
  write_status failed "$status" "$finished_at"
  echo "ERROR: the sync failed (exit $status); last lines of $LOG:" >&2
  tail -n 20 "$LOG" >&2
  exit 1
fi
