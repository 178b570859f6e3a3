"""Families of streams an account's plan or token may not include: skip, or fail if required.

The one mechanism for every optional feature: the modern API's media analytics
(`analytics_base`), the webinars (`webinars`), each catalog endpoint (`catalog`) and the
captions (`media_catalog`). A plan without the feature answers 403 (or 404 on the whole
family). Either costs one warning naming the family's selected streams and the run goes on,
unless the user required it; then the run fails with one line. The verdict is run-wide
(`state.planner.FeatureGate`, one per family): once one stream finds the family
unavailable, the others make no request. A 404 for one item (a media, webinar or folder
deleted mid-run) after the family answered is that item gone, not the family:
`FAMILY_404_ITEMS` distinct items answering 404 before any success is what tells the two
apart.

Meltano marks every discovered stream selected, so selection cannot say whether a user
asked for a family. The general setting `required_streams` does: a family is required
when one of its streams is listed there. `analytics_required` (older, kept for the users
who set it) requires the analytics family too (`required_setting`).
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

    # The gate's name; "" makes the stream a family of its own (named after the stream).
    family: t.ClassVar[str] = ""
    # How the messages name the family ("Wistia analytics"); "" for "Wistia <family>".
    family_label: t.ClassVar[str] = ""
    # What the token and plan need, one sentence without a stop.
    family_needs: t.ClassVar[str] = "The plan or the token does not include it"
    # A boolean setting that also makes the family required (`analytics_required`).
    required_setting: t.ClassVar[str | None] = None

    @classmethod
    def family_name(cls) -> str:
        return cls.family or cls.name

    @property
    def gate(self) -> FeatureGate:
        return self.run.planner.gate(self.family_name())

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
            f"the {self.family_name()} endpoints answered 404 for {len(self.gate.missing)} "
            f"{what} (API release {self.run.settings.api_version})"
        )
        return True

    def family_members(self) -> list[str]:
        """Every declared stream of this stream's family, in declaration order."""
        return [
            stream_type.name
            for stream_type in declared_streams()
            if issubclass(stream_type, OptionalFamily)
            and stream_type.family_name() == self.family_name()
        ]

    def required_because(self) -> str | None:
        """Why the family's absence fails the run ("tags is in required_streams"), or None."""
        if self.required_setting and getattr(self.run.settings, self.required_setting):
            return f"{self.required_setting} is set"
        listed = [n for n in self.family_members() if n in self.run.settings.required_streams]
        if listed:
            verb = "is" if len(listed) == 1 else "are"
            return f"{', '.join(listed)} {verb} in required_streams"
        return None

    def close_family(self, reason: str) -> None:
        """Skip the family for the rest of the run with one warning, or fail if required."""
        label = self.family_label or f"Wistia {self.family_name().replace('_', ' ')}"
        required = self.required_because()
        if required:
            raise WistiaError(
                f"{label} are unavailable: {reason}. {self.family_needs} ({required})."
            )
        self.gate.close()
        skipped = [n for n in self.family_members() if self.run.planner.streams.is_selected(n)]
        how = "list any of them in required_streams"
        if self.required_setting:
            how = f"set {self.required_setting}: true or {how}"
        self.logger.warning(
            "%s are unavailable (%s): skipping %s; the run goes on. %s; %s to make this fatal.",
            label,
            reason,
            ", ".join(skipped),
            self.family_needs,
            how,
        )
