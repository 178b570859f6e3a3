"""The access middleware: every HTTP request and websocket of the server (pages, Streamlit's
own endpoints and the CSV downloads alike) passes through `AccessMiddleware`, which
enforces the `AccessPolicy` (app/access_policy.py):

- no login (loopback only): only requests whose Host names this machine (`localhost`,
  `127.x.x.x`, `[::1]`) are answered, others get 403 (a websocket is closed with 1008).
  A page of another site that points its own name at 127.0.0.1 (DNS rebinding) sends its
  own name as Host, so it cannot read the app or its downloads;
- password: a login form with attempt limits and per-login sessions (app/login_guard.py).
  The cookie is HttpOnly, SameSite=Strict, Secure when the request came over https
  (directly or per X-Forwarded-Proto), expires with the session; `/_logout` ends it. The
  form returns to the page that was asked for (a local path only, never another site);
- auth header: a reverse proxy that authenticates users (oauth2-proxy, Cloudflare Access,
  an nginx auth_request, ...) sets the header; requests without it get 401. Only safe when
  the proxy is the only way to reach the port.

Every HTTP answer carries X-Frame-Options DENY and CSP frame-ancestors 'none' (no other
site can frame the app to click through it), X-Content-Type-Options nosniff and
Referrer-Policy no-referrer (the download URLs, with their filters, leak to no one).

One exception to the login: `GET /_stcore/health` (Streamlit's readiness probe, answering
"ok" or 503 and nothing else) is let through, so load balancers can check the server.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote

from app.access_policy import AccessPolicy
from app.login_guard import SESSION_SECONDS, AttemptLimiter, Sessions

COOKIE = "wistia_app_session"
LOGIN_PATH = "/_login"
LOGOUT_PATH = "/_logout"
HEALTH_PATH = "/_stcore/health"
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
MAX_FORM_BYTES = 65_536


def is_loopback_host(host_header: str) -> bool:
    """True when a Host header names this machine: localhost, 127.x.x.x or [::1]."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else ""
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    host = host.rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def safe_next(path: str) -> str:
    """`path` when it is a path of this site, else "/": never a redirect elsewhere."""
    if not path.startswith("/") or path.startswith(("//", "/\\", LOGIN_PATH, LOGOUT_PATH)):
        return "/"
    return path if all(" " < c < "\x7f" for c in path) else "/"


class AccessMiddleware:
    """ASGI middleware enforcing an `AccessPolicy` (read from the environment)."""

    def __init__(
        self,
        app: Any,
        policy: AccessPolicy | None = None,
        limiter: AttemptLimiter | None = None,
        sessions: Sessions | None = None,
    ) -> None:
        self.app = app
        self.policy = policy or AccessPolicy.from_env()
        self.limiter = limiter or AttemptLimiter()
        self.sessions = sessions or Sessions()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http":
            send = _with_security_headers(send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.policy.open:
            if is_loopback_host(headers.get("host", "")):
                await self.app(scope, receive, send)
            elif scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _respond(send, 403, b"This app answers on localhost only.", "text/plain")
            return
        if _is_health(scope):
            await self.app(scope, receive, send)
            return
        if self.policy.auth_header:
            allowed = bool(headers.get(self.policy.auth_header.lower(), "").strip())
        else:
            allowed = self.sessions.valid(_session_token(headers.get("cookie", "")))
        if scope["type"] == "websocket":
            if allowed:
                await self.app(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008})
        elif self.policy.password and scope["path"] == LOGOUT_PATH:
            self.sessions.end(_session_token(headers.get("cookie", "")))
            await _redirect(send, "/", _cookie("", 0, _is_https(scope, headers)))
        elif allowed:
            await self.app(scope, receive, send)
        elif self.policy.password and scope["path"] == LOGIN_PATH and scope["method"] == "POST":
            await self._login(scope, headers, receive, send)
        elif self.policy.password:
            query = scope.get("query_string", b"").decode("latin-1")
            page = _login_page("", safe_next(scope["path"] + (f"?{query}" if query else "")))
            await _respond(send, 200 if scope["path"] == "/" else 401, page)
        else:
            await _respond(send, 401, b"Sign in through the company proxy.", "text/plain")

    async def _login(
        self, scope: dict[str, Any], headers: dict[str, str], receive: Any, send: Any
    ) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body") or len(body) > MAX_FORM_BYTES:
                break
        form = parse_qs(body.decode("utf-8", "replace"))
        next_path = safe_next(form.get("next", ["/"])[0])
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.limiter.wait(client)
        if wait:
            message = f"Too many failed sign-ins: try again in {wait} s."
            await _respond(
                send,
                429,
                _login_page(message, next_path),
                extra=[(b"retry-after", str(wait).encode())],
            )
            return
        # Stripped like the configured password (see AccessPolicy.from_env), so they compare.
        given = form.get("password", [""])[0].strip()
        if not hmac.compare_digest(given.encode(), self.policy.password.encode()):
            self.limiter.failed(client)
            await _respond(send, 401, _login_page("Wrong password.", next_path))
            return
        self.limiter.succeeded(client)
        token = self.sessions.create()
        await _redirect(send, next_path, _cookie(token, SESSION_SECONDS, _is_https(scope, headers)))


def _session_token(cookie_header: str) -> str:
    cookie = SimpleCookie()
    try:
        cookie.load(cookie_header)
    except CookieError:
        return ""
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel is not None else ""


def _is_https(scope: dict[str, Any], headers: dict[str, str]) -> bool:
    # X-Forwarded-Proto comes from a TLS-terminating proxy; trusting it only adds Secure.
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return scope.get("scheme") in ("https", "wss") or forwarded == "https"


def _cookie(token: str, max_age: int, secure: bool) -> bytes:
    attributes = f"{COOKIE}={token}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict"
    return (attributes + ("; Secure" if secure else "")).encode()


def _with_security_headers(send: Any) -> Any:
    async def send_with_headers(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _value in message.get("headers", [])}
            added = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message = {**message, "headers": [*message.get("headers", []), *added]}
        await send(message)

    return send_with_headers


def _is_health(scope: dict[str, Any]) -> bool:
    # Load balancers probe without credentials. Only this exact path and method: its
    # answer holds no data, while every other `/_stcore/` endpoint (the websocket, uploads,
    # media) and the downloads do.
    return scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == HEALTH_PATH


def _login_page(message: str, next_path: str) -> bytes:
    note = f'<p class="err">{html.escape(message)}</p>' if message else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Wistia analytics</title>"
        "<style>body{font-family:sans-serif;max-width:22rem;margin:6rem auto}"
        "input{font-size:1rem;padding:.4rem;width:100%;margin:.4rem 0}"
        ".err{color:#b00020}</style></head><body><h2>Wistia analytics</h2>"
        f"{note}<form method='post' action='{LOGIN_PATH}'>"
        f"<input type='hidden' name='next' value='{html.escape(next_path, quote=True)}'>"
        "<input type='password' name='password' placeholder='Password' autofocus>"
        "<input type='submit' value='Sign in'></form></body></html>"
    ).encode()


async def _redirect(send: Any, location: str, cookie: bytes) -> None:
    # `location` is a checked local path (safe_next); quoted so no header can be injected.
    target = quote(location, safe="/?&=%+-_.~:@!$'()*,;")
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", target.encode()), (b"set-cookie", cookie)],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _respond(
    send: Any,
    status: int,
    body: bytes,
    content_type: str = "text/html",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [(b"content-type", f"{content_type}; charset=utf-8".encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
