"""Current state of appointments, learning paths and waiting entries: the fold of their
events (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Literal

from mediatool.core.errors import Problem
from mediatool.core.labels import STATUS_LABELS
from mediatool.core.model import (
    Anonymised,
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCorrected,
    AppointmentNoShow,
    AppointmentReminded,
    DropinTally,
    Kind,
    PathClosed,
    PathOpened,
    Record,
    WaitAdded,
    WaitClosed,
    WaitOffered,
)
from mediatool.core.values import frozen

Status = Literal["booked", "cancelled", "attended", "no_show"]
# RDV Service Public's names for the same statuses, so figures compare.
RDV_SERVICE_PUBLIC_STATUS = {"booked": "unknown", "attended": "seen", "no_show": "noshow",
                             "excused": "excused", "revoked": "revoked", "to_fill": "unknown",
                             "rescheduled": "excused"}
ANONYMOUS = "(anonymisé)"


@frozen
class Appointment:
    """An appointment as it stands after all its events."""

    id: str
    mediator: str
    kind: Kind
    start: dt.datetime
    duration_min: int
    person: str
    phone: str | None
    procedure: str | None
    path: str | None
    site: str | None
    from_call: str | None
    note: str | None
    booked_at: dt.datetime
    status: Status = "booked"
    cancelled_by_person: bool | None = None
    skills: tuple[str, ...] = ()
    autonomy: int | None = None
    revisions: int = 1
    last_change: dt.datetime | None = None
    anonymised: bool = False
    source: str = ""
    line: int = 0
    reminded_at: dt.datetime | None = None
    rescheduled_from: str | None = None
    rescheduled_to: str | None = None
    corrections: int = 0

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.duration_min)

    @property
    def active(self) -> bool:
        """Holds its slot (counts for overlap and the cap)."""
        return self.status != "cancelled"

    def situation(self, now: dt.datetime) -> str:
        """booked/attended/no_show/excused/revoked, or to_fill: past with no outcome yet."""
        if self.status == "cancelled":
            if self.rescheduled_to:
                return "rescheduled"
            return "excused" if self.cancelled_by_person else "revoked"
        if self.status == "booked" and self.end <= now:
            return "to_fill"
        return self.status


@frozen
class LearningPath:
    """A usage learning path as it stands."""

    id: str
    person: str
    phone: str | None
    mediator: str
    skills: tuple[str, ...]
    sessions: int
    opened_at: dt.datetime
    note: str | None
    closed_at: dt.datetime | None = None
    close_reason: str | None = None
    anonymised: bool = False
    source: str = ""
    line: int = 0

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _replaced(appointment: Appointment, changes: dict[str, object]) -> Appointment:
    """`dataclasses.replace` without re-running `__init__`: folds are every report's hot path."""
    new = object.__new__(Appointment)
    new.__dict__.update(appointment.__dict__, **changes)
    return new


def fold_appointments(records: Iterable[Record], initial: dict[str, Appointment] | None = None
                      ) -> tuple[dict[str, Appointment], list[Problem]]:
    """Apply events in order; events that make no sense are reported, not applied.

    `initial` (taken over, not copied) continues an earlier fold: `check` folds only the
    documents appended to a file since its cached summary."""
    state: dict[str, Appointment] = {} if initial is None else initial
    problems: list[Problem] = []
    for record in records:
        event = record.event

        def problem(message: str, record: Record = record) -> None:
            problems.append(Problem(record.source, record.line, message))

        if isinstance(event, AppointmentBooked):
            if event.id in state:
                problem(f"rendez-vous {event.id} réservé deux fois")
                continue
            state[event.id] = Appointment(
                id=event.id, mediator=event.mediator, kind=event.kind, start=event.start,
                duration_min=event.duration_min, person=event.person, phone=event.phone,
                procedure=event.procedure, path=event.path, site=event.site,
                from_call=event.from_call, note=event.note, booked_at=event.at,
                last_change=event.at, source=record.source, line=record.line,
                rescheduled_from=event.rescheduled_from)
            continue
        current = state.get(event.id)
        if current is None:
            problem(f"évènement « {event.event} » pour un rendez-vous inconnu {event.id}")
            continue
        changes: dict[str, object] = {"revisions": current.revisions + 1, "last_change": event.at}
        if isinstance(event, Anonymised):
            changes.update(person=ANONYMOUS, phone=None, note=None, anonymised=True)
        elif isinstance(event, AppointmentReminded):
            # A reminder changes no status: it may follow any of them (sent late, or
            # recorded after a cancellation crossed it).
            changes.update(reminded_at=event.at)
        elif isinstance(event, AppointmentCorrected):
            if current.status not in ("attended", "no_show") or current.status == event.to:
                problem(f"{event.id} : correction en « {STATUS_LABELS[event.to]} » impossible, "
                        f"le rendez-vous est "
                        f"{STATUS_LABELS[current.situation(event.at)]}")
                continue
            changes.update(status=event.to, corrections=current.corrections + 1,
                           skills=event.skills if event.to == "attended" else ())
        elif current.status != "booked":
            problem(f"{event.id} : « {event.event} » impossible, le rendez-vous est déjà "
                    f"{STATUS_LABELS[current.situation(event.at)]}")
            continue
        elif isinstance(event, AppointmentCancelled):
            changes.update(status="cancelled", cancelled_by_person=event.by_person,
                           rescheduled_to=event.rescheduled_to)
        elif isinstance(event, AppointmentAttended):
            changes.update(status="attended", skills=event.skills, autonomy=event.autonomy)
        elif isinstance(event, AppointmentNoShow):
            changes.update(status="no_show")
        state[event.id] = _replaced(current, changes)
    return state, problems


def fold_paths(records: Iterable[Record], initial: dict[str, LearningPath] | None = None
               ) -> tuple[dict[str, LearningPath], list[Problem]]:
    """Learning paths from their opened/closed/anonymised events (`initial`: as above)."""
    state: dict[str, LearningPath] = {} if initial is None else initial
    problems: list[Problem] = []
    for record in records:
        event = record.event
        if isinstance(event, PathOpened):
            if event.id in state:
                problems.append(Problem(record.source, record.line,
                                        f"parcours {event.id} ouvert deux fois"))
                continue
            state[event.id] = LearningPath(
                id=event.id, person=event.person, phone=event.phone, mediator=event.mediator,
                skills=event.skills, sessions=event.sessions, opened_at=event.at,
                note=event.note, source=record.source, line=record.line)
            continue
        current = state.get(event.id)
        if current is None:
            problems.append(Problem(record.source, record.line,
                                    f"évènement « {event.event} » pour un parcours inconnu "
                                    f"{event.id}"))
            continue
        if isinstance(event, PathClosed):
            if not current.is_open:
                problems.append(Problem(record.source, record.line,
                                        f"parcours {event.id} fermé deux fois"))
                continue
            state[event.id] = dataclasses.replace(current, closed_at=event.at,
                                                  close_reason=event.reason)
        elif isinstance(event, Anonymised):
            state[event.id] = dataclasses.replace(current, person=ANONYMOUS, phone=None,
                                                  note=None, anonymised=True)
    return state, problems


def current_tallies(tallies: Iterable[DropinTally]) -> list[DropinTally]:
    """The tallies no later tally replaces (`dropin --replace`): what the figures count.

    A tally typed twice stays in the file (history is never rewritten); the one that
    replaces it names it, and only the latest counts.
    """
    tallies = list(tallies)
    replaced = {old for t in tallies for old in t.replaces}
    return [t for t in tallies if t.id not in replaced]


# After this many offers by phone an entry is flagged: never proposed again automatically.
MAX_OFFERS = 3


@frozen
class WaitEntry:
    """A waiting-list entry as it stands."""

    id: str
    person: str
    phone: str | None
    kind: Kind
    procedure: str | None
    path: str | None
    mediator: str | None
    before: dt.date | None
    from_call: str | None
    note: str | None
    added_at: dt.datetime
    by: str
    offers: tuple[dt.datetime, ...] = ()  # the slots offered, in order
    last_change: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    close_reason: str | None = None
    appointment: str | None = None
    anonymised: bool = False
    source: str = ""
    line: int = 0

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and not self.anonymised

    @property
    def flagged(self) -> bool:
        """Offered MAX_OFFERS times: the team decides by hand, nothing proposes it again."""
        return len(self.offers) >= MAX_OFFERS


def fold_waitlist(records: Iterable[Record]) -> tuple[dict[str, WaitEntry], list[Problem]]:
    """Waiting entries from their added/offered/closed/anonymised events."""
    state: dict[str, WaitEntry] = {}
    problems: list[Problem] = []
    for record in records:
        event = record.event

        def problem(message: str, record: Record = record) -> None:
            problems.append(Problem(record.source, record.line, message))

        if isinstance(event, WaitAdded):
            if event.id in state:
                problem(f"entrée d'attente {event.id} inscrite deux fois")
                continue
            state[event.id] = WaitEntry(
                id=event.id, person=event.person, phone=event.phone, kind=event.kind,
                procedure=event.procedure, path=event.path, mediator=event.mediator,
                before=event.before, from_call=event.from_call, note=event.note,
                added_at=event.at, by=event.by, last_change=event.at, source=record.source,
                line=record.line)
            continue
        current = state.get(event.id)
        if current is None:
            problem(f"évènement « {event.event} » pour une entrée d'attente inconnue {event.id}")
            continue
        if isinstance(event, Anonymised):
            # last_change stays the last real activity: retention is judged on it.
            state[event.id] = dataclasses.replace(current, person=ANONYMOUS, phone=None,
                                                  note=None, anonymised=True)
        elif current.closed_at is not None:
            problem(f"{event.id} : « {event.event} » impossible, l'entrée d'attente est déjà "
                    f"close")
        elif isinstance(event, WaitOffered):
            if current.flagged:
                problem(f"{event.id} : plus de {MAX_OFFERS} propositions")
            state[event.id] = dataclasses.replace(current, offers=(*current.offers, event.slot),
                                                  last_change=event.at)
        elif isinstance(event, WaitClosed):
            state[event.id] = dataclasses.replace(current, closed_at=event.at,
                                                  close_reason=event.reason,
                                                  appointment=event.appointment,
                                                  last_change=event.at)
    return state, problems
