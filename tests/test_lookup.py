"""Finding a mediator, site or organisation as people type it (core/lookup)."""

import pytest

from mediatool.core.errors import InvalidInput
from mediatool.core.lookup import by_id, matching
from mediatool.core.model import Mediator

TEAM = {m.id: m for m in (Mediator(id="lea", name="Léa Martin"),
                          Mediator(id="camille", name="Camille Durand"),
                          Mediator(id="camille-b", name="Camille Bérard"))}


def name(m):
    return m.name


@pytest.mark.parametrize("typed", ["lea", "Léa", "LEA", " léa ", "Martin", "léa martin",
                                   "LÉA MARTIN"])
def test_a_mediator_by_id_name_or_first_name_accents_and_case_ignored(typed):
    assert by_id(TEAM, typed, "médiateur", name).id == "lea"


def test_an_exact_id_wins_over_a_first_name_shared_by_others():
    assert by_id(TEAM, "camille", "médiateur", name).id == "camille"
    assert by_id(TEAM, "CAMILLE-B", "médiateur", name).id == "camille-b"
    assert by_id(TEAM, "Bérard", "médiateur", name).id == "camille-b"


def test_several_matches_are_listed_never_guessed_between():
    assert matching(TEAM, "Camille", name) == ["camille"]  # the id, exactly
    assert matching(TEAM, "camillé", name) == ["camille"]  # the id, accents ignored
    teams = {"c1": Mediator(id="c1", name="Camille A."), "c2": Mediator(id="c2", name="Camille B.")}
    with pytest.raises(InvalidInput) as several:
        by_id(teams, "camille", "médiateur", name)
    assert several.value.message == ("plusieurs médiateurs correspondent à « camille » : "
                                     "c1 (Camille A.), c2 (Camille B.)")


def test_unknown_names_get_the_closest_ids_and_ids_only_without_names():
    with pytest.raises(InvalidInput) as unknown:
        by_id(TEAM, "camile", "médiateur", name)
    assert "vouliez-vous" in (unknown.value.hint or "") and "camille" in unknown.value.hint
    with pytest.raises(InvalidInput):
        by_id(TEAM, "Martin", "médiateur")  # without names, only ids count
    assert matching(TEAM, "   ", name) == []
