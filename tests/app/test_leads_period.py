"""The Leads page follows the sidebar's period like every other page: a viewer is a lead of
the period when they had a session on the media in it, with that period's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from app import metrics
from app.metrics import Period

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_leads_are_those_of_the_period_with_its_figures(tiny_warehouse):
    early = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    rows = metrics.leads(tiny_warehouse, early, None)
    got = [(r["email"], r["max_percent_viewed"], r["sessions"], r["name"]) for r in rows]
    assert got == [("ana@example.com", 0.9, 1, "Ana Old"), ("bo@example.com", 0.6, 1, "Bo")]
    late = Period(dt.date(2026, 3, 15), dt.date(2026, 3, 31))
    rows = metrics.leads(tiny_warehouse, late, None, 0.25)
    got = [(r["email"], r["max_percent_viewed"], r["sessions"], r["media_name"]) for r in rows]
    assert got == [("cy@example.com", 1.0, 2, "Launch"), ("ana@example.com", 0.3, 1, "Demo")]
    assert metrics.count_leads(tiny_warehouse, late, ["m1"]) == 1
    assert metrics.count_leads(tiny_warehouse, late, None, 0.5) == 1


def test_the_leads_page_follows_the_period_filter(tiny_warehouse):
    at = AppTest.from_file("../../app/dashboard.py", default_timeout=60).run()
    at.switch_page("pages/leads.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Leads"] == "3"  # the default period: every day
    at.date_input(key="period").set_value((dt.date(2026, 3, 15), dt.date(2026, 3, 22))).run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Leads"] == "2"
    assert list(at.dataframe[0].value["Email"]) == ["cy@example.com", "ana@example.com"]
    assert "with sessions from 2026-03-15 to 2026-03-22" in at.caption[0].value
