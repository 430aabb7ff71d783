"""Progress of a usage learning path (pure): sessions planned, booked, done; skills reached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from mediatool.core.state import Appointment, LearningPath
from mediatool.core.values import frozen


@frozen
class PathProgress:
    """Where a learning path stands."""

    path: LearningPath
    appointments: tuple[Appointment, ...]
    booked: int  # active, no outcome yet (future, or past "à renseigner")
    done: int  # attended
    no_show: int
    cancelled: int
    skills_reached: tuple[str, ...]

    @property
    def remaining(self) -> int:
        """Sessions still to book: booked and done ones use up the agreed number."""
        return max(0, self.path.sessions - self.booked - self.done)

    @property
    def skills_remaining(self) -> tuple[str, ...]:
        return tuple(s for s in self.path.skills if s not in self.skills_reached)

    def upcoming(self, now: dt.datetime) -> tuple[Appointment, ...]:
        return tuple(a for a in self.appointments if a.status == "booked" and a.start >= now)


def path_progress(path: LearningPath, appointments: Iterable[Appointment]) -> PathProgress:
    """Count the path's sessions by status; skills reached come from attended sessions."""
    mine = tuple(sorted((a for a in appointments if a.path == path.id),
                        key=lambda a: (a.start, a.id)))
    reached: list[str] = []
    for appointment in mine:
        if appointment.status == "attended":
            reached.extend(s for s in appointment.skills if s not in reached)
    return PathProgress(
        path=path, appointments=mine,
        booked=sum(a.status == "booked" for a in mine),
        done=sum(a.status == "attended" for a in mine),
        no_show=sum(a.status == "no_show" for a in mine),
        cancelled=sum(a.status == "cancelled" for a in mine),
        skills_reached=tuple(reached))
