"""The ASGI server `streamlit run app/server.py` starts: the Streamlit app (dashboard.py)
plus the streaming CSV download routes, behind the access middleware.

Start it with `bash scripts/dashboard.sh` (python -m app), which checks the address and
the access settings first. The lifespan hook checks them again against the socket the
server actually bound (Streamlit binds before the app starts, and serves no request
before the hook returns): without a login, a socket reachable from other machines stops
the server with one line, whatever path started it.
"""

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

# The pages' heavy imports (pandas, Altair, the marts queries) happen here, at start-up,
# instead of during the first visitor's page load.
from app import charts  # noqa: F401
from app.access import AccessMiddleware
from app.access_policy import AccessError, AccessPolicy, listening_addresses
from app.downloads_api import ROUTES


@asynccontextmanager
async def refuse_exposed_socket(_app: Any) -> AsyncIterator[None]:
    try:
        AccessPolicy.from_env().check_listening(listening_addresses())
    except AccessError as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        sys.stdout.flush()
        # Not an exception: uvicorn would print its traceback under the line, and carry on
        # with Streamlit's shutdown of a server that never served.
        os._exit(1)
    yield


app = st.App(
    "dashboard.py",
    routes=ROUTES,
    middleware=[Middleware(AccessMiddleware)],
    lifespan=refuse_exposed_socket,
)
