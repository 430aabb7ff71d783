"""Retention of personal data: what is too old, and what erasing it means (pure).

Appointments, learning paths and waiting entries hold a person's name, a contact phone and
free-text notes. Past the retention date these are erased; everything the
statistics count (dates, durations, kinds, statuses, mediators, procedures,
skills, links between records) is kept as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mediatool.core.errors import InvalidInput
from mediatool.core.model import Anonymised, Record
from mediatool.core.period import Month
from mediatool.core.state import ANONYMOUS, Appointment, LearningPath, WaitEntry

# Per event type: the fields that may hold personal data, and what replaces them
# (None: the field is dropped from the document).
PERSONAL_FIELDS: Mapping[str, Mapping[str, str | None]] = {
    "booked": {"person": ANONYMOUS, "phone": None, "note": None},
    "opened": {"person": ANONYMOUS, "phone": None, "note": None},
    "added": {"person": ANONYMOUS, "phone": None, "note": None},
    "cancelled": {"reason": None},
    "attended": {"note": None},
    "closed": {"reason": None},
}
KINDS = ("appointments", "paths", "waitlist")


def retention_cutoff(today: dt.date, months: int) -> dt.date:
    """The day `months` calendar months before `today` (clamped to the month's end)."""
    total = today.year * 12 + today.month - 1 - months
    month = Month(total // 12, total % 12 + 1)
    return month.first_day.replace(day=min(today.day, month.last_day.day))


def scrub_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A record document with its personal fields erased (a copy; others unchanged)."""
    erase = PERSONAL_FIELDS.get(str(document.get("event")), {})
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key not in erase:
            out[key] = value
        elif erase[key] is not None:
            out[key] = erase[key]
    return out


def holds_personal_data(document: Mapping[str, Any]) -> bool:
    """True when scrubbing would change the document."""
    return scrub_document(document) != dict(document)


def file_of(record_source: str) -> tuple[str, Month] | None:
    """(kind, month) of a record file named `records/<kind>/<YYYY-MM>.yaml`."""
    path = PurePosixPath(record_source)
    try:
        return path.parent.name, Month.parse(path.stem)
    except (ValueError, InvalidInput):
        return None


def old_appointments(appointments: Iterable[Appointment], before: dt.date
                     ) -> list[Appointment]:
    """Appointments that ended before `before` (anonymised ones too: a merge may have
    brought their personal data back)."""
    return [a for a in appointments if a.end.date() < before]


def old_paths(paths: Iterable[LearningPath], appointments: Iterable[Appointment],
              before: dt.date) -> list[LearningPath]:
    """Paths whose last activity (opening, sessions, closing) is before `before`.

    A path still followed (a session on or after the date) keeps its data.
    """
    last_session: dict[str, dt.date] = {}
    for appointment in appointments:
        if appointment.path:
            day = appointment.start.date()
            last_session[appointment.path] = max(day, last_session.get(appointment.path, day))
    found = []
    for path in paths:
        activity = [path.opened_at.date()]
        if path.closed_at:
            activity.append(path.closed_at.date())
        if path.id in last_session:
            activity.append(last_session[path.id])
        if max(activity) < before:
            found.append(path)
    return found


def old_waits(entries: Iterable[WaitEntry], before: dt.date) -> list[WaitEntry]:
    """Waiting entries whose last activity (inscription, offer, closing) is before `before`.

    An entry still open but untouched that long is erased too: a person who waited past
    the retention period is no longer someone to call back from this list.
    """
    return [e for e in entries if (e.last_change or e.added_at).date() < before]


@dataclass
class PurgePlan:
    """Ids to anonymise, grouped by the record file that holds their events.

    `unmarked` are the ids that have no `anonymised` event yet.
    """

    files: dict[tuple[str, Month], set[str]] = field(default_factory=dict)
    unmarked: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.files.values())

    def count(self, kind: str) -> int:
        return sum(len(ids) for (k, _), ids in self.files.items() if k == kind)


def plan_purge(appointments: Iterable[Appointment], paths: Iterable[LearningPath],
               before: dt.date, waits: Iterable[WaitEntry] = ()) -> PurgePlan:
    """Which ids of which files to anonymise for `before`."""
    appointments = list(appointments)
    grouped: dict[tuple[str, Month], set[str]] = defaultdict(set)
    unmarked: set[str] = set()
    old: list[Appointment | LearningPath | WaitEntry] = [
        *old_appointments(appointments, before), *old_paths(paths, appointments, before),
        *old_waits(waits, before)]
    for item in old:
        where = file_of(item.source)
        if where is not None:
            grouped[where].add(item.id)
            if not item.anonymised:
                unmarked.add(item.id)
    return PurgePlan(dict(sorted(grouped.items())), unmarked)


def anonymised_events(ids: Iterable[str], now: dt.datetime, by: str) -> list[Anonymised]:
    """The events that record the erasure, one per id, in a stable order."""
    return [Anonymised(id=i, event="anonymised", at=now, by=by) for i in sorted(ids)]


def leftover_personal_data(records: Iterable[Record]) -> list[Record]:
    """Records of anonymised ids that still hold personal data (e.g. after a git merge)."""
    records = list(records)
    erased = {r.event.id for r in records if isinstance(r.event, Anonymised)}
    leftovers = []
    for record in records:
        event = record.event
        if event.id not in erased:
            continue
        erase = PERSONAL_FIELDS.get(event.event, {})
        if any(getattr(event, name, None) not in (None, replacement)
               for name, replacement in erase.items()):
            leftovers.append(record)
    return leftovers


# ---- fragments set aside by `check --repair` (`<month>.yaml.broken-<stamp>`) -------------

BROKEN_MARK = ".broken-"
# A torn document cannot be parsed, so a fragment is cleaned line by line: only lines
# whose key can never hold personal data are kept (a name, a phone, a note or a reason
# may continue on the next lines of a block scalar: they go too).
_SAFE_LINE = re.compile(
    r"(?:---|\.\.\.|(?:id|event|at|by|mediator|kind|start|duration_min|procedure|path|site|"
    r"from_call|rescheduled_from|rescheduled_to|by_person|to|skills|sessions|autonomy|via|"
    r"outcome|in_shift|theme|redirect_to|shift|appointment|date|seen|refused): [^\n]*)")
_PERSONAL_KEY = re.compile(r"^\s*(?:- )?(?:person|phone|note|reason|query)\s*:\s*\S",
                           re.MULTILINE)


def fragment_month(name: str) -> Month | None:
    """The month a `2026-11.yaml.broken-…` fragment came from, or None."""
    head, mark, _ = name.partition(BROKEN_MARK)
    if not mark or not head.endswith(".yaml"):
        return None
    try:
        return Month.parse(head.removesuffix(".yaml"))
    except (ValueError, InvalidInput):
        return None


def fragment_holds_personal_data(text: str) -> bool:
    """True when a fragment may hold a name, a phone, a note or a reason."""
    from mediatool.core.personal_data import find_personal_data

    return bool(_PERSONAL_KEY.search(text)) or find_personal_data(text) is not None


def scrub_fragment(text: str) -> str:
    """A fragment with every line that could hold personal data removed."""
    kept = [line for line in text.splitlines() if _SAFE_LINE.fullmatch(line)]
    return "".join(line + "\n" for line in kept)
