"""Find catalogue entries by id or by name, as people type them (pure).

« Léa », « lea » and « LEA » find the mediator `lea` named « Léa Martin »: ids and
names are compared with accents, case and punctuation ignored, and a name is found by
any of its words (a first name). Several matches are listed, never guessed between.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from mediatool.core.catalogue import Catalogue
from mediatool.core.errors import InvalidInput
from mediatool.core.model import Mediator, Organisation, Procedure, Site
from mediatool.core.text import closest_ids, normalise

T = TypeVar("T")


def matching(items: Mapping[str, T], wanted: str,
             name_of: Callable[[T], str] | None = None) -> list[str]:
    """The ids `wanted` designates: its id, else the ids or names it spells, else the
    names holding it as a word (« lea » → « Léa Martin »); in the order of `items`."""
    text = wanted.strip()
    if text in items:
        return [text]
    typed = normalise(text)
    if not typed:
        return []
    same = [i for i, item in items.items()
            if normalise(i) == typed or (name_of and normalise(name_of(item)) == typed)]
    if same or name_of is None:
        return same
    words = typed.split()
    return [i for i, item in items.items()
            if all(w in normalise(name_of(item)).split() for w in words)]


def by_id(items: Mapping[str, T], wanted: str, what: str,
          name_of: Callable[[T], str] | None = None) -> T:
    """The item `wanted` designates (by id, or by name with `name_of`), or InvalidInput
    naming the several it could be, or the closest ids."""
    found = matching(items, wanted, name_of)
    if len(found) == 1:
        return items[found[0]]
    if found:
        listed = ", ".join(f"{i} ({name_of(items[i])})" if name_of else i for i in found)
        raise InvalidInput(f"plusieurs {what}s correspondent à « {wanted.strip()} » : {listed}",
                           "précisez avec l'identifiant")
    close = closest_ids(wanted, items.keys())
    hint = f"vouliez-vous : {', '.join(close)} ?" if close else "vérifiez l'identifiant"
    raise InvalidInput(f"{what} inconnu(e) : « {wanted} »", hint)


def procedure_by_id(catalogue: Catalogue, wanted: str) -> Procedure:
    return by_id(catalogue.procedures, wanted, "démarche")


def organisation_by_id(catalogue: Catalogue, wanted: str) -> Organisation:
    return by_id(catalogue.organisations, wanted, "organisation", _name)


def mediator_by_id(catalogue: Catalogue, wanted: str) -> Mediator:
    return by_id({m.id: m for m in catalogue.team.mediators}, wanted, "médiateur", _name)


def site_by_id(catalogue: Catalogue, wanted: str) -> Site:
    return by_id({s.id: s for s in catalogue.team.sites}, wanted, "lieu", _name)


def _name(item: Mediator | Organisation | Site) -> str:
    return item.name
