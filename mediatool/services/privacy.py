"""Use case `purge`: erase personal data past retention (store + pure retention rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mediatool.core.errors import InvalidInput
from mediatool.core.labels import FRAGMENTS
from mediatool.core.model import RECORD_KINDS as RECORD_KIND_FOLDERS
from mediatool.core.period import Month
from mediatool.core.retention import (
    KINDS,
    PurgePlan,
    anonymised_events,
    fragment_month,
    plan_purge,
    retention_cutoff,
    scrub_document,
    scrub_fragment,
)
from mediatool.core.state import fold_appointments, fold_paths, fold_waitlist
from mediatool.host import environment
from mediatool.store.folder import DataFolder

PURGE_BY = "purge"


@dataclass
class FilePurge:
    """What the purge did (or would do) in one record file."""

    source: str
    kind: str
    ids: int
    rewritten: int = 0


@dataclass
class PurgeResult:
    before: dt.date
    dry_run: bool
    files: list[FilePurge] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(f.ids for f in self.files if f.kind == kind)


def cutoff_from_retention(data: DataFolder) -> dt.date:
    """Today minus the team's `retention` months."""
    return retention_cutoff(data.now().date(), data.catalogue.team.retention)


def plan(data: DataFolder, before: dt.date) -> PurgePlan:
    """Read what is needed to decide; no file is written."""
    store = data.store
    last_old = Month.of(before)
    path_months = [m for m in store.months("paths") if m <= last_old]
    paths_state, _ = fold_paths(store.read("paths", path_months))
    # A path still open may have sessions after the date, which keep it alive:
    # read appointments from the oldest open path onward, and only old months
    # when every path is closed.
    first = min((Month.of(p.opened_at.date()) for p in paths_state.values() if p.is_open),
                default=last_old)
    appointment_months = [m for m in store.months("appointments") if m <= last_old or m >= first]
    appointments, _ = fold_appointments(store.read("appointments", appointment_months))
    # An entry's events all live in its inscription month: later months cannot be old.
    waits, _ = fold_waitlist(store.read("waitlist", [m for m in store.months("waitlist")
                                                     if m <= last_old]))
    return plan_purge(appointments.values(), paths_state.values(), before, waits.values())


def purge(data: DataFolder, before: dt.date, dry_run: bool, command: str) -> PurgeResult:
    """Anonymise appointments, paths and waiting entries older than `before` (rewrites their
    month files)."""
    now = data.now()
    if before > now.date():
        raise InvalidInput(f"la date {before.isoformat()} est dans le futur",
                           "choisissez une date passée : les rendez-vous à venir gardent "
                           "leurs coordonnées")
    result = PurgeResult(before, dry_run)
    wanted = plan(data, before)
    store = data.store
    audit = f"{now.isoformat(timespec='seconds')}\t{environment.user()}\t{command}"
    for (kind, month), ids in wanted.files.items():
        source = store.relative(store.file(kind, month))
        if dry_run:
            result.files.append(FilePurge(source, kind, len(ids & wanted.unmarked)))
            continue
        events = anonymised_events(ids & wanted.unmarked, now, PURGE_BY)
        erased, rewritten = store.anonymise(kind, month, ids, scrub_document, events, audit)
        if erased or events:
            result.files.append(FilePurge(source, kind, max(erased, len(events)), rewritten))
    result.files.extend(_clean_fragments(data, before, dry_run, audit))
    result.files = [f for f in result.files if f.ids]
    return result


def _clean_fragments(data: DataFolder, before: dt.date, dry_run: bool, audit: str
                     ) -> list[FilePurge]:
    """Fragments set aside by `check --repair` from months wholly before `before`: their
    lines that may hold personal data are erased (a torn document cannot be parsed)."""
    store = data.store
    cleaned = []
    for kind in RECORD_KIND_FOLDERS:
        for path in store.odd_files(kind):
            month = fragment_month(path.name)
            if month is None or month.last_day >= before:
                continue
            text = store.read_fragment(path)
            scrubbed = scrub_fragment(text)
            if scrubbed == text:
                continue
            if not dry_run:
                store.rewrite_fragment(path, scrubbed, audit)
            cleaned.append(FilePurge(store.relative(path), FRAGMENTS, 1, int(not dry_run)))
    return cleaned


__all__ = ["purge", "plan", "cutoff_from_retention", "PurgeResult", "KINDS"]
