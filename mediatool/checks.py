"""Whole-folder validations for `mediatool check` (pure).

Each check is a function `(FolderSnapshot) -> list[Problem]` listed in
CHECKS: adding a rule is one function, one entry, one test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mediatool.catalogue import Catalogue
from mediatool.errors import Problem
from mediatool.model import (
    AppointmentAttended,
    AppointmentBooked,
    CallRecorded,
    DropinTally,
    PathOpened,
    Record,
)
from mediatool.state import fold_appointments, fold_paths


@dataclass(frozen=True)
class FolderSnapshot:
    """Everything a check may look at, already read."""

    catalogue: Catalogue
    records: Mapping[str, list[Record]]
    now: dt.datetime
    extra: Mapping[str, object] = field(default_factory=dict)


def _warn(record: Record, message: str, hint: str | None = None) -> Problem:
    return Problem(record.source, record.line, message, hint, severity="warning")


def check_references(snapshot: FolderSnapshot) -> list[Problem]:
    """Ids in records that the catalogue no longer knows (warnings: history stays valid)."""
    catalogue = snapshot.catalogue
    mediators = {m.id for m in catalogue.team.mediators}
    sites = {s.id for s in catalogue.team.sites}
    problems: list[Problem] = []
    for record in snapshot.records.get("calls", []):
        event = record.event
        if isinstance(event, CallRecorded):
            if event.procedure and event.procedure not in catalogue.procedures:
                problems.append(_warn(record, f"démarche inconnue « {event.procedure} »"))
            if event.redirect_to and event.redirect_to not in catalogue.organisations:
                problems.append(_warn(record, f"organisation inconnue « {event.redirect_to} »"))
            if event.by not in mediators:
                problems.append(_warn(record, f"médiateur inconnu « {event.by} »"))
    for record in snapshot.records.get("appointments", []):
        event = record.event
        if isinstance(event, AppointmentBooked):
            if event.mediator not in mediators:
                problems.append(_warn(record, f"médiateur inconnu « {event.mediator} »"))
            if event.procedure and event.procedure not in catalogue.procedures:
                problems.append(_warn(record, f"démarche inconnue « {event.procedure} »"))
        if isinstance(event, AppointmentAttended):
            for skill in event.skills:
                if skill not in catalogue.skills:
                    problems.append(_warn(record, f"compétence inconnue « {skill} »"))
    for record in snapshot.records.get("paths", []):
        event = record.event
        if isinstance(event, PathOpened):
            for skill in event.skills:
                if skill not in catalogue.skills:
                    problems.append(_warn(record, f"compétence inconnue « {skill} »"))
    for record in snapshot.records.get("dropins", []):
        event = record.event
        if isinstance(event, DropinTally) and event.site not in sites:
            problems.append(_warn(record, f"lieu inconnu « {event.site} »"))
    return problems


def check_event_sequences(snapshot: FolderSnapshot) -> list[Problem]:
    """Events that make no sense in order (cancel before booking, attended after cancel…)."""
    _, appointment_problems = fold_appointments(snapshot.records.get("appointments", []))
    _, path_problems = fold_paths(snapshot.records.get("paths", []))
    return appointment_problems + path_problems


def check_duplicate_ids(snapshot: FolderSnapshot) -> list[Problem]:
    """Two calls or tallies with the same id (e.g. a file copied by hand)."""
    problems: list[Problem] = []
    for kind, event_name in (("calls", "call"), ("dropins", "tally")):
        seen: dict[str, Record] = {}
        for record in snapshot.records.get(kind, []):
            if record.event.event != event_name:
                continue
            first = seen.setdefault(record.event.id, record)
            if first is not record:
                problems.append(Problem(record.source, record.line,
                                        f"identifiant {record.event.id} déjà utilisé "
                                        f"({first.source}:{first.line})"))
    return problems


# French phone numbers: 0X XX XX XX XX, +33 X…, with spaces, dots or dashes.
PHONE_PATTERN = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


def check_calls_are_anonymous(snapshot: FolderSnapshot) -> list[Problem]:
    """Calls must hold no phone number (SPEC §2.2)."""
    problems: list[Problem] = []
    for record in snapshot.records.get("calls", []):
        event = record.event
        if isinstance(event, CallRecorded):
            for text in (event.note, event.query):
                if text and PHONE_PATTERN.search(text):
                    problems.append(_warn(record, f"l'appel {event.id} semble contenir un "
                                          "numéro de téléphone", "les appels sont anonymes : "
                                          "retirez-le du fichier"))
    return problems


Check = Callable[[FolderSnapshot], list[Problem]]
CHECKS: list[Check] = [
    check_references,
    check_event_sequences,
    check_duplicate_ids,
    check_calls_are_anonymous,
]


def run_checks(snapshot: FolderSnapshot) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(snapshot))
    return problems
