"""The Streamlit app: the navigation between the pages.

Run it with `bash scripts/dashboard.sh`. Each page is a script in app/pages/ that starts
with `ui.start_page()` (freshness banner + sidebar filters); the figures come from
app/metrics.py and app/traffic.py (the dbt marts) through the cached queries of
app/queries.py, never from page code.
"""

import streamlit as st

st.set_page_config(page_title="Wistia analytics", page_icon=":material/monitoring:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/trends.py", title="Play trends", icon=":material/show_chart:"),
    st.Page("pages/medias.py", title="Medias", icon=":material/movie:"),
    st.Page("pages/audience.py", title="Audience", icon=":material/groups:"),
    st.Page("pages/leads.py", title="Leads", icon=":material/contact_mail:"),
    st.Page("pages/traffic.py", title="Traffic & conversions", icon=":material/campaign:"),
    st.Page("pages/webinars.py", title="Webinars", icon=":material/live_tv:"),
    st.Page("pages/downloads.py", title="Downloads", icon=":material/download:"),
    st.Page("pages/data_status.py", title="Data status", icon=":material/sync:"),
]
st.navigation(PAGES).run()
