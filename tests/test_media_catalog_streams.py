"""The media catalog and account statistics streams against the sandbox: complete, keys
unique, values tied to the sandbox's data; a second run costs what changed (counted in the
sandbox's request log); a plan without captions or analytics skips the stream with one
warning, or fails when the stream is in `required_streams` (or `analytics_required` is set)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest

from tap_wistia.streams.base import WistiaError
from tests.analytics_expected import expected_keys, local_day
from tests.media_catalog_expected import expected_media_catalog_counts
from tests.tap_harness import run_sync, tap_config
from wistia_sandbox.media_catalog import caption_languages, password_of
from wistia_sandbox.record_basics import parse_ts

CATALOG = ("captions", "localizations", "customizations")
STREAMS = (*CATALOG, "account_daily_stats", "project_stats", "media_analytics_summary")
# What the tap asks for, as the sandbox logs it (relative to /modern).
ENDPOINTS = {
    "captions": lambda path: path.endswith("/captions"),
    "localizations": lambda path: path.endswith("/localizations"),
    "customizations": lambda path: path.endswith("/customizations"),
    "account_daily_stats": lambda path: path == "/stats/account/by_date",
    "project_stats": lambda path: path.startswith("/stats/projects/"),
    "media_analytics_summary": lambda path: (
        path.startswith("/analytics/medias/") and path.count("/") == 3
    ),
}


def cost(server) -> dict[str, int]:
    """Requests per stream in the sandbox's log."""
    return {
        name: sum(1 for r in server.requests if r.api_version and matches(r.path))
        for name, matches in ENDPOINTS.items()
    }


def keys(result, name: str) -> list[tuple]:
    stream = result.tap.streams[name]
    return [tuple(r[k] for k in stream.primary_keys) for r in result.records(name)]


@pytest.fixture(scope="module")
def first_run(wistia):
    config = tap_config(wistia)
    return config, run_sync(config, streams=("projects", "medias", "events", *STREAMS))


def test_first_run_is_complete_with_unique_keys(wistia, first_run):
    config, result = first_run
    first = parse_ts(config["start_date"]).date()
    last_day = result.tap.run.window.last_day
    expected = expected_media_catalog_counts(wistia.dataset, first, last_day)
    summary = expected_keys(wistia.dataset, first, last_day + dt.timedelta(days=1))
    expected["media_analytics_summary"] = len(summary["media_analytics_summary"])
    assert {name: len(result.records(name)) for name in STREAMS} == expected
    for name in STREAMS:
        assert len(set(keys(result, name))) == len(keys(result, name)) > 0, name


def test_captions_say_which_medias_have_none(wistia, first_run):
    _, result = first_run
    languages = Counter(r["media_id"] for r in result.records("captions"))
    medias = wistia.dataset.medias
    assert languages == Counter(
        {m["hashed_id"]: len(caption_languages(m)) for m in medias if caption_languages(m)}
    )
    assert 0 < len(languages) < len(medias)  # videos without captions exist
    assert all(r["text"].startswith("1\n00:00:00,000") for r in result.records("captions"))
    assert not any("cursor" in r for r in result.records("captions"))


def test_customizations_never_carry_the_viewing_password(wistia, first_run):
    _, result = first_run
    passwords = [password_of(m) for m in wistia.dataset.medias if password_of(m)]
    assert passwords
    assert not any(password in result.stdout for password in passwords)
    settings = {r["media_id"]: r for r in result.records("customizations")}
    assert all("encrypted" not in row for row in settings.values())
    protected = [m["hashed_id"] for m in wistia.dataset.medias if password_of(m)]
    assert all(settings[m]["plugin"]["passwordProtectedVideo"]["on"] == "true" for m in protected)


def test_account_stats_equal_the_events_of_each_day(wistia, first_run):
    config, result = first_run
    first = parse_ts(config["start_date"]).date()
    plays = Counter(
        parse_ts(e["received_at"]).date().isoformat()
        for e in wistia.dataset.events
        if parse_ts(e["received_at"]).date() >= first
    )
    rows = result.records("account_daily_stats")
    assert {r["date"]: r["play_count"] for r in rows if r["play_count"]} == dict(plays)


def test_project_stats_equal_the_sum_of_their_medias_stats(wistia, first_run):
    _, result = first_run
    project_of = {m["hashed_id"]: m["project"]["hashedId"] for m in wistia.dataset.medias}
    totals: Counter[str] = Counter()
    for media in wistia.dataset.medias:
        totals[project_of[media["hashed_id"]]] += wistia.dataset.media_stats(media)["play_count"]
    rows = result.records("project_stats")
    assert {r["project_id"]: r["play_count"] for r in rows} == {
        p["hashedId"]: totals[p["hashedId"]] for p in wistia.dataset.projects
    }
    assert {r["snapshot_date"] for r in rows} == {dt.datetime.now(dt.UTC).date().isoformat()}


def test_the_monthly_summary_counts_each_months_visitors_once(wistia, first_run):
    config, result = first_run
    first = parse_ts(config["start_date"]).date()
    by_month: dict[tuple[str, str], list[dict]] = {}
    for event in wistia.dataset.events:
        if parse_ts(event["received_at"]).date() >= first:
            month = local_day(event).strftime("%Y-%m")
            by_month.setdefault((event["media_id"], month), []).append(event)
    rows = {(r["media_id"], r["period"]): r for r in result.records("media_analytics_summary")}
    end = result.tap.run.window.last_day + dt.timedelta(days=1)
    assert set(rows) == expected_keys(wistia.dataset, first, end)["media_analytics_summary"]
    for key, row in rows.items():
        assert row["plays"] == len(by_month[key])
        assert row["unique_plays"] == len({e["visitor_key"] for e in by_month[key]})
        assert row["period_start"].startswith(key[1]) and row["period_start"] < row["period_end"]


def test_a_daily_run_costs_what_changed(make_wistia):
    server = make_wistia()
    config = tap_config(server)
    selected = ("projects", "medias", "events", *STREAMS)
    first = run_sync(config, streams=selected)
    first_cost = cost(server)
    medias = len(server.dataset.medias)
    assert {name: first_cost[name] for name in CATALOG} == dict.fromkeys(CATALOG, medias)
    assert first_cost["account_daily_stats"] == 1
    assert first_cost["project_stats"] == len(server.dataset.projects)

    # Later, nothing changed but two edits and new plays of one media.
    edited = [m["hashed_id"] for m in server.dataset.medias[3:5]]
    for media_id in edited:
        server.dataset.touch_media(media_id)
    played = server.dataset.media_ids()[7]
    server.dataset.add_events(3, media_hashed_id=played)
    server.clear_requests()
    second = run_sync(config, state=first.final_state, streams=selected)
    second_cost = cost(server)
    assert {name: second_cost[name] for name in CATALOG} == dict.fromkeys(CATALOG, 2)
    for name in CATALOG:
        asked = {r.path.split("/")[2] for r in server.requests if ENDPOINTS[name](r.path)}
        assert asked == set(edited), name
    assert second_cost["account_daily_stats"] == 1
    assert second_cost["project_stats"] == len(server.dataset.projects)
    # The summary: the open month only (closed months are not re-read), of the medias with
    # activity: the played one and the edited ones (`per_media_refresh`'s activity plan).
    summary = [r for r in server.requests if ENDPOINTS["media_analytics_summary"](r.path)]
    open_month = first.final_state["bookmarks"]["media_analytics_summary"]["replication_key_value"]
    assert sorted(r.path.split("/")[3] for r in summary) == sorted({played, *edited})
    assert {r.query["start_date"][0][:7] for r in summary} == {open_month}
    account = server.requests_to("/stats/account/by_date")[0].query
    assert account["start_date"] == [
        first.final_state["bookmarks"]["account_daily_stats"]["replication_key_value"]
    ]
    assert len(second.records("captions")) == sum(
        len(caption_languages(server.dataset.find_media(m))) for m in edited
    )


def test_a_plan_without_captions_skips_them_with_one_warning(make_wistia, caplog):
    server = make_wistia(medias=6, visitors=20, events=60, days=10)
    server.forbidden_prefixes.add("/medias/*/captions")
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server, max_concurrency=1), streams=("medias", *CATALOG))
    assert not result.records("captions")
    assert len(result.records("customizations")) == 6
    assert cost(server)["captions"] == 1  # the first 403 settles it
    warnings = [
        r.getMessage() for r in caplog.records if "captions are unavailable" in r.getMessage()
    ]
    assert len(warnings) == 1 and "403" in warnings[0] and "required_streams" in warnings[0]
    # Skipped: no mark, so a later run (the plan upgraded) reads every media.
    assert "edits_through" not in result.bookmark("captions")


def test_404_on_every_media_skips_captions_after_three(make_wistia, caplog):
    server = make_wistia(medias=6, visitors=20, events=60, days=10)
    server.faults.add("status", status=404, path="/medias/", every=1)
    with caplog.at_level(logging.WARNING):
        result = run_sync(tap_config(server, max_concurrency=1), streams=("captions",))
    assert not result.records("captions")
    assert cost(server)["captions"] == 3
    assert caplog.text.count("captions are unavailable") == 1


def test_required_captions_make_a_403_fatal(make_wistia):
    server = make_wistia(medias=3, visitors=10, events=20, days=5)
    server.forbidden_prefixes.add("/medias/*/captions")
    with pytest.raises(WistiaError, match=r"captions are unavailable.*captions is in required"):
        run_sync(tap_config(server, required_streams=["captions"]), streams=("captions",))


def test_a_plan_without_analytics_skips_the_summary_with_the_family(make_wistia, caplog):
    server = make_wistia(medias=4, visitors=20, events=80, days=10)
    server.forbidden_prefixes.add("/analytics")
    with caplog.at_level(logging.WARNING):
        result = run_sync(
            tap_config(server, max_concurrency=1),
            streams=("events", "media_analytics_summary", "account_daily_stats"),
        )
    assert not result.records("media_analytics_summary")
    assert result.records("account_daily_stats")
    warnings = [
        r.getMessage() for r in caplog.records if "analytics are unavailable" in r.getMessage()
    ]
    assert len(warnings) == 1 and "media_analytics_summary" in warnings[0]
    with pytest.raises(WistiaError, match="analytics are unavailable"):
        run_sync(tap_config(server, analytics_required=True), streams=("media_analytics_summary",))


def test_project_stats_reuse_the_projects_listing_and_follow_project_ids(make_wistia):
    server = make_wistia(projects=3, medias=6, visitors=10, events=30, days=5)
    run_sync(tap_config(server), streams=("projects", "project_stats"))
    assert len([r for r in server.requests if r.path == "/projects"]) == 1
    chosen = server.dataset.projects[1]["hashedId"]
    result = run_sync(tap_config(server, project_ids=[chosen]), streams=("project_stats",))
    assert [r["project_id"] for r in result.records("project_stats")] == [chosen]


def test_a_wider_scope_rereads_every_media_of_the_catalog_streams(make_wistia, caplog):
    server = make_wistia(medias=5, visitors=10, events=30, days=5)
    one = server.dataset.media_ids()[0]
    narrow = run_sync(tap_config(server, media_ids=[one]), streams=CATALOG)
    assert {r["media_id"] for r in narrow.records("customizations")} == {one}
    with caplog.at_level(logging.WARNING):
        wide = run_sync(tap_config(server), state=narrow.final_state, streams=CATALOG)
    # The edits mark was made for one media: the others' catalog was never read.
    assert {r["media_id"] for r in wide.records("customizations")} == set(
        server.dataset.media_ids()
    )
    assert "customizations: the bookmark was made for media_ids=" in caplog.text
