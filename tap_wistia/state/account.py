"""The Wistia account a run reads, and the state's claim to belong to it.

Every record carries `account_id` (streams.base adds it) so that several accounts can load
into one warehouse without their ids clashing. Decisions:

- The id is read from the API, never configured: a hand-set id could be wrong, and the
  token already says which account it reads. It is read once per run, on first use (the
  tap asks for it before any stream syncs), through the run's budget and retries like any
  call, so a 401/403 there stops the run as it does elsewhere.
- The state records the account it belongs to (a top-level `account_id` beside
  `bookmarks`). A state of another account (a copied state id, a token swapped in place)
  stops the run before anything is read: its bookmarks would skip the other account's data
  silently. A state written before accounts were recorded is adopted as this account's,
  with one warning: its bookmarks stay valid, so nothing is re-read.
"""

from __future__ import annotations

import threading
import typing as t

from tap_wistia.http.errors import WistiaError

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable, MutableMapping

STATE_KEY = "account_id"
UPGRADE_DOC = "docs/accounts.md#upgrading"


class AccountMismatch(WistiaError):
    """The state was written for another Wistia account than the token reads."""


class RunAccount:
    """The run's account, read once (thread-safe) by `read`, which answers Wistia's
    `GET /account` object."""

    def __init__(self, read: Callable[[], dict]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._details: dict | None = None

    @property
    def details(self) -> dict:
        with self._lock:
            if self._details is None:
                details = self._read()
                account_id = details.get("id")
                if isinstance(account_id, bool) or not isinstance(account_id, int):
                    raise WistiaError(
                        f"GET /account answered no integer account id ({account_id!r}): "
                        "records cannot say which account they belong to."
                    )
                self._details = details
            return self._details

    @property
    def id(self) -> int:
        return int(self.details["id"])

    def claim_state(self, state: MutableMapping[str, t.Any], logger: logging.Logger) -> None:
        """Check the state belongs to this account, then mark it as this account's."""
        recorded = state.get(STATE_KEY)
        if recorded is not None and recorded != self.id:
            raise AccountMismatch(
                f"The state belongs to Wistia account {recorded}, but the token reads account "
                f"{self.id} ({self.details.get('name', '')!r}). Give each account its own "
                "extractor and state (docs/accounts.md), or clear this state to start over."
            )
        if recorded is None and state.get("bookmarks"):
            logger.warning(
                "The state was written before records carried account_id: adopted as the "
                "state of account %s, bookmarks kept (nothing is re-read). Rows loaded "
                "before have no account_id; see %s.",
                self.id,
                UPGRADE_DOC,
            )
        state[STATE_KEY] = self.id
        state.setdefault("bookmarks", {})  # the shape every STATE message has
