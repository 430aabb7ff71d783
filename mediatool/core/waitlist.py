"""The waiting list's rules (pure): its order, and who a freed slot suits.

A person waits when no free slot suits them (a full week, a deadline such
as a titre de séjour's expiry). The list is read by deadline first, then by
age; a freed slot is proposed to the entries it fits, in that order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from mediatool.core.model import Procedure, Team
from mediatool.core.scheduling import appointment_duration, local
from mediatool.core.state import WaitEntry


def order_key(entry: WaitEntry) -> tuple[dt.date, dt.datetime, str]:
    """Deadline first (none: last), then the oldest entry."""
    return (entry.before or dt.date.max, entry.added_at, entry.id)


def ordered(entries: Iterable[WaitEntry]) -> list[WaitEntry]:
    return sorted(entries, key=order_key)


def needed_minutes(team: Team, entry: WaitEntry, procedures: Mapping[str, Procedure]) -> int:
    """The duration a booking for this entry would take: the one duration rule."""
    return appointment_duration(team, entry.kind, procedures.get(entry.procedure or ""))


def deadline_passed(entry: WaitEntry, today: dt.date) -> bool:
    return entry.before is not None and entry.before < today


def fits(team: Team, entry: WaitEntry, procedures: Mapping[str, Procedure], mediator: str,
         start: dt.datetime, minutes: int) -> bool:
    """Whether a slot of `minutes` at `start` with `mediator` suits this entry.

    Only open entries not yet offered MAX_OFFERS times are proposed: a flagged
    entry is the team's to handle by hand.
    """
    if not entry.is_open or entry.flagged:
        return False
    if entry.mediator is not None and entry.mediator != mediator:
        return False
    if entry.before is not None and local(team, start).date() > entry.before:
        return False
    return needed_minutes(team, entry, procedures) <= minutes


def suited_to(team: Team, entries: Iterable[WaitEntry], procedures: Mapping[str, Procedure],
              mediator: str, start: dt.datetime, minutes: int, now: dt.datetime
              ) -> list[WaitEntry]:
    """The entries a freed slot fits, best first; none for a slot already begun."""
    if start <= now:
        return []
    return ordered(e for e in entries if fits(team, e, procedures, mediator, start, minutes))
