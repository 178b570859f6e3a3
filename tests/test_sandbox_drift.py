"""The sandbox's schema-drift switch: medias, events, visitors and the daily timeseries answer
fields the tap does not declare, one of each JSON type, and stay valid against the spec."""

from __future__ import annotations

from tests import test_sandbox_analytics as modern
from tests.sandbox_client import get_json
from tests.v1_spec_checks import response_validator, undeclared
from wistia_sandbox import FakeWistia
from wistia_sandbox.__main__ import build_parser, build_server
from wistia_sandbox.drift import ASSET_FIELD, THUMBNAIL_FIELD, UNDECLARED

DRIFT = sorted(UNDECLARED)


def _v1_check(srv: FakeWistia, spec_path: str, path: str, **params) -> list[str]:
    """The fields of `path`'s answer the spec does not declare (after checking it validates)."""
    body = get_json(srv, path, **params)
    validator = response_validator(spec_path)
    assert not list(validator.iter_errors(body)), spec_path
    return sorted({where.rsplit(".", 1)[-1] for where in undeclared(body, validator.schema)})


def test_switch_adds_every_json_type_and_stays_valid(make_wistia) -> None:
    srv = make_wistia(seed=3, medias=4, visitors=10, events=60, days=20)
    srv.undeclared_fields = True  # the harness's switch (FakeWistia(undeclared_fields=True))
    assert {type(value).__name__ for value in UNDECLARED.values()} == {
        "str", "float", "int", "bool", "NoneType", "dict", "list",
    }  # fmt: skip
    medias = get_json(srv, "/medias")
    assert all(media[name] == value for media in medias for name, value in UNDECLARED.items())
    assert all(media["thumbnail"][THUMBNAIL_FIELD] for media in medias)
    assert [a[ASSET_FIELD] for a in medias[0]["assets"]] == [
        f"edge-{i}" for i in range(len(medias[0]["assets"]))
    ]
    assert _v1_check(srv, "/medias", "/medias") == sorted([*DRIFT, ASSET_FIELD, THUMBNAIL_FIELD])
    assert _v1_check(srv, "/stats/events", "/stats/events") == DRIFT
    assert _v1_check(srv, "/stats/visitors", "/stats/visitors") == DRIFT
    key = get_json(srv, "/stats/visitors")[0]["visitor_key"]
    assert _v1_check(srv, "/stats/visitors/{visitorKey}", f"/stats/visitors/{key}") == DRIFT
    assert _v1_check(srv, "/projects", "/projects") == []  # a stream with nothing new

    path = "/analytics/medias/{mediaId}/timeseries"
    dates = {"start_date": "2020-01-01", "end_date": "2020-01-03", "granularity": "daily"}
    body = modern.get_json(srv, path.replace("{mediaId}", medias[0]["hashed_id"]), **dates)
    assert body and all(row[name] == value for row in body for name, value in UNDECLARED.items())
    schema = modern.response_schema(path, "200")
    assert not list(modern.OAS31Validator(schema).iter_errors(body))
    assert {where.rsplit(".", 1)[-1] for where in modern.undeclared(body, schema)} == set(DRIFT)


def test_off_by_default_and_on_with_the_command_line_flag(make_wistia) -> None:
    srv = make_wistia(seed=3, medias=2, visitors=5, events=10, days=10)
    assert _v1_check(srv, "/medias", "/medias") == []
    assert not build_server(build_parser().parse_args([])).undeclared_fields
    assert build_server(build_parser().parse_args(["--undeclared-fields"])).undeclared_fields
