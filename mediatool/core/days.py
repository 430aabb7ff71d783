"""Which days the service works: public holidays, closures, absences, weekly slots (pure)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from mediatool.core.model import DateRange, Mediator, Team


class Weekly(Protocol):
    @property
    def weekday(self) -> int: ...


# Years already known (from the data folder's cache): loading `holidays` costs ~0.3 s,
# because it imports every country's module to find France's.
_known: dict[tuple[str, str | None, int], dict[dt.date, str]] = {}


def remember_holidays(country: str, subdivision: str | None, year: int,
                      table: dict[dt.date, str]) -> None:
    _known[(country, subdivision, year)] = table
    _holidays.cache_clear()


def holidays_of_year(country: str, subdivision: str | None, year: int) -> dict[dt.date, str]:
    """Every public holiday of `year` (from what was remembered, else computed)."""
    return dict(_holidays(country, subdivision, year))


class UnknownHolidays(ValueError):
    """team.yaml names a country or subdivision the holidays library does not know."""

    def __init__(self, field: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.field, self.message, self.hint = field, message, hint


@functools.lru_cache(maxsize=32)
def _holidays(country: str, subdivision: str | None, year: int) -> dict[dt.date, str]:
    if (country, subdivision, year) in _known:
        return _known[(country, subdivision, year)]
    import holidays  # imported here: it is slow to import and few commands need it

    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=[year],
                                          language="fr")
    except (NotImplementedError, KeyError):
        try:
            found = holidays.country_holidays(country, subdiv=subdivision, years=[year])
        except (NotImplementedError, KeyError):
            raise _unknown(holidays.list_supported_countries(), country, subdivision) from None
    return dict(found.items())


def _unknown(supported: dict[str, list[str]], country: str, subdivision: str | None
             ) -> UnknownHolidays:
    if country not in supported:
        return UnknownHolidays("holidays", f"pays des jours fériés inconnu « {country} »",
                               "codes permis : " + ", ".join(
                                   sorted(code for code in supported if len(code) == 2)))
    return UnknownHolidays("holidays_subdivision",
                           f"subdivision « {subdivision} » inconnue pour {country}",
                           "valeurs permises : " + ", ".join(supported[country]))


def public_holiday(team: Team, day: dt.date) -> str | None:
    """The name of the public holiday on `day`, if any."""
    return _holidays(team.holidays, team.holidays_subdivision, day.year).get(day)


def public_holidays(team: Team, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    found: dict[dt.date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update({d: n for d, n in _holidays(team.holidays, team.holidays_subdivision,
                                                  year).items() if first <= d <= last})
    return found


def closure(team: Team, day: dt.date) -> DateRange | None:
    return next((c for c in team.closures if day in c), None)


def absence(mediator: Mediator, day: dt.date) -> DateRange | None:
    return next((a for a in mediator.absences if day in a), None)


def service_open(team: Team, day: dt.date) -> bool:
    """False on public holidays and closures."""
    return public_holiday(team, day) is None and closure(team, day) is None


def days_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def weekly_occurrences(team: Team, slots: Sequence[Weekly] | Iterable[Weekly],
                       first: dt.date, last: dt.date):  # type: ignore[no-untyped-def]
    """(day, slot) for each weekly slot between two dates, skipping holidays and closures."""
    slots = list(slots)
    for day in days_between(first, last):
        todays = [s for s in slots if s.weekday == day.weekday()]
        if todays and service_open(team, day):
            for slot in todays:
                yield day, slot


def half_day(moment: dt.datetime, boundary: dt.time) -> tuple[dt.date, str]:
    """The half-day of a local date-time: (date, "matin" | "après-midi"), split at `boundary`."""
    return moment.date(), ("matin" if moment.time() < boundary else "après-midi")


def iso_week(day: dt.date) -> tuple[int, int]:
    """(ISO year, ISO week number): the week the cap is counted in."""
    year, week, _ = day.isocalendar()
    return year, week


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the ISO week of `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)
