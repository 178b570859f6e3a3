"""The Wistia analytics app: a Streamlit dashboard over the dbt marts (see app/README.md)."""
