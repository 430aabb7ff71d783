"""Dates and times in French, as read over the phone, and parsed from what people type (pure).

"mardi 8 décembre 2026, 14 h 00" is how a mediator reads an appointment to
a caller; the parsers accept the ISO forms and the French day/month/year
forms people type (`08/12/2026 14:00`, `8/12/2026 14h30`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from zoneinfo import ZoneInfo

from mediatool.core.errors import InvalidInput
from mediatool.core.localtime import in_zone
from mediatool.core.model import WEEKDAYS
from mediatool.core.period import refuse_out_of_range

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

DATETIME_FORMATS = "2026-12-08T14:00, 2026-12-08 14:00, 08/12/2026 14:00 (ou 14h00)"
DATE_FORMATS = "2026-12-08, 08/12/2026, aujourd'hui ou demain"
_RELATIVE_DAYS = {"aujourd'hui": 0, "aujourdhui": 0, "auj": 0, "demain": 1}

_FRENCH_DATE = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
_FRENCH_TIME = r"(?P<H>\d{1,2})\s*(?:[:h]\s*(?P<M>\d{2})?)"
_FRENCH_DATE_RE = re.compile(rf"^{_FRENCH_DATE}$")
_FRENCH_DATETIME_RE = re.compile(rf"^{_FRENCH_DATE}(?:\s*[T ,]\s*|\s+à\s+){_FRENCH_TIME}$",
                                 re.IGNORECASE)


def format_date(day: dt.date) -> str:
    """« mardi 8 décembre 2026 » (« 1er » for the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def format_time(moment: dt.time | dt.datetime) -> str:
    """« 14 h 00 »."""
    return f"{moment.hour} h {moment.minute:02d}"


def format_datetime(moment: dt.datetime) -> str:
    """« mardi 8 décembre 2026, 14 h 00 » (in the moment's own time zone)."""
    return f"{format_date(moment.date())}, {format_time(moment)}"


def format_short(moment: dt.datetime) -> str:
    """« mar. 08/12 14:00 »: compact, for tables."""
    return f"{WEEKDAYS[moment.weekday()][:3]}. {moment:%d/%m %H:%M}"


def parse_date(text: str, what: str = "date", today: dt.date | None = None) -> dt.date:
    """A date typed as 2026-12-08 or 08/12/2026 (or, given `today`, « aujourd'hui »,
    « demain »); InvalidInput (exit 2) otherwise."""
    cleaned = text.strip()
    offset = _RELATIVE_DAYS.get(cleaned.lower().replace("’", "'"))
    if today is not None and offset is not None:
        return today + dt.timedelta(days=offset)
    day = None
    try:
        day = dt.date.fromisoformat(cleaned)
    except ValueError:
        match = _FRENCH_DATE_RE.match(cleaned)
        if match:
            with contextlib.suppress(ValueError):
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is not None:
        refuse_out_of_range(day, what)
        return day
    raise InvalidInput(f"{what} illisible : « {text} »", f"formats acceptés : {DATE_FORMATS}")


def parse_datetime(text: str, zone: ZoneInfo, what: str = "date et heure") -> dt.datetime:
    """A date-time in the team's zone (an explicit UTC offset is honoured).

    InvalidInput (exit 2) names the accepted formats when the text is not one of them.
    """
    cleaned = " ".join(text.split())
    moment: dt.datetime | None = None
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", cleaned):
        try:
            moment = dt.datetime.fromisoformat(cleaned)
        except ValueError:
            moment = None
    if moment is None:
        match = _FRENCH_DATETIME_RE.match(cleaned)
        if match:
            try:
                moment = dt.datetime(int(match["y"]), int(match["m"]), int(match["d"]),
                                     int(match["H"]), int(match["M"] or 0))
            except ValueError:
                moment = None
    if moment is None:
        raise InvalidInput(f"{what} illisible : « {text} »",
                           f"formats acceptés : {DATETIME_FORMATS}")
    refuse_out_of_range(moment.date(), what)
    return in_zone(moment, zone)
