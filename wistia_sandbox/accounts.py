"""A second sandbox account, for the several-accounts setup (one project, one warehouse).

Two Wistia accounts never share a record, but nothing stops their ids from coinciding: a
hashed id, a visitor key or an event key is unique within one account only. The second
account is built to make that happen on every record, the worst case for a loader keyed on
ids alone: it is generated from the first account's seed (so its projects, medias,
visitors and events have the first account's ids), then made a different account: its own
id and name, its medias renamed, and every third media deleted with its events (so its
counts and totals differ too). Only `account_id` tells the two accounts' records apart.
"""

from __future__ import annotations

import typing as t

from .data import generate_dataset
from .dataset import Dataset

if t.TYPE_CHECKING:
    from .server import FakeWistia

SECOND_ACCOUNT_ID = 2002
SECOND_ACCOUNT_NAME = "Wistia Sandbox Two"


def second_account(first: Dataset, **counts: int) -> Dataset:
    """Another account whose records reuse `first`'s ids. `counts`: the counts `first` was
    generated with (`generate_dataset`'s keywords), so the ids line up."""
    dataset = generate_dataset(seed=first.seed, now=first.now, **counts)
    dataset.account_id = SECOND_ACCOUNT_ID
    dataset.account_name = SECOND_ACCOUNT_NAME
    for media in dataset.medias:
        media["name"] = f"{media['name']} (two)"
    for event in dataset.events:  # events name their media as it is named now
        event["media_name"] = f"{event['media_name']} (two)"
    for hashed_id in dataset.media_ids()[2::3]:
        dataset.delete_media(hashed_id, drop_events=True)
    dataset.changed()
    return dataset


def add_second_account(server: FakeWistia, **counts: int) -> str:
    """Serve `second_account` of the server's dataset to its own token (the server's token
    with `-2`); returns that token. `counts`: as for `second_account`."""
    token = f"{server.token}-2"
    server.add_account(token, second_account(server.dataset, **counts))
    return token
