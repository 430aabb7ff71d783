"""`check`'s memory of each record file: its summary, keyed on the file's exact bytes.

One cache entry per record file (`check-<kind>-<YYYY-MM>.json` in .mediatool/cache/)
holds the file's status (size, mtime, ctime, inode), its blake2b hash when it was last
validated, and its summary (core/checks.FileSummary). A file whose status is the entry's,
and had not changed for two seconds when it was hashed, is not even read (what git does
for its index; ctime is what no tool sets back). Otherwise the file is hashed: bytes
that are the entry's are not validated again (a change behind the cache's back with the
same size and mtime is caught); a file that only grew (the hash of its first `size`
bytes is the entry's, and those ended with a whole record) has only the appended
documents validated, the summary continued; anything else is validated whole. The fold
state of appointments and paths, most of a summary and seldom needed, is kept in a side
file (`check-state-…`) read only when a rule needs it. `check-distinct.json` keeps the
hashes of the id lists last found without an id used twice, so that ten unchanged years
of ids are hashed, not split and gone through, on every check. A missing, corrupt or
foreign entry or side file (records_cache.read) is rebuilt, never trusted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import mediatool
from mediatool.core.catalogue import Team
from mediatool.core.checks import (
    SUMMARY_VERSION,
    FileSummary,
    may_continue,
    summarise,
    well_formed_state,
)
from mediatool.core.errors import OperationalError
from mediatool.core.period import Month
from mediatool.store import records_cache
from mediatool.store.records import (
    Store,
    ends_whole,
    parse_record_bytes,
    read_record_file,
    unreadable,
)
from mediatool.store.yamltext import forget_scalars

KIND = "check-file"
STATE_KIND = "check-state"
LOCK = "check"
RACY_NS = 2_000_000_000
# Kinds whose fold state is large (every appointment, every path): kept in a side file,
# read only when a rule needs it. Other kinds keep theirs in the entry.
STATE_APART = ("appointments", "paths")


@dataclass
class Outcome:
    """How one file's summary was obtained, for tests and the benchmark."""

    summary: FileSummary
    how: str  # "cached", "appended", "validated"


def entry_name(kind: str, month: Month) -> str:
    return f"check-{kind}-{month}.json"


def state_name(kind: str, month: Month) -> str:
    return f"check-state-{kind}-{month}.json"


# The keys of the id lists the last check found without an id used twice
# (core/checks.FolderChecks.distinct_found): hashes of the ids, nothing else.
DISTINCT_NAME = "check-distinct.json"
DISTINCT_KIND = "check-distinct"


def distinct_keys(store: Store) -> frozenset[str]:
    kept = records_cache.read(store.root, DISTINCT_NAME, DISTINCT_KIND)
    if not isinstance(kept, list) or not all(isinstance(k, str) for k in kept):
        return frozenset()
    return frozenset(kept)


def remember_distinct(store: Store, keys: set[str], known: frozenset[str]) -> None:
    """Keep this check's keys for the next one (written only when they changed)."""
    if keys != known:
        records_cache.write(store.root, DISTINCT_NAME, DISTINCT_KIND, sorted(keys), lock=LOCK)


def summaries(store: Store, kind: str, team: Team) -> Iterator[Outcome]:
    """The summary of each month file of `kind`, oldest first, one file at a time."""
    for month in store.months(kind):
        yield file_summary(store, kind, month, team)


def file_summary(store: Store, kind: str, month: Month, team: Team) -> Outcome:
    source = store.source(kind, month)
    root = store.root
    path = os.path.join(root, source)
    name = entry_name(kind, month)
    entry = records_cache.read(root, name, KIND)
    previous = _previous(entry, kind, source)
    try:
        info = os.stat(path, follow_symlinks=False)
        if previous is not None and entry is not None and _unchanged(entry, info):
            _state_apart(previous, store, month, team, str(entry["digest"]))
            return Outcome(previous, "cached")
        seen_ns = time.time_ns()
        data = read_record_file(path, source)
        if not ends_whole(data):
            # Perhaps an append under way: read again under the file's lock, as writers
            # hold it. A file ending with a whole record needs no lock (appends are one
            # write of whole records, rewrites are atomic renames).
            with store.transaction([(kind, month)]):
                info = os.stat(path, follow_symlinks=False)
                seen_ns = time.time_ns()
                data = read_record_file(path, source)
    except FileNotFoundError:
        return Outcome(FileSummary(kind, source), "validated")
    except (OperationalError, OSError) as exc:
        return Outcome(summarise(kind, source, [], [unreadable(source, exc)], team),
                       "validated")
    digest = records_cache.digest(data)
    if previous is not None and entry is not None:
        _state_apart(previous, store, month, team, str(entry["digest"]))
        size = int(entry["size"])
        if size == len(data) and entry["digest"] == digest:
            _remember(store, kind, month, data, info, seen_ns, digest, previous, state=False)
            return Outcome(previous, "cached")
        if (size < len(data) and entry["whole_end"]
                and records_cache.digest(data[:size]) == entry["digest"]):
            records, problems = parse_record_bytes(kind, data[size:], source,
                                                   after_line=int(entry["lines"]))
            if may_continue(previous, records):
                summary = summarise(kind, source, records, problems, team, previous)
                _remember(store, kind, month, data, info, seen_ns, digest, summary)
                return Outcome(summary, "appended")
    records, problems = parse_record_bytes(kind, data, source)
    summary = summarise(kind, source, records, problems, team)
    del records
    forget_scalars()  # memory: one month at a time, not the memos of every file read
    _remember(store, kind, month, data, info, seen_ns, digest, summary)
    return Outcome(summary, "validated")


def _stat_key(info: os.stat_result) -> list[int]:
    # ctime too: no tool sets it back (touch -r, rsync -t and git restore mtimes, not it).
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _unchanged(entry: Any, info: os.stat_result) -> bool:
    """The file is as it was hashed, by its status alone. Only trusted when the file had
    not changed for RACY_NS before it was read: a write in the same clock tick as the
    read could leave the status the same (git's "racy clean" case), so it is hashed."""
    seen = entry.get("seen_ns")
    return (entry.get("stat") == _stat_key(info) and isinstance(seen, int)
            and info.st_ctime_ns + RACY_NS < seen and info.st_mtime_ns + RACY_NS < seen)


def _state_apart(summary: FileSummary, store: Store, month: Month, team: Team,
                 digest: str) -> None:
    if summary.kind in STATE_APART:
        summary.load_state = _state_loader(store, summary.kind, month, team, digest)


def _state_loader(store: Store, kind: str, month: Month, team: Team, digest: str
                  ) -> Callable[[], str]:
    """Where a cached summary gets its fold state: the entry's side file, or failing that
    (missing, damaged, another file's) the record file summarised again."""
    def load() -> str:
        kept = records_cache.read(store.root, state_name(kind, month), STATE_KIND)
        if isinstance(kept, dict) and kept.get("digest") == digest \
                and well_formed_state(kept.get("state")):
            return str(kept["state"])
        source = store.source(kind, month)
        data = read_record_file(store.file(kind, month), source)
        if records_cache.digest(data) != digest:
            raise OperationalError(f"{source} a changé pendant la vérification",
                                   "relancez « mediatool check »")
        records, problems = parse_record_bytes(kind, data, source)
        return summarise(kind, source, records, problems, team).state
    return load


def _previous(entry: Any, kind: str, source: str) -> FileSummary | None:
    """The entry's summary if it is one of this version, for this very file."""
    if not isinstance(entry, dict) or entry.get("summary_version") != SUMMARY_VERSION \
            or entry.get("code") != mediatool.__version__ \
            or not isinstance(entry.get("size"), int) or not isinstance(entry.get("lines"), int) \
            or not isinstance(entry.get("digest"), str):
        return None
    summary = FileSummary.from_data(entry.get("summary"))
    if summary is None or summary.kind != kind or summary.source != source:
        return None
    return summary


def _remember(store: Store, kind: str, month: Month, data: bytes, info: os.stat_result,
              seen_ns: int, digest: str, summary: FileSummary, state: bool = True) -> None:
    """Write the entry, and first (with `state`) the side file of its fold state: an entry
    is never newer than its state."""
    apart = kind in STATE_APART
    if state and apart:
        records_cache.write(store.root, state_name(kind, month), STATE_KIND,
                            {"digest": digest, "state": summary.fold_state()}, lock=LOCK)
    records_cache.write(store.root, entry_name(kind, month), KIND, {
        "summary_version": SUMMARY_VERSION, "code": mediatool.__version__,
        "size": len(data), "mtime_ns": info.st_mtime_ns, "digest": digest,
        "stat": _stat_key(info), "seen_ns": seen_ns,
        "lines": data.count(b"\n"),
        # Appending is only safe after a whole record: a torn tail is validated again.
        "whole_end": ends_whole(data),
        "summary": summary.to_data(with_state=not apart)}, lock=LOCK)
