"""Use cases that combine the store (I/O) with the pure core."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mediatool.core.checks import RULES, FolderChecks
from mediatool.core.errors import OperationalError, Problem
from mediatool.core.localtime import in_zone
from mediatool.core.model import RECORD_KINDS, Record
from mediatool.core.period import Month
from mediatool.host import environment
from mediatool.store import check_cache, records_cache
from mediatool.store.folder import DataFolder, collector_paused
from mediatool.store.scaffold import create_data_folder


def initialise(directory: Path, demo: bool) -> str:
    """Create a data folder; with `demo`, fill it with fictional activity."""
    create_data_folder(directory)
    if not demo:
        return ""
    from mediatool.services.demo import demo_activity, experiment_yaml
    from mediatool.store.scaffold import append_to_team

    now = DataFolder(directory.resolve()).now()
    append_to_team(directory, experiment_yaml(now))
    data = DataFolder(directory.resolve())
    events = demo_activity(data.catalogue, now)
    grouped: dict[tuple[str, Month], list[object]] = defaultdict(list)
    for item in events:
        grouped[(item.kind, item.month)].append(item.event)
    for (kind, month), batch in grouped.items():
        with data.store.transaction([(kind, month)]) as tx:
            tx.append_many(kind, month, batch)
    counts = Counter(item.kind for item in events)
    return ", ".join(f"{counts[k]} {label}" for k, label in (
        ("calls", "appels"), ("appointments", "évènements de rendez-vous"),
        ("paths", "évènements de parcours"), ("dropins", "permanences")))


@dataclass
class CheckResult:
    problems: list[Problem]
    record_count: int
    repaired: list[Path] = field(default_factory=list)
    restricted: list[str] = field(default_factory=list)  # made owner-only by --repair
    notices: list[str] = field(default_factory=list)  # e.g. the cache could not be written


def check_folder(data: DataFolder, repair: bool = False, use_cache: bool = True
                 ) -> CheckResult:
    """Validate everything; with `repair`, set torn file tails aside first; without
    `use_cache`, neither read nor write .mediatool/cache (for doubts and tests)."""
    if not use_cache:
        records_cache.disable(data.root)
    try:
        return _check_folder(data, repair)
    finally:
        records_cache.enable(data.root)


def _check_folder(data: DataFolder, repair: bool) -> CheckResult:
    now = environment.now("UTC")
    repaired: list[Path] = []
    restricted: list[str] = []
    if repair:
        stamp = now.strftime("%Y%m%dT%H%M%S")
        for kind in RECORD_KINDS:
            for month in data.store.months(kind):
                moved = data.store.repair_tail(kind, month, stamp)
                if moved:
                    repaired.append(moved)
        restricted = data.store.restrict_permissions()
    catalogue, catalogue_problems = data.loaded
    problems = list(catalogue_problems)
    with collector_paused():  # ~a quarter of check's time on a long history, for nothing
        if catalogue is None:  # no team to check against: only whether records read
            count = 0
            for kind in RECORD_KINDS:
                for month in data.store.months(kind):
                    with data.store.transaction([(kind, month)]):
                        found, wrong = data.store.scan(kind, month)
                    count += len(found)
                    problems.extend(wrong)
            return CheckResult(problems, count, repaired, restricted, records_cache.notices())
        distinct = check_cache.distinct_keys(data.store)
        checks = FolderChecks(catalogue, in_zone(now, data.zone), distinct)
        months: dict[str, Month] = {}
        for kind in RECORD_KINDS:
            for outcome in check_cache.summaries(data.store, kind, catalogue.team):
                checks.add(outcome.summary)
                months[outcome.summary.source] = Month.parse(Path(outcome.summary.source).stem)
        # Ids whose events span files (a merge, a hand edit) are folded again from their
        # records: rare, and never answered from one file's summary alone.
        cross: dict[str, list[Record]] = {}
        for kind, (ids, sources) in checks.cross_files().items():
            cross[kind] = []
            for source in sources:
                with data.store.transaction([(kind, months[source])]):
                    found, _ = data.store.scan(kind, months[source])
                cross[kind] += [r for r in found if r.event.id in ids]
    from mediatool.host.git import driver_missing, records_merged_by_union

    extra = {"file_modes": data.store.permissions(), "odd_files": _odd_files(data),
             "git_driver_missing": driver_missing(data.root),
             "git_union_records": records_merged_by_union(data.root)}
    found_by_rule = checks.finish(cross, extra)
    check_cache.remember_distinct(data.store, checks.distinct_found, distinct)
    problems += found_by_rule["file"]
    problems += [p for rule in RULES for p in found_by_rule[rule]]
    count = checks.count
    return CheckResult(problems, count, repaired, restricted, records_cache.notices())


def _odd_files(data: DataFolder) -> list[tuple[str, str, bool]]:
    """(source, "fragment" or "misnamed", holds personal data) of every file under
    records/<kind>/ that no command reads."""
    from mediatool.core.retention import fragment_holds_personal_data, fragment_month

    found = []
    for kind in RECORD_KINDS:
        for path in data.store.odd_files(kind):
            source = data.store.relative(path)
            if fragment_month(path.name) is None:
                found.append((source, "misnamed", False))
                continue
            try:
                text = data.store.read_fragment(path)
            except (OperationalError, OSError):
                found.append((source, "misnamed", False))  # a link or a special file
                continue
            found.append((source, "fragment", fragment_holds_personal_data(text)))
    return found


__all__ = ["initialise", "check_folder", "CheckResult"]
