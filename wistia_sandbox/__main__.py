"""Run the fake Wistia server: ``python -m wistia_sandbox --port 8765``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .accounts import add_second_account
from .data import generate_dataset
from .server import FakeWistia


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m wistia_sandbox",
        description="Local Wistia Data API v1 sandbox with deterministic data.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    p.add_argument("--token", default="test-token", help="the Bearer token to accept")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--projects", type=int, default=4)
    p.add_argument("--medias", type=int, default=30)
    p.add_argument("--visitors", type=int, default=250)
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--days", type=int, default=180)
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    p.add_argument("--rate-limit-per-minute", type=int, default=None)
    p.add_argument(
        "--accounts",
        type=int,
        choices=(1, 2),
        default=1,
        help="2: also serve a second account to the token with '-2' appended, whose hashed "
        "ids, visitor keys and event keys overlap the first's (only account_id tells them "
        "apart)",
    )
    p.add_argument(
        "--no-analytics",
        action="store_true",
        help="answer 403 to every /modern/analytics call, like an account whose plan or "
        "token cannot read analytics (the v1 API still answers)",
    )
    return p


def build_server(args: argparse.Namespace) -> FakeWistia:
    """The sandbox the command line describes, not started yet."""
    counts = {
        "projects": args.projects,
        "medias": args.medias,
        "visitors": args.visitors,
        "events": args.events,
        "days": args.days,
    }
    dataset = generate_dataset(seed=args.seed, **counts)
    server = FakeWistia(
        dataset,
        token=args.token,
        host=args.host,
        port=args.port,
        latency=args.latency,
        rate_limit_per_minute=args.rate_limit_per_minute,
    )
    if args.accounts == 2:
        add_second_account(server, **counts)
    if args.no_analytics:
        # Prefixes are matched against the path under /modern (or /v1): only analytics.
        server.forbidden_prefixes.add("/analytics")
    return server


def main(argv: list[str] | None = None) -> int:
    server = build_server(build_parser().parse_args(argv))
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    server.start()
    print(f"Wistia sandbox: {server.url}", flush=True)
    print(f"token: {server.token}", flush=True)
    for token, dataset in server.other_accounts.items():
        print(f"token: {token} (account {dataset.account_id}, {dataset.account_name})", flush=True)
    if server.forbidden_prefixes:
        print("analytics: every /modern/analytics call answers 403", flush=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
