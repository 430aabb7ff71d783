"""Calendars as iCalendar (RFC 5545) text: appointments, phone shifts, drop-ins (pure).

Everything here is a function of its arguments — no clock, no files — so two
exports of unchanged data are byte-identical and cron can skip unchanged files.

Rules that make the output stable:
- UID: `<appointment id>@mediatool` for appointments; series, absences and
  closures get a UID built from what they describe (day, hours, site, dates),
  so changing a shift's hours replaces its series instead of editing it.
- DTSTAMP / LAST-MODIFIED: the time of the appointment's last event (never the
  clock); CREATED: when it was booked. Events that come from team.yaml
  (series, absences, closures) have no recorded time: they are stamped with
  the first day they cover, at midnight UTC.
- SEQUENCE: the number of revisions after the first one, i.e. the number of
  events recorded after `booked` (cancelled, attended, no_show, anonymised).
  SPEC §3.6 says "equal to the number of revisions"; RFC 5545 §3.8.7.4 wants
  0 for the first version, so a freshly booked appointment (one revision)
  has SEQUENCE:0 and a cancelled one SEQUENCE:1.
- Ordering: series, then all-day blocks, then appointments by (start, UID).

VEVENT lines are written by the small serializer below (escaping RFC 5545
§3.3.11, folding §3.1) rather than by icalendar's component tree: icalendar
7 needs about 0.7 ms per event, which alone would miss the 2 s goal for
10,000 appointments. icalendar still generates the VTIMEZONE from zoneinfo,
and the tests parse every file back with icalendar and recurring-ical-events.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from mediatool.core import days
from mediatool.core.catalogue import Catalogue
from mediatool.core.labels import KIND_LABELS, STATUS_LABELS
from mediatool.core.localtime import in_zone
from mediatool.core.model import (
    DateRange,
    DropinSession,
    Mediator,
    Organisation,
    Procedure,
    Site,
    Team,
    WeeklySlot,
)
from mediatool.core.period import Month
from mediatool.core.state import Appointment, LearningPath
from mediatool.core.values import frozen
from mediatool.formats.fiche import organisation_contact

UID_DOMAIN = "mediatool"
PRODID = "-//mediatool//Calendriers des mediateurs numeriques//FR"
WINDOW_PAST = dt.timedelta(days=30)
TEAM_CALENDAR = "equipe"
PHONE_CALENDAR = "permanences-telephoniques"
RESERVED_NAMES = (TEAM_CALENDAR, PHONE_CALENDAR)
FINGERPRINT_PROPERTY = "X-MEDIATOOL-FINGERPRINT"
REFRESH = "PT15M"  # cron runs every few minutes: subscribers may poll this often


# ---- serializer ------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT (HTAB, LF ok)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, `;`, `,` and newlines escaped."""
    if "\r" in value or _CONTROL.search(value):
        value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> bytes:
    """One content line in UTF-8, folded at 75 octets without splitting a character."""
    if "\n" in line or "\r" in line:
        # One property per line: a line break inside a value would start a new property.
        line = line.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # continuation byte: step back to a character start
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines begin with one space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _stamp(moment: dt.datetime) -> str:
    # strftime is several times slower, and this runs six times per appointment
    return (f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
            f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}")


def _utc(moment: dt.datetime) -> str:
    return _stamp(moment.astimezone(dt.UTC)) + "Z"


def _local(moment: dt.datetime, zone: ZoneInfo) -> str:
    return _stamp(in_zone(moment, zone))


def _date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


@frozen
class Event:
    """One VEVENT: its UID, where it sorts, and its folded content lines."""

    uid: str
    sort_key: tuple[int, str, str]
    text: bytes  # BEGIN:VEVENT … END:VEVENT, UTF-8, CRLF line ends
    start: dt.datetime
    recurring: bool = False


class _Lines:
    """Collects the folded content lines of one component."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def add(self, name: str, value: str) -> None:
        self.parts.append(fold(f"{name}:{value}"))

    def text(self, name: str, value: str | None) -> None:
        if value:
            self.parts.append(fold(f"{name}:{escape_text(value)}"))

    def build(self) -> bytes:
        return b"".join(self.parts)


def _event(uid: str, sort_key: tuple[int, str, str], start: dt.datetime,
           lines: _Lines, recurring: bool = False) -> Event:
    return Event(uid, sort_key, b"BEGIN:VEVENT\r\n" + lines.build() + b"END:VEVENT\r\n",
                 start, recurring)


# ---- calendars -------------------------------------------------------------

@frozen
class CalendarFile:
    """One calendar: written as `<name>.ics` and pushed as CalDAV calendar `<name>`."""

    name: str
    title: str
    description: str
    tzid: str
    vtimezone: bytes
    events: tuple[Event, ...]

    def to_ics(self) -> bytes:
        """The whole calendar, for a subscription (METHOD:PUBLISH)."""
        parts = [self._header(publish=True), self.vtimezone]
        parts.extend(event.text for event in self.events)
        parts.append(b"END:VCALENDAR\r\n")
        return b"".join(parts)

    def object_ics(self, event: Event) -> bytes:
        """One event as a CalDAV object: no METHOD (RFC 4791 §4.1), with a fingerprint.

        The fingerprint lets a push skip events whose content did not change,
        whatever the server does to the text it stores.
        """
        marker = f"{FINGERPRINT_PROPERTY}:{fingerprint(event)}\r\n".encode()
        text = event.text.replace(b"END:VEVENT\r\n", marker + b"END:VEVENT\r\n")
        return self._header(publish=False) + self.vtimezone + text + b"END:VCALENDAR\r\n"

    def _header(self, publish: bool) -> bytes:
        lines = _Lines()
        lines.add("VERSION", "2.0")
        lines.add("PRODID", PRODID)
        lines.add("CALSCALE", "GREGORIAN")
        if publish:
            lines.add("METHOD", "PUBLISH")
            lines.text("X-WR-CALNAME", self.title)
            lines.text("X-WR-CALDESC", self.description)
            lines.add("X-WR-TIMEZONE", self.tzid)
            lines.add("REFRESH-INTERVAL;VALUE=DURATION", REFRESH)
            lines.add("X-PUBLISHED-TTL", REFRESH)
        return b"BEGIN:VCALENDAR\r\n" + lines.build()


def fingerprint(event: Event) -> str:
    """A short digest of an event's text: equal digests, equal events."""
    return hashlib.sha256(event.text).hexdigest()[:20]


@functools.lru_cache(maxsize=16)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of `tzid` for those years, generated from zoneinfo by icalendar."""
    from icalendar import Timezone

    component = Timezone.from_tzid(tzid, first_date=dt.date(first_year, 1, 1),
                                   last_date=dt.date(last_year + 1, 1, 1))
    return component.to_ical().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def window_start(now: dt.datetime) -> dt.datetime:
    """Appointments ending before this are left out: the past 30 days and everything ahead."""
    return now - WINDOW_PAST


def horizon(now: dt.datetime) -> dt.date:
    """Last day weekly series are written up to (holidays are known that far)."""
    return dt.date(now.year + 1, 12, 31)


@frozen
class Context:
    """What every event needs: the catalogue, the team's zone, privacy, the window."""

    catalogue: Catalogue
    paths: Mapping[str, LearningPath]
    zone: ZoneInfo
    private: bool
    first: dt.datetime  # window start
    last_day: dt.date  # series horizon

    @property
    def team(self) -> Team:
        return self.catalogue.team

    @property
    def tzid(self) -> str:
        return self.team.timezone

    def mediator_label(self, mediator_id: str) -> str:
        """The mediator's id, or with --private their display name."""
        return self._labels.get(mediator_id, mediator_id)

    def appointment_site(self, a: Appointment) -> Site | None:
        """Where the appointment takes place: its own site, else its mediator's."""
        return self._sites.get(a.site) or self._sites.get(self._home_sites.get(a.mediator))

    # Lookups done for every appointment, as dicts rather than scans of the team.
    @functools.cached_property
    def _labels(self) -> dict[str, str]:
        return {m.id: m.name for m in self.team.mediators} if self.private else {}

    @functools.cached_property
    def _sites(self) -> dict[str | None, Site]:
        return {s.id: s for s in self.team.sites}

    @functools.cached_property
    def _home_sites(self) -> dict[str, str | None]:
        return {m.id: m.site for m in self.team.mediators}


def build_calendars(catalogue: Catalogue, appointments: Iterable[Appointment],
                    paths: Mapping[str, LearningPath], now: dt.datetime,
                    private: bool = False) -> list[CalendarFile]:
    """Every calendar of the export: one per mediator, the team's, the phone shifts'.

    `appointments` may hold more than the window: those that ended more than
    30 days before `now` are left out. With `private`, names, phones, notes
    and absence reasons are added; without it no person's name or phone is
    written anywhere.
    """
    team = catalogue.team
    zone = ZoneInfo(team.timezone)
    now = in_zone(now, zone)
    ctx = Context(catalogue, paths, zone, private, window_start(now), horizon(now))
    chosen = sorted((a for a in appointments if a.end >= ctx.first),
                    key=lambda a: (a.start, a.id))
    series_first = Month.of(ctx.first.date()).first_day

    phone = [_phone_shift(ctx, slot, series_first) for slot in
             (team.phone_line.shifts if team.phone_line else ())]
    dropins = [_dropin(ctx, session, series_first) for session in team.dropins]
    closures = [_closure(ctx, c) for c in team.closures if c.end >= ctx.first.date()]
    absences = {m.id: [_absence(ctx, m, a) for a in m.absences if a.end >= ctx.first.date()]
                for m in team.mediators}

    own: dict[str, list[Event]] = {m.id: [] for m in team.mediators}
    everyone: list[Event] = []
    for appointment in chosen:
        mine, shared = _appointment(ctx, appointment)
        if appointment.mediator in own:
            own[appointment.mediator].append(mine)
        everyone.append(shared)

    years = [ctx.first.year, ctx.last_day.year]
    if chosen:
        years.append(in_zone(chosen[-1].end, zone).year)
    years.extend(c.end.year for c in team.closures)
    years.extend(a.end.year for m in team.mediators for a in m.absences)
    timezone = vtimezone(team.timezone, ctx.first.year, max(years))

    def calendar(name: str, title: str, description: str, events: list[Event]
                 ) -> CalendarFile:
        # A UID must be unique in a calendar; team.yaml may repeat a drop-in or an
        # absence word for word, which describes the same event once.
        unique: dict[str, Event] = {}
        for event in sorted(events, key=lambda e: e.sort_key):
            unique.setdefault(event.uid, event)
        return CalendarFile(name, title, description, team.timezone, timezone,
                            tuple(unique.values()))

    files = []
    for mediator in sorted(team.mediators, key=lambda m: m.id):
        files.append(calendar(
            mediator.id, f"Rendez-vous — {ctx.mediator_label(mediator.id)}",
            f"{team.service} : rendez-vous, absences et fermetures",
            own[mediator.id] + absences[mediator.id] + closures))
    files.append(calendar(
        TEAM_CALENDAR, f"Équipe — {team.service}",
        f"{team.service} : rendez-vous de toute l'équipe, permanences, absences, fermetures",
        everyone + phone + dropins + closures + [e for m in team.mediators
                                                 for e in absences[m.id]]))
    files.append(calendar(
        PHONE_CALENDAR, f"Permanences téléphoniques — {team.service}",
        f"{team.service} : créneaux de la ligne téléphonique (jours fériés et fermetures "
        "exclus)", phone))
    return files


# ---- appointments ----------------------------------------------------------

def appointment_uid(appointment_id: str) -> str:
    """The UID of an appointment: the same for every export, as long as the id lives."""
    return f"{escape_text(appointment_id)}@{UID_DOMAIN}"


def _appointment(ctx: Context, a: Appointment) -> tuple[Event, Event]:
    """The appointment as its mediator's calendar shows it, and as the team's does.

    Both share every line but SUMMARY (the team's names the mediator), so
    they are built together: this runs 10,000 times in the benchmark.
    """
    cancelled = a.status == "cancelled"
    procedure = ctx.catalogue.procedures.get(a.procedure) if a.procedure else None
    path = ctx.paths.get(a.path) if a.path else None
    title = _appointment_title(ctx, a, procedure, path)
    prefix = "Annulé — " if cancelled else ""
    suffix = f" — {a.person}" if ctx.private and a.person else ""
    last_change = a.last_change or a.booked_at
    uid = appointment_uid(a.id)
    stamp = _utc(last_change)
    head = (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp}\r\nCREATED:{_utc(a.booked_at)}\r\n"
            f"LAST-MODIFIED:{stamp}\r\nSEQUENCE:{a.revisions - 1}\r\n").encode()
    head += fold(f"DTSTART;TZID={ctx.tzid}:{_local(a.start, ctx.zone)}")
    head += fold(f"DTEND;TZID={ctx.tzid}:{_local(a.end, ctx.zone)}")
    tail = _Lines()
    tail.text("DESCRIPTION", _appointment_description(ctx, a, procedure, path))
    tail.parts.append(_location_line(ctx.appointment_site(a)))
    # A cancelled appointment no longer blocks time, even in clients that ignore STATUS.
    tail.parts.append(b"STATUS:CANCELLED\r\nTRANSP:TRANSPARENT\r\n" if cancelled
                      else b"STATUS:CONFIRMED\r\nTRANSP:OPAQUE\r\n")
    tail.text("CATEGORIES", f"Rendez-vous {KIND_LABELS[a.kind]}")
    if ctx.private and (a.person or a.phone):
        tail.text("CONTACT", ", ".join(p for p in (a.person, a.phone) if p))
    tail.parts.append(b"END:VEVENT\r\n")
    end = tail.build()
    key = (2, _utc(a.start), uid)
    own = fold("SUMMARY:" + escape_text(prefix + title + suffix))
    team = fold("SUMMARY:" + escape_text(
        f"{prefix}{title} ({ctx.mediator_label(a.mediator)}){suffix}"))
    return (Event(uid, key, head + own + end, a.start),
            Event(uid, key, head + team + end, a.start))


@functools.lru_cache(maxsize=256)
def _location_line(site: Site | None) -> bytes:
    text = site.label() if site else None
    return fold("LOCATION:" + escape_text(text)) if text else b""


def _appointment_title(ctx: Context, a: Appointment, procedure: Procedure | None,
                       path: LearningPath | None) -> str:
    if a.kind == "demarche":
        what = procedure.title if procedure else (a.procedure or "")
        return f"RDV démarche — {what}" if what else "RDV démarche"
    skills = _skill_titles(ctx, path.skills if path else a.skills)
    return f"RDV usage — {', '.join(skills)}" if skills else "RDV usage"


def _skill_titles(ctx: Context, skill_ids: Sequence[str]) -> list[str]:
    out = []
    for skill_id in skill_ids:
        skill = ctx.catalogue.skills.get(skill_id)
        out.append(skill.title if skill else skill_id)
    return out


def _appointment_description(ctx: Context, a: Appointment, procedure: Procedure | None,
                             path: LearningPath | None) -> str:
    status = "prévu" if a.status == "booked" else STATUS_LABELS[
        a.situation(a.last_change or a.booked_at)]
    lines = [f"Rendez-vous {KIND_LABELS[a.kind]} {a.id} — {status}",
             f"Médiateur·rice : {ctx.mediator_label(a.mediator)}",
             f"Durée : {a.duration_min} min"]
    if a.status == "cancelled" and a.last_change:
        who = "par la personne" if a.cancelled_by_person else "par le service"
        lines.append(f"Annulé {who} le {in_zone(a.last_change, ctx.zone):%d/%m/%Y à %H:%M}")
    if procedure is not None:
        lines.extend(_procedure_lines(procedure, ctx.catalogue.organisation_of(procedure)))
    elif a.procedure:
        lines.append(f"Démarche : {a.procedure} (absente du catalogue)")
    if a.kind == "usage":
        if path is not None:
            lines.append(f"Parcours {path.id} ({path.sessions} séances), compétences visées :")
            lines.extend(f"- {t}" for t in _skill_titles(ctx, path.skills))
        elif a.path:
            lines.append(f"Parcours {a.path}")
        if a.skills:
            lines.append("Compétences acquises : " + ", ".join(_skill_titles(ctx, a.skills)))
    if ctx.private:
        lines.extend(f"{label} : {value}" for label, value in (
            ("Personne", a.person), ("Téléphone", a.phone), ("Note", a.note)) if value)
    return "\n".join(lines)


@functools.lru_cache(maxsize=1024)
def _procedure_lines(procedure: Procedure, organisation: Organisation | None
                     ) -> tuple[str, ...]:
    """What to know before coming: the same for every appointment of a procedure."""
    lines = [f"Démarche : {procedure.title}"]
    if organisation is not None:
        lines.append(f"Organisme : {organisation_contact(organisation)}")
    for heading, items in (("Pièces à apporter :", procedure.documents),
                           ("Prérequis :", procedure.prerequisites)):
        if items:
            lines.append(heading)
            lines.extend(f"- {item}" for item in items)
    if procedure.online_service:
        lines.append(f"Service en ligne : {procedure.online_service}")
    return tuple(lines)


# ---- weekly series, absences, closures --------------------------------------

def _weekly(ctx: Context, uid: str, slot: WeeklySlot | DropinSession, first_day: dt.date, summary: str,
            description: str, location: str | None) -> Event:
    """A weekly series from `first_day` to the horizon; holidays and closures as EXDATE."""
    first = first_day + dt.timedelta(days=(slot.weekday - first_day.weekday()) % 7)
    last = ctx.last_day - dt.timedelta(days=(ctx.last_day.weekday() - slot.weekday) % 7)
    start = dt.datetime.combine(first, slot.start, ctx.zone)
    excluded = []
    day = first
    while day <= last:
        if not days.service_open(ctx.team, day):
            excluded.append(day)
        day += dt.timedelta(days=7)
    lines = _Lines()
    lines.add("UID", uid)
    lines.add("DTSTAMP", _utc(_midnight_utc(first_day)))
    lines.add(f"DTSTART;TZID={ctx.tzid}", _local(start, ctx.zone))
    lines.add(f"DTEND;TZID={ctx.tzid}",
              _local(dt.datetime.combine(first, slot.end, ctx.zone), ctx.zone))
    # UNTIL must be in UTC when DTSTART has a TZID (RFC 5545 §3.3.10).
    lines.add("RRULE", "FREQ=WEEKLY;UNTIL=" + _utc(dt.datetime.combine(last, slot.start,
                                                                       ctx.zone)))
    if excluded:
        time = slot.start.strftime("T%H%M%S")
        lines.add(f"EXDATE;TZID={ctx.tzid}", ",".join(_date(d) + time for d in excluded))
    lines.text("SUMMARY", summary)
    lines.text("DESCRIPTION", description)
    lines.text("LOCATION", location)
    lines.add("STATUS", "CONFIRMED")
    lines.add("TRANSP", "OPAQUE")
    return _event(uid, (0, uid, ""), start, lines, recurring=True)


def _slot_key(slot: WeeklySlot | DropinSession) -> str:
    return f"{slot.day}-{slot.start:%H%M}-{slot.end:%H%M}"


def _phone_shift(ctx: Context, slot: WeeklySlot, first_day: dt.date) -> Event:
    line = ctx.team.phone_line
    number = line.number if line else ""
    description = (f"Ligne téléphonique du service ({number}) : pré-diagnostic des "
                   "démarches, orientation, prise de rendez-vous.\n"
                   "Pas de permanence les jours fériés ni pendant les fermetures du service.")
    return _weekly(ctx, f"telephone-{_slot_key(slot)}@{UID_DOMAIN}", slot, first_day,
                   "Permanence téléphonique", description, None)


def _dropin(ctx: Context, session: DropinSession, first_day: dt.date) -> Event:
    site = ctx.team.site(session.site)
    name = site.name if site else session.site
    return _weekly(ctx, f"permanence-{session.site}-{_slot_key(session)}@{UID_DOMAIN}",
                   session, first_day, f"Permanence sans rendez-vous — {name}",
                   "Accueil sans rendez-vous : aide aux démarches en ligne.\n"
                   "Pas de permanence les jours fériés ni pendant les fermetures du service.",
                   site.label() if site else None)


def _all_day(uid: str, period: DateRange, summary: str, description: str | None,
             zone: ZoneInfo) -> Event:
    lines = _Lines()
    lines.add("UID", uid)
    lines.add("DTSTAMP", _utc(_midnight_utc(period.start)))
    lines.add("DTSTART;VALUE=DATE", _date(period.start))
    lines.add("DTEND;VALUE=DATE", _date(period.end + dt.timedelta(days=1)))  # exclusive
    lines.text("SUMMARY", summary)
    lines.text("DESCRIPTION", description)
    lines.add("STATUS", "CONFIRMED")
    lines.add("TRANSP", "OPAQUE")
    start = dt.datetime.combine(period.start, dt.time(0), zone)
    return _event(uid, (1, period.start.isoformat(), uid), start, lines)


def _absence(ctx: Context, mediator: Mediator, period: DateRange) -> Event:
    """A busy block: the mediator is away (the reason only with --private)."""
    label = ctx.mediator_label(mediator.id)
    description = "Pas de rendez-vous possible."
    if ctx.private and period.reason:
        description = f"Motif : {period.reason}\n" + description
    uid = (f"absence-{mediator.id}-{_date(period.start)}-{_date(period.end)}@{UID_DOMAIN}")
    return _all_day(uid, period, f"Absence — {label}", description, ctx.zone)


def _closure(ctx: Context, period: DateRange) -> Event:
    uid = f"fermeture-{_date(period.start)}-{_date(period.end)}@{UID_DOMAIN}"
    summary = "Service fermé" + (f" — {period.reason}" if period.reason else "")
    return _all_day(uid, period, summary, "Ni rendez-vous, ni permanence, ni ligne "
                    "téléphonique.", ctx.zone)
