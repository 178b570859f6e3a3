"""`python -m app [--address A] [--port P]`: check the settings, then start the server.

Refuses (exit 1, one line) to serve a non-loopback address without WISTIA_APP_PASSWORD,
WISTIA_APP_PASSWORD_FILE or WISTIA_APP_AUTH_HEADER, to start with both a password and the
auth header, and to start without a warehouse. Loopback is what the address binds, not how
it is spelt (`""`, `0`, `::`, a host name: see app/access_policy.py); the server checks its
bound socket again once started (app/server.py).
The password travels to the server in the environment, never on the command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.access_policy import AccessError, AccessPolicy
from app.warehouse import WarehouseConfig, WarehouseError

SERVER = Path(__file__).with_name("server.py")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/dashboard.sh", description=__doc__)
    parser.add_argument("--address", default="127.0.0.1", help="default 127.0.0.1 (this machine)")
    parser.add_argument("--port", type=int, default=8501, help="default 8501")
    return parser.parse_args(argv)


def streamlit_command(address: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(SERVER),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        # Widgets in the charts' blue (app/charts.py), not Streamlit's default red.
        "--theme.primaryColor",
        "#0072B2",
        # Viewers get no "Deploy" / developer menu entries.
        "--client.toolbarMode",
        "viewer",
        # The app only reads: no file watcher, no "rerun on save" in production.
        "--server.fileWatcherType",
        "none",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        policy = AccessPolicy.from_env()
        policy.check_address(args.address)
        config = WarehouseConfig.from_env()
    except (AccessError, WarehouseError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    if config.kind == "duckdb" and not config.duckdb_path.exists():
        print(
            f"ERROR: no data yet ({config.duckdb_path} does not exist): run "
            "`bash scripts/quickstart.sh` first, or set WISTIA_APP_DUCKDB_PATH.",
            file=sys.stderr,
        )
        return 1
    if config.kind == "duckdb":
        # The warehouse chosen now, and printed, is the one the server reads until it stops.
        os.environ["WISTIA_APP_DUCKDB_PATH"] = str(config.duckdb_path)
    print(f"Wistia analytics: http://{args.address}:{args.port}  ({policy.describe()})")
    print(f"Data: {config.describe()}")
    sys.stdout.flush()
    command = streamlit_command(args.address, args.port)
    os.execv(command[0], command)
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
