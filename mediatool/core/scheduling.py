"""The booking rules (pure): opening hours, days off, overlap, and the half-day cap.

The experiment's one hard rule lives here: a mediator never has appointments
in more than `team.caps.appointment_half_days_per_week` distinct half-days of
one ISO week (démarche and usage together; a cancelled appointment frees its
half-day; there is no minimum). `refusal` answers "may this be booked, and if
not which rule refuses it" for `book`; `cap_breaches` and `overlaps` find, in
folders merged from two copies, what `refusal` would have refused.

All reasoning is in the team's local time: an appointment stored as
`14:00+02:00` is a 14:00 appointment whatever the date of the DST change.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from mediatool.core.days import absence, closure, days_between, half_day, iso_week, public_holiday
from mediatool.core.frenchdates import format_date, format_datetime, format_time
from mediatool.core.labels import RULE_LABELS
from mediatool.core.localtime import in_zone
from mediatool.core.model import Mediator, Procedure, Team
from mediatool.core.state import Appointment
from mediatool.core.values import frozen

HalfDay = tuple[dt.date, str]
Week = tuple[int, int]

RULES = ("past", "horizon", "holiday", "closure", "absence", "hours", "overlap", "cap")
DEFAULT_HORIZON_DAYS = 60
_MICRO = dt.timedelta(microseconds=1)


@frozen
class Refusal:
    """Why an appointment may not be booked: the rule (one of RULES) and a French message."""

    rule: str
    message: str

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]


@frozen
class Slot:
    """A free time range of a mediator that every rule allows."""

    mediator: str
    start: dt.datetime
    end: dt.datetime


@frozen
class CapBreach:
    """A mediator's week holding more half-days of appointments than the cap allows."""

    mediator: str
    week: Week
    half_days: tuple[HalfDay, ...]
    appointments: tuple[Appointment, ...]


@functools.lru_cache(maxsize=8)
def zone_of(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(team: Team, moment: dt.datetime) -> dt.datetime:
    """`moment` in the team's time zone."""
    return in_zone(moment, zone_of(team.timezone))


def plus_minutes(team: Team, moment: dt.datetime, minutes: int) -> dt.datetime:
    """`moment` + `minutes` of real time, in local time (right across a DST change)."""
    return local(team, moment.astimezone(dt.UTC) + dt.timedelta(minutes=minutes))


def at_local(team: Team, day: dt.date, time: dt.time) -> dt.datetime:
    """The local date-time of a wall-clock time on a day."""
    return dt.datetime.combine(day, time, zone_of(team.timezone))


def appointment_duration(team: Team, kind: str, procedure: Procedure | None = None) -> int:
    """The one duration rule of `book`, `slots` and bookings from `call`.

    A démarche takes its procedure's typical duration, else the team's default for
    the kind; rounded up to the team's slot step (`slot_step_min`), as the call's
    recommendation does, so that a slot found for a caller is the slot booked.
    """
    if kind == "demarche" and procedure is not None:
        minutes = procedure.typical_duration_min
    else:
        minutes = int(getattr(team.durations, kind))
    step = team.slot_step_min
    return max(-(-minutes // step) * step, 5)


def half_days_between(team: Team, start: dt.datetime, end: dt.datetime) -> tuple[HalfDay, ...]:
    """Every half-day the range [start, end) touches; crossing the boundary means both."""
    boundary = team.halfday_boundary
    first = half_day(local(team, start), boundary)
    last = half_day(local(team, max(start, end - _MICRO)), boundary)
    if first[0] == last[0]:  # the usual case, on every report's hot path
        return (first,) if first == last else (first, last)
    found: list[HalfDay] = []
    for day in days_between(first[0], last[0]):
        for part in ("matin", "après-midi"):
            if (first[0], first[1] == "après-midi") <= (day, part == "après-midi") <= (
                    last[0], last[1] == "après-midi"):
                found.append((day, part))
    return tuple(found)


def chronological(half: HalfDay) -> tuple[dt.date, bool]:
    """Sort key: the morning before the afternoon."""
    return half[0], half[1] != "matin"


def half_days_of(team: Team, appointment: Appointment) -> tuple[HalfDay, ...]:
    """The half-days an appointment occupies."""
    return half_days_between(team, appointment.start, appointment.end)


def week_of(team: Team, moment: dt.datetime) -> Week:
    """The ISO week (year, number) of a moment, in local time."""
    return iso_week(local(team, moment).date())


def day_refusal(team: Team, mediator: Mediator, day: dt.date) -> Refusal | None:
    """Holiday, closure or absence on `day`, in that order."""
    holiday = public_holiday(team, day)
    if holiday:
        return Refusal("holiday", f"{format_date(day)} est un jour férié ({holiday})")
    closed = closure(team, day)
    if closed:
        why = f" ({closed.reason})" if closed.reason else ""
        return Refusal("closure", f"le service est fermé du {closed.start:%d/%m/%Y} au "
                                  f"{closed.end:%d/%m/%Y}{why}")
    away = absence(mediator, day)
    if away:
        why = f" ({away.reason})" if away.reason else ""
        return Refusal("absence", f"{mediator.name} est absent(e) du {away.start:%d/%m/%Y} au "
                                  f"{away.end:%d/%m/%Y}{why}")
    return None


def within_hours(team: Team, mediator: Mediator, start: dt.datetime, end: dt.datetime) -> bool:
    """Inside one of the mediator's weekly ranges open to appointments."""
    first, last = local(team, start), local(team, end)
    if first.date() != last.date():
        return False
    return any(slot.weekday == first.weekday() and slot.start <= first.time()
               and last.time() <= slot.end for slot in mediator.hours)


def hours_label(mediator: Mediator) -> str:
    if not mediator.hours:
        return "aucune heure ouverte aux rendez-vous dans team.yaml"
    return ", ".join(f"{s.day} {s.start:%H:%M}-{s.end:%H:%M}" for s in mediator.hours)


def _half_day_label(half: HalfDay) -> str:
    return f"{format_date(half[0])} {half[1]}"


def _check(team: Team, mediator: Mediator, week_appointments: Sequence[Appointment],
           start: dt.datetime, end: dt.datetime, now: dt.datetime) -> Refusal | None:
    """The rules for one mediator, given the active appointments of the ISO week of `start`."""
    if start < now:
        return Refusal("past", f"le {format_datetime(local(team, start))} est déjà passé")
    if start.date() > now.date() + dt.timedelta(days=team.booking_horizon_days):
        return Refusal("horizon", f"le {format_datetime(local(team, start))} est à plus de "
                                  f"{team.booking_horizon_days} jours : trop loin pour un "
                                  "rendez-vous (team.yaml, booking_horizon_days)")
    day = local(team, start).date()
    refused = day_refusal(team, mediator, day)
    if refused:
        return refused
    if not within_hours(team, mediator, start, end):
        return Refusal("hours", f"le {format_datetime(local(team, start))} "
                                f"({int((end - start).total_seconds() // 60)} min) est en "
                                f"dehors des heures de rendez-vous de {mediator.name} "
                                f"({hours_label(mediator)})")
    for other in week_appointments:
        if other.start < end and start < other.end:
            return Refusal("overlap", f"{mediator.name} a déjà le rendez-vous {other.id} de "
                                      f"{format_time(local(team, other.start))} à "
                                      f"{format_time(local(team, other.end))} "
                                      f"le {format_date(local(team, other.start).date())}")
    used = set(half_days_used(team, week_appointments))
    wanted = set(half_days_between(team, start, end))
    cap = team.caps.appointment_half_days_per_week
    if not wanted <= used and len(used | wanted) > cap:
        year, number = iso_week(day)
        taken = ", ".join(_half_day_label(h) for h in sorted(used, key=chronological)) or "aucune"
        return Refusal("cap", f"{mediator.name} ne peut pas avoir plus de {cap} demi-journée(s) "
                              f"de rendez-vous par semaine ; semaine {number} de {year} déjà "
                              f"prise : {taken}")
    return None


def half_days_used(team: Team, appointments: Iterable[Appointment]) -> tuple[HalfDay, ...]:
    """The distinct half-days these appointments occupy, in order: what the cap counts."""
    return tuple(sorted({h for a in appointments for h in half_days_of(team, a)},
                        key=chronological))


def active_by_week(team: Team, appointments: Iterable[Appointment]
                   ) -> dict[tuple[str, Week], list[Appointment]]:
    """Active appointments grouped by mediator and ISO week of their start, as the cap is."""
    weeks: dict[tuple[str, Week], list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        if appointment.active:
            weeks[(appointment.mediator, week_of(team, appointment.start))].append(appointment)
    return weeks


def _active_in_week(team: Team, appointments: Iterable[Appointment], mediator_id: str,
                    week: Week, ignore_id: str | None) -> list[Appointment]:
    return [a for a in appointments if a.mediator == mediator_id and a.active
            and a.id != ignore_id and week_of(team, a.start) == week]


def refusal(team: Team, appointments: Iterable[Appointment], mediator_id: str,
            start: dt.datetime, duration_min: int, now: dt.datetime,
            ignore_id: str | None = None) -> Refusal | None:
    """May `mediator_id` take an appointment at `start` for `duration_min`?

    None when every rule allows it, else the first rule that refuses, in
    this order: past, holiday, closure, absence, hours, overlap, cap.
    `appointments` must hold at least the ISO week of `start`; `ignore_id`
    leaves one appointment out (to re-check an existing one).
    """
    mediator = team.mediator(mediator_id)
    if mediator is None:
        return Refusal("hours", f"« {mediator_id} » n'a pas d'heures de rendez-vous : "
                                "ce n'est pas un médiateur de team.yaml")
    end = plus_minutes(team, start, duration_min)
    week = _active_in_week(team, appointments, mediator_id, week_of(team, start), ignore_id)
    return _check(team, mediator, week, start, end, now)


def free_slots(team: Team, appointments: Iterable[Appointment], mediator_ids: Sequence[str],
               duration_min: int, start_from: dt.datetime, now: dt.datetime, limit: int,
               days: int = DEFAULT_HORIZON_DAYS, *, first_per_half_day: bool = False
               ) -> list[Slot]:
    """The first `limit` slots every rule allows, from `start_from`, over `days` days.

    Candidates start at each mediator's opening time and every `team.slot_step_min`
    minutes after; earliest first, then in the order of `mediator_ids`.
    `first_per_half_day`: only the earliest of each mediator's half-day (what a
    caller chooses between), which spares checking the rest.
    `appointments` must cover the ISO weeks of the period.
    """
    mediators = [m for m in (team.mediator(i) for i in mediator_ids) if m is not None]
    order = {m.id: rank for rank, m in enumerate(mediators)}
    by_week = active_by_week(team, (a for a in appointments if a.mediator in order))
    earliest = max(start_from, now)
    first_day = local(team, earliest).date()
    step = dt.timedelta(minutes=team.slot_step_min)
    found: list[Slot] = []
    if limit <= 0:
        return found
    for day in days_between(first_day, first_day + dt.timedelta(days=days - 1)):
        week = iso_week(day)
        todays: set[Slot] = set()
        taken: set[tuple[str, str]] = set()
        for mediator in mediators:
            if day_refusal(team, mediator, day):
                continue
            for hours in mediator.hours:
                if hours.weekday != day.weekday():
                    continue
                wall = dt.datetime.combine(day, hours.start)
                closing = dt.datetime.combine(day, hours.end)
                while wall + dt.timedelta(minutes=duration_min) <= closing:
                    start = wall.replace(tzinfo=zone_of(team.timezone))
                    end = plus_minutes(team, start, duration_min)
                    part = (mediator.id, half_day(start, team.halfday_boundary)[1])
                    if start >= earliest and not (first_per_half_day and part in taken) \
                            and _check(team, mediator, by_week.get((mediator.id, week), ()),
                                       start, end, now) is None:
                        todays.add(Slot(mediator.id, start, end))
                        taken.add(part)
                    wall += step
        found.extend(sorted(todays, key=lambda s: (s.start, order[s.mediator])))
        if len(found) >= limit:
            break
    return found[:limit]


def overlaps(team: Team, appointments: Iterable[Appointment]
             ) -> list[tuple[Appointment, Appointment]]:
    """Pairs of active appointments of the same mediator whose times intersect."""
    by_mediator: dict[str, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        if appointment.active:
            by_mediator[appointment.mediator].append(appointment)
    pairs: list[tuple[Appointment, Appointment]] = []
    for items in by_mediator.values():
        items.sort(key=lambda a: (a.start, a.id))
        for index, first in enumerate(items):
            for second in items[index + 1:]:
                if second.start >= first.end:
                    break
                pairs.append((first, second))
    return pairs


def cap_breaches(team: Team, appointments: Iterable[Appointment]) -> list[CapBreach]:
    """Mediator weeks with more distinct half-days of active appointments than the cap."""
    cap = team.caps.appointment_half_days_per_week
    breaches: list[CapBreach] = []
    for (mediator, week), items in sorted(active_by_week(team, appointments).items()):
        used = half_days_used(team, items)
        if len(used) > cap:
            breaches.append(CapBreach(mediator, week, used,
                                      tuple(sorted(items, key=lambda a: (a.start, a.id)))))
    return breaches


def week_usage(team: Team, appointments: Iterable[Appointment], mediator_id: str,
               week: Week) -> tuple[HalfDay, ...]:
    """The half-days of a mediator's week that hold at least one active appointment."""
    return half_days_used(team, _active_in_week(team, appointments, mediator_id, week, None))
