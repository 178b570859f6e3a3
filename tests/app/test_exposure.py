"""The app is never served beyond this machine without a login, however the address is
spelt: the check is on what the server binds, before start and on the bound socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from app.__main__ import streamlit_command
from app.access_policy import AccessError, AccessPolicy, is_loopback, listening_addresses
from tests.pipeline.conftest import free_port


def env_without_login(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WISTIA_APP_")}
    return {**env, **extra}


@pytest.mark.parametrize("address", ["", " ", "0", "0.0.0.0", "::", "[::]", "no-such-host.invalid"])
def test_wildcard_empty_and_unresolvable_addresses_are_not_loopback(address):
    assert not is_loopback(address)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_addresses(address):
    assert is_loopback(address)


def test_a_host_name_is_loopback_only_when_every_address_it_resolves_to_is(monkeypatch):
    answers = {
        "both.example": ["127.0.0.1", "192.168.1.5"],
        "local.example": ["127.0.0.1", "::1"],
    }

    def getaddrinfo(host, *_args, **_kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 0)) for ip in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert not is_loopback("both.example")
    assert is_loopback("local.example")


@pytest.mark.parametrize("address", ["", "0", "[::]"])
def test_dashboard_refuses_an_empty_or_wildcard_address_without_password(address, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--address", address, "--port", str(free_port())],
        env=env_without_login(WISTIA_APP_DUCKDB_PATH=str(tmp_path / "any.duckdb")),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    shown = address or repr(address)
    assert proc.stderr == (
        f"ERROR: --address {shown} serves the app to other machines: set WISTIA_APP_PASSWORD "
        "(or WISTIA_APP_PASSWORD_FILE), or WISTIA_APP_AUTH_HEADER behind an authenticating "
        "proxy. See app/README.md.\n"
    )
    assert proc.stdout == ""


def test_the_listening_socket_is_what_is_checked():
    exposed = socket.socket()
    local = socket.socket()
    try:
        exposed.bind(("0.0.0.0", 0))
        exposed.listen()
        local.bind(("127.0.0.1", 0))
        local.listen()
        found = listening_addresses()
        assert ("0.0.0.0", exposed.getsockname()[1]) in found
        assert ("127.0.0.1", local.getsockname()[1]) in found
    finally:
        exposed.close()
        local.close()
    with pytest.raises(AccessError, match=r"listens on 0\.0\.0\.0 port 8501, reachable from other"):
        AccessPolicy().check_listening([("127.0.0.1", 8501), ("0.0.0.0", 8501)])
    with pytest.raises(AccessError, match="listens on :: port 8501"):
        AccessPolicy().check_listening([("::", 8501)])
    with pytest.raises(AccessError, match="listening socket was not found"):
        AccessPolicy().check_listening([])
    AccessPolicy().check_listening([("127.0.0.1", 8501), ("::1", 8501)])
    AccessPolicy(password="a passphrase").check_listening([("0.0.0.0", 8501)])


def test_server_started_around_the_checks_stops_when_it_listens_beyond_loopback(tmp_path):
    # `streamlit run` directly (not `python -m app`): only the bound-socket check can stop it.
    port = free_port()
    command = streamlit_command("0.0.0.0", port)
    env = env_without_login(WISTIA_APP_DUCKDB_PATH=str(tmp_path / "any.duckdb"))
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _out, err = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 1
    assert f"ERROR: the server listens on 0.0.0.0 port {port}, reachable from other" in err
    assert "Traceback" not in err
