"""OpenStreetMap `opening_hours` strings, for the subset the open-data directories use,
read strictly and said in French (pure).

No installed library does both halves: `opening_hours_py` (maintained, Rust) parses and
evaluates the whole syntax but says nothing in French, `osm-humanized-opening-hours`
words it in French but its development is paused; neither is a dependency. So this
reads the forms the lieux de médiation numérique standard and the DILA's plages
d'ouverture produce: weekday selectors (`Mo-Fr`, `Mo,We,Fr`),
time spans (`09:00-12:00,14:00-17:30`), `off`/`closed`, `24/7` and `PH off`, rules
separated by `;`, a later rule replacing an earlier one for its days (as in OSM).
Anything else (months, week numbers, sunrise, comments, `||` fallbacks…) is refused
with its column: a wrong hour read to a caller costs them a trip.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from mediatool.core.values import frozen

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
SHORT_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_TOKEN = re.compile(r"\s*(24/7|\d{1,2}:\d{2}|[A-Za-z]+|[-,;:]|\S)")
Span = tuple[dt.time, dt.time | None]  # None: midnight at the end of the day (24:00)


class Unreadable(ValueError):
    """A string outside the subset; `column` (1-based) is where reading stopped."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@frozen
class Week:
    """Opening spans per weekday (0 = Monday); a day absent or empty is closed."""

    days: tuple[tuple[Span, ...], ...] = ((),) * 7
    closed_on_holidays: bool = False
    always: bool = False  # 24/7


def _time(text: str, column: int, end: bool) -> dt.time | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if end and hours == 24 and minutes == 0:
        return None
    if hours > 23 or minutes > 59:
        raise Unreadable(f"heure impossible « {text} »", column)
    return dt.time(hours, minutes)


def _tokens(text: str) -> list[tuple[str, int]]:
    found = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        assert match is not None  # `\S` matches any remaining character
        found.append((match.group(1), match.start(1) + 1))
        position = match.end()
    return found


def parse(text: str) -> Week:
    """An `opening_hours` value → Week; Unreadable (French, with the column) otherwise."""
    tokens = _tokens(text)
    if not tokens:
        raise Unreadable("horaires vides", 1)
    days: list[tuple[Span, ...]] = [()] * 7
    holidays_closed = False
    always = False
    index = 0

    def peek() -> tuple[str, int]:
        return tokens[index] if index < len(tokens) else ("", len(text) + 1)

    while index < len(tokens):
        token, column = peek()
        if token == "24/7":
            always = True
            days = [((dt.time(0, 0), None),)] * 7
            index += 1
        elif token == "PH":
            index += 1
            word, where = peek()
            if word not in ("off", "closed"):
                raise Unreadable("seul « PH off » (fermé les jours fériés) est compris", where)
            holidays_closed = True
            index += 1
        else:
            selected, index = _days(tokens, index, text)
            word, where = peek()
            if word in ("off", "closed"):
                spans: tuple[Span, ...] = ()
                index += 1
            elif re.fullmatch(r"\d{1,2}:\d{2}", word):
                spans, index = _spans(tokens, index, text)
            else:
                raise Unreadable("plage horaire attendue (ex. 09:00-12:00) ou « off »"
                                 if word else "plage horaire manquante après les jours", where)
            for day in selected:
                days[day] = spans
        token, column = peek()
        if token == ";":
            index += 1
            if index >= len(tokens):
                break
        elif token:
            raise Unreadable(f"« {token} » n'est pas compris ici", column)
    return Week(tuple(days), holidays_closed, always)


def _days(tokens: list[tuple[str, int]], index: int, text: str) -> tuple[list[int], int]:
    selected: list[int] = []
    while True:
        token, column = tokens[index] if index < len(tokens) else ("", len(text) + 1)
        if token not in OSM_DAYS:
            raise Unreadable(f"jour attendu (Mo, Tu, We, Th, Fr, Sa, Su), pas « {token} »"
                             if token else "jour attendu", column)
        first = OSM_DAYS.index(token)
        index += 1
        if index < len(tokens) and tokens[index][0] == "-":
            last_token, last_column = (tokens[index + 1] if index + 1 < len(tokens)
                                       else ("", len(text) + 1))
            if last_token not in OSM_DAYS:
                raise Unreadable("jour de fin attendu après « - »", last_column)
            last = OSM_DAYS.index(last_token)
            if last < first:
                raise Unreadable(f"plage de jours à l'envers ({token}-{last_token})",
                                 last_column)
            selected.extend(range(first, last + 1))
            index += 2
        else:
            selected.append(first)
        if index < len(tokens) and tokens[index][0] == "," and index + 1 < len(tokens) \
                and tokens[index + 1][0] in OSM_DAYS:
            index += 1
            continue
        return selected, index


def _spans(tokens: list[tuple[str, int]], index: int, text: str
           ) -> tuple[tuple[Span, ...], int]:
    spans: list[Span] = []
    while True:
        start_text, start_column = tokens[index]
        if index + 2 >= len(tokens) or tokens[index + 1][0] != "-" or \
                not re.fullmatch(r"\d{1,2}:\d{2}", tokens[index + 2][0]):
            where = tokens[index + 1][1] if index + 1 < len(tokens) else len(text) + 1
            raise Unreadable("plage horaire incomplète (attendu HH:MM-HH:MM)", where)
        end_text, end_column = tokens[index + 2]
        start = _time(start_text, start_column, end=False)
        end = _time(end_text, end_column, end=True)
        assert start is not None
        if end is not None and end <= start:
            raise Unreadable(f"la fin ({end_text}) n'est pas après le début ({start_text})",
                             end_column)
        if spans and (spans[-1][1] is None or start < spans[-1][1]):  # type: ignore[operator]
            raise Unreadable("plages horaires qui se chevauchent ou dans le désordre",
                             start_column)
        spans.append((start, end))
        index += 3
        if index + 1 < len(tokens) and tokens[index][0] == "," and \
                re.fullmatch(r"\d{1,2}:\d{2}", tokens[index + 1][0]):
            index += 1
            continue
        return tuple(spans), index


# ---- in French ------------------------------------------------------------

def hour(moment: dt.time | None) -> str:
    """9h, 9h30, 24h."""
    if moment is None:
        return "24h"
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


def spans_text(spans: tuple[Span, ...]) -> str:
    return ", ".join(f"{hour(start)}–{hour(end)}" for start, end in spans)


def _runs(days: list[int]) -> list[list[int]]:
    """Days in week order cut into runs of consecutive days ([0, 1, 2, 4] → [0-2], [4])."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _days_label(days: list[int]) -> str:
    parts = []
    for run in _runs(days):
        if len(run) >= 3:
            parts.append(f"{SHORT_DAYS[run[0]]}–{SHORT_DAYS[run[-1]]}")
        else:
            parts.extend(SHORT_DAYS[d] for d in run)
    return ", ".join(parts)


def _same_hours(week: Week) -> dict[tuple[Span, ...], list[int]]:
    """The open days grouped by identical hours, in week order (Monday = 0)."""
    groups: dict[tuple[Span, ...], list[int]] = {}
    for day, spans in enumerate(week.days):
        if spans:
            groups.setdefault(spans, []).append(day)
    return groups


def french(week: Week) -> str:
    """« lun.–ven. 9h–12h, 14h–17h ; sam. 9h–12h » (closed days are not named)."""
    if week.always:
        text = "7 j/7, 24 h/24"
    else:
        text = " ; ".join(f"{_days_label(days)} {spans_text(spans)}"
                          for spans, days in _same_hours(week).items()) or "fermé"
    return text + (" ; fermé les jours fériés" if week.closed_on_holidays else "")


def on_day(week: Week, day: dt.date, holidays: Mapping[dt.date, str] | None = None) -> str:
    """What the day's hours are, for a recap: « 9h–12h, 14h–17h » or « fermé »."""
    if week.closed_on_holidays and holidays is not None and day in holidays:
        return "fermé (jour férié)"
    spans = week.days[day.weekday()]
    return spans_text(spans) if spans else "fermé"


def to_osm(week: Week) -> str:
    """The Week written back as `opening_hours` (the DILA's plages become one string)."""
    if week.always:
        text = "24/7"
    else:
        rules = []
        for spans, days in _same_hours(week).items():
            selector = ",".join(OSM_DAYS[r[0]] if len(r) == 1 else
                                f"{OSM_DAYS[r[0]]}-{OSM_DAYS[r[-1]]}" for r in _runs(days))
            times = ",".join(f"{s:%H:%M}-{'24:00' if e is None else f'{e:%H:%M}'}"
                             for s, e in spans)
            rules.append(f"{selector} {times}")
        text = "; ".join(rules) or "Mo-Su off"
    return text + ("; PH off" if week.closed_on_holidays else "")
