"""The catalog streams' plan (`state.edit_refresh`): every media first, then the edited
ones and those on their periodic turn."""

from __future__ import annotations

import datetime as dt

from tap_wistia.state.catalog import CatalogMedia
from tap_wistia.state.edit_refresh import EDITS_THROUGH, plan_by_edits, remember_edits
from tap_wistia.state.refresh_turns import EPOCH, turn_of
from tap_wistia.timeutil import format_timestamp

NOW = dt.datetime(2026, 12, 7, 6, tzinfo=dt.UTC)
MEDIAS = [
    CatalogMedia(f"m{n:03d}", 10.0, format_timestamp(NOW - dt.timedelta(days=30)))
    for n in range(70)
]


def plan(state: dict, medias=MEDIAS, **settings):
    options = {"active": True, "every_days": 7, "now": NOW, **settings}
    return plan_by_edits(state, medias, **options)


def test_the_first_read_and_the_all_setting_read_every_media():
    assert plan({}).medias == MEDIAS and plan({}).full
    state = {EDITS_THROUGH: format_timestamp(NOW - dt.timedelta(hours=20))}
    assert plan(state, active=False).medias == MEDIAS
    assert plan(state, every_days=0).medias == MEDIAS


def test_a_later_run_reads_the_edited_medias_and_todays_turn():
    state: dict = {}
    remember_edits(state, NOW - dt.timedelta(days=1))
    edited = CatalogMedia("edited", 1.0, format_timestamp(NOW - dt.timedelta(hours=2)))
    unknown = CatalogMedia("no-updated", 1.0, None)
    chosen = {m.hashed_id for m in plan(state, [*MEDIAS, edited, unknown]).medias}
    today = (NOW.date() - EPOCH).days % 7
    on_turn = {m.hashed_id for m in MEDIAS if turn_of(m.hashed_id, 7) == today}
    assert chosen == {"edited", "no-updated", *on_turn}
    assert 0 < len(on_turn) < len(MEDIAS) / 3
