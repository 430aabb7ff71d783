"""A past month file's parse, remembered: its validated records, keyed on its exact bytes.

A report, or the calendars' window, reads past months that have not changed since the
last time, and parsing and validating their thousands of documents is most of its work.
A command that reads them (`Store.remember_before`) keeps each whole file's records, as
`to_plain` values with their lines, and its problems, in
`.mediatool/cache/parsed-<kind>-<YYYY-MM>.json`, keyed on the blake2b of the file's bytes,
the parsing code and the installed PyYAML. Any reader then rebuilds the records without
validating them again: they were validated when the entry was written, and the entry is
checksummed, ours (records_cache.read) and keyed on those very bytes. Anything not
exactly that is parsed again; nothing else changes.

Only months before the current one are remembered: the current month grows all day.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from mediatool.core.errors import Problem
from mediatool.core.fields import rebuild, to_plain
from mediatool.core.model import RECORD_KINDS, Record
from mediatool.core.period import Month
from mediatool.store import records_cache

KIND = "parsed-records"
VERSION = 1
# What the parse of a record file depends on, besides its bytes.
_CODE = ("core/model.py", "core/fields.py", "store/records.py", "store/yamltext.py",
         "store/_fastyaml.py", "store/parsed_cache.py")


def entry_name(kind: str, month: Month) -> str:
    return f"parsed-{kind}-{month}.json"


def _key(data: bytes) -> str:
    return f"{_code_key()}|{len(data)}|{records_cache.digest(data)}"


@functools.cache
def _code_key() -> str:
    # Once per process: a report asks for each month it reads (stats and a find_spec).
    return f"{VERSION}|{records_cache.code_stamp(_CODE)}|{records_cache.library_key('yaml')}"


def recalled(root: Path, kind: str, month: Month, data: bytes, source: str
             ) -> tuple[list[Record], list[Problem]] | None:
    """The records and problems remembered for exactly these bytes, or None."""
    entry = records_cache.read(root, entry_name(kind, month), KIND)
    if not isinstance(entry, dict) or entry.get("key") != _key(data):
        return None
    classes = RECORD_KINDS[kind][1]
    try:
        records = [Record(rebuild(classes[plain["event"]], plain), source, line)
                   for line, plain in entry["records"] if type(line) is int]
        if len(records) != len(entry["records"]):
            return None
        problems = [Problem(**p) for p in entry["problems"]]
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    if any(p.source != source for p in problems):
        return None
    return records, problems


def remember(root: Path, kind: str, month: Month, data: bytes, records: list[Record],
             problems: list[Problem]) -> None:
    records_cache.write(root, entry_name(kind, month), KIND, {
        "key": _key(data),
        "records": [[r.line, to_plain(r.event)] for r in records],
        "problems": [dataclasses.asdict(p) for p in problems]}, lock="parsed")
