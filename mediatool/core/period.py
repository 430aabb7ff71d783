"""Calendar months and periods (pure)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, e.g. Month(2026, 11) written "2026-11"."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse "YYYY-MM"; ValueError when it is not a real month."""
        match = _MONTH_RE.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(text)
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
