"""Calendar months and periods (pure)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from mediatool.core.errors import InvalidInput

# Every date read or typed lies in these years: beyond them a date is a typing mistake
# (0001-01, 9999-12-31), and Python's calendar arithmetic would overflow on it.
# A call linked by `book --from-call` is a recent one: looking further back would make
# every booking from the phone flow (whose call is written after the booking) read
# the whole history; the report looks as far for the calls its appointments link.
CALL_LOOKBACK_MONTHS = 13

FIRST_YEAR = 1990
LAST_YEAR = 2100
DATE_RANGE_HINT = f"les dates vont de {FIRST_YEAR} à {LAST_YEAR}"


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def refuse_out_of_range(day: dt.date, what: str) -> None:
    """InvalidInput (exit 2) for a date outside FIRST_YEAR–LAST_YEAR."""
    if not year_in_range(day.year):
        raise InvalidInput(f"{what} hors des dates permises : {day.isoformat()}",
                           DATE_RANGE_HINT)


_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, e.g. Month(2026, 11) written "2026-11"."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse "YYYY-MM"; ValueError when it is not a real month, InvalidInput when
        its year is outside FIRST_YEAR–LAST_YEAR."""
        match = _MONTH_RE.fullmatch(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(text)
        if not year_in_range(int(match.group(1))):
            raise InvalidInput(f"mois hors des dates permises : {text.strip()}",
                               DATE_RANGE_HINT)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)


def months_between(first: dt.date, last: dt.date) -> list[Month]:
    """Every month touched by the dates from `first` to `last`, in order."""
    months = []
    current, end = Month.of(first), Month.of(last)
    while current <= end:
        months.append(current)
        current = current.next()
    return months
