"""The ASGI server `streamlit run app/server.py` starts: the Streamlit app (dashboard.py)
plus the streaming CSV download routes, behind the access middleware.

Start it with `bash scripts/dashboard.sh` (python -m app), which checks the address and
the access settings first.
"""

import streamlit as st
from starlette.middleware import Middleware

# The pages' heavy imports (pandas, Altair, the marts queries) happen here, at start-up,
# instead of during the first visitor's page load.
from app import charts  # noqa: F401
from app.access import AccessMiddleware
from app.downloads_api import ROUTES

app = st.App("dashboard.py", routes=ROUTES, middleware=[Middleware(AccessMiddleware)])
