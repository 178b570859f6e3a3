"""The password login: attempt limits, per-login sessions, logout, the page asked for; and
in the default local mode, answers for loopback Host names only; security headers always."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest

from app.access import COOKIE, LOGIN_PATH, LOGOUT_PATH, AccessMiddleware
from app.access_policy import AccessPolicy
from app.login_guard import AttemptLimiter, Sessions

SECRET = "correct horse battery staple"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Answer:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def __call__(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return next(m["status"] for m in self.messages if "status" in m)

    @property
    def headers(self) -> dict[str, str]:
        start = next(m for m in self.messages if m["type"] == "http.response.start")
        return {k.decode(): v.decode() for k, v in start["headers"]}

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages)


async def inner_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"the app"})


def call(
    middleware: AccessMiddleware,
    path: str = "/",
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    client: str = "10.0.0.7",
    kind: str = "http",
    scheme: str = "http",
    query: str = "",
) -> Answer:
    sent = {"host": "app.example:8501", **(headers or {})}
    scope = {
        "type": kind,
        "scheme": scheme,
        "path": path,
        "method": method,
        "query_string": query.encode(),
        "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
        "client": (client, 40000),
    }

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    answer = Answer()
    asyncio.run(middleware(scope, receive, answer))
    return answer


def login(middleware: AccessMiddleware, password: str, **kwargs: Any) -> Answer:
    return call(
        middleware, LOGIN_PATH, method="POST", body=f"password={password}".encode(), **kwargs
    )


def guarded(clock: Clock) -> AccessMiddleware:
    return AccessMiddleware(
        inner_app, AccessPolicy(password=SECRET), AttemptLimiter(clock), Sessions(clock)
    )


def cookie_of(answer: Answer) -> str:
    return answer.headers["set-cookie"].split(";")[0]


def test_failed_logins_lock_the_client_out_with_a_doubling_delay():
    clock = Clock()
    middleware = guarded(clock)
    assert [login(middleware, "guess").status for _ in range(5)] == [401] * 5
    # Locked: even the right password is refused unchecked, with the wait.
    locked = login(middleware, SECRET)
    assert (locked.status, locked.headers["retry-after"]) == (429, "1")
    assert b"Too many failed sign-ins: try again in 1 s." in locked.body
    assert login(middleware, SECRET, client="10.0.0.8").status == 303  # another client
    clock.now += 1
    assert login(middleware, "guess").status == 401
    assert login(middleware, SECRET).headers["retry-after"] == "2"
    clock.now += 2
    assert login(middleware, "guess").status == 401
    assert login(middleware, "guess").headers["retry-after"] == "4"
    clock.now += 4
    assert login(middleware, SECRET).status == 303  # waited: the right password works
    assert login(middleware, "guess").status == 401  # and the count starts again


def test_the_client_delay_stops_growing_at_15_minutes():
    clock = Clock()
    limiter = AttemptLimiter(clock)
    waits = []
    for _ in range(20):
        limiter.failed("10.0.0.7")
        waits.append(limiter.wait("10.0.0.7"))
    assert waits[:8] == [0, 0, 0, 0, 1, 2, 4, 8]
    assert max(waits) == 900 and waits[-1] == 900


def test_many_failures_from_many_clients_close_the_login_for_everyone():
    clock = Clock()
    middleware = guarded(clock)
    for n in range(100):
        assert login(middleware, "guess", client=f"10.1.{n // 250}.{n % 250}").status == 401
    locked = login(middleware, SECRET, client="192.168.5.5")
    assert (locked.status, locked.headers["retry-after"]) == (429, "300")
    clock.now += 300
    assert login(middleware, SECRET, client="192.168.5.5").status == 303


def test_each_login_gets_its_own_random_session_kept_only_as_a_hash():
    clock = Clock()
    sessions = Sessions(clock)
    middleware = AccessMiddleware(
        inner_app, AccessPolicy(password=SECRET), AttemptLimiter(clock), sessions
    )
    first, second = login(middleware, SECRET), login(middleware, SECRET)
    attributes = [a.strip() for a in first.headers["set-cookie"].split(";")]
    assert attributes[1:] == ["Max-Age=43200", "Path=/", "HttpOnly", "SameSite=Strict"]
    tokens = [cookie_of(a).removeprefix(f"{COOKIE}=") for a in (first, second)]
    assert tokens[0] != tokens[1] and all(len(t) == 43 for t in tokens)  # 256 bits, base64
    kept = repr(vars(sessions))
    assert tokens[0] not in kept and hashlib.sha256(tokens[0].encode()).hexdigest() in kept
    assert SECRET not in first.headers["set-cookie"]
    assert call(middleware, headers={"cookie": cookie_of(first)}).body == b"the app"
    assert call(middleware, headers={"cookie": f"{COOKIE}=made-up"}).body != b"the app"
    clock.now += 12 * 3600  # expired
    assert call(middleware, headers={"cookie": cookie_of(first)}).body != b"the app"


@pytest.mark.parametrize(
    ("scheme", "headers"),
    [("https", {}), ("http", {"x-forwarded-proto": "https"})],
    ids=["https", "behind-a-tls-proxy"],
)
def test_the_cookie_is_secure_when_served_over_https(scheme, headers):
    answer = login(guarded(Clock()), SECRET, scheme=scheme, headers=headers)
    assert answer.headers["set-cookie"].endswith("; Secure")


def test_logout_ends_the_session():
    middleware = guarded(Clock())
    cookie = cookie_of(login(middleware, SECRET))
    out = call(middleware, LOGOUT_PATH, headers={"cookie": cookie})
    assert out.status == 303 and out.headers["location"] == "/"
    assert out.headers["set-cookie"].startswith(f"{COOKIE}=; Max-Age=0;")
    assert call(middleware, headers={"cookie": cookie}).body != b"the app"


def test_login_returns_to_the_page_asked_for():
    middleware = guarded(Clock())
    asked = call(middleware, "/download/views.csv", query="from=2026-01-01&to=2026-01-31")
    assert asked.status == 401
    assert (
        b"name='next' value='/download/views.csv?from=2026-01-01&amp;to=2026-01-31'" in asked.body
    )
    body = f"password={SECRET}&next=%2Fdownload%2Fviews.csv%3Ffrom%3D2026-01-01%26to%3D2026-01-31"
    answer = call(middleware, LOGIN_PATH, method="POST", body=body.encode())
    assert answer.headers["location"] == "/download/views.csv?from=2026-01-01&to=2026-01-31"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/_logout"):
        answer = call(
            middleware,
            LOGIN_PATH,
            method="POST",
            body=f"password={SECRET}&next={elsewhere}".encode(),
        )
        assert answer.headers["location"] == "/"


def test_without_login_only_loopback_host_names_are_answered():
    middleware = AccessMiddleware(inner_app, AccessPolicy())
    for host in ("localhost:8501", "127.0.0.1:8501", "127.3.2.1", "[::1]:8501", "LOCALHOST"):
        assert call(middleware, headers={"host": host}).body == b"the app", host
    for host in ("rebind.evil.example", "rebind.evil.example:8501", "192.168.1.4:8501", ""):
        answer = call(middleware, "/download/views.csv", headers={"host": host})
        assert (answer.status, answer.body) == (403, b"This app answers on localhost only."), host
    socket = call(middleware, "/_stcore/stream", kind="websocket", headers={"host": "evil.example"})
    assert socket.messages == [{"type": "websocket.close", "code": 1008}]


def test_every_answer_carries_the_security_headers():
    expected = {
        "x-frame-options": "DENY",
        "content-security-policy": "frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }
    answers = [
        call(AccessMiddleware(inner_app, AccessPolicy()), headers={"host": "localhost"}),
        call(AccessMiddleware(inner_app, AccessPolicy()), headers={"host": "evil.example"}),
        call(guarded(Clock())),
        login(guarded(Clock()), SECRET),
    ]
    for answer in answers:
        assert expected.items() <= answer.headers.items()
