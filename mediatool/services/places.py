"""`catalogue import-places`: local offices from the national directories into
catalogue/organisations.yaml, so that a redirection names a real address, phone and hours.

Nothing is written when the file has a problem, when `dry_run` is set, or when the
catalogue would no longer load; a person's edit to an imported entry is reported,
never overwritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from mediatool.core import places
from mediatool.core.catalogue import build_catalogue
from mediatool.core.errors import InvalidInput, OperationalError
from mediatool.core.model import Organisation
from mediatool.core.values import frozen
from mediatool.host.opendata import read_local_file
from mediatool.store import catalogue as catalogue_files
from mediatool.store.folder import DataFolder

ORGANISATIONS = "organisations.yaml"
# What a person reading the file looks for first: the name, what it is, where, when.
WRITTEN_ORDER = ("id", "name", "kind", "place_of", "address", "commune", "insee", "phone",
                 "phone_cost", "website", "hours", "opening_hours", "notes", "local", "source",
                 "page_updated", "reviewed", "imported")


@frozen
class ImportResult:
    plan: places.Plan
    source: str
    written: bool


def as_mapping(organisation: Organisation) -> dict[str, Any]:
    """An organisation as written in organisations.yaml: fields in model order, empty left
    out, dates kept as dates (so that YAML writes them unquoted)."""
    out: dict[str, Any] = {}
    names = [f.name for f in dataclasses.fields(organisation)]
    for name in sorted(names, key=lambda n: WRITTEN_ORDER.index(n) if n in WRITTEN_ORDER
                       else len(WRITTEN_ORDER)):
        value = getattr(organisation, name)
        if value is None or (name == "local" and not value):
            continue
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = {g.name: getattr(value, g.name) for g in dataclasses.fields(value)}
        out[name] = value
    return out


def import_places(data: DataFolder, source: str, area: places.Area, today: dt.date,
                  dry_run: bool = False) -> ImportResult:
    """Read `source`, keep the places of `area`, and write what changed (unless dry_run)."""
    catalogue = data.catalogue
    raw = read_local_file(source)
    dataset, chosen, problems = places.read(raw, source, catalogue.organisations, area)
    if area == places.Area() and len(chosen) + len(problems) > places.MAX_UNFILTERED:
        raise InvalidInput(f"{source} : {len(chosen) + len(problems)} lieux, c'est un "
                           "fichier national", "choisissez votre commune : --commune NOM ou "
                           "--insee CODE")
    if problems:
        raise InvalidInput(f"{source} : {len(problems)} entrée(s) illisible(s), rien n'a été "
                           "importé", "corrigez-les dans le fichier, ou retéléchargez-le",
                           problems)
    path = data.root / "catalogue" / ORGANISATIONS
    try:
        before = path.read_bytes()
    except OSError as exc:
        raise OperationalError(f"lecture impossible de catalogue/{ORGANISATIONS} : "
                               f"{exc.strerror}") from None
    text = before.decode("utf-8")
    people = catalogue_files.people_ids(text)
    if people is None:  # cannot tell where people's part ends: treat every entry as theirs
        people = set(catalogue.organisations)
    block = [o for i, o in catalogue.organisations.items() if i not in people]
    managed = {o.id for o in block if o.imported is not None}
    plan = places.plan(dataset, chosen, area, catalogue.organisations, managed, today)
    if dry_run or not plan.changes:
        return ImportResult(plan, source, False)
    # The part is rewritten in its own order, so that an import changes only its lines.
    updated = {o.id: o for o in plan.updated}
    written = [updated.get(o.id, o) for o in block] + plan.added
    after = catalogue_files.with_places(text, [as_mapping(o) for o in written]).encode("utf-8")
    _refuse_if_broken(data, after)
    catalogue_files.write_catalogue_file(data.root, ORGANISATIONS, after, before)
    return ImportResult(plan, source, True)


def _refuse_if_broken(data: DataFolder, organisations: bytes) -> None:
    """The catalogue must still load with the new file: never leave it broken."""
    files = catalogue_files.read_catalogue_files(data.root)
    files[ORGANISATIONS] = organisations
    parsed = {name: catalogue_files.parse(name, content) for name, content in files.items()}
    built, problems = build_catalogue(parsed, data.now().date())
    if built is None:
        first = next((p.format() for p in problems if p.is_error), "")
        raise OperationalError("l'import rendrait le catalogue illisible, rien n'a été écrit",
                               first or None)

