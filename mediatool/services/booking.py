"""Booking service: appointments read from and appended to the store, judged by `scheduling`.

Only the month files a rule needs are read (the ISO week of the slot, which
may span two months), so a booking costs the same on a new folder and on ten
years of history. Check and append happen under one transaction holding the
locks of every file involved, taken in a fixed order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from mediatool.core.days import week_bounds
from mediatool.core.errors import InvalidInput, RuleRefusal
from mediatool.core.fields import field_bounds
from mediatool.core.frenchdates import format_date, format_datetime
from mediatool.core.ids import id_pattern, normalise_id
from mediatool.core.labels import STATUS_LABELS
from mediatool.core.learning import path_progress
from mediatool.core.lookup import by_id, mediator_by_id, procedure_by_id
from mediatool.core.model import (
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCorrected,
    AppointmentNoShow,
    CallLinked,
    PathOpened,
    Procedure,
    Record,
    Team,
)
from mediatool.core.period import CALL_LOOKBACK_MONTHS, Month, months_between
from mediatool.core.personal_data import refuse_personal_data
from mediatool.core.scheduling import (
    DEFAULT_HORIZON_DAYS,
    Refusal,
    Slot,
    appointment_duration,
    at_local,
    free_slots,
    local,
    refusal,
)
from mediatool.core.slotpick import SlotChoice
from mediatool.core.slotpick import slot_choices as choices_of
from mediatool.core.state import Appointment, fold_appointments
from mediatool.core.text import closest_ids
from mediatool.core.values import frozen
from mediatool.formats.fiche import organisation_contact
from mediatool.services import learning_paths
from mediatool.store.folder import DataFolder
from mediatool.store.records import AmbiguousId, Store

KINDS = ("demarche", "usage")
APPOINTMENT_ID = re.compile(id_pattern("A"))
CALL_ID = re.compile(id_pattern("C"))
PHONE = re.compile(r"^\+?[0-9 .()-]{6,25}$")
FIRST_FREE_ATTEMPTS = 20
SUGGESTION_MONTHS_BACK = 6


@frozen
class BookingRequest:
    """What `book` is asked: who, what, when (None = first free slot)."""

    mediator: str | None
    kind: Literal["demarche", "usage"] | None  # None: usage with a path alone, else demarche
    person: str
    procedure: str | None = None
    path: str | None = None
    at: dt.datetime | None = None
    duration_min: int | None = None
    phone: str | None = None
    from_call: str | None = None
    note: str | None = None
    by: str | None = None
    # `book --from-call` links a call already recorded (unknown: refused); the phone flow
    # books first and records its call afterwards, with the appointment id.
    call_recorded: bool = False
    # A need the catalogue lacks, noted during a call: a démarche without --procedure.
    outside_catalogue: bool = False
    # A usage need booked during a call: its path opens with the session, in the same
    # transaction, so a refused booking leaves no empty path behind.
    new_path: PathOpened | None = None


# ---- reading ---------------------------------------------------------------

def week_months(team: Team, moment: dt.datetime) -> list[Month]:
    """The month files holding the ISO week of `moment` (one or two)."""
    monday, sunday = week_bounds(local(team, moment).date())
    return months_between(monday, sunday)


def _fold(records: Iterable[Record]) -> dict[str, Appointment]:
    # Inconsistent events are `check`'s business; booking works on what folds.
    return fold_appointments(records)[0]


class _MonthCache:
    """Appointments of month files, each file read at most once per command."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.months: dict[Month, list[Appointment]] = {}

    def appointments(self, months: Iterable[Month]) -> list[Appointment]:
        found: list[Appointment] = []
        for month in months:
            if month not in self.months:
                self.months[month] = list(_fold(self.store.read("appointments", [month]))
                                          .values())
            found.extend(self.months[month])
        return found


def appointments_between(data: DataFolder, first: dt.date, last: dt.date,
                         mediator: str | None = None) -> list[Appointment]:
    """Appointments starting (local date) from `first` to `last`, earliest first."""
    team = data.catalogue.team
    records = data.store.read("appointments", months_between(first, last))
    found = [a for a in _fold(records).values()
             if first <= local(team, a.start).date() <= last
             and (mediator is None or a.mediator == mediator)]
    return sorted(found, key=lambda a: (a.start, a.mediator, a.id))


def appointments_to_fill(data: DataFolder, now: dt.datetime,
                         mediator: str | None = None) -> list[Appointment]:
    """Past appointments with no outcome yet (« à renseigner »), oldest first.

    Looks back over the retention period: older records are anonymised anyway, and
    reading ten years of month files for a Friday list would be wasted.
    """
    team = data.catalogue.team
    if mediator:
        mediator = mediator_by_id(data.catalogue, mediator).id
    first = Month.of(now.date())
    for _ in range(team.retention):
        first = first.previous()
    current = Month.of(now.date())
    months = [m for m in data.store.months("appointments") if first <= m <= current]
    found = [a for a in _fold(data.store.read("appointments", months)).values()
             if a.situation(now) == "to_fill" and (mediator is None or a.mediator == mediator)]
    return sorted(found, key=lambda a: (a.start, a.mediator, a.id))


# ---- free slots ------------------------------------------------------------

def default_duration(team: Team, kind: str, procedure: Procedure | None = None) -> int:
    """The procedure's typical duration for a démarche, else the team's default for the kind,
    rounded up to the slot step: `scheduling.appointment_duration`, the one rule."""
    return appointment_duration(team, kind, procedure)


def next_free_slots(data: DataFolder, mediator: str | None, kind: str,
                    duration_min: int | None, now: dt.datetime, count: int = 3, *,
                    start_from: dt.datetime | None = None,
                    days: int = DEFAULT_HORIZON_DAYS) -> list[Slot]:
    """The next `count` slots every rule allows (one mediator, or the whole team).

    Reads two weeks of month files at a time, and only as far as needed.
    """
    return _next_free_slots(data, _MonthCache(data.store), mediator, kind, duration_min, now,
                            count, start_from, days)


def _next_free_slots(data: DataFolder, cache: _MonthCache, mediator: str | None, kind: str,
                     duration_min: int | None, now: dt.datetime, count: int,
                     start_from: dt.datetime | None, days: int,
                     first_per_half_day: bool = False) -> list[Slot]:
    team = data.catalogue.team
    if mediator:
        ids = [mediator_by_id(data.catalogue, mediator).id]
    else:
        ids = [m.id for m in team.mediators]
    duration = duration_min or default_duration(team, kind)
    begin = local(team, max(start_from or now, now))
    last_day = begin.date() + dt.timedelta(days=days - 1)
    found: list[Slot] = []
    window = begin
    while len(found) < count and window.date() <= last_day:
        span = min(14, (last_day - window.date()).days + 1)
        window_last = window.date() + dt.timedelta(days=span - 1)
        months = months_between(week_bounds(window.date())[0], week_bounds(window_last)[1])
        found.extend(free_slots(team, cache.appointments(months), ids, duration, window, now,
                                count - len(found), span,
                                first_per_half_day=first_per_half_day))
        window = at_local(team, window_last + dt.timedelta(days=1), dt.time(0, 0))
    return found


ALL_SLOTS = 100_000  # "every slot of the horizon": the horizon bounds the work, not this


def slot_choices(data: DataFolder, duration_min: int | None, now: dt.datetime,
                 days: int = DEFAULT_HORIZON_DAYS, kind: str = "demarche"
                 ) -> list[SlotChoice]:
    """Every half-day an appointment of `kind` can be booked in over `days` days (the first
    free slot of each mediator's half-day), earliest first, with its cost under the cap."""
    cache = _MonthCache(data.store)
    slots = _next_free_slots(data, cache, None, kind, duration_min, now, ALL_SLOTS,
                             None, days, first_per_half_day=True)
    team = data.catalogue.team
    first = local(team, now).date()
    months = months_between(week_bounds(first)[0],
                            week_bounds(first + dt.timedelta(days=days))[1])
    return choices_of(team, cache.appointments(months), slots)


def slots_hint(team: Team, slots: Sequence[Slot], days: int = DEFAULT_HORIZON_DAYS) -> str:
    """The French hint proposing slots, ready to be read to the caller."""
    if not slots:
        return f"aucun créneau libre dans les {days} prochains jours : essayez un autre médiateur"
    names = {m.id: m.name for m in team.mediators}
    items = [f"{format_datetime(local(team, s.start))} ({names.get(s.mediator, s.mediator)})"
             for s in slots]
    return "prochains créneaux possibles : " + " ; ".join(items)


# ---- booking ---------------------------------------------------------------

@frozen
class _Checked:
    """A request once its ids and values are valid."""

    request: BookingRequest
    kind: Literal["demarche", "usage"]
    mediator: str
    procedure: Procedure | None
    path: learning_paths.LearningPath | None
    duration: int
    person: str
    phone: str | None
    from_call: str | None
    call_month: Month | None  # where the call is recorded, found once
    by: str


def _validate(data: DataFolder, request: BookingRequest, now: dt.datetime) -> _Checked:
    catalogue = data.catalogue
    refuse_personal_data(request.note, "la note", catalogue)
    team = catalogue.team
    kind = known_kind(request.kind or ("usage" if request.path or request.new_path
                                       else "demarche"))
    procedure = None
    path = None
    if kind == "demarche":
        if request.path:
            raise InvalidInput("--path ne sert qu'aux rendez-vous « usage »",
                               "pour une séance d'apprentissage, ajoutez --kind usage")
        if not request.procedure and not request.outside_catalogue:
            raise InvalidInput("un rendez-vous « démarche » demande la démarche "
                               "(--procedure ID)",
                               "trouvez-la avec « mediatool catalogue search MOTS »")
        # Without a procedure (a need the catalogue lacks, noted during a call), the
        # team's default duration applies; the command line asks for --procedure.
        procedure = procedure_by_id(catalogue, request.procedure) if request.procedure else None
        if procedure is not None:
            refuse_out_of_scope(data, procedure)
        if procedure is not None and procedure.is_usage:
            raise InvalidInput(f"« {procedure.title} » est un besoin d'apprentissage : "
                               "rendez-vous « usage », dans un parcours",
                               "mediatool path open --person NOM --mediator ID --skills "
                               f"{','.join(procedure.skills) or '1.1'} --sessions N, puis "
                               "mediatool book --path PID")
    else:
        if request.procedure:
            procedure = procedure_by_id(catalogue, request.procedure)
            if not procedure.is_usage:
                raise InvalidInput("--procedure ne sert qu'aux rendez-vous « démarche »",
                                   "une séance d'apprentissage se rattache à un parcours : "
                                   "--path PID")
        if request.new_path is not None:
            path = learning_paths.as_path(data, request.new_path)
        elif not request.path:
            raise InvalidInput("un rendez-vous « usage » se rattache à un parcours (--path PID)",
                               "ouvrez-le d'abord : mediatool path open --person NOM "
                               "--mediator ID --skills 1.1,4.2 --sessions N")
        else:
            path = learning_paths.find_path(data, request.path, now)
            # Said at once, before any slot is searched; checked again under the lock.
            _refuse_path(path, learning_paths.sessions_of(data, path))
    if request.mediator is None and path is None:
        ids = ", ".join(m.id for m in team.mediators)
        raise InvalidInput("indiquez le médiateur : --mediator ID", f"médiateurs : {ids}")
    mediator = mediator_by_id(catalogue, request.mediator or path.mediator)  # type: ignore[union-attr]
    duration = request.duration_min or default_duration(team, kind, procedure)
    low, high = (int(b or 0) for b in field_bounds(AppointmentBooked, "duration_min"))
    if not low <= duration <= high:
        raise InvalidInput(f"durée impossible : {duration} min",
                           f"indiquez une durée entre {low} et {high} minutes")
    person = " ".join((request.person or "").split()) or (path.person if path else "")
    if not person:
        raise InvalidInput("le nom de la personne manque", "ajoutez --person \"Prénom N.\"")
    phone = checked_phone(request.phone) or (path.phone if path else None)
    from_call = None
    call_month = None
    if request.from_call:
        from_call = normalise_id(request.from_call)
        if not CALL_ID.fullmatch(from_call) and not request.call_recorded:
            raise InvalidInput(f"identifiant d'appel illisible : « {request.from_call} »",
                               "un appel s'écrit C- suivi de 6 caractères (ex. C-7K3QX2)")
        call_month = find_call_month(data, from_call, now)
        if call_month is None and request.call_recorded:
            raise _unknown_call(data, request.from_call, now)
    by = mediator_by_id(catalogue, request.by).id if request.by else mediator.id
    if request.at is not None and _aware(team, request.at) < now:
        raise InvalidInput(f"le {format_datetime(_aware(team, request.at))} est déjà passé",
                           "indiquez une date à venir, ou --first-free")
    return _Checked(request, kind, mediator.id, procedure, path, duration, person, phone,
                    from_call, call_month, by)


def known_kind(kind: str) -> Literal["demarche", "usage"]:
    """A kind of appointment (or of need) as typed; InvalidInput when it is neither."""
    if kind not in KINDS:
        raise InvalidInput(f"type de rendez-vous inconnu : « {kind} »",
                           "types possibles : demarche, usage")
    return kind  # type: ignore[return-value]


def refuse_out_of_scope(data: DataFolder, procedure: Procedure) -> None:
    """A procedure outside the service's mission gets no appointment: redirect instead."""
    if not procedure.in_scope:
        organisation = data.catalogue.organisation_of(procedure)
        where = organisation_contact(organisation) if organisation else "l'organisation"
        raise InvalidInput(f"« {procedure.title} » est hors de la mission du service : "
                           "pas de rendez-vous", f"réorientez vers {where}")


def checked_phone(text: str | None) -> str | None:
    """A contact phone as typed (None when empty); InvalidInput when it cannot be one."""
    phone = (text or "").strip()
    if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        raise InvalidInput(f"numéro de téléphone illisible : « {phone} »",
                           "exemple : --phone \"06 12 34 56 78\"")
    return phone or None


def _aware(team: Team, moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return at_local(team, moment.date(), moment.time())
    return local(team, moment)


def book(data: DataFolder, request: BookingRequest, now: dt.datetime) -> Appointment:
    """Book an appointment if every rule allows it; RuleRefusal (exit 3) says which does not.

    With `request.at` None, the first free slot is taken. With `from_call`, the
    call gets a `linked` event when it is already recorded (the interactive
    call flow records its call after booking, with the appointment id).
    """
    checked = _validate(data, request, now)
    team = data.catalogue.team
    cache = _MonthCache(data.store)
    if request.at is not None:
        start = _aware(team, request.at)
        appointment, refused = _book_at(data, checked, start, now)
        if refused is not None:
            slots = _next_free_slots(data, cache, checked.mediator, checked.kind,
                                     checked.duration, now, 3,
                                     proposals_from(team, refused, start, now),
                                     DEFAULT_HORIZON_DAYS)
            raise RuleRefusal(f"rendez-vous refusé ({refused.label}) : {refused.message}",
                              slots_hint(team, slots))
    else:
        appointment = _book_first_free(data, cache, checked, now)
    assert appointment is not None
    if checked.from_call and checked.call_month is not None:
        data.store.append("calls", checked.call_month, CallLinked(
            id=checked.from_call, event="linked", at=now, by=checked.by,
            appointment=appointment.id))
    return appointment


def proposals_from(team: Team, refused: Refusal, start: dt.datetime,
                   now: dt.datetime) -> dt.datetime:
    """Where the slots proposed after a refusal start.

    A cap refusal starts from the week's Monday: with the cap reached, the only slots
    the rule allows that week lie inside the half-days already used, earlier as well
    as later than the time asked; the next weeks follow. Other refusals start from
    the day asked; a horizon refusal, from two weeks before the horizon.
    """
    day = local(team, start).date()
    if refused.rule == "cap":
        day = week_bounds(day)[0]
    if refused.rule == "horizon":
        # Nothing can be booked from that day on: propose the last weeks that can.
        day = min(day, local(team, now).date() + dt.timedelta(
            days=max(team.booking_horizon_days - 14, 0)))
    return at_local(team, day, dt.time(0, 0))


def _book_first_free(data: DataFolder, cache: _MonthCache, checked: _Checked,
                     now: dt.datetime) -> Appointment:
    start_from = now
    team = data.catalogue.team
    # Two sessions of one path on one day teach less than two days apart: skip its days.
    taken_days = _path_days(data, checked.path)
    for _ in range(FIRST_FREE_ATTEMPTS + len(taken_days)):
        slots = _next_free_slots(data, cache, checked.mediator, checked.kind, checked.duration,
                                 now, 1, start_from, DEFAULT_HORIZON_DAYS)
        if not slots:
            break
        day = local(team, slots[0].start).date()
        if day in taken_days:
            start_from = at_local(team, day + dt.timedelta(days=1), dt.time(0, 0))
            continue
        appointment, refused = _book_at(data, checked, slots[0].start, now)
        if appointment is not None:
            return appointment
        # Someone else took it between the search and the lock: search again from there,
        # this time with fresh month files.
        cache.months.clear()
        start_from = slots[0].start
    raise RuleRefusal(f"aucun créneau libre pour "
                      f"{mediator_by_id(data.catalogue, checked.mediator).name} dans les "
                      f"{DEFAULT_HORIZON_DAYS} prochains jours",
                      "essayez un autre médiateur (mediatool slots) ou une durée plus courte")


def _path_days(data: DataFolder, path: learning_paths.LearningPath | None) -> set[dt.date]:
    if path is None:
        return set()
    team = data.catalogue.team
    return {local(team, a.start).date() for a in learning_paths.sessions_of(data, path)
            if a.path == path.id and a.active}


@frozen
class SeriesItem:
    """One session of a series: booked, or why it could not be placed."""

    wanted: dt.date
    appointment: Appointment | None
    why: str | None


def book_series(data: DataFolder, path_id: str, now: dt.datetime, *, every_days: int = 7,
                first_day: dt.date | None = None, at: dt.time | None = None,
                count: int | None = None, by: str | None = None) -> list[SeriesItem]:
    """Book the path's remaining sessions every `every_days` days, same weekday and time.

    Each session is booked on its own under every rule (the cap included); when the
    wished time is refused, the first free slot of the following days up to the next
    session is taken, never on a day that already holds a session of the path.
    """
    team = data.catalogue.team
    if every_days < 1:
        raise InvalidInput("--every doit valoir au moins 1 jour", "exemple : --every 7")
    path = learning_paths.find_path(data, path_id, now)
    _refuse_path(path, learning_paths.sessions_of(data, path))
    remaining = path_progress(path, learning_paths.sessions_of(data, path)).remaining
    wanted = remaining if count is None else count
    if not 1 <= wanted <= remaining:
        raise InvalidInput(f"série de {wanted} séance(s) impossible : le parcours {path.id} "
                           f"n'en a plus que {remaining} à réserver",
                           f"indiquez --count entre 1 et {remaining}, ou ouvrez un autre "
                           "parcours")
    today = local(team, now).date()
    day = first_day or today + dt.timedelta(days=1)
    if day < today:
        raise InvalidInput(f"le {format_date(day)} est déjà passé", "indiquez --from à venir")
    request = BookingRequest(mediator=path.mediator, kind="usage", person=path.person,
                             path=path.id, by=by)
    items: list[SeriesItem] = []
    for index in range(wanted):
        target = day + dt.timedelta(days=index * every_days)
        checked = _validate(data, request, now)
        taken = _path_days(data, checked.path)
        appointment: Appointment | None = None
        why: str | None = None
        if at is not None and target not in taken:
            appointment, refused = _book_at(data, checked, at_local(team, target, at), now)
            why = f"{refused.label} : {refused.message}" if refused else None
        if appointment is None:
            window_end = target + dt.timedelta(days=max(every_days, 1) - 1)
            for slot in next_free_slots(data, path.mediator, "usage", checked.duration, now,
                                        20, start_from=at_local(team, target, dt.time(0, 0)),
                                        days=max(every_days, 1)):
                if local(team, slot.start).date() in taken or \
                        local(team, slot.start).date() > window_end:
                    continue
                appointment, _ = _book_at(data, checked, slot.start, now)
                if appointment is not None:
                    break
            if appointment is None:
                why = why or (f"aucun créneau libre du {format_date(target)} au "
                              f"{format_date(window_end)}")
        items.append(SeriesItem(target, appointment, None if appointment else why))
    return items


def _book_at(data: DataFolder, checked: _Checked, start: dt.datetime, now: dt.datetime
             ) -> tuple[Appointment | None, Refusal | None]:
    """Check and append under one transaction; (appointment, None) or (None, refusal)."""
    team = data.catalogue.team
    request = checked.request
    # Rules that do not depend on other appointments (hours, days off) are judged before
    # taking any lock: the lock is then held only to read the week and append.
    refused = refusal(team, (), checked.mediator, start, checked.duration, now)
    if refused is not None:
        return None, refused
    months = set(week_months(team, start))
    files: set[tuple[str, Month]] = {("appointments", m) for m in months}
    path = checked.path
    if path is not None:
        # The path's sessions may lie in any month of its life: lock them all so two
        # bookings cannot both take its last session.
        # The span is listed again under the locks (a month file created meanwhile by
        # another booking of this path is read, not missed).
        opened = Month.of(local(team, path.opened_at).date())
        last = max(months)
        files |= {("appointments", m) for m in months_between(opened.first_day, last.first_day)}
        files.add(("paths", opened))
        locking = data.store.transaction_spanning(files, "appointments", opened)
    else:
        locking = data.store.transaction(files)
    with locking as tx:
        records: list[Record] = []
        for kind, month in sorted(tx.files):
            if kind == "appointments":
                records.extend(tx.read(kind, month))
        appointments = _fold(records)
        if path is not None:
            path = learning_paths.reread_path(tx, team, path)
            _refuse_path(path, appointments.values())
        refused = refusal(team, appointments.values(), checked.mediator, start,
                          checked.duration, now)
        if refused is not None:
            return None, refused
        event = AppointmentBooked(
            id=data.store.new_id("appointments"), event="booked", at=now, by=checked.by,
            mediator=checked.mediator, kind=checked.kind, start=start,
            duration_min=checked.duration, person=checked.person, phone=checked.phone,
            procedure=checked.procedure.id if checked.procedure else None,
            path=path.id if path else None,
            site=team.mediator(checked.mediator).site,  # type: ignore[union-attr]
            from_call=checked.from_call, note=(request.note or "").strip() or None)
        month = Month.of(local(team, start).date())
        while event.id in appointments:
            event = dataclasses.replace(event, id=data.store.new_id("appointments"))
        if request.new_path is not None:
            tx.append("paths", learning_paths.opening_month(team, request.new_path.at),
                      request.new_path)
        tx.append("appointments", month, event)
    source = data.store.relative(data.store.file("appointments", month))
    return _fold([Record(event, source, 0)])[event.id], None


def _refuse_path(path: learning_paths.LearningPath, appointments: Iterable[Appointment]) -> None:
    if path.closed_at is not None:
        raise RuleRefusal(f"le parcours {path.id} est clos depuis le "
                          f"{format_date(path.closed_at.date())}",
                          "ouvrez un nouveau parcours : mediatool path open …")
    progress = path_progress(path, appointments)
    if progress.remaining <= 0:
        raise RuleRefusal(f"toutes les séances du parcours {path.id} sont déjà réservées ou "
                          f"faites ({progress.booked} prévue(s), {progress.done} faite(s) sur "
                          f"{path.sessions})",
                          "pour continuer, clôturez ce parcours (mediatool path close) et "
                          "ouvrez-en un nouveau")


def find_call_month(data: DataFolder, call_id: str, now: dt.datetime) -> Month | None:
    """The month file of a recent call (newest first, bounded look-back)."""
    month = Month.of(now.date())
    present = set(data.store.months("calls"))
    for _ in range(CALL_LOOKBACK_MONTHS):
        if month in present and any(r.event.id == call_id and r.event.event == "call"
                                    for r in data.store.read("calls", [month])):
            return month
        month = month.previous()
    return None


def _unknown_call(data: DataFolder, call_id: str, now: dt.datetime) -> InvalidInput:
    """`appel inconnu`, with the closest recent call ids (for `book --from-call`)."""
    wanted = normalise_id(call_id)
    known = _recent_ids(data, "calls", now)
    close = closest_ids(wanted, known)
    hint = f"vouliez-vous : {', '.join(close)} ?" if close else "vérifiez l'identifiant de l'appel"
    return InvalidInput(f"appel inconnu : « {call_id} »", hint)


# ---- outcomes: cancel, attended, no-show ---------------------------------------

def _recent_ids(data: DataFolder, kind: str, now: dt.datetime) -> set[str]:
    first = Month.of(now.date())
    for _ in range(SUGGESTION_MONTHS_BACK):
        first = first.previous()
    months = [m for m in data.store.months(kind) if m >= first]
    return {r.event.id for r in data.store.read(kind, months)}


def find_appointment(data: DataFolder, text: str, now: dt.datetime) -> tuple[Month, Appointment]:
    """The appointment an id typed by a person names (InvalidInput with suggestions)."""
    wanted = normalise_id(text)
    if APPOINTMENT_ID.fullmatch(wanted):
        try:
            month, records = data.store.find("appointments", wanted)
        except AmbiguousId:
            raise
        except InvalidInput:
            pass
        else:
            found = _fold(records).get(wanted)
            if found is not None:
                return month, found
    close = closest_ids(wanted, _recent_ids(data, "appointments", now))
    hint = (f"vouliez-vous : {', '.join(close)} ?" if close
            else "vérifiez l'identifiant (ex. A-7K3QX2) ; « mediatool agenda » les liste")
    raise InvalidInput(f"rendez-vous inconnu : « {text} »", hint)


def _change(data: DataFolder, text: str, now: dt.datetime,
            make: Callable[[Appointment], object]) -> Appointment:
    """Re-read the appointment under its month's lock, let `make` judge it, append its event."""
    month, _ = find_appointment(data, text, now)
    wanted = normalise_id(text)
    with data.store.transaction([("appointments", month)]) as tx:
        records = [r for r in tx.read("appointments", month) if r.event.id == wanted]
        current = _fold(records)[wanted]
        event = make(current)
        tx.append("appointments", month, event)
    source = data.store.relative(data.store.file("appointments", month))
    records.append(Record(event, source, 0))
    return _fold(records)[wanted]


def _already(appointment: Appointment, now: dt.datetime) -> str:
    label = STATUS_LABELS[appointment.situation(now)]
    return f"le rendez-vous {appointment.id} est déjà {label}"


def _by(data: DataFolder, by: str | None, appointment: Appointment) -> str:
    return mediator_by_id(data.catalogue, by).id if by else appointment.mediator


def cancel(data: DataFolder, appointment_id: str, now: dt.datetime, *, by_person: bool = True,
           reason: str | None = None, by: str | None = None) -> Appointment:
    """Cancel: excused by the person (`by_person`) or revoked by the service. Frees the slot."""
    refuse_personal_data(reason, "le motif", data.catalogue)

    def make(current: Appointment) -> AppointmentCancelled:
        if current.status == "cancelled":
            raise InvalidInput(f"le rendez-vous {current.id} est déjà annulé",
                               "rien à faire : son créneau est libre")
        if current.status != "booked":
            raise InvalidInput(f"{_already(current, now)} : il ne peut plus être annulé")
        return AppointmentCancelled(id=current.id, event="cancelled", at=now,
                                    by=_by(data, by, current), by_person=by_person,
                                    reason=(reason or "").strip() or None)
    return _change(data, appointment_id, now, make)


def what_status(what: str) -> str:
    return "attended" if what == "venu" else "no_show"


def _require_started(current: Appointment, now: dt.datetime, what: str) -> None:
    if current.status == "cancelled":
        raise InvalidInput(f"le rendez-vous {current.id} est annulé : impossible de le noter "
                           f"{what}", "vérifiez l'identifiant (mediatool agenda)")
    if current.status == what_status(what):
        raise InvalidInput(_already(current, now), "rien à faire")
    if current.status != "booked":
        command = "attended" if what == "venu" else "no-show"
        raise InvalidInput(_already(current, now), f"pour corriger : mediatool {command} "
                           f"{current.id} --correct --reason \"…\"")
    if current.start > now:
        raise InvalidInput(f"le rendez-vous {current.id} n'a pas encore eu lieu "
                           f"({format_datetime(current.start)})",
                           "notez-le une fois le rendez-vous commencé")


def mark_attended(data: DataFolder, appointment_id: str, now: dt.datetime, *,
                  skills: Sequence[str] = (), note: str | None = None,
                  by: str | None = None, autonomy: int | None = None) -> Appointment:
    """The person came; with the skills reached (usage) and the Coop's autonomy level."""
    catalogue = data.catalogue
    refuse_personal_data(note, "la note", catalogue)
    if autonomy is not None and autonomy not in (1, 2, 3):
        raise InvalidInput(f"--autonomy {autonomy} : niveau inconnu",
                           "1 avec guidage, 2 autonome avec guidage si besoin, 3 autonome")
    reached = tuple(dict.fromkeys(by_id(catalogue.skills, s, "compétence").id for s in skills))

    def make(current: Appointment) -> AppointmentAttended:
        _require_started(current, now, "venu")
        return AppointmentAttended(id=current.id, event="attended", at=now,
                                   by=_by(data, by, current), skills=reached,
                                   note=(note or "").strip() or None, autonomy=autonomy)
    return _change(data, appointment_id, now, make)


def mark_no_show(data: DataFolder, appointment_id: str, now: dt.datetime, *,
                 by: str | None = None) -> Appointment:
    """The person did not come and did not warn."""
    def make(current: Appointment) -> AppointmentNoShow:
        _require_started(current, now, "absent")
        return AppointmentNoShow(id=current.id, event="no_show", at=now,
                                 by=_by(data, by, current))
    return _change(data, appointment_id, now, make)


def reschedule(data: DataFolder, appointment_id: str, now: dt.datetime, *,
               at: dt.datetime | None, reason: str | None = None,
               by: str | None = None) -> tuple[Appointment, Appointment]:
    """Move an appointment: cancel it and book its copy in one transaction, under every rule.

    The new appointment names the old one (`rescheduled_from`), the old one its
    replacement (`rescheduled_to`). Refused (RuleRefusal), nothing is written.
    """
    refuse_personal_data(reason, "le motif", data.catalogue)
    team = data.catalogue.team
    _, current = find_appointment(data, appointment_id, now)
    if current.status != "booked":
        raise InvalidInput(f"{_already(current, now)} : il ne peut plus être reporté")
    who = _by(data, by, current)
    if at is not None:
        start = _aware(team, at)
        if start < now:
            raise InvalidInput(f"le {format_datetime(start)} est déjà passé",
                               "indiquez une date à venir, ou --first-free")
        moved, refused = _move_at(data, current, start, now, reason, who)
        if refused is not None:
            slots = next_free_slots(data, current.mediator, current.kind, current.duration_min,
                                    now, 3, start_from=proposals_from(team, refused, start, now))
            raise RuleRefusal(f"report refusé ({refused.label}) : {refused.message} ; le "
                              f"rendez-vous {current.id} reste inchangé",
                              slots_hint(team, slots))
        assert moved is not None
        return moved
    start_from = now
    for _ in range(FIRST_FREE_ATTEMPTS):
        slots = next_free_slots(data, current.mediator, current.kind, current.duration_min,
                                now, 2, start_from=start_from)
        slots = [s for s in slots if s.start != current.start]
        if not slots:
            break
        moved, refused = _move_at(data, current, slots[0].start, now, reason, who)
        if moved is not None:
            return moved
        start_from = slots[0].start + dt.timedelta(minutes=team.slot_step_min)
    raise RuleRefusal(f"aucun créneau libre pour reporter {current.id} dans les "
                      f"{DEFAULT_HORIZON_DAYS} prochains jours ; il reste inchangé",
                      "essayez --at avec une autre date")


def _move_at(data: DataFolder, old: Appointment, start: dt.datetime, now: dt.datetime,
             reason: str | None, by: str
             ) -> tuple[tuple[Appointment, Appointment] | None, Refusal | None]:
    team = data.catalogue.team
    refused = refusal(team, (), old.mediator, start, old.duration_min, now)
    if refused is not None:
        return None, refused
    old_month = Month.of(local(team, old.start).date())
    new_month = Month.of(local(team, start).date())
    files = {("appointments", m) for m in (*week_months(team, start), old_month, new_month)}
    with data.store.transaction(files) as tx:
        records: list[Record] = []
        for _, month in sorted(files):
            records.extend(tx.read("appointments", month))
        appointments = _fold(records)
        current = appointments.get(old.id)
        if current is None or current.status != "booked":
            raise InvalidInput(f"le rendez-vous {old.id} a changé entre-temps",
                               "relisez-le : mediatool agenda")
        # Its own half-day is freed by the same step, so it does not count against the move.
        refused = refusal(team, appointments.values(), old.mediator, start, old.duration_min,
                          now, ignore_id=old.id)
        if refused is not None:
            return None, refused
        new_id = data.store.new_id("appointments")
        while new_id in appointments:
            new_id = data.store.new_id("appointments")
        cancelled = AppointmentCancelled(
            id=old.id, event="cancelled", at=now, by=by, by_person=True,
            reason=(reason or "").strip() or "reporté", rescheduled_to=new_id)
        booked = AppointmentBooked(
            id=new_id, event="booked", at=now, by=by, mediator=old.mediator, kind=old.kind,
            start=start, duration_min=old.duration_min, person=old.person, phone=old.phone,
            procedure=(data.catalogue.procedures.current_id(old.procedure)
                       if old.procedure else None),
            path=old.path, site=old.site, from_call=old.from_call,
            note=old.note, rescheduled_from=old.id)
        if old_month == new_month:
            tx.append_many("appointments", new_month, [cancelled, booked])
        else:
            # The new one first: a crash in between leaves both active, which `check`
            # shows, rather than a cancelled appointment with no replacement.
            tx.append("appointments", new_month, booked)
            tx.append("appointments", old_month, cancelled)
    state = _fold([*(r for r in records if r.event.id == old.id),
                   Record(cancelled, "", 0), Record(booked, "", 0)])
    return (state[old.id], state[new_id]), None


def correct_outcome(data: DataFolder, appointment_id: str, now: dt.datetime, *,
                    to: Literal["attended", "no_show"], reason: str,
                    skills: Sequence[str] = (), by: str | None = None) -> Appointment:
    """Turn a noted outcome into the other one (venu ↔ absent): an appended event."""
    catalogue = data.catalogue
    refuse_personal_data(reason, "le motif", catalogue)
    reached = tuple(dict.fromkeys(by_id(catalogue.skills, s, "compétence").id for s in skills))
    why = " ".join((reason or "").split())
    if not why:
        raise InvalidInput("une correction demande son motif", "ajoutez --reason \"…\"")

    def make(current: Appointment) -> AppointmentCorrected:
        if current.status not in ("attended", "no_show"):
            raise InvalidInput(f"le rendez-vous {current.id} est "
                               f"{STATUS_LABELS[current.situation(now)]} : rien à corriger",
                               "notez d'abord sa suite (mediatool attended ou no-show)")
        if current.status == to:
            raise InvalidInput(_already(current, now), "rien à corriger")
        return AppointmentCorrected(id=current.id, event="corrected", at=now,
                                    by=_by(data, by, current), to=to, reason=why,
                                    skills=reached if to == "attended" else ())
    return _change(data, appointment_id, now, make)


__all__ = ["BookingRequest", "book", "next_free_slots", "cancel", "mark_attended",
           "mark_no_show", "appointments_between", "find_appointment"]
