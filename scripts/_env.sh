# Shared by scripts/quickstart.sh and scripts/test.sh (sourced, not run): offline-safe
# tool settings, and the project's virtual environment with the project installed.

export MELTANO_SEND_ANONYMOUS_USAGE_STATS=false
export MELTANO_CLI_DISABLE_VERSION_CHECK=true
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export PIP_DISABLE_PIP_VERSION_CHECK=1

die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3 python; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Create .venv if missing, activate it, install the project with its dev extras.
ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    local py
    py="$(pick_python)" || die "Python >= 3.11 is required (set PYTHON=/path/to/python3.11)."
    echo "creating .venv with $("$py" --version)"
    "$py" -m venv .venv || die "could not create .venv: on Debian/Ubuntu install python3-venv."
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
  echo "pip install -e '.[dev]' (first time: a minute or two) ..."
  python -m pip install --quiet -e '.[dev]' || die "pip install -e '.[dev]' failed"
}

# The bundled Wistia-compatible sandbox, in the background on a free local port (0) or the
# given one. Sets SANDBOX_PID and SANDBOX_URL once it answers; stop_sandbox ends it.
# The token is the one meltano.yml's `sandbox` environment sends.
SANDBOX_TOKEN="test-token"
SANDBOX_PID=""
SANDBOX_URL=""
start_sandbox() {
  local port="${1:-0}" log="${2:-.meltano/logs/sandbox.log}"
  mkdir -p "$(dirname "$log")"
  wistia-sandbox --host 127.0.0.1 --port "$port" --token "$SANDBOX_TOKEN" >"$log" 2>&1 &
  SANDBOX_PID=$!
  for _ in $(seq 1 600); do  # up to ~60 s: the sandbox prints its URL once it serves
    SANDBOX_URL="$(sed -n 's/^Wistia sandbox: //p' "$log" | head -n 1)"
    [ -n "$SANDBOX_URL" ] && return 0
    kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$log" >&2; die "the sandbox did not start (log: $log)"; }
    sleep 0.1
  done
  die "the sandbox did not answer within 60 s (log: $log)"
}

stop_sandbox() {
  if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  SANDBOX_PID=""
}
