"""Usage learning paths service: open, find, follow, list, close (store + pure core).

A path's events live in the month file of its opening; its sessions are
appointments (`kind: usage`, `path: P-…`) in the month files of their dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from mediatool.core.errors import InvalidInput
from mediatool.core.ids import normalise_id
from mediatool.core.learning import PathProgress, path_progress
from mediatool.core.lookup import by_id, mediator_by_id
from mediatool.core.model import AppointmentCancelled, PathClosed, PathOpened, Record, Team
from mediatool.core.period import Month
from mediatool.core.personal_data import refuse_personal_data
from mediatool.core.scheduling import local
from mediatool.core.state import Appointment, LearningPath, fold_appointments, fold_paths
from mediatool.core.text import closest_ids
from mediatool.store.folder import DataFolder
from mediatool.store.records import AmbiguousId, Transaction

__all__ = ["LearningPath", "PathProgress", "open_path", "path_opening", "as_path",
           "opening_month", "find_path", "reread_path", "close_path", "path_status",
           "list_paths", "sessions_of"]


def _opening_month(team: Team, path: LearningPath) -> Month:
    return Month.of(local(team, path.opened_at).date())


def find_path(data: DataFolder, text: str, now: dt.datetime) -> LearningPath:
    """The path an id typed by a person names (InvalidInput with suggestions)."""
    wanted = normalise_id(text)
    if wanted.startswith("P-"):
        try:
            _, records = data.store.find("paths", wanted)
        except AmbiguousId:
            raise
        except InvalidInput:
            pass
        else:
            found = fold_paths(records)[0].get(wanted)
            if found is not None:
                return found
    # Paths are few (a handful a month): reading them all for suggestions is cheap.
    known = {r.event.id for r in data.store.read_all("paths")}
    close = closest_ids(wanted, known)
    hint = (f"vouliez-vous : {', '.join(close)} ?" if close
            else "vérifiez l'identifiant (ex. P-7K3QX2) ; « mediatool path list » les liste")
    raise InvalidInput(f"parcours inconnu : « {text} »", hint)


def reread_path(tx: Transaction, team: Team, path: LearningPath) -> LearningPath:
    """The path as it stands in its (locked) file."""
    records = [r for r in tx.read("paths", _opening_month(team, path)) if r.event.id == path.id]
    return fold_paths(records)[0].get(path.id, path)


def open_path(data: DataFolder, now: dt.datetime, *, person: str, mediator: str,
              skills: Sequence[str], sessions: int, phone: str | None = None,
              note: str | None = None, by: str | None = None) -> LearningPath:
    """Open a learning path: the skills agreed with the person and the number of sessions."""
    event = path_opening(data, now, person=person, mediator=mediator, skills=skills,
                         sessions=sessions, phone=phone, note=note, by=by)
    month = opening_month(data.catalogue.team, now)
    data.store.append("paths", month, event)
    return as_path(data, event)


def opening_month(team: Team, now: dt.datetime) -> Month:
    """The month file a path opened at `now` is written in."""
    return Month.of(local(team, now).date())


def as_path(data: DataFolder, event: PathOpened) -> LearningPath:
    """The path an opening event makes, as its file will hold it."""
    source = data.store.relative(data.store.file("paths",
                                                 opening_month(data.catalogue.team, event.at)))
    return fold_paths([Record(event, source, 0)])[0][event.id]


def path_opening(data: DataFolder, now: dt.datetime, *, person: str, mediator: str,
                 skills: Sequence[str], sessions: int, phone: str | None = None,
                 note: str | None = None, by: str | None = None) -> PathOpened:
    """The checked opening event of a path, not written yet (InvalidInput, exit 2)."""
    catalogue = data.catalogue
    refuse_personal_data(note, "la note", catalogue)
    referent = mediator_by_id(catalogue, mediator)
    author = mediator_by_id(catalogue, by).id if by else referent.id
    name = " ".join(person.split())
    if not name:
        raise InvalidInput("le nom de la personne manque", "ajoutez --person \"Prénom N.\"")
    targets = tuple(dict.fromkeys(by_id(catalogue.skills, s, "compétence").id
                                  for s in skills if s.strip()))
    if not targets:
        raise InvalidInput("aucune compétence visée", "exemple : --skills 1.1,4.2 "
                           "(liste : mediatool catalogue schema skills.yaml)")
    if not 1 <= sessions <= 50:
        raise InvalidInput(f"nombre de séances impossible : {sessions}",
                           "indiquez entre 1 et 50 séances")
    return PathOpened(id=data.store.new_id("paths"), event="opened", at=now, by=author,
                      person=name, mediator=referent.id, skills=targets, sessions=sessions,
                      phone=(phone or "").strip() or None, note=(note or "").strip() or None)


def close_path(data: DataFolder, text: str, now: dt.datetime, *, reason: str | None = None,
               by: str | None = None) -> LearningPath:
    """Close a path; closing twice is refused (exit 2)."""
    return close_path_cancelling(data, text, now, reason=reason, by=by,
                                 cancel_planned=False)[0]


def close_path_cancelling(data: DataFolder, text: str, now: dt.datetime, *,
                          reason: str | None = None, by: str | None = None,
                          cancel_planned: bool = True
                          ) -> tuple[LearningPath, list[Appointment]]:
    """Close a path and, with `cancel_planned`, cancel its future sessions in the same step.

    The path's file and every appointment month of its life are locked together, so a
    session booked meanwhile is either cancelled here or refused as the path is closed.
    """
    refuse_personal_data(reason, "le motif", data.catalogue)
    team = data.catalogue.team
    path = find_path(data, text, now)
    author = mediator_by_id(data.catalogue, by).id if by else path.mediator
    month = _opening_month(team, path)
    files: set[tuple[str, Month]] = {("paths", month)}
    if cancel_planned:
        files |= {("appointments", m) for m in data.store.months("appointments") if m >= month}
    cancelled: list[Appointment] = []
    pending: list[tuple[Month, list[AppointmentCancelled]]] = []
    with data.store.transaction(files) as tx:
        path = reread_path(tx, team, path)
        if path.is_open and cancel_planned:
            for kind, file_month in sorted(files):
                if kind != "appointments":
                    continue
                state = fold_appointments(tx.read(kind, file_month))[0]
                planned = [a for a in state.values() if a.path == path.id
                           and a.status == "booked" and a.start >= now]
                events = [AppointmentCancelled(id=a.id, event="cancelled", at=now, by=author,
                                               by_person=False, reason="parcours clos")
                          for a in planned]
                if events:
                    cancelled.extend(planned)
                    pending.append((file_month, events))
        if not path.is_open:
            raise InvalidInput(f"le parcours {path.id} est déjà clos "
                               f"(le {local(team, path.closed_at):%d/%m/%Y})",  # type: ignore[arg-type]
                               "rien à faire")
        event = PathClosed(id=path.id, event="closed", at=now, by=author,
                           reason=(reason or "").strip() or None)
        tx.append("paths", month, event)
        for file_month, events in pending:
            tx.append_many("appointments", file_month, events)
    return dataclasses.replace(path, closed_at=event.at, close_reason=event.reason), cancelled


def _sessions_since(data: DataFolder, first: Month) -> list[Appointment]:
    months = [m for m in data.store.months("appointments") if m >= first]
    return list(fold_appointments(data.store.read("appointments", months))[0].values())


def sessions_of(data: DataFolder, path: LearningPath) -> list[Appointment]:
    """Appointments from the path's opening month on (its sessions among them)."""
    return _sessions_since(data, _opening_month(data.catalogue.team, path))


def path_status(data: DataFolder, text: str, now: dt.datetime) -> PathProgress:
    """Sessions planned, booked, done and skills reached for one path."""
    path = find_path(data, text, now)
    return path_progress(path, sessions_of(data, path))


def list_paths(data: DataFolder, only_open: bool = False) -> list[PathProgress]:
    """Every path (or the open ones) with its progress, newest first."""
    team = data.catalogue.team
    paths = list(fold_paths(data.store.read_all("paths"))[0].values())
    if only_open:
        paths = [p for p in paths if p.is_open]
    if not paths:
        return []
    first = min(_opening_month(team, p) for p in paths)
    sessions = _sessions_since(data, first)
    progress = [path_progress(p, sessions) for p in paths]
    return sorted(progress, key=lambda p: p.path.opened_at, reverse=True)
