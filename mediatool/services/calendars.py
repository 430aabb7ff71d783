"""`export-ics`: read the records the window needs, build every calendar, write them.

Everything is built in memory before the first file is written, so a corrupt
record (DataProblems, exit 1) leaves the previous .ics files untouched. Each
record file is read under its lock (Store.read), so a half-appended record is
never exported. Files are replaced atomically and only when their content
changed (store.write_atomic), which keeps their mtime for HTTP caches and
makes a cron run every few minutes cheap.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mediatool.core.errors import (
    DataProblems,
    OperationalError,
    Problem,
    french_os_error,
    os_error_hint,
)
from mediatool.core.model import Mediator
from mediatool.core.period import Month
from mediatool.core.state import Appointment, LearningPath, fold_appointments, fold_paths
from mediatool.core.values import frozen
from mediatool.formats import ics
from mediatool.host import caldav
from mediatool.store.folder import DataFolder
from mediatool.store.records import FILE_MODE, write_atomic

PUBLIC_MODE = 0o644  # served by a web server: readable by others on purpose
PRIVATE_MODE = FILE_MODE  # names and phones inside: owner only


@dataclass
class ExportResult:
    """What an export did: files rewritten and files left as they were."""

    calendars: list[ics.CalendarFile]
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    window_start: dt.datetime | None = None
    pushed: caldav.PushResult | None = None
    skipped: list[Problem] = field(default_factory=list)  # events that do not fold


@frozen
class CaldavTarget:
    """A CalDAV server to publish to as well; the password is read from a file."""

    url: str
    user: str | None = None
    password_file: Path | None = None


def build(data: DataFolder, now: dt.datetime, private: bool
          ) -> tuple[list[ics.CalendarFile], list[Problem]]:
    """Every calendar, from the record months the window needs (no calendar written), and the
    events left out because they do not fold (the one policy of every reader: an event
    that makes no sense is skipped and said, `check` reports it; the calendars of the
    whole team never stop for one bad event)."""
    catalogue = data.catalogue
    _refuse_reserved_ids(catalogue.team.mediators)
    data.store.remember_before = Month.of(now.date())  # the window's past months, once
    appointments, skipped = _appointments(data, ics.window_start(now))
    wanted = {a.path for a in appointments if a.kind == "usage" and a.path}
    paths: dict[str, LearningPath] = {}
    if wanted:
        paths, path_problems = _paths(data, wanted, ics.window_start(now))
        skipped += path_problems
    return ics.build_calendars(catalogue, appointments, paths, now, private), skipped


def export(data: DataFolder, out: Path, now: dt.datetime, private: bool,
           target: CaldavTarget | None = None) -> ExportResult:
    """Build, then write `<out>/<name>.ics` for each calendar (atomic, unchanged skipped);
    then publish them to `target` when given (its password is read before anything)."""
    password = caldav.read_password(target.password_file, target.user) if target else None
    calendars, skipped = build(data, now, private)
    contents = [(out / f"{c.name}.ics", c.to_ics()) for c in calendars]
    _prepare(out)
    result = ExportResult(calendars, window_start=ics.window_start(now), skipped=skipped)
    mode = PRIVATE_MODE if private else PUBLIC_MODE
    for path, content in contents:
        try:
            changed = write_atomic(path, content, mode)
            if not changed and (path.stat().st_mode & 0o777) != mode:
                os.chmod(path, mode)  # --private toggled on unchanged content: fix access
        except OSError as exc:
            raise OperationalError(f"écriture impossible de {path} : {_reason(exc)}",
                                   os_error_hint(exc) or "vérifiez ce dossier") from None
        (result.written if changed else result.unchanged).append(path)
    if target is not None:
        result.pushed = caldav.push(target.url, target.user, password, calendars,
                                    result.window_start)
    return result


def _prepare(out: Path) -> None:
    """Create the output folder; refuse at once (naming it) when it cannot be written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OperationalError(f"{out} existe et n'est pas un dossier",
                               "indiquez un dossier avec --out") from None
    except OSError as exc:
        raise OperationalError(f"impossible de créer le dossier {out} : {_reason(exc)}",
                               "indiquez un dossier où vous pouvez écrire") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise OperationalError(f"dossier {out} non accessible en écriture",
                               "indiquez un dossier où vous pouvez écrire, ou changez ses "
                               "droits") from None


def _reason(exc: OSError) -> str:
    """The OS error in French when it is a common one (the OS speaks the server's locale)."""
    return french_os_error(exc)


def _refuse_reserved_ids(mediators: tuple[Mediator, ...]) -> None:
    clashes = [m.id for m in mediators if m.id in ics.RESERVED_NAMES]
    if clashes:
        raise DataProblems(
            f"l'identifiant de médiateur « {clashes[0]} » est réservé aux calendriers communs",
            "renommez ce médiateur dans catalogue/team.yaml",
            [Problem("catalogue/team.yaml", None, f"identifiant réservé : {clashes[0]}")])


def _appointments(data: DataFolder, since: dt.datetime
                  ) -> tuple[list[Appointment], list[Problem]]:
    """Appointments of the months from the window start on (events live in the start month)."""
    # the day before: an appointment that started just before midnight may end inside
    first = Month.of((since - dt.timedelta(days=1)).date())
    months = [m for m in data.store.months("appointments") if m >= first]
    records = data.store.read("appointments", months)  # each file read under its lock
    state, problems = fold_appointments(records)
    return list(state.values()), problems


# Every event of a path carries the path's id, as `Store.append` writes it: the files are
# searched for these lines at C speed and only the matching documents parsed.
PATH_ID = re.compile(r"\nid: ['\"]?(P-[0-9A-Z]+)(?![\w-])")


def _paths(data: DataFolder, wanted: set[str], since: dt.datetime
           ) -> tuple[dict[str, LearningPath], list[Problem]]:
    """The paths of the window's usage appointments, wherever they were opened.

    A path may have been opened years before the window: rather than parsing every paths
    file ever written, each is searched for the wanted ids (a document in another layout
    is parsed whole, see `Store.read_matching`), so the cost stays that of the window.
    """
    first = Month.of((since - dt.timedelta(days=1)).date())
    months = data.store.months("paths")
    # Past months are complete: read without their locks, as the report does; the window's
    # months may be appended to right now, so under their locks.
    records = data.store.read_matching("paths", [m for m in months if m < first], PATH_ID,
                                       wanted, fallback="P-", locked=False)
    records += data.store.read_matching("paths", [m for m in months if m >= first], PATH_ID,
                                        wanted, fallback="P-")
    state, problems = fold_paths([r for r in records if r.event.id in wanted])
    return state, problems
