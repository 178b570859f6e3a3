"""Endpoints an account's plan or token may not include: skip them with one warning, or fail.

Wistia answers 403 ("not available on your current plan", or a token without the
permission) or 404 (the endpoint is not there) for a feature the account lacks. The
analytics family and each catalog endpoint decide it the same way, here:

* the stream's `validate_response` turns a 403 into `FeatureUnavailable` and a 404 into
  `FeatureNotFound` (a 401 stays fatal: the token itself is wrong);
* the verdict is run-wide (`state.planner.FeatureGate`): once closed, the streams of the
  feature make no request;
* closing logs ONE warning naming the selected streams skipped, and the run goes on;
  unless the user asked for the feature (`analytics_required` for the analytics family,
  the stream's name in `required_streams` for a catalog stream): then the run fails, with
  one line saying what is missing.
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
)

if t.TYPE_CHECKING:
    from tap_wistia.state.planner import FeatureGate


class FeatureUnavailable(WistiaAuthError):
    """403 on a gated endpoint: the plan or the token does not include the feature."""


class FeatureNotFound(ResourceNotFound):
    """404 on a gated endpoint: one item is gone, or the whole feature is missing."""


class GatedStream(WistiaStream):
    """Mixin of a stream whose endpoints a plan may lack; put it before the REST bases."""

    # How the warning and the error name the feature, what it needs, and the setting
    # that makes its absence fatal (as written in the messages).
    feature_label: t.ClassVar[str] = ""
    feature_needs: t.ClassVar[str] = "The plan or the token does not include it"

    @property
    def feature_gate(self) -> FeatureGate:
        return self.run.planner.feature(self.name)

    @property
    def feature_required(self) -> bool:
        return self.name in self.run.settings.required_streams

    @property
    def feature_setting(self) -> tuple[str, str]:
        """(how the error says it is set, how the warning says to set it)."""
        return (
            f"{self.name} is in required_streams",
            f"add {self.name} to required_streams",
        )

    def feature_streams(self) -> list[str]:
        """The selected streams the verdict skips."""
        return [self.name]

    @override
    def validate_response(self, response: requests.Response) -> None:
        try:
            super().validate_response(response)
        except WistiaAuthError as exc:
            if response.status_code == 403:
                raise self.unavailable_error(str(exc)) from None
            raise
        except ResourceNotFound as exc:
            raise self.not_found_error(str(exc)) from None

    unavailable_error: t.ClassVar[type[FeatureUnavailable]] = FeatureUnavailable
    not_found_error: t.ClassVar[type[FeatureNotFound]] = FeatureNotFound

    def close_feature(self, gate: FeatureGate, reason: str) -> None:
        """Skip the feature's streams for the rest of the run with one warning, or fail."""
        label = self.feature_label or self.name.replace("_", " ")
        when_set, how_to_set = self.feature_setting
        if self.feature_required:
            raise WistiaError(
                f"Wistia {label} are unavailable: {reason}. {self.feature_needs} ({when_set})."
            )
        gate.close()
        self.logger.warning(
            "Wistia %s are unavailable (%s): skipping %s; the run goes on. %s; %s to make "
            "this fatal.",
            label,
            reason,
            ", ".join(self.feature_streams()),
            self.feature_needs,
            how_to_set,
        )
