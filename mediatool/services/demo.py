"""Plausible, clearly fictional activity for `init --demo` (pure, seeded).

Names are marked "(fictif)" and phone numbers come from the ranges ARCEP
reserves for fiction (06 39 98 xx xx), so nothing can reach a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from mediatool.core.catalogue import Catalogue
from mediatool.core.days import absence, weekly_occurrences
from mediatool.core.ids import new_id
from mediatool.core.model import (
    OUTCOMES,
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    CallRecorded,
    DropinTally,
    Mediator,
    Outcome,
    PathClosed,
    PathOpened,
    WeeklySlot,
)
from mediatool.core.period import Month, months_between
from mediatool.core.values import frozen

FIRST_NAMES = ("Nadia", "Gérard", "Fatou", "Jean-Pierre", "Yasmina", "Odette", "Karim",
               "Sylvie", "Mamadou", "Lucienne", "Thierry", "Aïcha", "Bernard", "Inès")
INITIALS = "BCDFGHJLMNPRST"


@frozen
class DemoEvent:
    kind: str
    month: Month
    event: Any


def _person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(INITIALS)}. (fictif)"
    phone = f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
    return name, phone


def _at(day: dt.date, time: dt.time, zone: ZoneInfo, plus_min: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, time, zone) + dt.timedelta(minutes=plus_min)


def _months_back(today: dt.date, months: int) -> Month:
    first = Month.of(today)
    for _ in range(months):
        first = first.previous()
    return first


def experiment_yaml(now: dt.datetime, months: int = 3) -> str:
    """The demo team's experiment: the phone line and appointments opened `months` ago."""
    start = _months_back(now.date(), months).first_day
    return ("\n# L'expérimentation (fictive) : la ligne et les rendez-vous ont ouvert ce "
            "jour-là.\n# mediatool report --experiment compare avant / depuis.\n"
            f"experiment:\n  start: {start.isoformat()}\n"
            "  services: [phone_line, appointments]\n")


def demo_activity(catalogue: Catalogue, now: dt.datetime, months: int = 3,
                  seed: int = 2026, before_months: int = 3) -> list[DemoEvent]:
    """Calls, drop-in tallies, paths and appointments from `months` months ago to now.

    Drop-in tallies also go `before_months` further back: the months before the
    experiment opened the phone line and appointments, which `report --experiment`
    compares with the months since.
    """
    rng = random.Random(seed)
    team = catalogue.team
    zone = ZoneInfo(team.timezone)
    today = now.date()
    start = _months_back(today, months).first_day
    out: list[DemoEvent] = []
    in_scope = [p for p in catalogue.procedures.values() if p.in_scope]
    out_scope = [p for p in catalogue.procedures.values() if not p.in_scope]
    mediators = list(team.mediators)

    calls_for_appointments: list[CallRecorded] = []
    if team.phone_line:
        for day, shift in weekly_occurrences(team, team.phone_line.shifts, start,
                                             today - dt.timedelta(days=1)):
            for _ in range(rng.randint(3, 7)):
                out_of_scope = out_scope and rng.random() < 0.12
                procedure = rng.choice(out_scope if out_of_scope else in_scope)
                outcome: Outcome = "redirect" if out_of_scope else rng.choices(
                    OUTCOMES, (40, 25, 8, 20, 7))[0]
                call = CallRecorded(
                    id=new_id("C"), event="call",
                    at=_at(day, shift.start, zone, rng.randint(0, 140)),
                    by=rng.choice(mediators).id, outcome=outcome, in_shift=True,
                    duration_min=rng.randint(3, 18), procedure=procedure.id,
                    theme=procedure.theme,
                    redirect_to=procedure.organisation if outcome == "redirect" else None,
                    shift=shift.label())
                if outcome == "appointment":
                    calls_for_appointments.append(call)
                else:
                    out.append(DemoEvent("calls", Month.of(day), call))

    earliest = _months_back(today, months + before_months).first_day
    for index, month in enumerate(months_between(earliest, today), start=-before_months):
        for day, session in weekly_occurrences(team, team.dropins, month.first_day,
                                               min(month.last_day, today - dt.timedelta(1))):
            seen = rng.randint(6, 12)
            # before the experiment, sessions are full; then fewer are turned away
            refused = max(0, 6 - 2 * max(index, 0) + rng.randint(-2, 2))
            out.append(DemoEvent("dropins", month, DropinTally(
                id=new_id("D"), event="tally", at=_at(day, session.end, zone, 5),
                by=rng.choice(mediators).id, site=session.site, date=day, seen=seen,
                refused=refused)))

    horizon = today + dt.timedelta(days=14)
    for mediator in mediators:
        out.extend(_appointments(catalogue, mediator, start, horizon, now, rng, zone,
                                 calls_for_appointments))
    for call in calls_for_appointments:  # those no appointment took: still recorded
        out.append(DemoEvent("calls", Month.of(call.at.date()), call))
    out.sort(key=lambda e: (e.kind, e.month, e.event.at))
    return out


def _appointments(catalogue: Catalogue, mediator: Mediator, start: dt.date, horizon: dt.date,
                  now: dt.datetime, rng: random.Random, zone: ZoneInfo,
                  calls: list[CallRecorded]) -> Iterator[DemoEvent]:
    team = catalogue.team
    demarches = [p for p in catalogue.procedures.values()
                 if p.in_scope and p.typical_duration_min > team.triage.short_max_min]
    # the Pix competences people actually work on in public digital spaces
    everyday = ("1.1", "2.1", "2.2", "3.1", "4.1", "4.2", "5.1")
    pix = [s for s in everyday if s in catalogue.skills] or [
        s.id for s in catalogue.skills.values() if s.pix is None]
    practical = [s.id for s in catalogue.skills.values() if s.pix is not None]
    path: PathOpened | None = None
    path_booked = 0
    phone: str | None
    by_week: dict[tuple[int, int], list[tuple[dt.date, WeeklySlot]]] = {}
    for day, slot in weekly_occurrences(team, mediator.hours, start, horizon):
        if absence(mediator, day) is None:
            by_week.setdefault(day.isocalendar()[:2], []).append((day, slot))
    for week_slots in by_week.values():
        # at most two half-days a week: the experiment's rule
        # in time order: a path is opened before its sessions, closed after the last one
        chosen = rng.sample(week_slots, min(len(week_slots), rng.choice((1, 2, 2))))
        for day, slot in sorted(chosen, key=lambda pair: (pair[0], pair[1].start)):
            cursor = _at(day, slot.start, zone)
            end_of_slot = _at(day, slot.end, zone)
            for _ in range(rng.randint(1, 3)):
                if path is None and rng.random() < 0.3 and cursor < now:
                    name, phone = _person(rng)
                    path = PathOpened(
                        id=new_id("P"), event="opened", at=cursor - dt.timedelta(days=3),
                        by=mediator.id, person=name, phone=phone, mediator=mediator.id,
                        skills=tuple(rng.sample(pix, 1) + rng.sample(practical, 2)),
                        sessions=rng.randint(3, 5))
                    path_booked = 0
                    yield DemoEvent("paths", Month.of(path.at.date()), path)
                usage = path is not None and rng.random() < 0.4
                duration = team.durations.usage if usage else 0
                procedure = None
                if not usage:
                    procedure = rng.choice(demarches)
                    duration = procedure.typical_duration_min
                if cursor + dt.timedelta(minutes=duration) > end_of_slot:
                    break
                if usage and path is not None:
                    name, phone = path.person, path.phone
                else:
                    name, phone = _person(rng)
                booked_at = min(cursor - dt.timedelta(days=rng.randint(2, 10)),
                                now - dt.timedelta(hours=1))
                from_call = None
                if not usage and calls and calls[0].at < booked_at:
                    call = calls.pop(0)
                    from_call = call.id
                    booked_at = max(booked_at, call.at)
                appointment_id = new_id("A")
                if from_call:
                    linked = replace(call, appointment=appointment_id)
                    yield DemoEvent("calls", Month.of(call.at.date()), linked)
                booked = AppointmentBooked(
                    id=appointment_id, event="booked", at=booked_at, by=mediator.id,
                    mediator=mediator.id, kind="usage" if usage else "demarche",
                    start=cursor, duration_min=duration, person=name, phone=phone,
                    procedure=procedure.id if procedure else None,
                    path=path.id if usage and path else None, site=mediator.site,
                    from_call=from_call)
                month = Month.of(cursor.date())
                yield DemoEvent("appointments", month, booked)
                yield from _outcome(booked, now, rng, path if usage else None, month)
                if usage and path is not None:
                    path_booked += 1
                    if path_booked >= path.sessions:
                        closed_at = booked.start + dt.timedelta(minutes=duration + 5)
                        if closed_at < now:
                            yield DemoEvent("paths", Month.of(path.at.date()), PathClosed(
                                id=path.id, event="closed", at=closed_at, by=mediator.id,
                                reason="Parcours terminé"))
                        path = None
                cursor += dt.timedelta(minutes=duration + rng.choice((0, 15)))


def _outcome(booked: AppointmentBooked, now: dt.datetime, rng: random.Random,
             path: PathOpened | None, month: Month) -> Iterator[DemoEvent]:
    end = booked.start + dt.timedelta(minutes=booked.duration_min)
    roll = rng.random()
    if roll < 0.12:
        at = min(booked.start - dt.timedelta(hours=rng.randint(2, 48)), now)
        if at > booked.at:
            yield DemoEvent("appointments", month, AppointmentCancelled(
                id=booked.id, event="cancelled", at=at, by=booked.mediator,
                by_person=rng.random() < 0.7,
                reason="Empêchement" if rng.random() < 0.5 else None))
            return
    if end > now or (now - end < dt.timedelta(days=7) and rng.random() < 0.3):
        return  # future, or past and not yet filled in ("à renseigner")
    if roll > 0.9:
        yield DemoEvent("appointments", month, AppointmentNoShow(
            id=booked.id, event="no_show", at=end + dt.timedelta(minutes=10),
            by=booked.mediator))
        return
    skills: tuple[str, ...] = ()
    if path is not None:
        skills = tuple(rng.sample(path.skills, 1))
    yield DemoEvent("appointments", month, AppointmentAttended(
        id=booked.id, event="attended", at=end + dt.timedelta(minutes=5),
        by=booked.mediator, skills=skills))


__all__ = ["DemoEvent", "demo_activity", "experiment_yaml"]
