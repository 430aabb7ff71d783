"""Waiting list service: add, list, offer, remove, book from it, and who a freed slot suits.

An entry's events live in the month file of its inscription
(`records/waitlist/<YYYY-MM>.yaml`), like a learning path's. Every change
re-reads the entry under that file's lock, so two commands never both close
it or both make its fourth offer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from mediatool.core.days import week_bounds
from mediatool.core.errors import InvalidInput
from mediatool.core.frenchdates import format_date, format_datetime
from mediatool.core.ids import normalise_id
from mediatool.core.lookup import mediator_by_id, procedure_by_id
from mediatool.core.model import Record, WaitAdded, WaitClosed, WaitOffered
from mediatool.core.period import Month
from mediatool.core.personal_data import refuse_personal_data
from mediatool.core.scheduling import local, refusal
from mediatool.core.state import MAX_OFFERS, Appointment, WaitEntry, fold_waitlist
from mediatool.core.text import closest_ids
from mediatool.core.values import frozen
from mediatool.core.waitlist import ordered, suited_to
from mediatool.services import booking, learning_paths
from mediatool.store.folder import DataFolder
from mediatool.store.records import AmbiguousId, Transaction

__all__ = ["WaitRequest", "add", "prepare", "list_entries", "find_entry", "remove", "offer",
           "suggestions", "cancel", "book_from_wait", "MAX_OFFERS"]

KIND = "waitlist"
DEFAULT_BY = "accueil"  # who writes when no mediator is named, as for drop-in tallies
BOOKED_REASON = "rendez-vous pris"


@frozen
class WaitRequest:
    """What `wait add` (or a call) is asked: who waits, for what, until when."""

    person: str
    kind: str = "demarche"
    procedure: str | None = None
    path: str | None = None
    phone: str | None = None
    mediator: str | None = None
    before: dt.date | None = None
    note: str | None = None
    by: str | None = None
    from_call: str | None = None


def _month_of(data: DataFolder, entry: WaitEntry) -> Month:
    return Month.of(local(data.catalogue.team, entry.added_at).date())


def _entries(data: DataFolder) -> dict[str, WaitEntry]:
    # Inconsistent events are `check`'s business; the list works on what folds.
    return fold_waitlist(data.store.read_all(KIND))[0]


def _author(data: DataFolder, by: str | None, fallback: str | None) -> str:
    if by:
        return mediator_by_id(data.catalogue, by).id
    return fallback or DEFAULT_BY


def _text(value: str | None) -> str | None:
    return " ".join((value or "").split()) or None


# ---- reading -------------------------------------------------------------------

def list_entries(data: DataFolder, *, closed: bool = False) -> list[WaitEntry]:
    """Open entries by deadline then age (`closed`: the closed and anonymised ones too)."""
    entries = _entries(data).values()
    return ordered(e for e in entries if closed or e.is_open)


def find_entry(data: DataFolder, text: str, now: dt.datetime) -> tuple[Month, WaitEntry]:
    """The entry an id typed by a person names (InvalidInput with the nearest ids)."""
    wanted = normalise_id(text)
    if wanted.startswith("W-"):
        try:
            month, records = data.store.find(KIND, wanted)
        except AmbiguousId:
            raise
        except InvalidInput:
            pass
        else:
            found = fold_waitlist(records)[0].get(wanted)
            if found is not None:
                return month, found
    close = closest_ids(wanted, _entries(data).keys())
    hint = (f"vouliez-vous : {', '.join(close)} ?" if close
            else "vérifiez l'identifiant (ex. W-7K3QX2MP9) ; « mediatool wait list » les liste")
    raise InvalidInput(f"entrée d'attente inconnue : « {text} »", hint)


def _reread(tx: Transaction, month: Month, entry_id: str) -> tuple[list[Record], WaitEntry]:
    records = [r for r in tx.read(KIND, month) if r.event.id == entry_id]
    return records, fold_waitlist(records)[0][entry_id]


def _refuse_closed(data: DataFolder, entry: WaitEntry) -> None:
    team = data.catalogue.team
    if entry.anonymised:
        raise InvalidInput(f"l'entrée d'attente {entry.id} est anonymisée (conservation "
                           "dépassée) : plus personne à rappeler",
                           "inscrivez de nouveau la personne si elle attend toujours")
    if entry.closed_at is not None:
        what = (f"rendez-vous {entry.appointment} pris" if entry.appointment
                else entry.close_reason or "retirée")
        raise InvalidInput(f"l'entrée d'attente {entry.id} est déjà close (le "
                           f"{format_date(local(team, entry.closed_at).date())} : {what})",
                           "rien à faire ; « mediatool wait list » montre celles en attente")


# ---- writing -------------------------------------------------------------------

def add(data: DataFolder, request: WaitRequest, now: dt.datetime) -> WaitEntry:
    """Put a person on the waiting list; InvalidInput (exit 2) and nothing written if wrong."""
    event = prepare(data, request, now)
    month = Month.of(local(data.catalogue.team, now).date())
    with data.store.transaction([(KIND, month)]) as tx:
        taken = {r.event.id for r in tx.read(KIND, month)}
        event = dataclasses.replace(event, id=_new_id(data, taken))
        tx.append(KIND, month, event)
    source = data.store.relative(data.store.file(KIND, month))
    return fold_waitlist([Record(event, source, 0)])[0][event.id]


def prepare(data: DataFolder, request: WaitRequest, now: dt.datetime,
            entry_id: str = "W-ESSAI") -> WaitAdded:
    """The checked `added` event for a request (nothing written; `call --dry-run` shows it)."""
    catalogue = data.catalogue
    team = catalogue.team
    kind = booking.known_kind(request.kind)
    procedure = None
    path = None
    if kind == "demarche":
        if request.path:
            raise InvalidInput("--path ne sert qu'aux séances « usage »",
                               "pour une séance d'apprentissage, ajoutez --kind usage")
        if request.procedure:
            procedure = procedure_by_id(catalogue, request.procedure)
            booking.refuse_out_of_scope(data, procedure)
        elif request.from_call is None:
            raise InvalidInput("indiquez la démarche (--procedure ID) ou --kind usage",
                               "trouvez-la avec « mediatool catalogue search MOTS »")
    else:
        if request.procedure:
            raise InvalidInput("--procedure ne va pas avec --kind usage",
                               "une séance d'apprentissage se rattache à un parcours : --path PID")
        if request.path:
            path = learning_paths.find_path(data, request.path, now)
            if not path.is_open:
                raise InvalidInput(f"le parcours {path.id} est clos",
                                   "ouvrez-en un nouveau : mediatool path open …")
    person = _text(request.person) or (path.person if path else None)
    if not person:
        raise InvalidInput("le nom de la personne manque", "ajoutez --person \"Prénom N.\"")
    phone = booking.checked_phone(request.phone) or (path.phone if path else None)
    mediator = mediator_by_id(catalogue, request.mediator).id if request.mediator else None
    today = local(team, now).date()
    if request.before is not None and request.before < today:
        raise InvalidInput(f"l'échéance du {format_date(request.before)} est déjà passée",
                           "indiquez une date à venir (--before AAAA-MM-JJ), ou aucune")
    note = _text(request.note)
    refuse_personal_data(note, "la note", catalogue)
    return WaitAdded(
        id=entry_id, event="added", at=now, by=_author(data, request.by, mediator),
        person=person, kind=kind,  # type: ignore[arg-type]
        phone=phone, procedure=procedure.id if procedure else None,
        path=path.id if path else None, mediator=mediator, before=request.before,
        from_call=request.from_call, note=note)


def _new_id(data: DataFolder, taken: set[str]) -> str:
    """A new entry id, never one already in the locked month."""
    new = data.store.new_id(KIND)
    while new in taken:
        new = data.store.new_id(KIND)
    return new


def remove(data: DataFolder, text: str, now: dt.datetime, *, reason: str,
           by: str | None = None) -> WaitEntry:
    """Take an entry off the list, with its reason (an appended `closed` event)."""
    why = _text(reason)
    if not why:
        raise InvalidInput("retirer une entrée demande son motif",
                           "ajoutez --reason \"rendez-vous trouvé ailleurs\"")
    refuse_personal_data(why, "le motif", data.catalogue)
    month, entry = find_entry(data, text, now)
    with data.store.transaction([(KIND, month)]) as tx:
        records, entry = _reread(tx, month, entry.id)
        _refuse_closed(data, entry)
        event = WaitClosed(id=entry.id, event="closed", at=now,
                           by=_author(data, by, entry.mediator), reason=why)
        tx.append(KIND, month, event)
    return fold_waitlist([*records, Record(event, entry.source, 0)])[0][entry.id]


def offer(data: DataFolder, text: str, now: dt.datetime, *, slot: dt.datetime,
          by: str | None = None) -> WaitEntry:
    """Record a slot offered by phone; at most MAX_OFFERS, the last one flags the entry."""
    team = data.catalogue.team
    if slot < now:
        raise InvalidInput(f"le créneau du {format_datetime(local(team, slot))} est déjà passé",
                           "indiquez le créneau proposé, à venir (--slot \"2026-12-08 14:00\")")
    month, entry = find_entry(data, text, now)
    with data.store.transaction([(KIND, month)]) as tx:
        records, entry = _reread(tx, month, entry.id)
        _refuse_closed(data, entry)
        if entry.flagged:
            raise InvalidInput(f"l'entrée d'attente {entry.id} a déjà reçu {MAX_OFFERS} "
                               "propositions : elle n'est plus relancée",
                               f"réservez-lui un rendez-vous (mediatool book --from-wait "
                               f"{entry.id} …) ou retirez-la (mediatool wait remove "
                               f"{entry.id} --reason …)")
        event = WaitOffered(id=entry.id, event="offered", at=now,
                            by=_author(data, by, entry.mediator), slot=slot)
        tx.append(KIND, month, event)
    return fold_waitlist([*records, Record(event, entry.source, 0)])[0][entry.id]


def suggestions(data: DataFolder, freed: Appointment, now: dt.datetime) -> list[WaitEntry]:
    """The open entries the slot of `freed` suits, best first (its duration, mediator,
    their deadline)."""
    if not data.store.months(KIND):
        return []
    team = data.catalogue.team
    # The slot must really be free now (a reschedule may move onto part of it, another
    # booking may have taken it): the booking rules judge it against the week as it is.
    monday, sunday = week_bounds(local(team, freed.start).date())
    week = [a for a in booking.appointments_between(data, monday, sunday) if a.id != freed.id]
    if refusal(team, week, freed.mediator, freed.start, freed.duration_min, now) is not None:
        return []
    return suited_to(team, _entries(data).values(), data.catalogue.procedures,
                     freed.mediator, freed.start, freed.duration_min, now)


def cancel(data: DataFolder, appointment_id: str, now: dt.datetime, *, by_person: bool = True,
           reason: str | None = None, by: str | None = None
           ) -> tuple[Appointment, list[WaitEntry]]:
    """`booking.cancel`, then who on the waiting list could take the freed slot."""
    appointment = booking.cancel(data, appointment_id, now, by_person=by_person, reason=reason,
                                 by=by)
    return appointment, suggestions(data, appointment, now)


def reschedule(data: DataFolder, appointment_id: str, now: dt.datetime, *,
               at: dt.datetime | None, reason: str | None = None, by: str | None = None
               ) -> tuple[Appointment, Appointment, list[WaitEntry]]:
    """`booking.reschedule`, then who on the waiting list could take the slot it left."""
    old, new = booking.reschedule(data, appointment_id, now, at=at, reason=reason, by=by)
    return old, new, suggestions(data, old, now)


def close_path(data: DataFolder, path_id: str, now: dt.datetime, *, reason: str | None,
               by: str | None, cancel_planned: bool
               ) -> tuple[list[Appointment], dict[str, list[WaitEntry]]]:
    """`path close`; with `cancel_planned`, who on the waiting list each freed session suits."""
    from mediatool.services.learning_paths import close_path_cancelling

    _, cancelled = close_path_cancelling(data, path_id, now, reason=reason, by=by,
                                         cancel_planned=cancel_planned)
    return cancelled, {a.id: suggestions(data, a, now) for a in cancelled}


def book_from_wait(data: DataFolder, text: str, now: dt.datetime, *,
                   mediator: str | None = None, at: dt.datetime | None = None,
                   duration_min: int | None = None, path: str | None = None,
                   note: str | None = None, by: str | None = None
                   ) -> tuple[Appointment, WaitEntry]:
    """Book for an entry (its person, phone, need and call) and close it, in one step.

    The entry's file stays locked from the check to the close, so two bookings from
    the same entry cannot both succeed; a refused booking (exit 3) closes nothing.
    """
    catalogue = data.catalogue
    month, entry = find_entry(data, text, now)
    _refuse_closed(data, entry)
    path_id = path or entry.path
    who = mediator or entry.mediator
    if who is None and entry.kind == "usage" and path_id:
        who = learning_paths.find_path(data, path_id, now).mediator
    if who is None:
        ids = ", ".join(m.id for m in catalogue.team.mediators)
        raise InvalidInput(f"l'entrée {entry.id} accepte n'importe quel médiateur : indiquez "
                           "lequel (--mediator ID)", f"médiateurs : {ids}")
    with data.store.transaction([(KIND, month)]) as tx:
        records, entry = _reread(tx, month, entry.id)
        _refuse_closed(data, entry)
        appointment = booking.book(data, booking.BookingRequest(
            mediator=who, kind=entry.kind,  # type: ignore[arg-type]
            person=entry.person, procedure=entry.procedure, path=path_id, at=at,
            duration_min=duration_min, phone=entry.phone, from_call=entry.from_call,
            note=note, by=by, outside_catalogue=entry.procedure is None), now)
        event = WaitClosed(id=entry.id, event="closed", at=now, by=appointment.mediator
                           if by is None else mediator_by_id(catalogue, by).id,
                           reason=BOOKED_REASON, appointment=appointment.id)
        tx.append(KIND, month, event)
    return appointment, fold_waitlist([*records, Record(event, entry.source, 0)])[0][entry.id]

