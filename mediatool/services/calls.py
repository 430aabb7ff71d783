"""Phone calls: check what the mediator entered, book if asked, record, recap.

`check_draft` and `build_call` are pure; `take_call` and `list_calls` are
the service functions that use the store. Nothing is written before every
input has been checked, so a refused call leaves the files untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from mediatool.core.catalogue import Catalogue
from mediatool.core.errors import InvalidInput
from mediatool.core.fields import field_bounds, text_bound
from mediatool.core.localtime import in_zone
from mediatool.core.lookup import mediator_by_id, organisation_by_id, procedure_by_id
from mediatool.core.model import (
    OUTCOMES,
    THEMES,
    CallLinked,
    CallRecorded,
    Mediator,
    Organisation,
    Procedure,
    Team,
)
from mediatool.core.period import Month, months_between
from mediatool.core.personal_data import refuse_personal_data
from mediatool.core.triage import (
    Recommendation,
    first_path_sessions,
    next_dropins,
    phone_shift,
    recommend,
)
from mediatool.core.values import frozen
from mediatool.formats.recap import BookedAppointment, RecapInput, caller_recap

if TYPE_CHECKING:
    from mediatool.store.folder import DataFolder

MAX_DURATION_MIN = int(field_bounds(CallRecorded, "duration_min")[1] or 240)
MAX_NOTE_CHARS = text_bound(CallRecorded, "note") or 0


@frozen
class CallDraft:
    """What the mediator entered about a call, before it is checked."""

    mediator: str | None
    outcome: str | None = None
    procedure: str | None = None
    query: str | None = None
    theme: str | None = None
    redirect_to: str | None = None
    duration_min: int | None = None
    note: str | None = None
    missing_prerequisites: bool | tuple[str, ...] = False  # True: all; or those lacking
    place: str | None = None  # the imported local place chosen for a redirect; "-": none


@frozen
class CheckedCall:
    """A draft whose ids all exist, with the recommendation it got."""

    mediator: Mediator
    outcome: str
    procedure: Procedure | None
    query: str | None
    theme: str | None
    redirect_to: str | None
    duration_min: int | None
    note: str | None
    recommendation: Recommendation | None
    place: Organisation | None = None  # the local place the recap gives


@frozen
class BookingWish:
    """Book the first free slot (or `at`) for the caller during the call."""

    person: str
    phone: str | None = None
    mediator: str | None = None  # None: whoever is free first
    at: dt.datetime | None = None


@frozen
class WaitWish:
    """No slot suits the caller: put them on the waiting list (`call --wait`)."""

    person: str
    phone: str | None = None
    mediator: str | None = None  # None: any mediator
    before: dt.date | None = None


@frozen
class CallResult:
    event: CallRecorded
    recommendation: Recommendation | None
    recap: str
    appointment: Any = None  # booking.Appointment when one was booked
    dry_run: bool = False  # nothing was written
    wait: Any = None  # the waiting entry (WaitEntry, or WaitAdded on a dry run)


def choose_mediator(catalogue: Catalogue, wanted: str | None) -> Mediator:
    """The mediator answering: the one named, or the only one of the team."""
    if wanted:
        return mediator_by_id(catalogue, wanted)
    mediators = catalogue.team.mediators
    if len(mediators) == 1:
        return mediators[0]
    raise InvalidInput("médiateur non indiqué",
                       "ajoutez --mediator ID (" + ", ".join(m.id for m in mediators)
                       + ") ou définissez MEDIATOOL_MEDIATOR")


def recommendation_for(catalogue: Catalogue, procedure: Procedure,
                       missing_prerequisites: bool | tuple[str, ...] = False
                       ) -> Recommendation:
    """`triage.recommend` with the catalogue's organisation and skill names."""
    return recommend(procedure, catalogue.team, missing_prerequisites,
                     catalogue.organisation_of(procedure), catalogue.skills)


def check_draft(catalogue: Catalogue, draft: CallDraft) -> CheckedCall:
    """Check every field (InvalidInput, exit 2); fill the outcome and redirect defaults."""
    mediator = choose_mediator(catalogue, draft.mediator)
    procedure = procedure_by_id(catalogue, draft.procedure) if draft.procedure else None
    query = (draft.query or "").strip() or None
    if draft.duration_min is not None and not 0 <= draft.duration_min <= MAX_DURATION_MIN:
        raise InvalidInput(f"durée d'appel impossible : {draft.duration_min} min",
                           f"indiquez une durée entre 0 et {MAX_DURATION_MIN} minutes")
    if draft.theme is not None and procedure is not None:
        raise InvalidInput("--theme ne sert qu'avec --query",
                           f"le thème de la démarche est déjà connu ({procedure.theme})")
    if draft.theme is not None and draft.theme not in THEMES:
        raise InvalidInput(f"thème inconnu : « {draft.theme} »",
                           "thèmes possibles : " + ", ".join(THEMES))
    recommendation = (recommendation_for(catalogue, procedure, draft.missing_prerequisites)
                      if procedure else None)
    outcome = draft.outcome or (recommendation.outcome if recommendation else None)
    if outcome is None:
        raise InvalidInput("suite de l'appel non indiquée",
                           "ajoutez --outcome " + "|".join(OUTCOMES))
    if outcome not in OUTCOMES:
        raise InvalidInput(f"suite inconnue : « {outcome} »",
                           "choisissez parmi " + ", ".join(OUTCOMES))
    redirect_to = None
    if draft.redirect_to:
        if outcome != "redirect":
            raise InvalidInput("--redirect-to ne va qu'avec --outcome redirect",
                               "retirez --redirect-to ou ajoutez --outcome redirect")
        redirect_to = organisation_by_id(catalogue, draft.redirect_to).id
    elif outcome == "redirect":
        if procedure is None:
            raise InvalidInput("réorientation sans organisation",
                               "indiquez --redirect-to ORGANISATION (voir catalogue/"
                               "organisations.yaml)")
        redirect_to = procedure.organisation
    if procedure is None and query is None and outcome != "other":
        raise InvalidInput("démarche non indiquée",
                           "ajoutez --procedure ID ou --query \"mots de la personne\"")
    note = (draft.note or "").strip() or None
    if note and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"note trop longue ({len(note)} caractères)",
                           f"gardez-la sous {MAX_NOTE_CHARS} caractères")
    refuse_personal_data(note, "la note", catalogue)
    refuse_personal_data(query, "la recherche", catalogue)
    theme = procedure.theme if procedure else draft.theme
    place = choose_place(catalogue, redirect_to, draft.place) if redirect_to else None
    return CheckedCall(mediator, outcome, procedure, query if procedure is None else None,
                       theme, redirect_to, draft.duration_min, note, recommendation, place)


def places_for(catalogue: Catalogue, organisation: str) -> list[Organisation]:
    """The imported local places of an organisation, those in the team's communes first."""
    from mediatool.core import places

    home = places.home_communes(site.address for site in catalogue.team.sites)
    return places.local_places(catalogue.organisations, organisation, home)


def choose_place(catalogue: Catalogue, organisation: str, wanted: str | None
                 ) -> Organisation | None:
    """The place named (InvalidInput when it is not one of the organisation's), else the
    nearest; "-" for none."""
    if wanted == "-":
        return None
    target = catalogue.organisations.get(organisation)
    if target is not None and target.place_of is not None and wanted in (None, target.id):
        return target  # the mediator named the local place itself
    candidates = places_for(catalogue, organisation)
    if wanted is None:
        return candidates[0] if candidates else None
    found = next((p for p in candidates if p.id == wanted), None)
    if found is None:
        raise InvalidInput(f"lieu « {wanted} » inconnu pour {organisation}",
                           "lieux importés : " + (", ".join(p.id for p in candidates)
                                                  or "aucun (catalogue import-places)"))
    return found


def build_call(catalogue: Catalogue, call: CheckedCall, call_id: str, at: dt.datetime,
               started: dt.datetime | None = None, appointment: str | None = None,
               wait: str | None = None) -> CallRecorded:
    """The event to record (pure). `started`: when the call began, for the shift check."""
    if started is None:
        minutes = call.duration_min or 0
        started = at - dt.timedelta(minutes=minutes)
    shift = phone_shift(catalogue.team, started, at)
    return CallRecorded(
        id=call_id, event="call", at=at, by=call.mediator.id, outcome=call.outcome,  # type: ignore[arg-type]
        in_shift=shift is not None, duration_min=call.duration_min,
        procedure=call.procedure.id if call.procedure else None,
        theme=call.theme, query=call.query,  # type: ignore[arg-type]
        redirect_to=call.redirect_to, shift=shift.label() if shift else None,
        appointment=appointment, note=call.note, wait=wait)


def recap_for(catalogue: Catalogue, call: CheckedCall, now: dt.datetime,
              booked: BookedAppointment | None = None, contact: str | None = None,
              waiting: str | None = None) -> str:
    """The caller's recap for a checked call (pure)."""
    team = catalogue.team
    procedure = call.procedure
    if call.outcome == "redirect" and call.redirect_to:
        organisation = catalogue.organisations.get(call.redirect_to)
    else:
        organisation = catalogue.organisation_of(procedure) if procedure else None
    recommendation = call.recommendation
    titles: list[str] = []
    if recommendation and recommendation.usage_path and call.outcome != "redirect":
        titles = [catalogue.skills[s].title if s in catalogue.skills else s
                  for s in recommendation.usage_skills]
    dropins = next_dropins(team, now) if call.outcome in ("dropin", "other") else []
    place = call.place if call.outcome == "redirect" else None
    return caller_recap(RecapInput(
        call.outcome, team, procedure, organisation, dropins, booked, titles,
        short=bool(recommendation and recommendation.short),
        missing=recommendation.missing if recommendation else (), contact=contact,
        waiting=waiting, place=place,
        place_today=hours_today(team, place, now.date()) if place else None))


def hours_today(team: Team, place: Organisation, today: dt.date) -> str | None:
    """« 9h–12h, 14h–17h » or « fermé » from the place's `opening_hours` (None: unknown)."""
    from mediatool.core import opening_hours
    from mediatool.core.days import public_holiday

    if not place.opening_hours:
        return None
    try:
        week = opening_hours.parse(place.opening_hours)
    except opening_hours.Unreadable:
        return None  # `catalogue check` reports it; the recap keeps the written hours
    holiday = public_holiday(team, today) if week.closed_on_holidays else None
    return opening_hours.on_day(week, today, {today: holiday} if holiday else None)


# ---- service: the store ------------------------------------------------------

def take_call(data: DataFolder, draft: CallDraft, now: dt.datetime,
              started: dt.datetime | None = None, wish: BookingWish | None = None, *,
              dry_run: bool = False, contact: str | None = None,
              wait: WaitWish | None = None) -> CallResult:
    """Check, book if wished, record the call, and return it with its recap.

    `dry_run`: everything but the writes — the slot that would be booked is
    shown, nothing is appended. `contact`: typed by the mediator for a
    redirect whose organisation has none; it goes into the recap only.

    The call id is made first so the appointment can point to its call;
    the call is appended only once the booking succeeded, so a refused
    booking (exit 3) or a bad input (exit 2) records nothing.

    `wait`: no slot suits, the caller goes on the waiting list; the entry holds the
    name and phone and names the call, the call names the entry and stays anonymous.
    """
    catalogue = data.catalogue
    if wish is not None and wait is not None:
        raise InvalidInput("réserver et inscrire sur la liste d'attente ne vont pas ensemble",
                           "choisissez --book-first-free ou --wait")
    if (wish is not None or wait is not None) and draft.outcome is None:
        draft = replace(draft, outcome="appointment")
    call = check_draft(catalogue, draft)
    if wish is not None and call.outcome != "appointment":
        raise InvalidInput("une réservation demande --outcome appointment",
                           "ajoutez --outcome appointment ou retirez --book-first-free")
    if wait is not None and call.outcome != "appointment":
        raise InvalidInput("la liste d'attente va avec --outcome appointment",
                           "ajoutez --outcome appointment ou retirez --wait")
    call_id = DRY_RUN_CALL_ID if dry_run else data.store.new_id("calls")
    appointment = None
    booked = None
    entry: Any = None
    if wish is not None and dry_run:
        booked = _would_book(data, call, wish, now)
    elif wish is not None:
        appointment, booked = book_for_call(data, call, wish, call_id, now)
    if wait is not None:
        entry = _wait_for_call(data, call, wait, call_id, now, dry_run)
    event = build_call(catalogue, call, call_id, now, started,
                       appointment.id if appointment is not None else None,
                       entry.id if entry is not None else None)
    if not dry_run:
        data.store.append("calls", Month.of(event.at.date()), event)
    return CallResult(event, call.recommendation,
                      recap_for(catalogue, call, now, booked, contact,
                                entry.id if entry is not None else None), appointment,
                      dry_run=dry_run, wait=entry)


def _wait_for_call(data: DataFolder, call: CheckedCall, wait: WaitWish, call_id: str,
                   now: dt.datetime, dry_run: bool) -> Any:
    """The caller's waiting entry, written (or, on a dry run, only checked)."""
    from mediatool.services import waitlist

    request = waitlist.WaitRequest(
        person=wait.person, kind="demarche",
        procedure=call.procedure.id if call.procedure else None, phone=wait.phone,
        mediator=wait.mediator, before=wait.before, by=call.mediator.id, from_call=call_id)
    if dry_run:
        return waitlist.prepare(data, request, now, "W-ESSAI")
    return waitlist.add(data, request, now)


DRY_RUN_CALL_ID = "C-ESSAI"
DRY_RUN_APPOINTMENT_ID = "A-ESSAI"


def _would_book(data: DataFolder, call: CheckedCall, wish: BookingWish, now: dt.datetime
                ) -> BookedAppointment:
    """The appointment a real call would book, without booking it (for --dry-run)."""
    from mediatool.core.frenchdates import format_datetime

    catalogue = data.catalogue
    duration = (call.recommendation.appointment_duration_min if call.recommendation else None)
    if wish.at is None or wish.mediator is None:
        slot = first_free_slot(data, duration, now, booking_kind(call.procedure))
        mediator, at = slot.mediator, slot.start
        duration = int((slot.end - slot.start).total_seconds() // 60)
    else:
        mediator, at = wish.mediator, wish.at
    who = catalogue.team.mediator(mediator)
    return BookedAppointment(
        DRY_RUN_APPOINTMENT_ID, format_datetime(in_zone(at, now.tzinfo)),
        duration or catalogue.team.durations.demarche, who.name if who else mediator,
        catalogue.team.site(who.site if who else None), in_zone(at, now.tzinfo))


def book_for_call(data: DataFolder, call: CheckedCall, wish: BookingWish, call_id: str,
                  now: dt.datetime) -> tuple[Any, BookedAppointment]:
    """Book through the booking module; RuleRefusal (exit 3) when no rule allows it."""
    from mediatool.core.frenchdates import format_datetime
    from mediatool.services import booking

    catalogue = data.catalogue
    duration = (call.recommendation.appointment_duration_min if call.recommendation else None)
    kind = booking_kind(call.procedure)
    mediator, at = wish.mediator, wish.at
    if mediator is None:
        slot = first_free_slot(data, duration, now, kind)
        mediator, at = slot.mediator, slot.start
    new_path = None
    if kind == "usage":
        from mediatool.services import learning_paths

        assert call.procedure is not None
        # The first session of a learning path: the path opens with it, the mediator who
        # will teach as its referent, aiming at the need's skills.
        new_path = learning_paths.path_opening(
            data, now, person=wish.person, mediator=mediator, skills=call.procedure.skills,
            sessions=first_path_sessions(call.procedure), phone=wish.phone,
            note=f"ouvert pendant l'appel {call_id} : {call.procedure.title}",
            by=call.mediator.id)
    request = booking.BookingRequest(
        mediator=mediator, kind=kind, person=wish.person,
        procedure=call.procedure.id if call.procedure else None, at=at,
        duration_min=duration, phone=wish.phone, from_call=call_id, note=call.note,
        by=call.mediator.id, outside_catalogue=call.procedure is None, new_path=new_path)
    appointment = booking.book(data, request, now)
    who = catalogue.team.mediator(appointment.mediator)
    return appointment, BookedAppointment(
        appointment.id, format_datetime(in_zone(appointment.start, now.tzinfo)),
        appointment.duration_min, who.name if who else appointment.mediator,
        catalogue.team.site(appointment.site), in_zone(appointment.start, now.tzinfo))


def booking_kind(procedure: Procedure | None) -> Literal["demarche", "usage"]:
    """A usage need is taught in a learning path's sessions; anything else is a démarche."""
    return "usage" if procedure is not None and procedure.is_usage else "demarche"


def slot_choices(data: DataFolder, duration_min: int | None, now: dt.datetime,
                 kind: str = "demarche") -> list[Any]:
    """The slots to offer a caller: one per mediator and half-day, earliest first, each with
    its cost under the cap (`core.slotpick.SlotChoice`), over the booking horizon."""
    from mediatool.services import booking

    return booking.slot_choices(data, duration_min, now, kind=kind)


def first_free_slot(data: DataFolder, duration_min: int | None, now: dt.datetime,
                    kind: str = "demarche") -> Any:
    """The team's first free slot; RuleRefusal (exit 3) when there is none."""
    from mediatool.core.errors import RuleRefusal
    from mediatool.services import booking

    slots = booking.next_free_slots(data, None, kind, duration_min, now, count=1)
    if not slots:
        raise RuleRefusal("aucun créneau libre pour un rendez-vous",
                          "enregistrez l'appel sans réservation et rappelez la personne")
    return slots[0]


def list_calls(data: DataFolder, first: dt.date, last: dt.date) -> list[CallRecorded]:
    """Calls recorded between two dates (included), with appointments linked later."""
    store = data.store
    months = months_between(first, last)
    later = [m for m in store.months("calls") if m > months[-1]]
    calls: dict[str, CallRecorded] = {}
    links: dict[str, str] = {}
    for record in store.read("calls", [*months, *later]):
        event = record.event
        if isinstance(event, CallLinked):
            links[event.id] = event.appointment
        elif first <= event.at.date() <= last:
            calls[event.id] = event
    for call_id, appointment in links.items():
        if call_id in calls and calls[call_id].appointment is None:
            calls[call_id] = replace(calls[call_id], appointment=appointment)
    return sorted(calls.values(), key=lambda c: (c.at, c.id))
