"""Families of streams an account's plan or token may not include: skip, or fail if required.

The modern API's media analytics (`analytics_base`) and the webinars (`webinars`) are paid
features: a plan without them answers 403 (or 404 on the whole family). Either costs one
warning naming the family's selected streams and the run goes on, unless the family's
`<family>_required` setting is set; then the run fails with one line. The verdict is
run-wide (`state.planner.FeatureGate`): once one stream finds the family unavailable, the
others make no request. A 404 for one item (a media or webinar deleted mid-run) after the
family answered is that item gone, not the family: `FAMILY_404_ITEMS` distinct items
answering 404 before any success is what tells the two apart.

Meltano marks every discovered stream selected, so selection cannot say whether a user
asked for a family: the `<family>_required` setting does.
"""

from __future__ import annotations

import typing as t

import requests
from typing_extensions import override

from tap_wistia.streams.base import (
    ResourceNotFound,
    WistiaAuthError,
    WistiaError,
    WistiaStream,
    declared_streams,
)

if t.TYPE_CHECKING:
    from tap_wistia.state.planner import FeatureGate


class FeatureUnavailable(WistiaAuthError):
    """403 on a call of an optional family: the plan or the token does not include it."""


class FeatureNotFound(ResourceNotFound):
    """404 on a call of an optional family: one item is gone, or the whole family is missing."""


class OptionalFamily(WistiaStream):
    """Mixin for a stream of an optional family; put it before the stream's base."""

    family: t.ClassVar[str]  # the gate's name, and `<family>_required`
    family_label: t.ClassVar[str]  # "Wistia analytics", as the messages name it
    family_needs: t.ClassVar[str]  # what the token and plan need, one sentence without a stop

    @property
    def gate(self) -> FeatureGate:
        return self.run.planner.gate(self.family)

    @override
    def validate_response(self, response: requests.Response) -> None:
        try:
            super().validate_response(response)
        except WistiaAuthError as exc:
            if response.status_code == 403:
                raise FeatureUnavailable(str(exc)) from None
            raise
        except ResourceNotFound as exc:
            raise FeatureNotFound(str(exc)) from None

    def family_missing(self, item_id: str, items_in_scope: int, what: str) -> bool:
        """`item_id` answered 404: True (and the family closed) when that means the family's
        endpoints are not there; `what` names the items ("medias the v1 API lists")."""
        if not self.gate.saw_not_found(item_id, items_in_scope):
            return False
        self.close_family(
            f"the {self.family} endpoints answered 404 for {len(self.gate.missing)} {what} "
            f"(API release {self.run.settings.api_version})"
        )
        return True

    def close_family(self, reason: str) -> None:
        """Skip the family for the rest of the run with one warning, or fail if required."""
        setting = f"{self.family}_required"
        if getattr(self.run.settings, setting):
            raise WistiaError(
                f"{self.family_label} are unavailable: {reason}. {self.family_needs} "
                f"({setting} is set)."
            )
        self.gate.close()
        skipped = [
            stream_type.name
            for stream_type in declared_streams()
            if issubclass(stream_type, OptionalFamily)
            and stream_type.family == self.family
            and self.run.planner.streams.is_selected(stream_type.name)
        ]
        self.logger.warning(
            "%s are unavailable (%s): skipping %s; the run goes on. %s; set %s: true to make "
            "this fatal.",
            self.family_label,
            reason,
            ", ".join(skipped),
            self.family_needs,
            setting,
        )
