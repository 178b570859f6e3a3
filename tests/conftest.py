"""Shared pytest fixtures: the local fake Wistia API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wistia_sandbox import FakeWistia, generate_dataset
from wistia_sandbox.accounts import add_second_account

# The two-account sandbox's size: small, every stream has records.
TWO_ACCOUNTS = {"projects": 3, "medias": 12, "visitors": 60, "events": 400, "days": 60}


@pytest.fixture(scope="session")
def wistia() -> Iterator[FakeWistia]:
    """A fake Wistia over ``generate_dataset(seed=1)``, shared by the session: read-only."""
    with FakeWistia(generate_dataset(seed=1)) as srv:
        yield srv


@pytest.fixture(scope="module")
def api() -> Iterator[FakeWistia]:
    """A default server per test module of the sandbox's own tests (test_sandbox_*.py), so the
    session ``wistia`` server's request log is left to the tap's tests (these tests send
    unauthorised and odd requests)."""
    with FakeWistia(generate_dataset(seed=1)) as srv:
        yield srv


@pytest.fixture
def make_wistia() -> Iterator[Callable[..., FakeWistia]]:
    """Factory: ``make_wistia(**generate_dataset_kwargs)`` -> a started, private FakeWistia.

    Also accepts ``token=``. Servers are stopped at teardown. Use it to mutate data or
    inject faults.
    """
    servers: list[FakeWistia] = []

    def factory(*, token: str = "test-token", **kwargs: Any) -> FakeWistia:
        srv = FakeWistia(generate_dataset(**kwargs), token=token).start()
        servers.append(srv)
        return srv

    yield factory
    for srv in servers:
        srv.stop()


@pytest.fixture(scope="module")
def two_accounts() -> Iterator[tuple[FakeWistia, str]]:
    """A sandbox serving two accounts whose hashed ids, visitor keys and event keys overlap:
    ``(server, second token)``; ``server.token`` reads the first. Read-only."""
    with FakeWistia(generate_dataset(seed=1, **TWO_ACCOUNTS)) as srv:
        yield srv, add_second_account(srv, **TWO_ACCOUNTS)
