"""Monthly statistics (SPEC §3.5): events of a period → a `Report` value (pure).

The report is built from already-read records; the service (`reporting.py`)
decides which files to read. Every section is a frozen dataclass whose field
order is the JSON key order, so exports stay stable from one month to the next.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from mediatool.core.catalogue import Catalogue
from mediatool.core.days import iso_week
from mediatool.core.labels import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS, THEME_LABELS
from mediatool.core.localtime import in_zone
from mediatool.core.model import (
    OUTCOMES,
    CallLinked,
    CallRecorded,
    DropinTally,
    PathClosed,
    Record,
    Team,
)
from mediatool.core.period import Month, months_between
from mediatool.core.scheduling import active_by_week, half_days_used
from mediatool.core.state import Appointment, current_tallies, fold_appointments, fold_paths
from mediatool.core.triage import phone_shift
from mediatool.core.values import frozen

# Order of appointment situations in every breakdown (labels: labels.STATUS_LABELS).
SITUATIONS = ("booked", "attended", "excused", "revoked", "no_show", "to_fill", "rescheduled")
# Duration buckets of the national activity reports (La Coop de la médiation numérique).
DURATION_BUCKETS = (("lt_30", "moins de 30 min", 0, 30), ("30_60", "30 min à 1 h", 30, 60),
                    ("60_120", "1 h à 2 h", 60, 120), ("ge_120", "2 h ou plus", 120, None))
TOP = 10
TREND_MONTHS = 12
UNSPECIFIED = "(non précisé)"


@frozen
class Period:
    """Dates from `first` to `last` (both included), and how to name them."""

    first: dt.date
    last: dt.date
    label: str

    @classmethod
    def month(cls, month: Month) -> Period:
        return cls(month.first_day, month.last_day, str(month))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))

    @classmethod
    def between(cls, first: dt.date, last: dt.date) -> Period:
        return cls(first, last, f"du {first.isoformat()} au {last.isoformat()}")

    @property
    def months(self) -> list[Month]:
        return months_between(self.first, self.last)

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@frozen
class Count:
    """One line of a breakdown: a key, its French label, a number."""

    key: str
    label: str
    value: int


@frozen
class PhoneSection:
    calls: int
    in_shift: int
    outside_shift: int
    by_shift: tuple[Count, ...]
    durations_known: int
    duration_mean_min: float | None
    duration_median_min: float | None
    duration_buckets: tuple[Count, ...]
    outcomes: tuple[Count, ...]
    top_procedures: tuple[Count, ...]
    themes: tuple[Count, ...]
    redirections: tuple[Count, ...]
    became_appointments: int
    became_appointments_rate: float | None
    appointments_attended: int
    appointments_ahead: int = 0  # of those appointments, how many are still to come


@frozen
class Breakdown:
    """Appointments of one kind or one mediator, by situation."""

    key: str
    label: str
    total: int
    situations: tuple[Count, ...]


@frozen
class HalfDays:
    """Distinct half-days with at least one active appointment, in one ISO week."""

    mediator: str
    label: str
    week: str
    week_start: dt.date
    used: int
    cap: int
    over_cap: bool


@frozen
class AppointmentsSection:
    booked: int
    situations: tuple[Count, ...]
    by_kind: tuple[Breakdown, ...]
    by_mediator: tuple[Breakdown, ...]
    attended_duration_buckets: tuple[Count, ...]
    cap: int
    half_days: tuple[HalfDays, ...]
    # No-show rate (absent / (venu + absent)) of appointments reminded before, and not.
    reminded_outcomes: int = 0
    reminded_no_show_rate: float | None = None
    not_reminded_outcomes: int = 0
    not_reminded_no_show_rate: float | None = None


@frozen
class PathsSection:
    opened: int
    sessions_agreed: int
    closed: int
    sessions_done: int
    skills_reached: tuple[Count, ...]
    skills_by_area: tuple[Count, ...]


@frozen
class DropinFigures:
    """Drop-in tallies added up: for a site, or for a month of the trend."""

    key: str
    label: str
    sessions: int
    seen: int
    refused: int
    refusal_rate: float | None


@frozen
class DropinsSection:
    sessions: int
    seen: int
    refused: int
    refusal_rate: float | None
    by_site: tuple[DropinFigures, ...]
    trend: tuple[DropinFigures, ...]


@frozen
class Report:
    """Everything `mediatool report` shows for a period."""

    service: str
    period: Period
    generated_at: dt.datetime
    phone: PhoneSection
    appointments: AppointmentsSection
    paths: PathsSection
    dropins: DropinsSection


@frozen
class History:
    """Records read outside the period's own files, that some figures need.

    - `dropins`: tallies of the months before the period (the trend), or
      `dropin_totals`: month "YYYY-MM" → (sessions, seen, refused) already added up;
    - `appointments`: every event of appointments stored outside the period
      that a period call led to, or that share an ISO week with the period;
    - `calls`: `linked` events stored in later months;
    - `paths`: closing events of paths opened before the period.
    Supersets are fine: the core filters by date and id.
    """

    dropins: Sequence[Record] = ()
    dropin_totals: Mapping[str, tuple[int, int, int]] = dataclasses.field(
        default_factory=dict)
    appointments: Sequence[Record] = ()
    calls: Sequence[Record] = ()
    paths: Sequence[Record] = ()


NO_HISTORY = History()


@frozen
class DetailRow:
    """One call or appointment, without any personal data (`--detail`)."""

    type: str
    id: str
    date: str
    time: str
    mediator: str
    kind: str
    procedure: str
    theme: str
    status: str
    duration_min: str
    in_shift: str
    shift: str
    redirect_to: str
    link: str


def rate(part: int, whole: int) -> float | None:
    """part/whole rounded to 4 decimals; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def _ranked(counter: Mapping[str, int], labels: Mapping[str, str], limit: int | None = None
            ) -> tuple[Count, ...]:
    """Biggest first, then by key, so equal counts keep a stable order."""
    items = sorted(((k, v) for k, v in counter.items() if v), key=lambda kv: (-kv[1], kv[0]))
    if limit is not None:
        items = items[:limit]
    return tuple(Count(k, labels.get(k, k), v) for k, v in items)


def _fixed(counter: Mapping[str, int], labels: Mapping[str, str],
           order: Iterable[str]) -> tuple[Count, ...]:
    return tuple(Count(k, labels[k], counter.get(k, 0)) for k in order)


def duration_buckets(durations: Iterable[int]) -> tuple[Count, ...]:
    """How many durations fall in each national bucket (< 30, 30–60, 60–120, ≥ 120 min)."""
    counter: Counter[str] = Counter()
    for minutes in durations:
        for key, _, low, high in DURATION_BUCKETS:
            if minutes >= low and (high is None or minutes < high):
                counter[key] += 1
                break
    return tuple(Count(key, label, counter[key]) for key, label, _, _ in DURATION_BUCKETS)


def shift_of(call: CallRecorded, team: Team, zone: ZoneInfo) -> str | None:
    """The phone shift a call belongs to: as recorded, else found from its time."""
    if not call.in_shift:
        return None
    if call.shift:
        return call.shift
    shift = phone_shift(team, in_zone(call.at, zone))  # the rule `call` itself applies
    return shift.label() if shift else UNSPECIFIED


def build_report(catalogue: Catalogue, records_by_kind: Mapping[str, Sequence[Record]],
                 period: Period, now: dt.datetime, history: History = NO_HISTORY) -> Report:
    """The report of `period` from the records of its month files (and `history`)."""
    team = catalogue.team
    zone = ZoneInfo(team.timezone)
    appointment_records = list(records_by_kind.get("appointments", ()))
    if history.appointments:
        appointment_records = _unique_records([*appointment_records, *history.appointments])
    appointments, _ = fold_appointments(appointment_records)
    calls = [r.event for r in records_by_kind.get("calls", ())
             if isinstance(r.event, CallRecorded) and in_zone(r.event.at, zone).date() in period]
    links = _call_links([*records_by_kind.get("calls", ()), *history.calls],
                        appointments.values())
    return Report(
        service=team.service, period=period, generated_at=now,
        phone=_phone(catalogue, calls, links, appointments, zone, now),
        appointments=_appointments(catalogue, appointments, period, now, zone),
        paths=_paths(catalogue, records_by_kind.get("paths", ()), history.paths,
                     appointments, period, zone),
        dropins=_dropins(catalogue, [*records_by_kind.get("dropins", ()), *history.dropins],
                         history.dropin_totals, period))


def _unique_records(records: Iterable[Record]) -> list[Record]:
    """Drop records read twice (a file both in the period and in `history`)."""
    seen: set[tuple[str, int]] = set()
    unique = []
    for record in records:
        key = (record.source, record.line)
        if key not in seen:
            seen.add(key)
            unique.append(record)
    return unique


def _call_links(call_records: Iterable[Record], appointments: Iterable[Appointment]
                ) -> dict[str, set[str]]:
    """Call id → ids of the appointments it led to, from all three ways of linking."""
    links: dict[str, set[str]] = defaultdict(set)
    for record in call_records:
        event = record.event
        if isinstance(event, CallLinked | CallRecorded) and event.appointment:
            links[event.id].add(event.appointment)
    for appointment in appointments:
        if appointment.from_call:
            links[appointment.from_call].add(appointment.id)
    return links


def _phone(catalogue: Catalogue, calls: list[CallRecorded], links: Mapping[str, set[str]],
           appointments: Mapping[str, Appointment], zone: ZoneInfo, now: dt.datetime
           ) -> PhoneSection:
    team = catalogue.team
    by_shift: Counter[str] = Counter()
    for call in calls:
        shift = shift_of(call, team, zone)
        if shift is not None:
            by_shift[shift] += 1
    shift_order = [s.label() for s in team.phone_line.shifts] if team.phone_line else []
    shifts = tuple(Count(label, label, by_shift.get(label, 0)) for label in shift_order)
    shifts += tuple(c for c in _ranked(by_shift, {}) if c.key not in shift_order)
    durations = [c.duration_min for c in calls if c.duration_min is not None]
    # Calls recorded before a procedure was renamed count with it, under its current id.
    current = catalogue.procedures.current_id
    procedures = Counter(current(c.procedure) for c in calls if c.procedure)
    themes = Counter(_theme(c, catalogue) or UNSPECIFIED for c in calls)
    redirections = Counter(c.redirect_to or UNSPECIFIED for c in calls
                           if c.outcome == "redirect")
    linked = [c for c in calls if links.get(c.id)]
    attended = [c for c in linked if any(
        appointments[a].status == "attended" for a in links[c.id] if a in appointments)]
    ahead = [c for c in linked if c not in attended and any(
        appointments[a].situation(now) == "booked" for a in links[c.id] if a in appointments)]
    in_shift = sum(c.in_shift for c in calls)
    return PhoneSection(
        calls=len(calls), in_shift=in_shift, outside_shift=len(calls) - in_shift,
        by_shift=shifts, durations_known=len(durations),
        duration_mean_min=round(statistics.fmean(durations), 1) if durations else None,
        duration_median_min=float(statistics.median(durations)) if durations else None,
        duration_buckets=duration_buckets(durations),
        outcomes=_fixed(Counter(c.outcome for c in calls), OUTCOME_LABELS, OUTCOMES),
        top_procedures=_ranked(procedures, {k: p.title for k, p in
                                            catalogue.procedures.items()}, TOP),
        themes=_ranked(themes, THEME_LABELS),
        redirections=_ranked(redirections, {k: o.name for k, o in
                                            catalogue.organisations.items()}),
        became_appointments=len(linked), became_appointments_rate=rate(len(linked), len(calls)),
        appointments_attended=len(attended), appointments_ahead=len(ahead))


def _theme(call: CallRecorded, catalogue: Catalogue) -> str | None:
    if call.theme:
        return call.theme
    procedure = catalogue.procedures.get(call.procedure or "")
    return procedure.theme if procedure else None


def _breakdown(key: str, label: str, situations: Counter[str]) -> Breakdown:
    return Breakdown(key, label, sum(situations.values()),
                     _fixed(situations, STATUS_LABELS, SITUATIONS))


def _appointments(catalogue: Catalogue, appointments: Mapping[str, Appointment],
                  period: Period, now: dt.datetime, zone: ZoneInfo) -> AppointmentsSection:
    team = catalogue.team
    in_period = [a for a in appointments.values() if in_zone(a.start, zone).date() in period]
    situations: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {kind: Counter() for kind in KIND_LABELS}
    mediator_names = {m.id: m.name for m in team.mediators}
    by_mediator: dict[str, Counter[str]] = {m: Counter() for m in mediator_names}
    for appointment in in_period:
        situation = appointment.situation(now)
        situations[situation] += 1
        by_kind.setdefault(appointment.kind, Counter())[situation] += 1
        by_mediator.setdefault(appointment.mediator, Counter())[situation] += 1
    attended = [a.duration_min for a in in_period if a.status == "attended"]
    settled = [a for a in in_period if a.status in ("attended", "no_show")]
    reminded = [a for a in settled if a.reminded_at is not None and a.reminded_at <= a.start]
    reminded_ids = {a.id for a in reminded}
    not_reminded = [a for a in settled if a.id not in reminded_ids]
    return AppointmentsSection(
        reminded_outcomes=len(reminded),
        reminded_no_show_rate=rate(sum(a.status == "no_show" for a in reminded), len(reminded)),
        not_reminded_outcomes=len(not_reminded),
        not_reminded_no_show_rate=rate(sum(a.status == "no_show" for a in not_reminded),
                                       len(not_reminded)),
        booked=len(in_period),
        situations=_fixed(situations, STATUS_LABELS, SITUATIONS),
        by_kind=tuple(_breakdown(k, KIND_LABELS.get(k, k), c) for k, c in by_kind.items()),
        by_mediator=tuple(_breakdown(m, mediator_names.get(m, m), c)
                          for m, c in by_mediator.items()),
        attended_duration_buckets=duration_buckets(attended),
        cap=team.caps.appointment_half_days_per_week,
        half_days=_half_days(team, appointments.values(), period))


def period_weeks(period: Period) -> list[dt.date]:
    """Mondays of the ISO weeks of the period: those whose Thursday is in it.

    As ISO 8601 does for years, a week belongs to the month holding its
    Thursday, so consecutive monthly reports count each week once. A period
    holding no Thursday (a few days) gets the weeks it touches.
    """
    monday = period.first - dt.timedelta(days=period.first.weekday())
    touching = []
    while monday <= period.last:
        touching.append(monday)
        monday += dt.timedelta(days=7)
    owned = [m for m in touching if m + dt.timedelta(days=3) in period]
    return owned or touching


def _half_days(team: Team, appointments: Iterable[Appointment], period: Period
               ) -> tuple[HalfDays, ...]:
    """Half-days used per mediator and ISO week, for the weeks of the period.

    Weeks are counted whole, days outside the period included: the cap is
    weekly. Zero is shown as zero, never as a warning (no minimum).
    """
    weeks = {iso_week(monday) for monday in period_weeks(period)}
    # Counted exactly as the booking rule counts them.
    used = {key: half_days_used(team, items)
            for key, items in active_by_week(team, appointments).items() if key[1] in weeks}
    names = {m.id: m.name for m in team.mediators}
    mediators = list(names) + sorted({m for m, _ in used} - set(names))
    cap = team.caps.appointment_half_days_per_week
    rows = []
    for mediator in mediators:
        for monday in period_weeks(period):
            year, number = iso_week(monday)
            count = len(used.get((mediator, (year, number)), ()))
            rows.append(HalfDays(mediator, names.get(mediator, mediator),
                                 f"{year}-S{number:02d}", monday, count, cap, count > cap))
    return tuple(rows)


def _paths(catalogue: Catalogue, period_records: Sequence[Record],
           earlier_records: Sequence[Record], appointments: Mapping[str, Appointment],
           period: Period, zone: ZoneInfo) -> PathsSection:
    paths, _ = fold_paths(period_records)
    opened = [p for p in paths.values() if in_zone(p.opened_at, zone).date() in period]
    closed = {r.event.id for r in _unique_records([*period_records, *earlier_records])
              if isinstance(r.event, PathClosed) and in_zone(r.event.at, zone).date() in period}
    sessions = [a for a in appointments.values()
                if a.kind == "usage" and a.status == "attended"
                and in_zone(a.start, zone).date() in period]
    skills = Counter(skill for a in sessions for skill in a.skills)
    areas: Counter[str] = Counter()
    for skill_id, count in skills.items():
        areas[pix_area(catalogue, skill_id)] += count
    return PathsSection(
        opened=len(opened), sessions_agreed=sum(p.sessions for p in opened), closed=len(closed),
        sessions_done=len(sessions),
        skills_reached=_ranked(skills, {k: s.title for k, s in catalogue.skills.items()}),
        skills_by_area=_ranked(areas, {}))


def pix_area(catalogue: Catalogue, skill_id: str) -> str:
    """The Pix area of a skill; a practical skill counts in the area of its Pix competence."""
    skill = catalogue.skills.get(skill_id)
    if skill is None:
        return UNSPECIFIED
    if skill.pix and skill.pix in catalogue.skills:
        return catalogue.skills[skill.pix].area
    return skill.area


def dropin_figures(key: str, label: str, tallies: Sequence[DropinTally]) -> DropinFigures:
    """Sessions, people seen and refused, and the refusal rate: refused / (seen + refused)."""
    seen = sum(t.seen for t in tallies)
    refused = sum(t.refused for t in tallies)
    return DropinFigures(key, label, len(tallies), seen, refused, rate(refused, seen + refused))


def trend_months(period: Period, months: int = TREND_MONTHS) -> list[Month]:
    """The period's months and the `months` before them: the drop-in trend."""
    first = period.months[0]
    for _ in range(months):
        first = first.previous()
    return months_between(first.first_day, period.last)


def _dropins(catalogue: Catalogue, records: Sequence[Record],
             totals: Mapping[str, tuple[int, int, int]], period: Period) -> DropinsSection:
    tallies = current_tallies(r.event for r in _unique_records(records)
                              if isinstance(r.event, DropinTally))
    current = [t for t in tallies if t.date in period]
    names = {s.id: s.name for s in catalogue.team.sites}
    by_site: dict[str, list[DropinTally]] = {site: [] for site in names}
    for tally in current:
        by_site.setdefault(tally.site, []).append(tally)
    by_month: dict[Month, list[DropinTally]] = defaultdict(list)
    for tally in tallies:
        by_month[Month.of(tally.date)].append(tally)
    total = dropin_figures("total", "total", current)
    months = trend_months(period)
    # Months before the first tally are "no data yet", not months with nobody turned away.
    while (len(months) > len(period.months) and months[0] not in by_month
           and str(months[0]) not in totals):
        months.pop(0)
    trend = []
    for month in months:
        figures = dropin_figures(str(month), str(month), by_month.get(month, []))
        if str(month) in totals and month not in by_month:
            sessions, seen, refused = totals[str(month)]
            figures = DropinFigures(str(month), str(month), sessions, seen, refused,
                                    rate(refused, seen + refused))
        trend.append(figures)
    return DropinsSection(
        sessions=total.sessions, seen=total.seen, refused=total.refused,
        refusal_rate=total.refusal_rate,
        by_site=tuple(dropin_figures(s, names.get(s, s), t) for s, t in by_site.items()),
        trend=tuple(trend))


def detail_rows(catalogue: Catalogue, records_by_kind: Mapping[str, Sequence[Record]],
                period: Period, now: dt.datetime, history: History = NO_HISTORY
                ) -> list[DetailRow]:
    """One row per call then per appointment of the period; never a name or a phone."""
    zone = ZoneInfo(catalogue.team.timezone)
    appointments, _ = fold_appointments(_unique_records(
        [*records_by_kind.get("appointments", ()), *history.appointments]))
    links = _call_links([*records_by_kind.get("calls", ()), *history.calls],
                        appointments.values())
    calls_of: dict[str, set[str]] = defaultdict(set)
    for call_id, appointment_ids in links.items():
        for appointment_id in appointment_ids:
            calls_of[appointment_id].add(call_id)
    rows = []
    procedures = catalogue.procedures
    calls = [r.event for r in records_by_kind.get("calls", ())
             if isinstance(r.event, CallRecorded)]
    for call in sorted(calls, key=lambda c: (c.at, c.id)):
        local = in_zone(call.at, zone)
        if local.date() not in period:
            continue
        rows.append(DetailRow(
            "appel", call.id, local.date().isoformat(), f"{local:%H:%M}", call.by, "",
            procedures.current_id(call.procedure or ""), _theme(call, catalogue) or "",
            call.outcome,
            "" if call.duration_min is None else str(call.duration_min),
            "oui" if call.in_shift else "non", shift_of(call, catalogue.team, zone) or "",
            call.redirect_to or "", " ".join(sorted(links.get(call.id, ())))))
    procedures = catalogue.procedures
    for appointment in sorted(appointments.values(), key=lambda a: (a.start, a.id)):
        local = in_zone(appointment.start, zone)
        if local.date() not in period:
            continue
        procedure = procedures.get(appointment.procedure or "")
        rows.append(DetailRow(
            "rendez-vous", appointment.id, local.date().isoformat(), f"{local:%H:%M}",
            appointment.mediator, appointment.kind,
            procedures.current_id(appointment.procedure or ""),
            (procedure.theme or "") if procedure else "", appointment.situation(now),
            str(appointment.duration_min), "", "", "",
            " ".join([*sorted(calls_of.get(appointment.id, ())), *filter(None, [
                appointment.path])])))
    return rows


