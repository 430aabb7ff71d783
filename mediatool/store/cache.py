"""The catalogue's last good copy: what the phone line runs on after a bad edit.

A coordinator's typo on Monday (`start: 14:00` unquoted in team.yaml) must not take
down Tuesday's shift. Each time the catalogue loads without a blocking error, its
files' bytes are kept in `.mediatool/cache/` (git-ignored, private, written atomically
by `records_cache`), keyed on their content; `call`, `slots`, `book` and `agenda` fall
back on that copy while today's files have errors, and say so. `check` never does.

Two files: a small key (read on every good load, to know whether anything changed)
and the copy itself (read only when today's catalogue is broken).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mediatool.core.errors import Problem
from mediatool.core.values import frozen
from mediatool.store import records_cache

COPY, COPY_KIND = "catalogue-last-good.json", "catalogue-last-good"
KEY, KEY_KIND = "catalogue-last-good-key.json", "catalogue-last-good-key"
PARSED, PARSED_KIND = "catalogue-parsed.json", "catalogue-parsed-1"
INDEX, INDEX_KIND = "search-index.json", "search-index-3"  # 3: postings packed
# The code that turns the files into values and problems: an edit to it (an upgrade, a
# developer's change) makes the saved parse stale.
_PARSING_CODE = ("core/catalogue.py", "core/model.py", "core/fields.py", "store/yamltext.py")


@frozen
class LastGood:
    """A catalogue that loaded without a blocking error, and since when it was seen so."""

    files: dict[str, bytes | None]
    saved: dt.datetime


def content_key(files: Mapping[str, bytes | None]) -> str:
    """The digest of every file's name and bytes (a missing file counts too)."""
    parts = []
    for name in sorted(files):
        data = files[name]
        parts.append(name.encode() + (b"\0-" if data is None
                                      else b"\0+" + str(len(data)).encode() + b"\0" + data))
    return records_cache.digest(b"\0\0".join(parts))


def remember(root: Path, files: Mapping[str, bytes | None], now: dt.datetime,
             key: str | None = None) -> None:
    """Keep `files` as the last good catalogue, unless this very content is kept already
    (`key`: their `content_key`, when the caller has it)."""
    key = key or content_key(files)
    stored = records_cache.read(root, KEY, KEY_KIND)
    if isinstance(stored, dict) and stored.get("key") == key:
        return
    texts: dict[str, str | None] = {}
    for name, data in files.items():
        try:
            texts[name] = None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:  # it loaded, so it is UTF-8; never keep what is not
            return
    saved = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    # The copy first: a key written without its copy would stop the copy being refreshed.
    if records_cache.write(root, COPY, COPY_KIND, {"key": key, "saved": saved, "files": texts}):
        records_cache.write(root, KEY, KEY_KIND, {"key": key, "saved": saved})


def last_good(root: Path) -> LastGood | None:
    """The last good catalogue kept for this folder, or None (never any, or not trusted)."""
    stored = records_cache.read(root, COPY, COPY_KIND)
    if not isinstance(stored, dict) or not isinstance(stored.get("files"), dict):
        return None
    files: dict[str, bytes | None] = {}
    for name, text in stored["files"].items():
        if not isinstance(name, str) or not (text is None or isinstance(text, str)):
            return None
        files[name] = None if text is None else text.encode("utf-8")
    try:
        saved = dt.datetime.fromisoformat(str(stored.get("saved")))
    except ValueError:
        return None
    if stored.get("key") != content_key(files) or saved.tzinfo is None:
        return None
    return LastGood(files, saved)


# ---- the parse of a catalogue that built ----------------------------------------------
# YAML gives more than JSON has: dates, non-string keys, sets, infinite floats. Each is
# written as a one-key object whose key starts with NUL, which no catalogue key does (a
# plain mapping with such a key is written as pairs, so decoding is never ambiguous).

_TAG = "\0"


class _NotPlain(Exception):
    """A parsed value with a type the saved parse does not cover: nothing is saved."""


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {_TAG + "float": repr(value)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith(_TAG) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_TAG + "map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {_TAG + "datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {_TAG + "date": value.isoformat()}
    if isinstance(value, (set, frozenset)):
        return {_TAG + "set": [_encode(v) for v in value]}
    raise _NotPlain(type(value).__name__)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _decode_object(pairs: dict[str, Any]) -> Any:
    if len(pairs) != 1:
        return pairs
    [(key, inner)] = pairs.items()
    if not key.startswith(_TAG):
        return pairs
    tag = key[1:]
    if tag == "map":
        return {_hashable(k): v for k, v in inner}
    if tag == "datetime":
        return dt.datetime.fromisoformat(inner)
    if tag == "date":
        return dt.date.fromisoformat(inner)
    if tag == "set":
        return {_hashable(v) for v in inner}
    if tag == "float":
        return float(inner)
    raise ValueError(f"unknown tag {tag!r}")


def parsed_key(content: str, today: dt.date) -> str:
    """The saved parse's key, from the files' `content_key`."""
    return f"{content}|{today.isoformat()}|{records_cache.code_stamp(_PARSING_CODE)}"


def index_key(parsed: str) -> str:
    """The saved search index's key: the parse's, the search code's and the stemmer's (the
    index holds stems: another release of either would not find them again)."""
    return (f"{parsed}|{records_cache.code_stamp(('core/search.py', 'core/text.py'))}"
            f"|{records_cache.library_key('Stemmer')}")


def save_index(root: Path, key: str, data: Any) -> None:
    """Keep the search index built from the catalogue these files gave (JSON values)."""
    records_cache.write(root, INDEX, INDEX_KIND, {"key": key, "index": data})


def saved_index(root: Path, key: str) -> Any | None:
    """The index data kept for exactly this key, or None."""
    stored = records_cache.read(root, INDEX, INDEX_KIND)
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("index")


def save_parsed(root: Path, key: str, values: Mapping[str, Any],
                problems: list[Problem]) -> None:
    """Keep the parse of a catalogue that built (nothing when a value is not plain)."""
    try:
        encoded = json.dumps({name: _encode(value) for name, value in values.items()},
                             ensure_ascii=False, separators=(",", ":"))
    except _NotPlain:
        return
    records_cache.write(root, PARSED, PARSED_KIND, {
        "key": key, "values": encoded,
        "problems": [[p.source, p.line, p.message, p.hint, p.column, p.severity, p.blocking]
                     for p in problems]})


def parsed(root: Path, key: str) -> tuple[dict[str, Any], list[Problem]] | None:
    """The saved parse for exactly this key: (each file's value, problems), or None."""
    stored = records_cache.read(root, PARSED, PARSED_KIND)
    if not isinstance(stored, dict) or stored.get("key") != key \
            or not isinstance(stored.get("values"), str) \
            or not isinstance(stored.get("problems"), list):
        return None
    try:
        values = json.loads(stored["values"], object_hook=_decode_object)
        problems = [Problem(str(source), line, str(message), hint, column, str(severity),
                            bool(blocking))
                    for source, line, message, hint, column, severity, blocking
                    in stored["problems"]]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(values, dict):
        return None
    return values, problems
