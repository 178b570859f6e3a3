"""The catalog streams' plan (`state.edit_refresh`): every media first, then the edited ones
only."""

from __future__ import annotations

import datetime as dt

from tap_wistia.state.catalog import CatalogMedia
from tap_wistia.state.edit_refresh import EDITS_THROUGH, plan_by_edits, remember_edits
from tap_wistia.timeutil import format_timestamp

NOW = dt.datetime(2026, 12, 7, 6, tzinfo=dt.UTC)
MEDIAS = [
    CatalogMedia(f"m{n:03d}", 10.0, format_timestamp(NOW - dt.timedelta(days=30)))
    for n in range(70)
]


def plan(state: dict, medias=MEDIAS, **settings):
    options = {"active": True, "every_days": 7, **settings}
    return plan_by_edits(state, medias, **options)


def test_the_first_read_and_the_all_setting_read_every_media():
    assert plan({}).medias == MEDIAS and plan({}).full
    state = {EDITS_THROUGH: format_timestamp(NOW - dt.timedelta(hours=20))}
    assert plan(state, active=False).medias == MEDIAS
    assert plan(state, every_days=0).medias == MEDIAS


def test_a_later_run_reads_only_the_edited_medias():
    state: dict = {}
    remember_edits(state, NOW - dt.timedelta(days=1))
    edited = CatalogMedia("edited", 1.0, format_timestamp(NOW - dt.timedelta(hours=2)))
    unknown = CatalogMedia("no-updated", 1.0, None)
    chosen = plan(state, [*MEDIAS, edited, unknown])
    assert [m.hashed_id for m in chosen.medias] == ["edited", "no-updated"]
    assert not chosen.full
    # Edited just before the last read began (Wistia's clock may run ahead): read again.
    skewed = CatalogMedia("skewed", 1.0, format_timestamp(NOW - dt.timedelta(days=1, minutes=2)))
    assert [m.hashed_id for m in plan(state, [skewed]).medias] == ["skewed"]
