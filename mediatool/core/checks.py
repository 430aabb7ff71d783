"""Whole-folder validations for `mediatool check` (pure).

A record file is summarised once (`summarise`): its own problems plus the few facts the
folder-wide rules need — ids, referenced catalogue ids with their lines, the fold of its
appointments and paths, the half-days each mediator uses per week. Summaries hold nothing
that depends on the catalogue's content or on `now` except `usage`, which is tagged with
the team settings it was computed with. `FolderChecks` takes summaries one file at a time
(memory: one month plus the summaries) and runs every folder-wide rule over them on each
`check`: references, event order, unique ids, anonymous calls, personal data left after
`purge`, caps and overlaps. Ids whose events span several files are folded again from
their records (`cross_files`), so the answer never depends on how files were cut.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import posixpath
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mediatool.core.catalogue import Catalogue, Team
from mediatool.core.errors import Problem
from mediatool.core.hashing import blake2b
from mediatool.core.localtime import in_zone
from mediatool.core.model import (
    Anonymised,
    AppointmentAttended,
    AppointmentBooked,
    CallRecorded,
    DropinTally,
    PathOpened,
    Record,
    WaitAdded,
)
from mediatool.core.period import FIRST_YEAR, LAST_YEAR, Month
from mediatool.core.personal_data import national_digits
from mediatool.core.retention import file_of, leftover_personal_data
from mediatool.core.scheduling import zone_of
from mediatool.core.state import (
    Appointment,
    LearningPath,
    fold_appointments,
    fold_paths,
    fold_waitlist,
)
from mediatool.core.text import refused_character
from mediatool.core.values import frozen

# Bump when a summary's meaning changes: cached summaries of another version are rebuilt.
SUMMARY_VERSION = 6  # 4: the fold state may be kept apart; 5: refs and usage packed;
# 6: control characters in stored text


@frozen
class FolderSnapshot:
    """Everything a check may look at, already read (tests, small folders)."""

    catalogue: Catalogue
    records: Mapping[str, list[Record]]
    now: dt.datetime
    extra: Mapping[str, object] = field(default_factory=dict)


# French phone numbers: 0X XX XX XX XX, +33 X…, +33 (0)X…, with spaces, dots or dashes.
PHONE_PATTERN = re.compile(
    r"(?<![\d+])(?:\+33\s?(?:\(0\)\s?)?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


# -- one file's summary ----------------------------------------------------------------

# Referenced catalogue ids, in the order a record's problems are listed.
_REFERENCE_ORDER = {"procedure": 0, "organisation": 1, "mediator": 2, "skill": 3, "site": 4}
_UNKNOWN = {"procedure": "démarche inconnue", "organisation": "organisation inconnue",
            "mediator": "médiateur inconnu", "skill": "compétence inconnue",
            "site": "lieu inconnu"}
_CREATING = {"appointments": "booked", "paths": "opened"}
_UNIQUE = {"calls": "call", "dropins": "tally"}


@dataclass
class FileSummary:
    """What `check` keeps of one record file (JSON values only, see `to_data`)."""

    kind: str
    source: str
    count: int = 0  # records read
    problems: list[Problem] = field(default_factory=list)  # the file's own
    # what → catalogue id → lines; read back from the cache as "12 25 38", split if shown
    refs: dict[str, dict[str, list[int] | str]] = field(default_factory=dict)
    ids: list[str] | str = field(default_factory=list)  # calls, tallies: unique ids
    id_lines: list[int] | str = field(default_factory=list)  # their lines; text when read back
    contacts: list[tuple[int, str, list[str], bool]] = field(default_factory=list)
    created: list[str] | str = field(default_factory=list)  # appointments booked, paths opened
    foreign: list[str] = field(default_factory=list)  # events for ids created elsewhere
    erased: list[str] = field(default_factory=list)  # ids anonymised here
    fold_problems: list[tuple[str, Problem]] = field(default_factory=list)  # (id, problem)
    leftovers: list[tuple[str, Problem]] = field(default_factory=list)  # (id, problem)
    state: str = "[]"  # JSON text of the file's fold, decoded only when needed
    team: str = ""  # the team settings `usage` was computed with
    # (mediator, ISO year, week, half-days used: bit 2×day + afternoon, from the Monday)
    usage: list[tuple[str, int, int, int]] = field(default_factory=list)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)  # mediator → times
    pairs: list[tuple[str, str]] = field(default_factory=list)  # overlapping ids
    latest: float | None = None  # start of the last still-booked appointment
    # waiting entries still open with a deadline: (id, deadline AAAA-MM-JJ, line)
    deadlines: list[tuple[str, str, int]] = field(default_factory=list)
    # The fold is most of a summary and seldom needed: a summary read back from the cache
    # may get it from here, on first use (`fold_state`).
    load_state: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    def fold_state(self) -> str:
        if self.load_state is not None:
            self.state, self.load_state = self.load_state(), None
        return self.state

    def state_reader(self) -> Callable[[], str]:
        """Where the fold state comes from, holding nothing else of the summary: the
        schedule rules keep one per file until the end of a check, not whole summaries."""
        if self.load_state is not None:
            return self.load_state
        state = self.state
        return lambda: state

    def to_data(self, with_state: bool = True) -> dict[str, Any]:
        """JSON values (without `state` when it is kept apart, see store/check_cache)."""
        if with_state:
            self.fold_state()
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("load_state", "id_lines") and (with_state or f.name != "state")}
        # JSON decodes a few long texts much faster than many small values: ids and their
        # lines are one text each, each `what` its values and their lines ("12 25|38"),
        # the usage rows one list of numbers.
        data["refs"] = {what: [list(values), "|".join(
            n if isinstance(n, str) else " ".join(map(str, n)) for n in values.values())]
            for what, values in self.refs.items()}
        mediators = list(dict.fromkeys(m for m, *_ in self.usage))
        rank = {m: i for i, m in enumerate(mediators)}
        data["usage"] = [mediators, [n for m, y, w, k in self.usage for n in (rank[m], y, w, k)]]
        data["created"] = _text(self.created)
        data["ids"] = [_text(self.ids), self.id_lines if isinstance(self.id_lines, str)
                       else " ".join(map(str, self.id_lines))]
        data["problems"] = [_problem_data(p) for p in self.problems]
        data["fold_problems"] = [[i, _problem_data(p)] for i, p in self.fold_problems]
        data["leftovers"] = [[i, _problem_data(p)] for i, p in self.leftovers]
        return data

    @classmethod
    def from_data(cls, data: object) -> FileSummary | None:
        """A summary read back from the cache; None for anything not exactly ours."""
        try:
            assert isinstance(data, dict)
            found = cls(
                kind=str(data["kind"]), source=str(data["source"]), count=int(data["count"]),
                problems=[_problem(p) for p in data["problems"]],
                refs=_refs(data["refs"]),
                ids=_id_text(data["ids"][0]), id_lines=_line_text(data["ids"]),
                contacts=[(int(n), str(i), [str(d) for d in digits], bool(mail))
                          for n, i, digits, mail in data["contacts"]],
                created=_id_text(data["created"]),
                foreign=[str(i) for i in data["foreign"]],
                erased=[str(i) for i in data["erased"]],
                fold_problems=[(str(i), _problem(p)) for i, p in data["fold_problems"]],
                leftovers=[(str(i), _problem(p)) for i, p in data["leftovers"]],
                state=str(data.get("state", "[]")), team=str(data["team"]),
                usage=_usage_rows(data["usage"]),
                spans={str(m): (float(a), float(b)) for m, (a, b) in data["spans"].items()},
                pairs=[(str(a), str(b)) for a, b in data["pairs"]],
                latest=None if data["latest"] is None else float(data["latest"]),
                deadlines=[(str(i), str(d), int(n)) for i, d, n in data["deadlines"]])
            if not well_formed_state(found.state):
                raise ValueError  # decoded only when a rule needs it
        except (AssertionError, KeyError, TypeError, ValueError, AttributeError):
            return None
        return found


def well_formed_state(state: object) -> bool:
    """A fold state as `summarise` encodes it (a JSON list), checked without decoding."""
    return isinstance(state, str) and state.startswith("[") and state.endswith("]")


def _refs(data: Any) -> dict[str, dict[str, list[int] | str]]:
    """Lines are many: kept as text, split (and checked) only where they are shown."""
    if not isinstance(data, dict):
        raise TypeError
    refs: dict[str, dict[str, list[int] | str]] = {}
    for what, (values, lines) in data.items():
        if what not in _REFERENCE_ORDER or not isinstance(values, list) \
                or not set(map(type, values)) <= {str}:  # in bulk: they are thousands
            raise TypeError
        refs[what] = dict(zip(values, lines.split("|") if values else [], strict=True))
    return refs


def _usage_rows(data: Any) -> list[tuple[str, int, int, int]]:
    """(mediator, ISO year, week, half-days) rows read back: ten years are 30,000 rows,
    saved as one list of numbers with the mediators apart, checked in bulk."""
    mediators, numbers = data
    if not isinstance(mediators, list) or not set(map(type, mediators)) <= {str} \
            or not isinstance(numbers, list) or not set(map(type, numbers)) <= {int}:
        raise TypeError
    names = list(map(sys.intern, mediators))
    ranks, years, weeks, masks = (numbers[i::4] for i in range(4))
    if ranks and min(ranks) < 0:
        raise ValueError
    return list(zip(map(names.__getitem__, ranks), years, weeks, masks, strict=True))


def _lines(lines: list[int] | str) -> list[int]:
    return [int(n) for n in lines.split()] if isinstance(lines, str) else lines


def _words(ids: list[str] | str) -> list[str]:
    """Ids as a list: a summary read back keeps them as one text, split only if needed."""
    return ids.split() if isinstance(ids, str) else ids


def _text(ids: list[str] | str) -> str:
    return ids if isinstance(ids, str) else " ".join(ids)


def _id_text(ids: Any) -> str:
    if not isinstance(ids, str):
        raise TypeError
    return ids


def _line_text(ids: Any) -> str:
    """The lines of saved unique ids, as text: as many numbers as ids (split when shown)."""
    idents, lines = ids
    if not isinstance(lines, str) or (lines.count(" ") + 1 if lines else 0) != \
            (idents.count(" ") + 1 if idents else 0):
        raise ValueError
    return lines


def _problem_data(problem: Problem) -> dict[str, Any]:
    return dataclasses.asdict(problem)


def _problem(data: Any) -> Problem:
    if not isinstance(data, dict):
        raise TypeError
    return Problem(str(data["source"]), None if data["line"] is None else int(data["line"]),
                   str(data["message"]), None if data["hint"] is None else str(data["hint"]),
                   None if data["column"] is None else int(data["column"]),
                   str(data["severity"]), bool(data["blocking"]))


def team_key(team: Team) -> str:
    """The team settings the half-days of an appointment depend on."""
    return f"{team.timezone}|{team.halfday_boundary.isoformat()}"


def may_continue(summary: FileSummary, records: Iterable[Record]) -> bool:
    """Can `summarise(..., previous=summary)` take these appended records, or must the whole
    file be summarised again? An anonymisation changes what earlier records mean."""
    if summary.kind == "waitlist":  # small files, their fold is not kept: read whole
        return False
    erased = set(summary.erased)
    return not any(isinstance(r.event, Anonymised) or r.event.id in erased for r in records)


def summarise(kind: str, source: str, records: Sequence[Record], problems: Iterable[Problem],
              team: Team, previous: FileSummary | None = None) -> FileSummary:
    """Summarise a record file's records (with `previous`: only the records appended since)."""
    if previous is not None:
        previous.fold_state()
    summary = FileSummary(kind, source) if previous is None else dataclasses.replace(
        previous, load_state=None, problems=list(previous.problems), ids=list(_words(previous.ids)),
        id_lines=list(_lines(previous.id_lines)),
        contacts=list(previous.contacts),
        refs={k: {v: list(_lines(n)) for v, n in vals.items()}
              for k, vals in previous.refs.items()})
    summary.count += len(records)
    summary.problems.extend(problems)
    for record in records:
        _note_references(summary.refs, record)
    if kind in _UNIQUE:
        unique = [r for r in records if r.event.event == _UNIQUE[kind]]
        assert isinstance(summary.ids, list) and isinstance(summary.id_lines, list), \
            "a summary being built holds lists"
        summary.ids.extend(r.event.id for r in unique)
        summary.id_lines.extend(r.line for r in unique)
    if kind == "calls":
        summary.contacts.extend(_contacts(records))
    if kind in _CREATING:
        _summarise_fold(summary, kind, records, team, previous)
    if kind == "waitlist":
        _summarise_waitlist(summary, records)
    if kind == "dropins":
        summary.problems.extend(_replacements(summary, records))
    summary.problems.extend(_misplaced(kind, records, team))
    summary.problems.extend(_control_characters(records))
    return summary


def _summarise_waitlist(summary: FileSummary, records: Sequence[Record]) -> None:
    """A waiting entry's events all live in its inscription's file: folded here, whole."""
    entries, wrong = fold_waitlist(records)
    ids_at = {r.line: r.event.id for r in records}
    summary.fold_problems = [(ids_at.get(p.line or 0, ""), p) for p in wrong]
    summary.leftovers = [(r.event.id, _leftover_problem(r))
                         for r in leftover_personal_data(records)]
    summary.deadlines = [(e.id, e.before.isoformat(), e.line or 0) for e in entries.values()
                         if e.is_open and e.before is not None]


def _replacements(summary: FileSummary, records: Sequence[Record]) -> list[Problem]:
    """`dropin --replace` names tallies of the same site and day: the same month file."""
    tallies = {r.event.id: r.event for r in records if isinstance(r.event, DropinTally)}
    earlier = set(_words(summary.ids))
    problems = []
    for record in records:
        event = record.event
        for old in getattr(event, "replaces", ()):
            replaced = tallies.get(old)
            if (replaced is None and old not in earlier) or (
                    replaced is not None
                    and (replaced.site, replaced.date) != (event.site, event.date)):
                problems.append(_warn(record, f"le bilan {event.id} remplace {old}, "
                                      "qui n'est pas un bilan du même lieu et du même jour",
                                      "vérifiez le champ « replaces » (dropin --replace)"))
    return problems


def _home_month(record: Record, zone: dt.tzinfo) -> Month | None:
    """The month file a creating event belongs in (where every command looks for it)."""
    event = record.event
    if isinstance(event, AppointmentBooked):
        return Month.of(in_zone(event.start, zone).date())
    if isinstance(event, CallRecorded | PathOpened | WaitAdded):
        return Month.of(in_zone(event.at, zone).date())
    if isinstance(event, DropinTally):
        return Month.of(event.date)
    return None


def _misplaced(kind: str, records: Sequence[Record], team: Team) -> list[Problem]:
    """The one reading rule: an appointment lives in the month file of its start, a call, a
    path or a waiting entry in that of its recording, a tally in that of its day. Elsewhere
    the weekly rules of `book` and the `agenda` do not see it."""
    zone = zone_of(team.timezone)
    problems = []
    for record in records:
        where = file_of(record.source)
        home = _home_month(record, zone)
        if where is None or home is None or where[1] == home:
            continue
        problems.append(Problem(record.source, record.line,
                                f"{record.event.id} est rangé dans le mauvais mois : "
                                "agenda et réservations ne le voient pas ici",
                                f"déplacez ce document dans records/{kind}/{home}.yaml"))
    return problems


def _control_characters(records: Sequence[Record]) -> list[Problem]:
    """Text holding a control or invisible character: YAML lets a double-quoted value
    carry one as an escape ("\\e", "\\u202e"), which no command writes. Terminals show it
    as « ? » (core/text.terminal_safe), but the value is not what anyone typed."""
    problems = []
    for record in records:
        for name, value in vars(record.event).items():
            texts = (value,) if type(value) is str else value if type(value) is tuple else ()
            # isprintable() at C speed first: nearly every value is plain text
            odd = next(filter(None, (refused_character(text) for text in texts
                                     if type(text) is str and not text.isprintable())), None)
            if odd is not None:
                problems.append(Problem(
                    record.source, record.line, f"{record.event.id} : caractère de contrôle "
                    f"ou invisible (U+{ord(odd):04X}) dans « {name} »",
                    "retirez-le de la valeur dans le fichier (la séquence « \\… » entre "
                    "guillemets doubles)", severity="warning"))
    return problems


def _note_references(refs: dict[str, dict[str, list[int] | str]], record: Record) -> None:
    event = record.event
    found: list[tuple[str, str | None]] = []
    if isinstance(event, CallRecorded):
        found = [("procedure", event.procedure), ("organisation", event.redirect_to),
                 ("mediator", event.by)]
    elif isinstance(event, AppointmentBooked):
        found = [("mediator", event.mediator), ("procedure", event.procedure)]
    elif isinstance(event, AppointmentAttended | PathOpened):
        found = [("skill", s) for s in event.skills]
    elif isinstance(event, DropinTally):
        found = [("site", event.site)]
    elif isinstance(event, WaitAdded):
        found = [("mediator", event.mediator), ("procedure", event.procedure)]
    for what, value in found:
        if value:
            lines = refs.setdefault(what, {}).setdefault(value, [])
            assert isinstance(lines, list)  # a summary being built holds lists
            lines.append(record.line)


def _contacts(records: Iterable[Record]) -> list[tuple[int, str, list[str], bool]]:
    found = []
    for record in records:
        event = record.event
        if isinstance(event, CallRecorded):
            texts = [t for t in (event.note, event.query) if t]
            digits = [national_digits(m.group()) for t in texts
                      for m in PHONE_PATTERN.finditer(t)]
            mail = any(EMAIL_PATTERN.search(t) for t in texts)
            if digits or mail:
                found.append((record.line, event.id, digits, mail))
    return found


def _summarise_fold(summary: FileSummary, kind: str, records: Sequence[Record], team: Team,
                    previous: FileSummary | None) -> None:
    ids_at = {r.line: r.event.id for r in records}
    created = list(_words(summary.created))
    created += [r.event.id for r in records if r.event.event == _CREATING[kind]]
    known = set(created)
    summary.created = list(dict.fromkeys(created))
    summary.foreign = list(dict.fromkeys(
        [*summary.foreign, *(r.event.id for r in records if r.event.id not in known)]))
    summary.erased = [*summary.erased,
                      *(r.event.id for r in records if isinstance(r.event, Anonymised))]
    leftovers = leftover_personal_data(records)
    summary.leftovers = [*summary.leftovers, *(
        (r.event.id, _leftover_problem(r)) for r in leftovers)]
    if kind == "appointments":
        initial = (decode_appointments(previous.fold_state(), previous.source) if previous
                   else None)
        state, wrong = fold_appointments(records, initial)
        summary.state = encode_appointments(state.values())
        _schedule_facts(summary, team, list(state.values()))
    else:
        paths = decode_paths(previous.fold_state(), previous.source) if previous else None
        path_state, wrong = fold_paths(records, paths)
        summary.state = encode_paths(path_state.values())
    summary.fold_problems = [*summary.fold_problems,
                             *((ids_at.get(p.line or 0, ""), p) for p in wrong)]


def _schedule_facts(summary: FileSummary, team: Team, appointments: list[Appointment]) -> None:
    """Usage per mediator-week, time spans, overlaps inside the file, last booking ahead."""
    from mediatool.core.scheduling import overlaps

    summary.team = team_key(team)
    summary.usage = _usage(team, appointments)
    spans: dict[str, tuple[float, float]] = {}
    for appointment in appointments:
        if appointment.active:
            begin, end = appointment.start.timestamp(), appointment.end.timestamp()
            low, high = spans.get(appointment.mediator, (begin, end))
            spans[appointment.mediator] = (min(low, begin), max(high, end))
    summary.spans = spans
    summary.pairs = [(a.id, b.id) for a, b in overlaps(team, appointments)]
    booked = [a.start.timestamp() for a in appointments if a.status == "booked"]
    summary.latest = max(booked) if booked else None


def _usage(team: Team, appointments: Iterable[Appointment]) -> list[tuple[str, int, int, int]]:
    from mediatool.core.scheduling import active_by_week, half_days_used

    found = []
    for (mediator, (year, week)), items in active_by_week(team, appointments).items():
        monday = dt.date.fromisocalendar(year, week, 1)
        mask = 0
        for day, part in half_days_used(team, items):
            mask |= 1 << ((day - monday).days * 2 + (part != "matin"))
        found.append((mediator, year, week, mask))
    return found


def _leftover_problem(record: Record) -> Problem:
    return _warn(record, f"{record.event.id} est anonymisé mais cet enregistrement contient "
                 "encore des données personnelles",
                 "relancez « mediatool purge --retention » (ou --before)")


def _warn(record: Record, message: str, hint: str | None = None) -> Problem:
    return Problem(record.source, record.line, message, hint, severity="warning")


# The fold as compact JSON text: only what the rules and a continued fold look at.
def encode_appointments(appointments: Iterable[Appointment]) -> str:
    return json.dumps([[a.id, a.mediator, a.kind, _stamp(a.start), a.duration_min,
                        _stamp(a.booked_at), a.line, a.status,
                        a.person if a.status == "booked" else None, a.cancelled_by_person,
                        a.rescheduled_to] for a in appointments],
                      ensure_ascii=False, separators=(",", ":"))


def _stamp(moment: dt.datetime) -> float | int:
    """Seconds since the epoch: half the text of an ISO date, and the same instant."""
    stamp = moment.timestamp()
    return int(stamp) if stamp.is_integer() else stamp


def decode_appointments(text: str, source: str) -> dict[str, Appointment]:
    found: dict[str, Appointment] = {}
    for ident, mediator, kind, start, duration, booked_at, line, status, person, by_person, \
            rescheduled_to in json.loads(text):
        booked = dt.datetime.fromtimestamp(booked_at, dt.UTC)
        found[ident] = Appointment(
            id=ident, mediator=mediator, kind=kind, start=dt.datetime.fromtimestamp(start, dt.UTC),
            duration_min=duration, person=person or "", phone=None, procedure=None,
            path=None, site=None, from_call=None, note=None, booked_at=booked, status=status,
            cancelled_by_person=by_person, rescheduled_to=rescheduled_to, last_change=booked,
            source=source, line=line)
    return found


def encode_paths(paths: Iterable[LearningPath]) -> str:
    return json.dumps([[p.id, p.mediator, p.opened_at.isoformat(), p.line,
                        p.closed_at.isoformat() if p.closed_at else None] for p in paths],
                      ensure_ascii=False, separators=(",", ":"))


def decode_paths(text: str, source: str) -> dict[str, LearningPath]:
    found: dict[str, LearningPath] = {}
    for ident, mediator, opened, line, closed in json.loads(text):
        found[ident] = LearningPath(
            id=ident, person="", phone=None, mediator=mediator, skills=(), sessions=0,
            opened_at=dt.datetime.fromisoformat(opened), note=None, source=source, line=line,
            closed_at=dt.datetime.fromisoformat(closed) if closed else None)
    return found


# -- the folder-wide rules, over the summaries -----------------------------------------------

@dataclass
class _Part:
    """One file's appointments as the schedule rules see them (decoded only if needed)."""

    source: str
    state: Callable[[], str] | None  # the file's fold state, read only if needed
    usage: list[tuple[str, int, int, int]]
    spans: dict[str, tuple[float, float]]
    pairs: list[tuple[str, str]]
    latest: float | None
    loaded: list[Appointment] | None = None

    def appointments(self) -> list[Appointment]:
        if self.loaded is None:
            state = self.state() if self.state is not None else "[]"
            self.loaded = list(decode_appointments(state, self.source).values())
        return self.loaded


class FolderChecks:
    """The folder-wide rules, fed one file summary at a time, in file order."""

    def __init__(self, catalogue: Catalogue, now: dt.datetime,
                 distinct: Container[str] = frozenset()) -> None:
        """`distinct`: keys (`distinct_found`) of id lists an earlier check found free of
        any id used twice: the same lists are not gone through again."""
        self.catalogue = catalogue
        self.team = catalogue.team
        self.now = now
        self.count = 0
        self.distinct = distinct
        self.distinct_found: set[str] = set()  # for the next check
        # the procedures table also knows renamed ids (aliases): records keep old ones
        self.known: dict[str, Container[str]] = {"procedure": catalogue.procedures.known_ids(),
                      "organisation": set(catalogue.organisations),
                      "mediator": {m.id for m in self.team.mediators},
                      "skill": set(catalogue.skills),
                      "site": {s.id for s in self.team.sites}}
        self.public = {national_digits(o.phone) for o in catalogue.organisations.values()
                       if o.phone}
        if self.team.phone_line:
            self.public.add(national_digits(self.team.phone_line.number))
        self.file_problems: list[Problem] = []
        self.references: list[Problem] = []
        self.contacts: list[Problem] = []
        # kind → (source, unique ids, their lines) of each file, in file order; see
        # `_duplicates`
        self.unique_in: dict[str, list[tuple[str, list[str] | str, list[int] | str]]] = \
            defaultdict(list)
        self.order: dict[str, int] = {}  # source → rank in file order
        # kind → (source, ids created there), in file order; see `_homes`
        self.created_in: dict[str, list[tuple[str, list[str] | str]]] = defaultdict(list)
        self._created: dict[str, dict[str, str]] | None = None
        # ids whose events span files → those files
        self.where: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.fold_problems: dict[str, list[tuple[str, Problem]]] = defaultdict(list)
        self.leftovers: dict[str, list[tuple[str, Problem]]] = defaultdict(list)
        self.parts: list[_Part] = []
        self.deadlines: list[tuple[str, str, str, int]] = []  # source, id, deadline, line

    def add(self, summary: FileSummary) -> None:
        self.count += summary.count
        self.file_problems.extend(summary.problems)
        self._references(summary)
        if summary.kind in _UNIQUE:
            self.unique_in[summary.kind].append((summary.source, summary.ids, summary.id_lines))
        self._anonymous_calls(summary)
        kind = summary.kind
        self.order.setdefault(summary.source, len(self.order))
        if kind in _CREATING:
            self.created_in[kind].append((summary.source, summary.created))
            self._created = None
            where = self.where[kind]
            for ident in summary.foreign:
                where[ident].add(summary.source)
            self.fold_problems[kind].extend(summary.fold_problems)
            self.leftovers[kind].extend(summary.leftovers)
        if kind == "waitlist":
            self.fold_problems[kind].extend(summary.fold_problems)
            self.leftovers[kind].extend(summary.leftovers)
            self.deadlines.extend((summary.source, *d) for d in summary.deadlines)
        if kind == "appointments":
            usage = summary.usage
            if summary.team != team_key(self.team):  # team.yaml changed how half-days fall
                usage = _usage(self.team, decode_appointments(summary.fold_state(),
                                                              summary.source).values())
            self.parts.append(_Part(summary.source, summary.state_reader(), usage, summary.spans,
                                    summary.pairs, summary.latest))

    def _references(self, summary: FileSummary) -> None:
        found = []
        for what, values in summary.refs.items():
            known = self.known[what]
            for value, lines in values.items():
                if value not in known:
                    found += [(line, _REFERENCE_ORDER[what],
                               Problem(summary.source, line, f"{_UNKNOWN[what]} « {value} »",
                                       severity="warning")) for line in _lines(lines)]
        self.references.extend(p for *_, p in sorted(found, key=lambda f: (f[0], f[1])))

    def _duplicates(self) -> list[Problem]:
        """Ids used twice, each where it is used again, with its first use. One set of
        every id tells whether any is (ten years of calls are 250,000 ids); only then are
        they gone through one by one."""
        found: list[Problem] = []
        for kind, files in self.unique_in.items():
            if self._distinct(kind, [ids for _, ids, _ in files]):
                continue
            first: dict[str, tuple[str, int]] = {}
            for source, ids, lines in files:
                for ident, line in zip(_words(ids), _lines(lines), strict=True):
                    seen = first.setdefault(ident, (source, line))
                    if seen != (source, line):
                        found.append(Problem(source, line, f"identifiant {ident} déjà "
                                             f"utilisé ({seen[0]}:{seen[1]})"))
        return found

    def _distinct(self, kind: str, groups: list[list[str] | str]) -> bool:
        """No id in two places of `groups`. Ten years are 300,000 ids to split and put in
        one set on every check; the answer is remembered under the hash of the very ids
        (`distinct_found`), so an unchanged history is hashed, not gone through."""
        key = blake2b(kind.encode(), digest_size=20)
        for ids in groups:
            key.update(_text(ids).encode())
            key.update(b"\n")
        found = key.hexdigest()
        if found in self.distinct or _distinct(map(_words, groups)):
            self.distinct_found.add(found)
            return True
        return False

    def _anonymous_calls(self, summary: FileSummary) -> None:
        for line, ident, digits, mail in summary.contacts:
            if any(d not in self.public for d in digits):
                self.contacts.append(Problem(
                    summary.source, line, f"l'appel {ident} semble contenir un numéro de "
                    "téléphone", "les appels sont anonymes : retirez-le du fichier",
                    severity="warning"))
            if mail:
                self.contacts.append(Problem(
                    summary.source, line, f"l'appel {ident} semble contenir une adresse "
                    "e-mail", "les appels sont anonymes : retirez-la du fichier",
                    severity="warning"))

    def _homes(self) -> dict[str, dict[str, str]]:
        """kind → id → the file that created it (the first, if several did; those ids join
        `where`), for the ids of `where`: the only ones asked about. Worked out once, after
        the last file: one set of every created id (ten years are 150,000) tells whether
        any was created twice; only then are they gone through one by one."""
        if self._created is not None:
            return self._created
        homes: dict[str, dict[str, str]] = {}
        for kind, files in self.created_in.items():
            where = self.where[kind]
            if not self._distinct(kind, [ids for _, ids in files]):  # a merge, a copy
                first_of: dict[str, str] = {}
                for source, ids in files:
                    for ident in _words(ids):
                        first = first_of.setdefault(ident, source)
                        if first != source:
                            where[ident].update((first, source))
            wanted, home = set(where), {}
            for source, ids in files:
                if not wanted:
                    break
                for ident in wanted.intersection(_words(ids)):
                    home[ident] = source
                wanted.difference_update(home)
            homes[kind] = home
        self._created = homes
        return homes

    def cross_files(self) -> dict[str, tuple[set[str], list[str]]]:
        """{kind: (ids whose events span files, the files holding them, in order)}: the
        caller reads these files' records of these ids for `finish`."""
        homes = self._homes()
        wanted = {}
        for kind, where in self.where.items():
            if where:
                home = homes.get(kind, {})
                sources = set().union(*where.values())
                sources.update(home[i] for i in where if i in home)
                wanted[kind] = (set(where), sorted(sources, key=self.order.__getitem__))
        return wanted

    def finish(self, cross_records: Mapping[str, Sequence[Record]] | None = None,
               extra: Mapping[str, object] | None = None) -> dict[str, list[Problem]]:
        """Every rule's problems, by rule, in the order `check` lists them.

        `cross_records`: the records, in file order, of the ids `cross_files` named."""
        cross_records = cross_records or {}
        extra = extra or {}
        homes = self._homes()  # before `where` is read: ids created twice join it
        sequences: list[Problem] = []
        leftovers: list[Problem] = []
        refolded: list[Appointment] = []
        for kind in ("appointments", "paths"):
            spanning = set(self.where.get(kind, ()))
            sequences += [p for i, p in self.fold_problems.get(kind, []) if i not in spanning]
            leftovers += [p for i, p in self.leftovers.get(kind, []) if i not in spanning]
            records = [r for r in cross_records.get(kind, ()) if r.event.id in spanning]
            if kind == "appointments":
                state, wrong = fold_appointments(records)
                refolded = list(state.values())
            else:
                _, wrong = fold_paths(records)
            sequences += wrong
            leftovers += [_leftover_problem(r) for r in leftover_personal_data(records)]
        sequences += [p for _, p in self.fold_problems.get("waitlist", [])]
        leftovers += [p for _, p in self.leftovers.get("waitlist", [])]
        snapshot = FolderSnapshot(self.catalogue, {}, self.now, extra)
        return {"file": self.file_problems + _far_from_home(cross_records, homes),
                "references": self.references, "sequences": sequences,
                "waiting": self._overdue(), "duplicates": self._duplicates(),
                "contacts": self.contacts, "permissions": check_private_permissions(snapshot),
                "personal_data": leftovers, "git": check_git_merge_driver(snapshot),
                "schedule": self._schedule(refolded), "files": check_record_files(snapshot)}

    def _overdue(self) -> list[Problem]:
        """Open waiting entries whose deadline has passed: the person is still to be called."""
        today = self.now.date().isoformat()
        return [Problem(source, line, f"entrée d'attente {ident} : échéance du "
                        f"{dt.date.fromisoformat(before):%d/%m/%Y} dépassée, toujours en attente",
                        f"rappelez la personne, puis « mediatool wait remove {ident} --reason "
                        "… » ou « mediatool book --from-wait »", severity="warning")
                for source, ident, before, line in self.deadlines if before < today]

    def _schedule(self, refolded: list[Appointment]) -> list[Problem]:
        parts = self._schedule_parts(refolded)
        pairs = self._overlapping(parts)
        return _schedule_problems(self.team, self.now, self._breaches(parts),
                                  self._changed(parts), pairs)

    def _schedule_parts(self, refolded: list[Appointment]) -> list[_Part]:
        spanning = set(self.where.get("appointments", ()))
        if not spanning:
            return self.parts
        parts = []
        for part in self.parts:
            items = part.appointments()
            if any(a.id in spanning for a in items):
                part = _part_of(self.team, part.source, [a for a in items
                                                         if a.id not in spanning])
            parts.append(part)
        parts.append(_part_of(self.team, "", refolded))
        return parts

    def _breaches(self, parts: list[_Part]) -> list[Any]:
        from mediatool.core.scheduling import cap_breaches, week_of

        cap = self.team.caps.appointment_half_days_per_week
        # The half-days of every week first (ten years × 50 mediators: 26,000 weeks), the
        # files of a week only for the few above the cap.
        used: dict[tuple[str, int, int], int] = {}
        get = used.get
        for part in parts:
            for mediator, year, week, mask in part.usage:
                key = (mediator, year, week)
                used[key] = get(key, 0) | mask
        over = {key for key, mask in used.items() if mask.bit_count() > cap}
        weeks: dict[tuple[str, int, int], list[Any]] = {key: [used[key], []] for key in over}
        if over:
            for part in parts:
                for mediator, year, week, _ in part.usage:
                    if (mediator, year, week) in over:
                        weeks[(mediator, year, week)][1].append(part)
        breaches = []
        for (mediator, year, week), (mask, where) in sorted(weeks.items()):
            if mask.bit_count() > cap:
                items = [a for part in where for a in part.appointments()
                         if a.mediator == mediator and week_of(self.team, a.start) == (year, week)]
                breaches += cap_breaches(self.team, items)
        return breaches

    def _changed(self, parts: list[_Part]) -> list[Appointment]:
        ahead = self.now.timestamp()
        return [a for part in parts if part.latest is not None and part.latest >= ahead
                for a in part.appointments() if a.status == "booked" and a.start >= self.now]

    def _overlapping(self, parts: list[_Part]) -> list[tuple[Appointment, Appointment]]:
        from mediatool.core.scheduling import overlaps

        pairs: dict[tuple[str, str], tuple[Appointment, Appointment]] = {}
        for part in parts:
            if part.pairs:
                by_id = {a.id: a for a in part.appointments()}
                for one, two in part.pairs:
                    if one in by_id and two in by_id:
                        pairs[(one, two)] = (by_id[one], by_id[two])
        # Two files whose times meet for one mediator (an appointment filed in another
        # month by hand or by a merge): look at both together.
        spans: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
        for index, part in enumerate(parts):
            for mediator, (begin, end) in part.spans.items():
                spans[mediator].append((begin, end, index))
        for mediator, items in spans.items():
            items.sort()
            for position, (_, end, index) in enumerate(items):
                for begin, _, other in items[position + 1:]:
                    if begin >= end:
                        break
                    together = [a for i in (index, other) for a in parts[i].appointments()
                                if a.mediator == mediator]
                    for first, second in overlaps(self.team, together):
                        pairs.setdefault((first.id, second.id), (first, second))
        return sorted(pairs.values(), key=lambda p: (p[0].mediator, p[0].start, p[0].id,
                                                     p[1].start, p[1].id))


def _part_of(team: Team, source: str, appointments: list[Appointment]) -> _Part:
    summary = FileSummary("appointments", source)
    _schedule_facts(summary, team, appointments)
    return _Part(source, None, summary.usage, summary.spans, summary.pairs, summary.latest,
                 appointments)


def _schedule_problems(team: Team, now: dt.datetime, breaches: Sequence[Any],
                       changed: Iterable[Appointment],
                       pairs: Iterable[tuple[Appointment, Appointment]]) -> list[Problem]:
    """Cap breaches and overlaps, e.g. created by two copies of the folder then merged.

    Errors while the week is not over (something can still be cancelled or
    moved), warnings for weeks already past.
    """
    from mediatool.core.frenchdates import format_date, format_datetime
    from mediatool.core.scheduling import half_days_of, local, refusal

    names = {m.id: m.name for m in team.mediators}
    problems: list[Problem] = []

    def severity(last: dt.datetime) -> str:
        return "error" if local(team, last).date() >= now.date() - dt.timedelta(
            days=now.weekday()) else "warning"

    for breach in breaches:
        listed = ", ".join(
            f"{a.id} ({'/'.join(f'{format_date(d)} {h}' for d, h in half_days_of(team, a))})"
            for a in breach.appointments)
        latest = max(breach.appointments, key=lambda a: (a.booked_at, a.id))
        cap = team.caps.appointment_half_days_per_week
        problems.append(Problem(
            latest.source, latest.line,
            f"plafond dépassé : {names.get(breach.mediator, breach.mediator)} a "
            f"{len(breach.half_days)} demi-journées de rendez-vous la semaine {breach.week[1]} "
            f"de {breach.week[0]} (au plus {cap}) : {listed}",
            "annulez ou déplacez un de ces rendez-vous (mediatool cancel ID)",
            severity=severity(breach.appointments[-1].start)))
    for appointment in changed:
        # team.yaml may have changed since booking (a new absence, closure, fewer hours):
        # the people concerned must be told.
        found = refusal(team, (), appointment.mediator, appointment.start,
                        appointment.duration_min, now)
        if found is not None:
            problems.append(Problem(
                appointment.source, appointment.line,
                f"le rendez-vous {appointment.id} ({appointment.person}) n'est plus possible "
                f"({found.label}) : {found.message}",
                "prévenez la personne et annulez-le (mediatool cancel ID --by-service)",
                severity="warning"))
    for first, second in pairs:
        problems.append(Problem(
            second.source, second.line,
            f"rendez-vous qui se chevauchent : {first.id} "
            f"({format_datetime(local(team, first.start))}, {first.duration_min} min) et "
            f"{second.id} ({format_datetime(local(team, second.start))}, "
            f"{second.duration_min} min) pour {names.get(first.mediator, first.mediator)}",
            "annulez ou déplacez l'un des deux (mediatool cancel ID)",
            severity=severity(second.start)))
    return problems


def _distinct(groups: Iterable[list[str]]) -> bool:
    """No id in two places of `groups`: one set of them all, filled at C speed."""
    every: set[str] = set()
    total = 0
    for ids in groups:
        every.update(ids)
        total += len(ids)
    return len(every) == total


def _far_from_home(cross_records: Mapping[str, Sequence[Record]],
                   created: Mapping[str, Mapping[str, str]]) -> list[Problem]:
    """An event filed in another file than the one that created its id (a hand edit, a
    merge): the commands that read the id's own file do not see it."""
    problems = []
    for kind, records in cross_records.items():
        homes = created.get(kind, {})
        for record in records:
            home = homes.get(record.event.id)
            if (home is not None and record.source != home
                    and record.event.event != _CREATING.get(kind)
                    and file_of(record.source) is not None):
                problems.append(Problem(record.source, record.line,
                                        f"évènement « {record.event.event} » de "
                                        f"{record.event.id} rangé loin de son dossier",
                                        f"déplacez ce document dans {home}"))
    return problems


# -- the rules that look at the folder itself, not at records ----------------------------------

def check_record_files(snapshot: FolderSnapshot) -> list[Problem]:
    """Files under records/ that no command reads (`extra["odd_files"]`: source, what, and
    whether a fragment holds personal data)."""
    problems: list[Problem] = []
    odd = snapshot.extra.get("odd_files") or []
    assert isinstance(odd, list)
    for source, what, personal in odd:
        if what == "fragment":
            message = "fragment mis de côté par « check --repair » : aucune commande ne le lit"
            hint = "relisez-le (un enregistrement à ressaisir ?) puis supprimez-le"
            if personal:
                message += " ; il contient des données personnelles (nom, téléphone, note…)"
                hint += " ; « purge » le nettoie une fois son mois passé la conservation"
            problems.append(Problem(source, None, message, hint, severity="warning"))
        else:
            problems.append(Problem(source, None, "fichier ignoré : aucune commande ne lit "
                                    "un fichier de ce nom",
                                    "renommez-le AAAA-MM.yaml (un mois réel, de "
                                    f"{FIRST_YEAR} à {LAST_YEAR}) ou déplacez ses "
                                    "enregistrements dans le fichier de leur mois"))
    return problems


PERMISSIONS_LISTED = 3  # more paths with the same wrong mode: one warning for all
PERMISSIONS_FIX = "lancez « mediatool check --repair » (ou chmod -R go-rwx records)"


def check_private_permissions(snapshot: FolderSnapshot) -> list[Problem]:
    """Records hold personal data: files and folders readable by their owner only.

    Paths with the same wrong mode are one warning once there are more than a few (a
    clone made with umask 022 opens every file: hundreds of identical lines hide the rest).
    """
    same: dict[tuple[bool, int], list[str]] = {}
    modes = snapshot.extra.get("file_modes", ())
    for path, mode, is_folder in modes:  # type: ignore[attr-defined]
        if mode & 0o077:
            same.setdefault((is_folder, mode & 0o777), []).append(path)
    problems: list[Problem] = []
    for (is_folder, mode), paths in sorted(same.items(), key=lambda item: min(item[1])):
        what = "dossier" if is_folder else "fichier"
        rights = f"(droits {mode:o} au lieu de {'700' if is_folder else '600'})"
        if len(paths) <= PERMISSIONS_LISTED:
            problems += [Problem(path, None, f"{what} accessible à d'autres utilisateurs "
                                 f"{rights}", PERMISSIONS_FIX, severity="warning")
                         for path in paths]
        else:
            problems.append(Problem(posixpath.commonpath(paths), None,
                                    f"{len(paths)} {what}s accessibles à d'autres "
                                    f"utilisateurs {rights}, dont {min(paths)}",
                                    PERMISSIONS_FIX, severity="warning"))
    return problems


def check_git_merge_driver(snapshot: FolderSnapshot) -> list[Problem]:
    """A folder shared with git needs the record merge driver, not a line-by-line union."""
    problems: list[Problem] = []
    if snapshot.extra.get("git_union_records"):
        problems.append(Problem(".gitattributes", None, "les fichiers records/ fusionnent "
                                "ligne par ligne (merge=union) : deux enregistrements ajoutés "
                                "des deux côtés peuvent se mélanger",
                                "remplacez merge=union par merge=mediatool pour "
                                "records/**/*.yaml, puis lancez « mediatool git-setup »",
                                severity="warning"))
    if snapshot.extra.get("git_driver_missing"):
        problems.append(Problem(".gitattributes", None, "dossier partagé avec git, mais la "
                                "fusion des enregistrements n'est pas configurée sur ce poste",
                                "lancez « mediatool git-setup » une fois", severity="warning"))
    return problems


# -- records already in memory (tests, small folders) -------------------------------------------

RULES = ("references", "sequences", "waiting", "duplicates", "contacts", "permissions",
         "personal_data", "git", "schedule", "files")


def checked(snapshot: FolderSnapshot) -> dict[str, list[Problem]]:
    """Every rule over records in memory: summarised per file, then as `check` does."""
    checks = FolderChecks(snapshot.catalogue, snapshot.now)
    for kind, records in snapshot.records.items():
        by_source: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            by_source[record.source].append(record)
        for source, items in by_source.items():
            checks.add(summarise(kind, source, items, (), snapshot.catalogue.team))
    cross = {kind: [r for r in snapshot.records.get(kind, []) if r.event.id in ids]
             for kind, (ids, _) in checks.cross_files().items()}
    return checks.finish(cross, snapshot.extra)


def _rule(name: str) -> Callable[[FolderSnapshot], list[Problem]]:
    def check(snapshot: FolderSnapshot) -> list[Problem]:
        return checked(snapshot)[name]

    check.__name__ = f"check_{name}"
    return check


check_references = _rule("references")
check_event_sequences = _rule("sequences")
check_duplicate_ids = _rule("duplicates")
check_calls_are_anonymous = _rule("contacts")
check_anonymised_records_hold_no_personal_data = _rule("personal_data")
check_schedule = _rule("schedule")
check_waiting_deadlines = _rule("waiting")


def run_checks(snapshot: FolderSnapshot) -> list[Problem]:
    found = checked(snapshot)
    return found["file"] + [p for name in RULES for p in found[name]]
