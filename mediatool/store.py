"""The only module that touches data files: catalogue reads, record appends.

Record files are append-only streams of YAML documents, one event each,
written with a single `write` + `fsync` under a per-file lock. Reads take
the same lock, so a reader never sees half an append.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from mediatool import ids
from mediatool.errors import DataProblems, InvalidInput, OperationalError, Problem
from mediatool.fields import INVALID, Context, build
from mediatool.model import RECORD_KINDS, Record
from mediatool.period import Month
from mediatool.yamlio import (
    Document,
    YamlSyntaxError,
    dump_document,
    load_documents,
    load_one_document,
    split_torn_tail,
)

CATALOGUE_FILES = ("procedures.yaml", "organisations.yaml", "skills.yaml", "team.yaml")
FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_TIMEOUT_S = 15.0


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Replace `path` with `data` atomically; False (untouched) when unchanged."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return True


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _create_exclusive(wanted: Path) -> tuple[Path, int]:
    """Create a new owner-only file, never reusing a name (`-2`, `-3`… when taken)."""
    candidate, number = wanted, 1
    while True:
        try:
            return candidate, os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            number += 1
            candidate = wanted.with_name(f"{wanted.name}-{number}")


def read_catalogue_files(root: Path) -> dict[str, bytes | None]:
    """The raw bytes of each catalogue file (None when missing)."""
    files: dict[str, bytes | None] = {}
    for name in CATALOGUE_FILES:
        try:
            files[name] = (root / "catalogue" / name).read_bytes()
        except FileNotFoundError:
            files[name] = None
        except OSError as exc:
            raise OperationalError(f"lecture impossible de catalogue/{name} : {exc.strerror}") from None
    return files


def source_line(root: Path, source: str, line: int | None) -> str | None:
    """The text of line `line` of a data file, to show beside an error."""
    if line is None:
        return None
    try:
        with open(root / source, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    return text.rstrip("\r\n")
    except OSError:
        return None
    return None


def event_to_document(event: Any) -> dict[str, Any]:
    """Event dataclass → the mapping written to disk (empty optional fields left out)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if value is None or value == ():
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.datetime):
            value = value.isoformat(timespec="seconds")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[f.name] = value
    return out


def parse_documents(kind: str, documents: list[Document], source: str
                    ) -> tuple[list[Record], list[Problem]]:
    """Turn record documents into events, collecting problems (pure)."""
    classes = RECORD_KINDS[kind][1]
    records: list[Record] = []
    problems: list[Problem] = []
    for index, doc in enumerate(documents):
        if index == len(documents) - 1 and not doc.complete:
            problems.append(Problem(source, doc.line, "dernier enregistrement tronqué (écriture "
                                    "interrompue ?)", "lancez « mediatool check --repair »"))
            continue
        value = doc.value
        if not isinstance(value, dict):
            problems.append(Problem(source, doc.line, "enregistrement illisible : une liste de "
                                    "champs (clé: valeur) est attendue"))
            continue
        cls = classes.get(value.get("event"))  # type: ignore[arg-type]
        if cls is None:
            problems.append(Problem(source, doc.line,
                                    f"type d'évènement inconnu « {value.get('event')} »",
                                    f"types permis ici : {', '.join(classes)}"))
            continue
        ctx = Context(source, _record_locator(doc))
        event = build(cls, value, (), ctx)
        problems.extend(ctx.problems)
        if event is not INVALID:
            records.append(Record(event, source, doc.line))
    return records, problems


def _record_locator(doc: Document) -> Any:
    def locate(path: tuple[Any, ...]) -> tuple[int | None, int | None]:
        if path and doc.text:
            prefix = f"{path[0]}:"
            for offset, line in enumerate(doc.text.splitlines()):
                if line.startswith(prefix):
                    return doc.line + offset, None
        return doc.line, None

    return locate


class Store:
    """Record files of one data folder: `records/<kind>/<YYYY-MM>.yaml`."""

    def __init__(self, root: Path, lock_timeout: float = LOCK_TIMEOUT_S) -> None:
        self.root = root
        self.records = root / "records"
        self.lock_timeout = lock_timeout

    # -- paths ---------------------------------------------------------------
    def file(self, kind: str, month: Month) -> Path:
        if kind not in RECORD_KINDS:
            raise ValueError(kind)
        return self.records / kind / f"{month}.yaml"

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def months(self, kind: str) -> list[Month]:
        """Months that have a record file, oldest first."""
        folder = self.records / kind
        found = []
        if folder.is_dir():
            for path in folder.glob("*.yaml"):
                with contextlib.suppress(ValueError):
                    found.append(Month.parse(path.stem))
        return sorted(found)

    # -- locking -------------------------------------------------------------
    def _lock(self, kind: str, month: Month) -> FileLock:
        folder = self.records / ".locks"
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        return FileLock(str(folder / f"{kind}-{month}.lock"), timeout=self.lock_timeout,
                        mode=FILE_MODE)

    @contextlib.contextmanager
    def transaction(self, files: Iterable[tuple[str, Month]]) -> Iterator[Transaction]:
        """Hold the locks of several files (in a fixed order) to check then append."""
        wanted = sorted(set(files), key=lambda pair: (pair[0], pair[1]))
        with contextlib.ExitStack() as stack:
            for kind, month in wanted:
                lock = self._lock(kind, month)
                try:
                    stack.enter_context(lock)
                except Timeout:
                    raise OperationalError(
                        f"fichier {self.relative(self.file(kind, month))} occupé par une autre "
                        "commande", "réessayez dans quelques secondes") from None
            yield Transaction(self, set(wanted))

    # -- reading -------------------------------------------------------------
    def scan(self, kind: str, month: Month) -> tuple[list[Record], list[Problem]]:
        """Read one month file without raising: (records, problems). Caller holds the lock."""
        path = self.file(kind, month)
        source = self.relative(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            return [], [Problem(source, None, f"lecture impossible : {exc.strerror}")]
        try:
            documents = load_documents(data)
        except YamlSyntaxError as exc:
            return [], [Problem(source, exc.line, exc.message, "lancez « mediatool check »",
                                exc.column)]
        return parse_documents(kind, documents, source)

    def read(self, kind: str, months: Iterable[Month]) -> list[Record]:
        """Events of these months, in file order; DataProblems if any file is wrong."""
        records: list[Record] = []
        problems: list[Problem] = []
        for month in months:
            if not self.file(kind, month).exists():
                continue
            with self.transaction([(kind, month)]):
                found, wrong = self.scan(kind, month)
            records.extend(found)
            problems.extend(wrong)
        if problems:
            raise DataProblems("des enregistrements sont illisibles",
                               "corrigez-les ou lancez « mediatool check --repair »", problems)
        return records

    def read_texts(self, kind: str, months: Iterable[Month]) -> list[tuple[Month, str]]:
        """The raw text of each existing month file, read under its lock."""
        texts = []
        for month in months:
            path = self.file(kind, month)
            if not path.exists():
                continue
            with self.transaction([(kind, month)]):
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise OperationalError(f"lecture impossible de {self.relative(path)} : "
                                           f"{exc.strerror}") from None
            texts.append((month, data.decode("utf-8-sig", errors="replace")))
        return texts

    def read_matching(self, kind: str, months: Iterable[Month], pattern: re.Pattern[str],
                      wanted: set[str] | None = None,
                      fallback: re.Pattern[str] | None = None) -> list[Record]:
        """Events of only the documents where `pattern` matches, across many month files.

        For look-ups over a long history (an id, a closing date): a file is
        read, but only the documents holding a match are parsed. With `wanted`,
        a match counts only when its first group is in `wanted`. With
        `fallback`, a file where `fallback` matches more often than `pattern`
        (a document written in another layout) has every `fallback` document
        parsed, so nothing is missed. DataProblems if a parsed document is wrong.
        """
        records: list[Record] = []
        problems: list[Problem] = []
        for month in months:
            path = self.file(kind, month)
            if not path.exists():
                continue
            with self.transaction([(kind, month)]):
                try:
                    text = path.read_bytes().decode("utf-8-sig", errors="replace")
                except OSError as exc:
                    problems.append(Problem(self.relative(path), None,
                                            f"lecture impossible : {exc.strerror}"))
                    continue
            hits = [m for m in pattern.finditer(text)
                    if wanted is None or m.group(1) in wanted]
            if fallback is not None:
                others = list(fallback.finditer(text))
                if len(others) > len(list(pattern.finditer(text))):
                    hits.extend(others)
            if not hits:
                continue
            found, wrong = _parse_hits(kind, text, [m.start() for m in hits],
                                       self.relative(path))
            records.extend(found)
            problems.extend(wrong)
        if problems:
            raise DataProblems("des enregistrements sont illisibles",
                               "corrigez-les ou lancez « mediatool check --repair »", problems)
        return records

    def scan_all(self, kind: str) -> tuple[list[Record], list[Problem]]:
        """Every month of a kind, never raising: for `check`."""
        records: list[Record] = []
        problems: list[Problem] = []
        for month in self.months(kind):
            with self.transaction([(kind, month)]):
                found, wrong = self.scan(kind, month)
            records.extend(found)
            problems.extend(wrong)
        return records, problems

    def repair_tail(self, kind: str, month: Month, stamp: str) -> Path | None:
        """Move a torn last document aside into `<file>.broken-<stamp>`; keep the rest.

        Nothing is deleted: the fragment is written and synced before the
        file is atomically replaced by its complete prefix.
        """
        path = self.file(kind, month)
        with self.transaction([(kind, month)]):
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                return None
            text = data.decode("utf-8", errors="surrogateescape")
            keep, fragment, _ = split_torn_tail(text)
            if not fragment:
                return None
            broken, fd = _create_exclusive(path.with_name(f"{path.name}.broken-{stamp}"))
            with os.fdopen(fd, "wb") as handle:
                handle.write(fragment.encode("utf-8", errors="surrogateescape"))
                handle.flush()
                os.fsync(handle.fileno())
            write_atomic(path, keep.encode("utf-8", errors="surrogateescape"), FILE_MODE)
            return broken

    def read_all(self, kind: str) -> list[Record]:
        return self.read(kind, self.months(kind))

    def find(self, kind: str, record_id: str) -> tuple[Month, list[Record]]:
        """The month file holding `record_id` and that id's events; newest months first."""
        for month in reversed(self.months(kind)):
            events = [r for r in self.read(kind, [month]) if r.event.id == record_id]
            if events:
                return month, events
        raise InvalidInput(f"identifiant inconnu : {record_id}",
                           "vérifiez l'identifiant (ex. A-7K3QX2)")

    # -- writing -------------------------------------------------------------
    def append(self, kind: str, month: Month, event: Any) -> None:
        """Append one event under the file's lock."""
        with self.transaction([(kind, month)]) as tx:
            tx.append(kind, month, event)

    def new_id(self, kind: str) -> str:
        return ids.new_id(RECORD_KINDS[kind][0])


_DOCUMENT_START = re.compile(r"^---(?:[ \t]*\r?$| )", re.MULTILINE)


def _parse_hits(kind: str, text: str, positions: list[int], source: str
                ) -> tuple[list[Record], list[Problem]]:
    """Parse the documents of `text` that contain one of `positions`."""
    starts = [m.start() for m in _DOCUMENT_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chosen = sorted({bisect.bisect_right(starts, pos) - 1 for pos in positions})
    documents: list[Document] = []
    problems: list[Problem] = []
    line, counted_to = 1, 0
    for index in chosen:
        begin = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        line += text.count("\n", counted_to, begin)
        counted_to = begin
        try:
            documents.append(load_one_document(text[begin:end], line))
        except YamlSyntaxError as exc:
            problems.append(Problem(source, exc.line, exc.message, "lancez « mediatool check »",
                                    exc.column))
    records, wrong = parse_documents(kind, documents, source)
    return records, problems + wrong


class Transaction:
    """Locked files: read them and append to them."""

    def __init__(self, store: Store, files: set[tuple[str, Month]]) -> None:
        self.store = store
        self.files = files

    def read(self, kind: str, month: Month) -> list[Record]:
        self._check_held(kind, month)
        records, problems = self.store.scan(kind, month)
        if problems:
            raise DataProblems("des enregistrements sont illisibles",
                               "corrigez-les ou lancez « mediatool check --repair »", problems)
        return records

    def append(self, kind: str, month: Month, event: Any) -> None:
        """Append one event: one write, one fsync."""
        self.append_many(kind, month, [event])

    def append_many(self, kind: str, month: Month, events: list[Any]) -> None:
        """Append events in one write and one fsync (imports, demo data)."""
        self._check_held(kind, month)
        path = self.store.file(kind, month)
        data = "".join(dump_document(event_to_document(e)) for e in events).encode("utf-8")
        created = not path.exists()
        if created:
            path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        else:
            self._refuse_torn_tail(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise OperationalError(f"écriture impossible dans {self.store.relative(path)} : "
                                   f"{exc.strerror}") from None
        if created:
            _fsync_dir(path.parent)

    def _refuse_torn_tail(self, path: Path) -> None:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 256))
            tail = handle.read().rstrip(b" \t\r\n")
        if tail and not (tail.endswith(b"\n...") or (tail == b"..." and size <= 256)):
            source = self.store.relative(path)
            raise DataProblems(
                f"{source} se termine par un enregistrement tronqué",
                "lancez « mediatool check --repair » avant d'enregistrer",
                [Problem(source, None, "fin de fichier tronquée")])

    def _check_held(self, kind: str, month: Month) -> None:
        if (kind, month) not in self.files:
            raise RuntimeError(f"{kind}/{month} is not locked by this transaction")
