"""Find catalogue entries by id, with "did you mean" suggestions (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from mediatool.core.catalogue import Catalogue
from mediatool.core.errors import InvalidInput
from mediatool.core.model import Mediator, Organisation, Procedure
from mediatool.core.search import closest_ids

T = TypeVar("T")


def by_id(items: Mapping[str, T], wanted: str, what: str) -> T:
    """The item with this id, or InvalidInput naming the closest ids."""
    found = items.get(wanted.strip())
    if found is not None:
        return found
    close = closest_ids(wanted, items.keys())
    hint = f"vouliez-vous : {', '.join(close)} ?" if close else "vérifiez l'identifiant"
    raise InvalidInput(f"{what} inconnu(e) : « {wanted} »", hint)


def procedure_by_id(catalogue: Catalogue, wanted: str) -> Procedure:
    return by_id(catalogue.procedures, wanted, "démarche")


def organisation_by_id(catalogue: Catalogue, wanted: str) -> Organisation:
    return by_id(catalogue.organisations, wanted, "organisation")


def mediator_by_id(catalogue: Catalogue, wanted: str) -> Mediator:
    return by_id({m.id: m for m in catalogue.team.mediators}, wanted, "médiateur")
