"""What mediatool computed once and may reuse: files in `.mediatool/cache/` (0700).

The cache is untrusted input. Each file is plain JSON holding a format name, a version and
a blake2b checksum of its data; a file that is truncated, corrupt, from another version,
not owned by the current user or readable by others is ignored (and rebuilt), never
believed. Writes go through a temporary file and an atomic rename under a lock, so two
commands filling the cache at once never leave a torn file. A folder where the cache cannot
be written (read-only, someone else's) works the same, only without the cache: `notice`
says so once per process.

The catalogue's "last good" copy (store/cache.py) lives in the same folder, in its own files.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mediatool.core.hashing import blake2b

CACHE_DIR = Path(".mediatool") / "cache"
FORMAT = "mediatool-cache"
VERSION = 2  # 2: the checksum covers the written bytes of `data`
_DATA_KEY = b',"data":'
LOCK_TIMEOUT_S = 10.0

_notices: list[str] = []
_disabled: set[Path] = set()


def digest(data: bytes) -> str:
    """The content hash the cache keys on."""
    return blake2b(data, digest_size=20).hexdigest()


def _canonical(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@functools.lru_cache(maxsize=64)
def _resolved(root: Path) -> Path:
    # `check` asks for each of its hundreds of entries: resolve once per folder.
    return root.resolve()


def disable(root: Path) -> None:
    """`--no-cache`: neither read nor write the cache of this folder in this process."""
    _disabled.add(_resolved(root))


def enable(root: Path) -> None:
    _disabled.discard(_resolved(root))


def enabled(root: Path) -> bool:
    return _resolved(root) not in _disabled and not os.environ.get("MEDIATOOL_NO_CACHE")


def notices() -> list[str]:
    """French lines to show the user once (e.g. the cache could not be written); drained."""
    found = list(dict.fromkeys(_notices))
    _notices.clear()
    return found


def _folder(root: Path) -> Path:
    return root / CACHE_DIR


def _trusted(path: str) -> bool:
    """Ours, and nobody else could have written it: otherwise it is not evidence."""
    try:
        info = os.stat(path)
        parent = os.stat(os.path.dirname(path))
    except OSError:
        return False
    uid = os.getuid()
    return (info.st_uid == uid and parent.st_uid == uid and not info.st_mode & 0o022
            and not parent.st_mode & 0o077)


def read(root: Path, name: str, kind: str) -> Any | None:
    """The data stored under `name`, or None if absent, untrusted or not exactly ours."""
    if not enabled(root):
        return None
    path = os.path.join(root, CACHE_DIR, name)  # strings, not pathlib: `check` reads hundreds
    if not _trusted(path):
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        wrapper = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(wrapper, dict) or wrapper.get("format") != FORMAT \
            or wrapper.get("version") != VERSION or wrapper.get("kind") != kind \
            or "data" not in wrapper:
        return None
    # The checksum covers the bytes of `data` as written (last member, see `write`):
    # hashing them is much cheaper than encoding the decoded value again.
    start = raw.find(_DATA_KEY)
    if start < 0 or not raw.endswith(b"}") \
            or wrapper.get("checksum") != digest(raw[start + len(_DATA_KEY):-1]):
        return None
    return wrapper["data"]


def forget(root: Path, pattern: str) -> None:
    """Delete the cache files whose names match `pattern` (glob): what was computed from
    data that is gone (an anonymised month) must not outlive it. Never raises for a
    file already gone; a file that cannot be deleted is an error (data would remain)."""
    for path in _folder(root).glob(pattern):
        try:
            path.unlink()
        except FileNotFoundError:
            continue


def _make_folder(root: Path) -> Path | None:
    folder = _folder(root)
    try:
        folder.parent.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_uid != os.getuid():
            raise PermissionError
        os.chmod(folder, 0o700)
        ignore = folder.parent / ".gitignore"
        if not ignore.exists():
            # Folders made before `init` listed .mediatool/ in .gitignore: the cache is per
            # machine and must never be committed with the records.
            ignore.write_text("*\n", encoding="utf-8")
    except OSError:
        _notices.append("cache non enregistré : le dossier de données n'est pas modifiable "
                        "par vous (la commande marche, sans accélération)")
        return None
    return folder


def write(root: Path, name: str, kind: str, data: object, lock: str | None = None) -> bool:
    """Store `data` (JSON values only) under `name`; False if the cache is not writable.

    `lock` names the lock file when many entries share one (default: one per entry)."""
    import tempfile  # imported here: only writers need it (it pulls random, shutil)

    if not enabled(root):
        return False
    folder = _make_folder(root)
    if folder is None:
        return False
    body = _canonical(data)
    header = _canonical({"checksum": digest(body), "format": FORMAT, "kind": kind,
                         "version": VERSION})
    payload = header[:-1] + _DATA_KEY + body + b"}"
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(folder / f"{lock or name}.lock"), timeout=LOCK_TIMEOUT_S, mode=0o600):
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.chmod(tmp, 0o600)
                os.replace(tmp, folder / name)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
    except (OSError, Timeout):
        # The cache is an accelerator: a full disk or a stuck lock must not fail a command.
        _notices.append("cache non enregistré : écriture impossible dans .mediatool/cache "
                        "(la commande marche, sans accélération)")
        return False
    return True


def file_key(path: Path) -> dict[str, int] | None:
    """What says a file may have changed without reading it: size and mtime."""
    try:
        info = path.stat()
    except OSError:
        return None
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


# -- public holidays: computed once per year, since loading the library costs ~0.3 s --------

def code_stamp(names: tuple[str, ...]) -> str:
    """mediatool's version and the size and mtime of these of its files (paths inside the
    package): what a value computed by that code is keyed on."""
    import mediatool

    root = Path(mediatool.__file__).parent
    stamps = [mediatool.__version__]
    for name in names:
        key = file_key(root / name)
        stamps.append("-" if key is None else f"{key['size']}:{key['mtime_ns']}")
    return "|".join(stamps)


def library_key(module: str, stamp_file: str | None = None) -> str | None:
    """Which release of an installed library this is, without importing it: where it is,
    and the size and mtime of its file (or of `stamp_file` beside it, if there is one)."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    beside = Path(spec.origin).with_name(stamp_file) if stamp_file else None
    key = file_key(beside if beside is not None and beside.exists() else Path(spec.origin))
    return None if key is None else f"{spec.origin}:{key['size']}:{key['mtime_ns']}"


def _holidays_library_key() -> str | None:
    """Which `holidays` is installed: a new release may fix a date."""
    return library_key("holidays", "version.py")


def load_holidays(root: Path) -> tuple[str | None, dict[str, dict[str, str]]]:
    """(library key, {"FR|57|2026": {"2026-01-01": "Jour de l'an", …}}) from the cache."""
    library = _holidays_library_key()
    stored = read(root, "holidays.json", "holidays")
    if library is None or not isinstance(stored, dict) or stored.get("library") != library:
        return library, {}
    years = stored.get("years")
    if not isinstance(years, dict) or not all(
            isinstance(v, dict) and all(isinstance(d, str) and isinstance(n, str)
                                        for d, n in v.items()) for v in years.values()):
        return library, {}
    return library, years


def save_holidays(root: Path, library: str, years: Mapping[str, Mapping[str, str]]) -> None:
    write(root, "holidays.json", "holidays", {"library": library, "years": dict(years)})
