"""singer-sdk's built-in tap test suite, run against the local Wistia API."""

from __future__ import annotations

import pytest
from singer_sdk.testing import get_tap_test_class

from tap_wistia.tap import TapWistia
from tests.tap_harness import tap_config

# The SDK builds the test class at import time but runs the sync later, at class scope;
# the fixture below points this dict at the session's local API before that happens.
SUITE_CONFIG: dict = {"api_token": "placeholder", "api_url": "http://127.0.0.1:9/v1"}


@pytest.fixture(scope="session", autouse=True)
def _point_suite_at_local_api(wistia) -> None:
    SUITE_CONFIG.update(tap_config(wistia, max_requests_per_minute=100_000))


TestTapWistia = get_tap_test_class(TapWistia, config=SUITE_CONFIG)
