"""`check`'s memory of each record file: its summary, keyed on the file's exact bytes.

One cache entry per record file (`check-<kind>-<YYYY-MM>.json` in .mediatool/cache/)
holds the file's size, mtime and blake2b hash when it was last validated, and its
summary (core/checks.FileSummary). The hash is always computed: a file changed behind
the cache's back with the same size and mtime is caught. A file whose bytes are those
of the entry is not validated again; a file that only grew (the hash of its first `size`
bytes is the entry's, and those ended with a whole record) has only the appended
documents validated, the summary continued; anything else is validated whole. A missing,
corrupt or foreign entry (records_cache.read) is rebuilt, never trusted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mediatool
from mediatool.core.catalogue import Team
from mediatool.core.checks import SUMMARY_VERSION, FileSummary, may_continue, summarise
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
LOCK = "check"


@dataclass
class Outcome:
    """How one file's summary was obtained, for tests and the benchmark."""

    summary: FileSummary
    how: str  # "cached", "appended", "validated"


def entry_name(kind: str, month: Month) -> str:
    return f"check-{kind}-{month}.json"


def summaries(store: Store, kind: str, team: Team) -> Iterator[Outcome]:
    """The summary of each month file of `kind`, oldest first, one file at a time."""
    for month in store.months(kind):
        yield file_summary(store, kind, month, team)


def file_summary(store: Store, kind: str, month: Month, team: Team) -> Outcome:
    path = store.file(kind, month)
    source = store.relative(path)
    try:
        mtime_ns, data = _read(path, source)
        if not ends_whole(data):
            # Perhaps an append under way: read again under the file's lock, as writers
            # hold it. A file ending with a whole record needs no lock (appends are one
            # write of whole records, rewrites are atomic renames).
            with store.transaction([(kind, month)]):
                mtime_ns, data = _read(path, source)
    except FileNotFoundError:
        return Outcome(FileSummary(kind, source), "validated")
    except (OperationalError, OSError) as exc:
        return Outcome(summarise(kind, source, [], [unreadable(source, exc)], team),
                       "validated")
    root = store.root
    name = entry_name(kind, month)
    digest = records_cache.digest(data)
    entry = records_cache.read(root, name, KIND)
    previous = _previous(entry, kind, source)
    if previous is not None and entry is not None:
        size = int(entry["size"])
        if size == len(data) and entry["digest"] == digest:
            return Outcome(previous, "cached")
        if (size < len(data) and entry["whole_end"]
                and records_cache.digest(data[:size]) == entry["digest"]):
            records, problems = parse_record_bytes(kind, data[size:], source,
                                                   after_line=int(entry["lines"]))
            if may_continue(previous, records):
                summary = summarise(kind, source, records, problems, team, previous)
                _remember(store, name, data, mtime_ns, digest, summary)
                return Outcome(summary, "appended")
    records, problems = parse_record_bytes(kind, data, source)
    summary = summarise(kind, source, records, problems, team)
    del records
    forget_scalars()  # memory: one month at a time, not the memos of every file read
    _remember(store, name, data, mtime_ns, digest, summary)
    return Outcome(summary, "validated")


def _read(path: Path, source: str) -> tuple[int, bytes]:
    mtime_ns = os.stat(path, follow_symlinks=False).st_mtime_ns
    return mtime_ns, read_record_file(path, source)


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


def _remember(store: Store, name: str, data: bytes, mtime_ns: int, digest: str,
              summary: FileSummary) -> None:
    records_cache.write(store.root, name, KIND, {
        "summary_version": SUMMARY_VERSION, "code": mediatool.__version__,
        "size": len(data), "mtime_ns": mtime_ns, "digest": digest,
        "lines": data.count(b"\n"),
        # Appending is only safe after a whole record: a torn tail is validated again.
        "whole_end": ends_whole(data),
        "summary": summary.to_data()}, lock=LOCK)
