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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mediatool.store import records_cache

COPY, COPY_KIND = "catalogue-last-good.json", "catalogue-last-good"
KEY, KEY_KIND = "catalogue-last-good-key.json", "catalogue-last-good-key"


@dataclass(frozen=True)
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


def remember(root: Path, files: Mapping[str, bytes | None], now: dt.datetime) -> None:
    """Keep `files` as the last good catalogue, unless this very content is kept already."""
    key = content_key(files)
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
