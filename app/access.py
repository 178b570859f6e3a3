"""Who may open the app: everyone on loopback; a password or an auth proxy header otherwise.

`AccessPolicy.from_env` reads WISTIA_APP_PASSWORD (or WISTIA_APP_PASSWORD_FILE) or
WISTIA_APP_AUTH_HEADER (one of them, never both). `AccessMiddleware` enforces it on every
HTTP request and websocket of the server (pages, Streamlit's own endpoints and the CSV
downloads alike):

- password: a login form; a correct password sets an HttpOnly cookie holding an HMAC of a
  secret made at start-up (so a restart logs everyone out, and the password itself is
  never stored in the cookie, the logs or the page);
- auth header: a reverse proxy that authenticates users (oauth2-proxy, Cloudflare Access,
  an nginx auth_request, ...) sets the header; requests without it get 401. Only safe when
  the proxy is the only way to reach the port.

One exception: `GET /_stcore/health` (Streamlit's readiness probe, answering "ok" or 503
and nothing else) is let through unauthenticated, so load balancers can check the server.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

COOKIE = "wistia_app_session"
LOGIN_PATH = "/_login"
HEALTH_PATH = "/_stcore/health"


class AccessError(ValueError):
    """The access settings do not allow starting the server (one line for people)."""


def is_loopback(address: str) -> bool:
    if address in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # a host name other than localhost: treat as reachable by others


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
            raise AccessError(
                f"--address {address} serves the app to other machines: set "
                "WISTIA_APP_PASSWORD (or WISTIA_APP_PASSWORD_FILE), or WISTIA_APP_AUTH_HEADER "
                "behind an authenticating proxy. See app/README.md."
            )

    def describe(self) -> str:
        if self.password:
            return "password login"
        if self.auth_header:
            return f"auth proxy header {self.auth_header}"
        return "no login (loopback only)"


class AccessMiddleware:
    """ASGI middleware enforcing an `AccessPolicy` (read from the environment)."""

    def __init__(self, app: Any, policy: AccessPolicy | None = None) -> None:
        self.app = app
        self.policy = policy or AccessPolicy.from_env()
        # Random per process: the cookie proves a login to *this* server only.
        self._token = hmac.new(secrets.token_bytes(32), b"wistia-app", hashlib.sha256).hexdigest()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or self.policy.open or _is_health(scope):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.policy.auth_header:
            allowed = bool(headers.get(self.policy.auth_header.lower(), "").strip())
        else:
            allowed = self._has_session(headers.get("cookie", ""))
        if allowed:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        elif self.policy.password and scope["path"] == LOGIN_PATH and scope["method"] == "POST":
            await self._login(receive, send)
        elif self.policy.password:
            await _respond(send, 200 if scope["path"] == "/" else 401, _login_page(""))
        else:
            await _respond(send, 401, b"Sign in through the company proxy.", "text/plain")

    def _has_session(self, cookie_header: str) -> bool:
        cookie = SimpleCookie()
        try:
            cookie.load(cookie_header)
        except Exception:
            return False
        morsel = cookie.get(COOKIE)
        return morsel is not None and hmac.compare_digest(morsel.value, self._token)

    async def _login(self, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body") or len(body) > 65_536:
                break
        # Stripped like the configured password (see from_env), so the two compare.
        given = parse_qs(body.decode("utf-8", "replace")).get("password", [""])[0].strip()
        if hmac.compare_digest(given.encode(), self.policy.password.encode()):
            cookie = f"{COOKIE}={self._token}; HttpOnly; SameSite=Strict; Path=/"
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [(b"location", b"/"), (b"set-cookie", cookie.encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
        else:
            await _respond(send, 401, _login_page("Wrong password."))


def _is_health(scope: dict[str, Any]) -> bool:
    # Load balancers probe without credentials. Only this exact path and method: its
    # answer holds no data, while every other `/_stcore/` endpoint (the websocket, uploads,
    # media) and the downloads do.
    return scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == HEALTH_PATH


def _login_page(message: str) -> bytes:
    note = f'<p class="err">{html.escape(message)}</p>' if message else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Wistia analytics</title>"
        "<style>body{font-family:sans-serif;max-width:22rem;margin:6rem auto}"
        "input{font-size:1rem;padding:.4rem;width:100%;margin:.4rem 0}"
        ".err{color:#b00020}</style></head><body><h2>Wistia analytics</h2>"
        f"{note}<form method='post' action='{LOGIN_PATH}'>"
        "<input type='password' name='password' placeholder='Password' autofocus>"
        "<input type='submit' value='Sign in'></form></body></html>"
    ).encode()


async def _respond(send: Any, status: int, body: bytes, content_type: str = "text/html") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", f"{content_type}; charset=utf-8".encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
