"""The call screen's slot picker: choices with their cost under the cap, and filters (pure).

A caller asks for « jeudi », « le 15/12 », « plutôt l'après-midi », « à Nord » or « avec
Léa »: the mediator types those words at the slot prompt and the list narrows to what
fits, over the whole booking horizon rather than the first five slots. Each choice says
what it costs under the weekly half-day cap, and whether it crosses the half-day
boundary (so takes two half-days), before it is chosen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import field

from mediatool.core.days import half_day, iso_week
from mediatool.core.errors import InvalidInput
from mediatool.core.frenchdates import format_time
from mediatool.core.lookup import matching
from mediatool.core.model import WEEKDAYS, Team
from mediatool.core.scheduling import HalfDay, Slot, half_days_between, local, week_usage
from mediatool.core.state import Appointment
from mediatool.core.text import normalise
from mediatool.core.values import frozen

PAGE = 5
CLEAR_WORDS = ("*", "tout", "tous", "toutes")
FILTER_HELP = ("filtrer : un jour (jeudi), une date (15/12), matin ou après-midi, un lieu, "
               "un médiateur ; * = tout")
_PARTS = {"matin": "matin", "am": "matin", "apres midi": "après-midi", "apresmidi": "après-midi",
          "aprem": "après-midi", "apm": "après-midi", "pm": "après-midi"}
_RELATIVE = {"aujourd hui": 0, "aujourdhui": 0, "auj": 0, "demain": 1,
             "apres demain": 2}
_DATE = re.compile(r"\b(?P<d>\d{1,2})[/.](?P<m>\d{1,2})(?:[/.](?P<y>\d{2}|\d{4}))?\b"
                   r"|\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})\b")

_MONTH_PREFIXES = ("janv", "fev", "mars", "avr", "mai", "juin", "juil", "aou", "sep", "oct",
                   "nov", "dec")
_DAY_MONTH = re.compile(r"\b(?P<day>\d{1,2})(?:er)? (?P<month>(?:"
                        + "|".join(_MONTH_PREFIXES) + r")[a-z]*)(?: (?P<year>\d{4}))?\b")
_DAY_ONLY = re.compile(r"\b(\d{1,2})(?:er)?\b")


@frozen
class SlotChoice:
    """One slot offered to the caller, and what booking it costs the mediator."""

    slot: Slot
    half_days: tuple[HalfDay, ...]  # those the appointment takes (two if it crosses)
    left: int  # half-days of appointments the mediator still has that week, once booked
    site: str | None  # the mediator's usual site (where the appointment takes place)

    @property
    def crosses(self) -> bool:
        return len(self.half_days) > 1

    def cap_note(self, team: Team) -> str:
        """« reste 1 demi-journée cette semaine », and the crossing warning if any."""
        plural = "s" if self.left > 1 else ""
        note = (f"reste {self.left} demi-journée{plural} cette semaine" if self.left
                else "dernière demi-journée de la semaine")
        if self.crosses:
            note += (f" ; ATTENTION : passe {format_time(team.halfday_boundary)}, "
                     "prend 2 demi-journées")
        return note


def slot_choices(team: Team, appointments: Iterable[Appointment], slots: Sequence[Slot]
                 ) -> list[SlotChoice]:
    """The first slot of each mediator's half-day, earliest first, with its cost.

    Five quarter-hours in a row of the same afternoon are not five choices for a
    caller; the first slot of each distinct half-day is. `appointments` must cover
    the ISO weeks of `slots`.
    """
    kept = list(appointments)
    cap = team.caps.appointment_half_days_per_week
    usage: dict[tuple[str, tuple[int, int]], set[HalfDay]] = {}
    chosen: dict[tuple[str, HalfDay], SlotChoice] = {}
    for slot in sorted(slots, key=lambda s: s.start):
        start = local(team, slot.start)
        key = (slot.mediator, half_day(start, team.halfday_boundary))
        if key in chosen:
            continue
        week = iso_week(start.date())
        used = usage.get((slot.mediator, week))
        if used is None:
            used = usage[(slot.mediator, week)] = set(week_usage(team, kept, slot.mediator, week))
        taken = half_days_between(team, slot.start, slot.end)
        mediator = team.mediator(slot.mediator)
        chosen[key] = SlotChoice(slot, taken, max(0, cap - len(used | set(taken))),
                                 mediator.site if mediator else None)
    return list(chosen.values())


@frozen
class SlotFilter:
    """What the caller wants; an empty set says nothing about that side."""

    text: str = ""
    dates: frozenset[dt.date] = field(default_factory=frozenset)
    weekdays: frozenset[int] = field(default_factory=frozenset)
    parts: frozenset[str] = field(default_factory=frozenset)
    sites: frozenset[str] = field(default_factory=frozenset)
    mediators: frozenset[str] = field(default_factory=frozenset)

    def keeps(self, choice: SlotChoice, team: Team) -> bool:
        start = local(team, choice.slot.start)
        day, part = half_day(start, team.halfday_boundary)
        return ((not self.dates or day in self.dates)
                and (not self.weekdays or day.weekday() in self.weekdays)
                and (not self.parts or part in self.parts)
                and (not self.sites or choice.site in self.sites)
                and (not self.mediators or choice.slot.mediator in self.mediators))

    def apply(self, choices: Iterable[SlotChoice], team: Team) -> list[SlotChoice]:
        return [c for c in choices if self.keeps(c, team)]


def _date(match: re.Match[str], today: dt.date) -> dt.date:
    """« 15/12 » is the next 15 December (this year, or next year once it is past)."""
    try:
        if match["iy"]:
            return dt.date(int(match["iy"]), int(match["im"]), int(match["id"]))
        day, month = int(match["d"]), int(match["m"])
        if match["y"]:
            year = int(match["y"])
            return dt.date(year + 2000 if year < 100 else year, month, day)
        found = dt.date(today.year, month, day)
        return found if found >= today else dt.date(today.year + 1, month, day)
    except ValueError:
        raise InvalidInput(f"date impossible : « {match[0]} »",
                           "écrivez-la JJ/MM, par exemple 15/12") from None


def _day_month(match: re.Match[str], today: dt.date) -> dt.date:
    """« 15 décembre », « 15 dec. 2026 »: the next one when the year is not said."""
    month = next(n for n, prefix in enumerate(_MONTH_PREFIXES, start=1)
                 if match["month"].startswith(prefix))
    try:
        if match["year"]:
            return dt.date(int(match["year"]), month, int(match["day"]))
        found = dt.date(today.year, month, int(match["day"]))
        return found if found >= today else dt.date(today.year + 1, month, int(match["day"]))
    except ValueError:
        raise InvalidInput(f"date impossible : « {match[0]} »",
                           "écrivez-la JJ/MM, par exemple 15/12") from None


def _next_day_of_month(day: int, today: dt.date, typed: str) -> dt.date:
    year, month = today.year, today.month
    for _ in range(13):
        try:
            found = dt.date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise InvalidInput(f"jour impossible : « {typed} »", "un jour du mois entre 1 et 31, "
                       "ou une date JJ/MM")


def _weekday(word: str) -> int | None:
    for number, name in enumerate(WEEKDAYS):
        if word == name or (len(word) >= 3 and name.startswith(word)):
            return number
    return None


def parse_filter(text: str, team: Team, today: dt.date) -> SlotFilter:
    """The filter the mediator typed; InvalidInput naming the words not understood.

    Words of the same side widen (« mardi jeudi »: either day), sides narrow
    (« jeudi après-midi »: both). A mediator or a site is found by id or by any
    word of its name, accents and case ignored.
    """
    dates = {_date(m, today) for m in _DATE.finditer(text)}
    rest = normalise(_DATE.sub(" ", text))
    for phrase, offset in _RELATIVE.items():
        if re.search(rf"\b{phrase}\b", rest):
            dates.add(today + dt.timedelta(days=offset))
            rest = re.sub(rf"\b{phrase}\b", " ", rest)
    for match in list(_DAY_MONTH.finditer(rest)):
        dates.add(_day_month(match, today))
    rest = _DAY_MONTH.sub(" ", rest)
    for match in list(_DAY_ONLY.finditer(rest)):  # « jeudi 10 »: the next 10th
        dates.add(_next_day_of_month(int(match[1]), today, match[0]))
    rest = _DAY_ONLY.sub(" ", rest)
    parts = set()
    for phrase, part in sorted(_PARTS.items(), key=lambda p: -len(p[0])):
        if re.search(rf"\b{phrase}\b", rest):
            parts.add(part)
            rest = re.sub(rf"\b{phrase}\b", " ", rest)
    weekdays: set[int] = set()
    people: list[str] = []
    sites: set[str] = set()
    unknown: list[str] = []
    site_items = {s.id: s for s in team.sites}
    mediator_items = {m.id: m for m in team.mediators}
    for word in rest.split():
        if word in ("le", "la", "les", "l", "a", "au", "avec", "chez", "du", "de", "en",
                    "plutot", "dans", "semaine"):
            continue
        number = _weekday(word)
        if number is not None:
            weekdays.add(number)
            continue
        found_sites = matching(site_items, word, lambda s: s.name)
        if found_sites:
            sites.update(found_sites)
            continue
        if matching(mediator_items, word, lambda m: m.name):
            people.append(word)
            continue
        unknown.append(word)
    if unknown:  # a long paste is not echoed whole
        said = [f"« {w if len(w) <= 30 else w[:29] + '…'} »" for w in unknown[:3]]
        more = f" (+ {len(unknown) - 3})" if len(unknown) > 3 else ""
        raise InvalidInput("pas compris : " + ", ".join(said) + more, FILTER_HELP)
    mediators: set[str] = set()
    if people:  # « camille exemple »: one person; « camille léa »: either
        whole = matching(mediator_items, " ".join(people), lambda m: m.name)
        mediators.update(whole or [i for w in people
                                   for i in matching(mediator_items, w, lambda m: m.name)])
    return SlotFilter(" ".join(text.split()), frozenset(dates), frozenset(weekdays),
                      frozenset(parts), frozenset(sites), frozenset(mediators))


def is_clear(text: str) -> bool:
    return text.strip().lower() in CLEAR_WORDS
