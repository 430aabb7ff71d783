"""The recap given to a caller: read aloud or sent by SMS (pure).

Plain French, under `SMS_LIMIT` characters when possible (three SMS): the
details that matter least (addresses, a third drop-in date, the phone
line's hours, prerequisites) are dropped first; the documents to bring are
always listed in full, since forgetting one costs the person a trip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from mediatool.core.model import WEEKDAYS, Organisation, Procedure, Site, Team
from mediatool.core.triage import DropinOccurrence

SMS_LIMIT = 480
MONTH_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
               "oct.", "nov.", "déc.")


@dataclass(frozen=True)
class BookedAppointment:
    """The appointment booked during the call, as the caller needs it."""

    id: str
    when: str  # as read to the caller: « mardi 8 décembre 2026, 14 h 00 »
    duration_min: int
    mediator_name: str
    site: Site | None


@dataclass(frozen=True)
class RecapInput:
    """Everything the recap may mention; `outcome` decides what it says."""

    outcome: str
    team: Team
    procedure: Procedure | None = None
    organisation: Organisation | None = None  # the procedure's, or the redirect target
    dropins: Sequence[DropinOccurrence] = ()
    appointment: BookedAppointment | None = None
    usage_skill_titles: Sequence[str] = ()
    short: bool = False


def hour(moment: dt.time | dt.datetime) -> str:
    """French spoken-style hour: 9h30, 14h."""
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


def day_label(day: dt.date, compact: bool = False) -> str:
    """'lundi 7 déc.' or, compact, 'lun. 7/12'."""
    if compact:
        return f"{WEEKDAYS[day.weekday()][:3]}. {day.day}/{day.month:02d}"
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTH_SHORT[day.month - 1]}"


def _line_text(team: Team, with_hours: bool) -> str:
    line = team.phone_line
    if line is None:
        return ""
    text = f"Infos : {line.number}"
    if with_hours and line.shifts:
        text += " (" + ", ".join(f"{s.day[:3]}. {hour(s.start)}-{hour(s.end)}"
                                 for s in line.shifts) + ")"
    return text + "."


@dataclass(frozen=True)
class _Detail:
    """How much to say; the recap tries each level until it fits."""

    dropins: int = 3
    addresses: bool = True
    line_hours: bool = True
    org_extra: bool = True
    compact_days: bool = False
    prerequisites: bool = True
    subject: bool = True


def _levels() -> tuple[_Detail, ...]:
    """Each level drops one more detail, least useful to the caller first."""
    steps = ({"dropins": 2}, {"addresses": False}, {"line_hours": False, "org_extra": False},
             {"compact_days": True}, {"prerequisites": False}, {"dropins": 1},
             {"subject": False})
    levels = [_Detail()]
    for step in steps:
        levels.append(replace(levels[-1], **step))  # type: ignore[arg-type]
    return tuple(levels)


LEVELS = _levels()


def caller_recap(data: RecapInput, limit: int = SMS_LIMIT) -> str:
    """The recap: the most detailed version that fits `limit`, else the most compact."""
    compose = _COMPOSERS.get(data.outcome, _other)
    text = ""
    for level in LEVELS:
        text = compose(data, level)
        if len(text) <= limit:
            return text
    return text


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _documents(procedure: Procedure | None) -> str:
    if procedure is None or not procedure.documents:
        return ""
    return "À apporter : " + " ; ".join(procedure.documents) + "."


def _prerequisites(data: RecapInput, level: _Detail) -> str:
    procedure = data.procedure
    if procedure is None or not level.prerequisites or not procedure.prerequisites:
        return ""
    return "À prévoir : " + " ; ".join(procedure.prerequisites) + "."


def _usage(data: RecapInput) -> str:
    if not data.usage_skill_titles:
        return ""
    return ("Nous pouvons vous apprendre à : " + ", ".join(
        t[:1].lower() + t[1:] for t in data.usage_skill_titles)
        + " (rendez-vous d'apprentissage, à demander).")


def _subject(data: RecapInput, level: _Detail) -> str:
    if data.procedure is None or not level.subject:
        return ""
    return f"Votre démarche : {data.procedure.title}."


def _dropin_list(data: RecapInput, level: _Detail) -> str:
    items = []
    for occurrence in data.dropins[: level.dropins]:
        when = (f"{day_label(occurrence.start.date(), level.compact_days)} "
                f"{hour(occurrence.start)}-{hour(occurrence.end)}")
        where = occurrence.site.label(level.addresses) if occurrence.site else ""
        items.append(f"{when}, {where}" if where else when)
    return " ; ".join(items)


def _dropin(data: RecapInput, level: _Detail) -> str:
    sessions = _dropin_list(data, level)
    come = (f"Venez sans rendez-vous à une permanence : {sessions}." if sessions else
            "Venez sans rendez-vous à une permanence (dates à confirmer au téléphone).")
    return _join(_subject(data, level), come, _documents(data.procedure),
                 _prerequisites(data, level), _usage(data), _line_text(data.team, level.line_hours))


def _appointment(data: RecapInput, level: _Detail) -> str:
    booked = data.appointment
    if booked is None:
        what = "Un rendez-vous court vous sera proposé" if data.short else \
            "Un rendez-vous vous sera proposé"
        return _join(_subject(data, level), f"{what} par l'équipe.", _documents(data.procedure),
                     _prerequisites(data, level), _usage(data),
                     _line_text(data.team, level.line_hours))
    where = booked.site.label(level.addresses) if booked.site else ""
    main = f"Rendez-vous le {booked.when} ({booked.duration_min} min)"
    main += f" avec {booked.mediator_name}"
    main += f", {where}." if where else "."
    line = data.team.phone_line
    cancel = (f"Empêché(e) ? Prévenez au {line.number}, réf. {booked.id}." if line else
              f"Réf. {booked.id}.")
    return _join(_subject(data, level), main, _documents(data.procedure), _prerequisites(data, level),
                 _usage(data), cancel)


def _redirect(data: RecapInput, level: _Detail) -> str:
    org = data.organisation
    about = (f"Pour « {data.procedure.title} »" if data.procedure and level.subject
             else "Pour votre demande")
    if org is None:
        return _join(f"{about}, adressez-vous à l'organisme compétent.",
                     _line_text(data.team, level.line_hours))
    contact = [f"tél. {org.phone}" if org.phone else "", org.website or "",
               org.address if org.address and level.org_extra else ""]
    said = ", ".join(c for c in contact if c)
    text = f"{about}, contactez {org.name}" + (f" : {said}." if said else ".")
    extra = f"Horaires : {org.hours}." if org.hours and level.org_extra else ""
    documents = _documents(data.procedure)
    if not said:  # a local structure the team has not filled in yet
        return _join(text, extra, "Le service peut vous donner ses coordonnées.", documents,
                     _line_text(data.team, level.line_hours))
    return _join(text, extra, documents)


def _resolved(data: RecapInput, level: _Detail) -> str:
    online = (f"En ligne : {data.procedure.online_service}."
              if data.procedure and data.procedure.online_service else "")
    return _join(_subject(data, level), "Réglé au téléphone.", online, _usage(data),
                 f"Besoin d'aide ? {_line_text(data.team, level.line_hours)}"
                 if data.team.phone_line else "")


def _other(data: RecapInput, level: _Detail) -> str:
    sessions = _dropin_list(data, level)
    dropins = f"Permanences sans rendez-vous : {sessions}." if sessions else ""
    return _join(_subject(data, level), dropins, _usage(data), _line_text(data.team, level.line_hours))


_COMPOSERS: dict[str, Callable[[RecapInput, _Detail], str]] = {
    "dropin": _dropin, "appointment": _appointment, "redirect": _redirect,
    "resolved": _resolved, "other": _other,
}
