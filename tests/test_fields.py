"""The JSON Schemas are generated from the models and agree with the builder."""

import json

import jsonschema
import pytest

from mediatool.core.catalogue import FILE_MODELS, schemas
from mediatool.core.fields import INVALID, Context, build, to_plain
from mediatool.core.model import Team
from mediatool.host.environment import default_catalogue
from mediatool.store.yamltext import load_positioned


def _ctx():
    return Context("x.yaml", lambda path: (1, 1))


@pytest.mark.parametrize("name", sorted(FILE_MODELS))
def test_shipped_catalogue_matches_its_schema(name):
    loaded = load_positioned((default_catalogue() / name).read_bytes())
    plain = json.loads(json.dumps(to_plain(loaded.value)))
    jsonschema.validate(plain, schemas()[name])
    ctx = _ctx()
    assert build(FILE_MODELS[name], loaded.value, (), ctx) is not INVALID, ctx.problems


@pytest.mark.parametrize("team", [
    {"service": "x"},  # mediators missing
    {"service": "x", "mediators": [], "halfday_boundary": "25:00"},
    {"service": "x", "mediators": [], "caps": {"appointment_half_days_per_week": -1}},
    {"service": "x", "mediators": [], "unknown": 1},
    {"service": "x", "mediators": [{"id": "Bad Id", "name": "n"}]},
    {"service": 3, "mediators": []},
])
def test_builder_and_schema_reject_the_same_documents(team):
    validator = jsonschema.Draft202012Validator(schemas()["team.yaml"])
    assert list(validator.iter_errors(team))
    ctx = _ctx()
    assert build(Team, team, (), ctx) is INVALID
    assert ctx.problems


def test_unquoted_time_is_explained():
    ctx = _ctx()
    team = {"service": "x", "mediators": [], "halfday_boundary": 780}
    assert build(Team, team, (), ctx) is INVALID
    assert 'écrivez "13:00" entre guillemets' in ctx.problems[0].hint


def test_all_problems_are_collected():
    ctx = _ctx()
    build(Team, {"service": 1, "mediators": "x", "extra": 2}, (), ctx)
    assert len(ctx.problems) == 3
