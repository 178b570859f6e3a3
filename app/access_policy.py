"""Who may open the app, and whether the address it serves is this machine only.

`AccessPolicy.from_env` reads WISTIA_APP_PASSWORD (or WISTIA_APP_PASSWORD_FILE) or
WISTIA_APP_AUTH_HEADER (one of them, never both); app/access.py enforces it per request.

Decisions:
- Loopback is decided from what the server will actually bind, not from how the address
  is spelt: Streamlit binds every interface for an empty address, `0` is 0.0.0.0, `[::]`
  is `::`, and a host name is bound as whatever it resolves to. So only an address that
  parses as a loopback IP, or a name whose every resolved address is loopback, counts as
  loopback; an empty, wildcard or unresolvable address needs a login.
- The spelling check runs before the server starts (`python -m app`), and the server
  checks its own listening sockets once bound (`check_listening`), so a path that skips
  `python -m app` (a hand-written `streamlit run app/server.py --server.address ...`, a
  Streamlit default that changes) cannot serve other machines without a login either.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path


class AccessError(ValueError):
    """The access settings do not allow starting the server (one line for people)."""


def _is_loopback_ip(text: str) -> bool:
    # A scoped IPv6 address ("fe80::1%eth0") parses without its zone.
    return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback


def is_loopback(address: str) -> bool:
    """True only when a server bound to `address` is reachable from this machine alone."""
    host = address.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        return False  # Streamlit binds every interface for an empty address
    try:
        return _is_loopback_ip(host)
    except ValueError:
        pass
    try:
        resolved = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # unresolvable: nothing proves it is this machine only
    return bool(resolved) and all(_is_loopback_ip(str(info[4][0])) for info in resolved)


def listening_addresses(pid: int | None = None) -> list[tuple[str, int]]:
    """(ip, port) of every TCP socket the process listens on."""
    import psutil

    connections = psutil.Process(pid).net_connections(kind="tcp")
    return [
        (conn.laddr.ip, conn.laddr.port)
        for conn in connections
        if conn.status == psutil.CONN_LISTEN and conn.laddr
    ]


@dataclass(frozen=True)
class AccessPolicy:
    password: str = field(default="", repr=False)
    auth_header: str = ""

    def __post_init__(self) -> None:
        # Both at once would leave the password unchecked (the header decides), so anyone
        # able to send a made-up header would get in while the start-up line says
        # "password login": refuse instead of guessing which one was meant.
        if self.password and self.auth_header:
            raise AccessError(
                "WISTIA_APP_PASSWORD (or WISTIA_APP_PASSWORD_FILE) and WISTIA_APP_AUTH_HEADER "
                "are both set: pick one - the password login, or the auth header only behind "
                "an authenticating proxy that is the only way to reach the app. "
                "See app/README.md."
            )

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AccessPolicy:
        env = dict(os.environ if env is None else env)
        # Stripped like the file's content: a blank password ('   ') is no password, so it
        # cannot open a non-loopback address.
        password = env.get("WISTIA_APP_PASSWORD", "").strip()
        password_file = env.get("WISTIA_APP_PASSWORD_FILE", "")
        if not password and password_file:
            try:
                password = Path(password_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise AccessError(
                    f"cannot read WISTIA_APP_PASSWORD_FILE ({exc.strerror}): fix the path."
                ) from exc
        return cls(password=password, auth_header=env.get("WISTIA_APP_AUTH_HEADER", "").strip())

    @property
    def open(self) -> bool:
        return not self.password and not self.auth_header

    def check_address(self, address: str) -> None:
        """Refuse to serve a non-loopback address without a password or auth header."""
        if not is_loopback(address) and self.open:
            shown = repr(address) if not address.strip() else address
            raise AccessError(
                f"--address {shown} serves the app to other machines: set "
                "WISTIA_APP_PASSWORD (or WISTIA_APP_PASSWORD_FILE), or WISTIA_APP_AUTH_HEADER "
                "behind an authenticating proxy. See app/README.md."
            )

    def check_listening(self, addresses: list[tuple[str, int]]) -> None:
        """Refuse the sockets the server actually listens on when one of them reaches
        beyond this machine and there is no login (or when there is none to check)."""
        if not self.open:
            return
        if not addresses:
            raise AccessError("the server's listening socket was not found: stopped.")
        for ip, port in addresses:
            if not _is_loopback_ip(ip):
                raise AccessError(
                    f"the server listens on {ip} port {port}, reachable from other "
                    "machines, without a login: stopped. Use --address 127.0.0.1, or set "
                    "WISTIA_APP_PASSWORD (or WISTIA_APP_AUTH_HEADER). See app/README.md."
                )

    def describe(self) -> str:
        if self.password:
            return "password login"
        if self.auth_header:
            return f"auth proxy header {self.auth_header}"
        return "no login (loopback only)"
