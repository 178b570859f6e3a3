"""Who may open the app: loopback by default; a password or auth proxy header otherwise."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from app.access import COOKIE, HEALTH_PATH, LOGIN_PATH, AccessMiddleware
from app.access_policy import AccessError, AccessPolicy, is_loopback
from tests.app.conftest import SyncedProject
from tests.pipeline.conftest import free_port

SECRET = "correct horse battery staple"


def launch(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WISTIA_APP_")}
    env.update(extra)
    return env


def test_non_loopback_address_needs_a_password(tmp_path):
    proc = launch("--address", "0.0.0.0", env=base_env())
    assert proc.returncode == 1
    assert proc.stderr.startswith("ERROR: --address 0.0.0.0 serves the app to other machines")
    assert "WISTIA_APP_PASSWORD" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_no_data_yet_says_what_to_run(tmp_path):
    proc = launch(env=base_env(WISTIA_APP_DUCKDB_PATH=str(tmp_path / "none.duckdb")))
    assert proc.returncode == 1
    assert "run `bash scripts/quickstart.sh` first" in proc.stderr
    assert proc.stderr.count("\n") == 1


BOTH_MODES = "are both set: pick one"


def test_password_and_auth_header_together_are_refused(tmp_path):
    # The header alone would decide, so a made-up header would bypass the password.
    with pytest.raises(AccessError, match=BOTH_MODES) as raised:
        AccessPolicy.from_env(
            {"WISTIA_APP_PASSWORD": SECRET, "WISTIA_APP_AUTH_HEADER": "X-Forwarded-User"}
        )
    assert SECRET not in str(raised.value) and "\n" not in str(raised.value)
    assert "authenticating proxy" in str(raised.value)
    password_file = tmp_path / "password"
    password_file.write_text(SECRET + "\n", encoding="utf-8")
    with pytest.raises(AccessError, match=BOTH_MODES):
        AccessPolicy.from_env(
            {"WISTIA_APP_PASSWORD_FILE": str(password_file), "WISTIA_APP_AUTH_HEADER": "X-User"}
        )
    with pytest.raises(AccessError, match=BOTH_MODES):
        AccessPolicy(password=SECRET, auth_header="X-User")  # the middleware's own check


def test_app_refuses_to_start_with_password_and_auth_header(tmp_path):
    proc = launch(
        "--address",
        "0.0.0.0",
        env=base_env(WISTIA_APP_PASSWORD=SECRET, WISTIA_APP_AUTH_HEADER="X-Forwarded-User"),
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("ERROR: WISTIA_APP_PASSWORD (or WISTIA_APP_PASSWORD_FILE)")
    assert BOTH_MODES in proc.stderr and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr and SECRET not in proc.stderr


def test_blank_password_counts_as_not_set(tmp_path):
    blank = AccessPolicy.from_env({"WISTIA_APP_PASSWORD": "   "})
    assert blank.open and blank.password == ""
    with pytest.raises(AccessError, match="serves the app to other machines"):
        blank.check_address("0.0.0.0")
    empty_file = tmp_path / "password"
    empty_file.write_text(" \n", encoding="utf-8")
    assert AccessPolicy.from_env({"WISTIA_APP_PASSWORD_FILE": str(empty_file)}).open
    # Blank beside a header is no conflict; a padded password is stripped like the file's.
    header_only = {"WISTIA_APP_PASSWORD": " ", "WISTIA_APP_AUTH_HEADER": "X-User"}
    assert AccessPolicy.from_env(header_only).describe() == "auth proxy header X-User"
    assert AccessPolicy.from_env({"WISTIA_APP_PASSWORD": f" {SECRET}\n"}).password == SECRET


def test_app_refuses_a_blank_password_for_other_machines():
    proc = launch("--address", "0.0.0.0", env=base_env(WISTIA_APP_PASSWORD="   "))
    assert proc.returncode == 1
    assert proc.stderr.startswith("ERROR: --address 0.0.0.0 serves the app to other machines")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_loopback_detection_and_secret_free_repr():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("dashboard.example.com")
    policy = AccessPolicy(password=SECRET)
    assert SECRET not in repr(policy) and SECRET not in policy.describe()
    policy.check_address("10.0.0.2")  # allowed: a password is set


class Recorder:
    """The messages an ASGI app sent."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def __call__(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int | None:
        return next((m["status"] for m in self.messages if "status" in m), None)


async def inner_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"the app"})


def call(middleware, path="/", method="GET", headers=(), body=b"", kind="http") -> Recorder:
    scope = {"type": kind, "path": path, "method": method, "headers": list(headers)}

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    recorder = Recorder()
    asyncio.run(middleware(scope, receive, recorder))
    return recorder


def test_auth_header_policy():
    middleware = AccessMiddleware(inner_app, AccessPolicy(auth_header="X-Forwarded-User"))
    assert call(middleware).status == 401
    assert call(middleware, headers=[(b"x-forwarded-user", b"ana@example.com")]).status == 200
    socket = call(middleware, kind="websocket")
    assert socket.messages == [{"type": "websocket.close", "code": 1008}]


@pytest.mark.parametrize(
    "policy",
    [AccessPolicy(password=SECRET), AccessPolicy(auth_header="X-Forwarded-User")],
    ids=["password", "auth-header"],
)
def test_only_the_health_check_skips_login(policy):
    middleware = AccessMiddleware(inner_app, policy)
    health = call(middleware, path=HEALTH_PATH)
    assert health.status == 200 and health.messages[-1]["body"] == b"the app"
    for method in ("POST", "HEAD", "PUT"):
        assert call(middleware, path=HEALTH_PATH, method=method).status == 401
    for path in (f"{HEALTH_PATH}/", f"{HEALTH_PATH}/../stream", "/_stcore/host-config"):
        assert call(middleware, path=path).status == 401
    download = call(middleware, path="/download/views.csv")
    assert download.status == 401 and b"the app" not in download.messages[-1]["body"]
    page = call(middleware, path="/")
    assert b"the app" not in page.messages[-1]["body"]  # the login page or a 401
    closed = {"type": "websocket.close", "code": 1008}
    assert call(middleware, path="/_stcore/stream", kind="websocket").messages == [closed]
    assert call(middleware, path=HEALTH_PATH, kind="websocket").messages == [closed]


@pytest.fixture
def team_server(app_env: SyncedProject) -> Iterator[tuple[str, list[str]]]:
    """The app on every interface with a password, as a team would run it."""
    port = free_port()
    env = {**os.environ, "WISTIA_APP_PASSWORD": SECRET, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "--address", "0.0.0.0", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        assert server.stdout is not None
        for line in server.stdout:
            output.append(line)
            if "URL: http://" in line:
                break
        else:
            pytest.fail("the app did not start:\n" + "".join(output))
        yield f"http://127.0.0.1:{port}", output
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            output.append(server.stdout.read())
            server.stdout.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, data: bytes | None = None, cookie: str = "") -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=data, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_password_protects_pages_and_downloads(team_server):
    url, output = team_server
    download = f"{url}/download/views.csv?from=2020-01-01&to=2030-12-31"
    status, _headers, body = request(url + "/")
    assert status == 200 and b"type='password'" in body
    assert request(url + HEALTH_PATH)[::2] == (200, b"ok")  # load balancers, no login
    assert request(url + "/_stcore/host-config")[0] == 401
    assert request(download)[0] == 401
    assert request(url + LOGIN_PATH, data=b"password=wrong")[0] == 401
    # Spaces around a typed password are dropped, as they are from the configured one.
    assert request(url + LOGIN_PATH, data=f"password=+{SECRET}+".encode())[0] == 303
    status, headers, _ = request(url + LOGIN_PATH, data=f"password={SECRET}".encode())
    assert status == 303
    cookie = headers["set-cookie"].split(";")[0]
    assert cookie.startswith(f"{COOKIE}=") and SECRET not in cookie
    status, headers, body = request(download, cookie=cookie)
    assert status == 200 and body.startswith(b"Date,IP,Country")
    assert "password login" in "".join(output)
    assert SECRET not in "".join(output)
