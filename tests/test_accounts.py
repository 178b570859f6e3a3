"""Several accounts: every record says which Wistia account it came from, and every key
starts with that account, so two accounts whose ids coincide never clash in one warehouse.

The sandbox serves two accounts on one URL (`two_accounts`): the second token reads a
dataset with the first one's hashed ids, visitor keys and event keys, but its own account
id, names and counts. The account is read once per run (`GET /account`), and a state
records the account it belongs to.
"""

from __future__ import annotations

import logging

import pytest

from tap_wistia.http.errors import WistiaAuthError
from tap_wistia.state.account import AccountMismatch
from tap_wistia.streams.base import CleanRecordsStream
from tap_wistia.streams.registry import STREAM_TYPES
from tests.tap_harness import run_sync, tap_config

# Streams whose records are the dataset's own, one for one.
LISTED = {"projects": "projects", "medias": "medias", "visitors": "visitors", "events": "events"}


def sync(server, token: str, **kwargs):
    """A run with `token`; returns its result and the requests it made."""
    before = len(server.requests)
    result = run_sync(tap_config(server, api_token=token), **kwargs)
    return result, server.requests[before:]


@pytest.fixture(scope="module")
def both(two_accounts):
    """Each account's dataset, full sync and requests, first account first."""
    server, second_token = two_accounts
    return [(server.tokens[token], *sync(server, token)) for token in (server.token, second_token)]


def test_each_account_records_are_complete_and_carry_their_account(both):
    for dataset, result, _ in both:
        for stream, listing in LISTED.items():
            records = result.records(stream)
            assert {r["account_id"] for r in records} == {dataset.account_id}, stream
            assert len(records) == len(getattr(dataset, listing)), stream
        for stream in result.record_counts():
            assert {r["account_id"] for r in result.records(stream)} == {dataset.account_id}


def test_overlapping_ids_never_clash_once_keyed_by_account(both):
    (_, first, _), (_, second, _) = both
    for stream_type in STREAM_TYPES:
        name = stream_type.name

        def keys(result, fields):
            return {tuple(r[f] for f in fields) for r in result.records(name)}  # noqa: B023

        overlap = keys(first, stream_type.declared_keys) & keys(second, stream_type.declared_keys)
        if name in LISTED:
            assert overlap, f"{name}: the accounts are meant to share ids"
        rows = first.records(name) + second.records(name)
        assert len(
            keys(first, stream_type.primary_keys) | keys(second, stream_type.primary_keys)
        ) == len(rows), name


def test_the_account_is_read_once_per_run_first_through_the_budget(both):
    for dataset, _, requests in both:
        reads = [r for r in requests if r.path == "/account"]
        assert len(reads) == 1
        assert requests[0].path == "/account"
        assert {r.authorization for r in requests} == {reads[0].authorization}
        assert dataset.account()["id"] == dataset.account_id


def test_every_stream_keys_and_types_the_account():
    for stream_type in STREAM_TYPES:
        assert stream_type.primary_keys == ("account_id", *stream_type.declared_keys)
        assert stream_type.schema["properties"]["account_id"] == {"type": ["integer"]}
        assert "account_id" in stream_type.schema["required"]


def test_a_stream_declared_later_gets_the_account_for_free():
    class LaterStream(CleanRecordsStream):
        name = "later"
        discoverable = False
        path = "/later"
        primary_keys = ("code",)
        schema = {"type": "object", "properties": {"code": {"type": ["string"]}}}

    assert LaterStream.declared_keys == ("code",)
    assert LaterStream.primary_keys == ("account_id", "code")
    assert list(LaterStream.schema["properties"]) == ["account_id", "code"]
    assert LaterStream.schema["required"] == ["account_id"]


@pytest.mark.parametrize("refusal", ["bad token", "forbidden"])
def test_a_refused_account_read_stops_the_run_before_anything_else(make_wistia, refusal):
    server = make_wistia(medias=2, visitors=3, events=5)
    token = "not-the-token" if refusal == "bad token" else server.token
    if refusal == "forbidden":
        server.forbidden_prefixes.add("/account")
    with pytest.raises(WistiaAuthError, match="/v1/account"):
        run_sync(tap_config(server, api_token=token))
    assert [(r.path, r.status) for r in server.requests] == [
        ("/account", 401 if refusal == "bad token" else 403)
    ]


def test_a_state_of_another_account_stops_the_run(two_accounts, both):
    server, second_token = two_accounts
    (first_dataset, first, _), _ = both
    assert first.final_state["account_id"] == first_dataset.account_id
    before = len(server.requests)
    with pytest.raises(AccountMismatch, match="belongs to Wistia account 1001"):
        run_sync(tap_config(server, api_token=second_token), state=first.final_state)
    assert [r.path for r in server.requests[before:]] == ["/account"]


def test_a_state_from_before_accounts_is_adopted_with_one_warning(two_accounts, both, caplog):
    server, _ = two_accounts
    (dataset, first, _), _ = both
    legacy = {k: v for k, v in first.final_state.items() if k != "account_id"}
    with caplog.at_level(logging.WARNING):
        again, requests = sync(server, server.token, state=legacy)
    warnings = [r.getMessage() for r in caplog.records if "account_id" in r.getMessage()]
    assert len(warnings) == 1 and "nothing is re-read" in warnings[0]
    assert again.final_state["account_id"] == dataset.account_id
    # Bookmarks kept: the events already read are not read again.
    assert len(again.records("events")) < len(first.records("events"))
    assert [r.path for r in requests].count("/account") == 1
