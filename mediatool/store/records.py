"""The only module that touches data files: catalogue reads, record appends.

Record files are append-only streams of YAML documents, one event each,
written with a single `write` + `fsync` under a per-file lock. Reads take
the same lock, so a reader never sees half an append.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import os
import re
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mediatool.core import ids
from mediatool.core.errors import (
    DataProblems,
    InvalidInput,
    OperationalError,
    Problem,
    french_os_error,
    os_error_hint,
)
from mediatool.core.fields import INVALID, Context, build, show_value
from mediatool.core.model import RECORD_KINDS, Record, event_to_document
from mediatool.core.period import Month, months_between

if TYPE_CHECKING:
    from filelock import FileLock

    from mediatool.store.yamltext import Document

FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_TIMEOUT_S = 15.0
AUDIT_LOG = "audit.log"


_os_hint = os_error_hint


def _refuse_special(fd: int, source: str) -> None:
    """Record files are regular files, never devices, FIFOs or (via O_NOFOLLOW) links."""
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        raise OperationalError(f"{source} n'est pas un fichier ordinaire : refusé",
                               "remplacez-le par un vrai fichier (voir « mediatool check »)")


def _is_month_name(stem: str) -> bool:
    """`2026-11` exactly: a real month in the years dates may take."""
    try:
        return str(Month.parse(stem)) == stem
    except (ValueError, InvalidInput):
        return False


def read_record_file(path: Path | str, source: str) -> bytes:
    """A record file's bytes: links and special files refused, never more than its size.

    O_NOFOLLOW: a symlink pushed by a teammate must not make mediatool read
    (and later copy or rewrite) a file outside the data folder; O_NONBLOCK:
    a FIFO does not hang the command before it is refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OperationalError(f"{source} est un lien symbolique : refusé",
                                   "remplacez-le par un vrai fichier (voir « mediatool check »)"
                                   ) from None
        raise
    try:
        _refuse_special(fd, source)
        size = os.fstat(fd).st_size
        chunks, left = [], size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def unreadable(source: str, exc: OperationalError | OSError) -> Problem:
    """Why a record file could not be read, as a problem of `check`."""
    if isinstance(exc, OperationalError):
        return Problem(source, None, exc.message, exc.hint)
    return Problem(source, None, f"lecture impossible : {french_os_error(exc)}", _os_hint(exc))


class AmbiguousId(InvalidInput):
    """One id names two different records: refused, both listed (exit 2)."""


def refuse_problems(problems: list[Problem]) -> None:
    """Stop a read that met unreadable records, listing each with its file:line."""
    if problems:
        raise DataProblems("des enregistrements sont illisibles",
                           "corrigez-les ou lancez « mediatool check --repair »", problems)


def refuse_special_target(path: Path, hint: str = "supprimez-le ou choisissez un autre "
                          "dossier") -> None:
    """An output replaces only a regular file: never a link, FIFO, device or socket.

    `--out /dev/stdout` as root once replaced the device link with a file, and a FIFO
    named like a calendar hung the export; `--out -` is the standard output.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InvalidInput(f"{path} inaccessible : {french_os_error(exc)}",
                           _os_hint(exc)) from None
    if stat.S_ISLNK(info.st_mode):
        raise InvalidInput(f"{path} est un lien symbolique : mediatool ne le remplace pas",
                           hint)
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{path} est un dossier", "indiquez un nom de fichier")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{path} n'est pas un fichier ordinaire (tube, périphérique…) : "
                           "refusé", hint)


def _current_bytes(path: Path) -> bytes | None:
    """What `path` holds now (None: nothing there), never more than its size says."""
    try:
        return read_record_file(path, str(path))
    except FileNotFoundError:
        return None


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Replace `path` with `data` atomically; False (untouched) when unchanged.

    Only a regular file is replaced (`refuse_special_target`), and the old one is
    read through `read_record_file`: a link is never followed, a FIFO never waited on.
    """
    import tempfile  # imported here: only writers need it (it pulls random, shutil)

    refuse_special_target(path)
    if _current_bytes(path) == data:
        return False
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


def source_lines(root: Path, wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The text of these lines of data files, to show beside their problems: each file read
    once, up to the last line asked (`check` may list hundreds of problems in one file)."""
    by_file: dict[str, set[int]] = {}
    for source, line in wanted:
        by_file.setdefault(source, set()).add(line)
    found: dict[tuple[str, int], str] = {}
    for source, lines in by_file.items():
        last = max(lines)
        try:
            with open(root / source, encoding="utf-8", errors="replace") as handle:
                for number, text in enumerate(handle, start=1):
                    if number in lines:
                        found[(source, number)] = text.rstrip("\r\n")
                    if number >= last:
                        break
        except OSError:
            continue
    return found


def ends_whole(data: bytes) -> bool:
    """True when no append can be under way: empty, or ending with a whole record."""
    return not data or data.endswith(b"\n...\n") or data == b"...\n"


def parse_record_bytes(kind: str, data: bytes, source: str, after_line: int = 0
                       ) -> tuple[list[Record], list[Problem]]:
    """A record file's bytes (or the bytes appended after its line `after_line`) as events
    and problems, positions counted in the whole file."""
    from mediatool.store.yamltext import YamlSyntaxError, load_documents

    try:
        documents = load_documents(data)
    except YamlSyntaxError as exc:
        line = None if exc.line is None else exc.line + after_line
        return [], [Problem(source, line, exc.message, "lancez « mediatool check »",
                            exc.column)]
    for doc in documents:
        doc.line += after_line
    return parse_documents(kind, documents, source)


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
        duplicate = _duplicate_top_key(doc.text)
        if duplicate:
            problems.append(Problem(source, doc.line + duplicate[1], f"champ « {duplicate[0]} » "
                                    "en double dans un même enregistrement (deux enregistrements "
                                    "mélangés par une fusion git ?)", "séparez-les ou corrigez "
                                    "à la main ; voir « mediatool git-setup »"))
            continue
        name = value.get("event")
        cls = classes.get(name) if isinstance(name, str) else None
        if cls is None:
            message = ("champ obligatoire « event » manquant" if name is None
                       else f"type d'évènement inconnu : {show_value(name)}")
            problems.append(Problem(source, doc.line, message,
                                    f"types permis ici : {', '.join(classes)}"))
            continue
        ctx = Context(source, _record_locator(doc))
        event = build(cls, value, (), ctx)
        problems.extend(ctx.problems)
        if event is not INVALID:
            records.append(Record(event, source, doc.line))
    return records, problems


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):", re.MULTILINE)


def _duplicate_top_key(text: str) -> tuple[str, int] | None:
    """(key, line offset) of a top-level key written twice: PyYAML would keep the last.

    Two records mixed line by line (git's `merge=union`) always keep both `id:`
    lines, so only documents with two of them pay for the full look.
    """
    if text.count("\nid:") < 2:
        return None
    keys = _TOP_KEY.findall(text)
    if len(keys) == len(set(keys)):
        return None
    seen: set[str] = set()
    for match in _TOP_KEY.finditer(text):
        if match.group(1) in seen:
            return match.group(1), text.count("\n", 0, match.start())
        seen.add(match.group(1))
    return None


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
        # Whole files of months before this one, once parsed by `scan_settled`, are kept
        # parsed (store/parsed_cache.py); None: nothing is kept (set by readers of the past).
        self.remember_before: Month | None = None

    # -- paths ---------------------------------------------------------------
    def file(self, kind: str, month: Month) -> Path:
        if kind not in RECORD_KINDS:
            raise ValueError(kind)
        return self.records / kind / f"{month}.yaml"

    def source(self, kind: str, month: Month) -> str:
        """`file`'s path from the data folder, as problems name it (without pathlib:
        `check` asks for hundreds)."""
        if kind not in RECORD_KINDS:
            raise ValueError(kind)
        return f"records/{kind}/{month}.yaml"

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
                if _is_month_name(path.stem):
                    found.append(Month.parse(path.stem))
        return sorted(found)

    def odd_files(self, kind: str) -> list[Path]:
        """What lies in records/<kind>/ that no command reads as records: fragments set
        aside by `check --repair`, misnamed files (2026-13.yaml, 2026-11.yml), folders.

        The one reading rule: records are read from `<AAAA-MM>.yaml` files of a real
        month, and nothing else (dot files are the temporary files of atomic writes).
        """
        folder = self.records / kind
        if not folder.is_dir():
            return []
        odd = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith("."):
                continue
            if path.suffix == ".yaml" and _is_month_name(path.stem):
                continue
            odd.append(path)
        return odd

    def read_fragment(self, path: Path) -> str:
        """A fragment's text (links and special files refused, like every record file)."""
        return read_record_file(path, self.relative(path)).decode("utf-8", errors="replace")

    def rewrite_fragment(self, path: Path, text: str, audit: str) -> None:
        """Replace a fragment (purge), owner-only, then log it in records/audit.log."""
        source = self.relative(path)
        try:
            write_atomic(path, text.encode("utf-8"), FILE_MODE)
        except OSError as exc:
            raise OperationalError(f"{source} n'a pas pu être réécrit ({french_os_error(exc)})",
                                   _os_hint(exc)) from None
        self.audit(f"{audit}\t{source}\tfragment nettoyé des données personnelles")

    # -- locking -------------------------------------------------------------
    def _lock(self, kind: str, month: Month) -> FileLock:
        from filelock import FileLock  # imported here: only writers lock

        folder = self.records / ".locks"
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        return FileLock(str(folder / f"{kind}-{month}.lock"), timeout=self.lock_timeout,
                        mode=FILE_MODE)

    @contextlib.contextmanager
    def transaction(self, files: Iterable[tuple[str, Month]]) -> Iterator[Transaction]:
        """Hold the locks of several files (in a fixed order) to check then append."""
        from filelock import Timeout

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

    @contextlib.contextmanager
    def transaction_spanning(self, files: Iterable[tuple[str, Month]], kind: str,
                             since: Month) -> Iterator[Transaction]:
        """A transaction that also holds every `kind` month file from `since` on.

        For a rule that reads a span of months (a path's sessions): the month
        files are listed again once the locks are held, and the locks taken
        again when another command created a later month meanwhile, so the
        rule never misses a file written between the listing and the lock.
        """
        base = set(files)
        while True:
            wanted = base | self._span(kind, since)
            with self.transaction(wanted) as tx:
                if self._span(kind, since) <= wanted:
                    yield tx
                    return

    def _span(self, kind: str, since: Month) -> set[tuple[str, Month]]:
        present = [m for m in self.months(kind) if m >= since]
        if not present:
            return set()
        return {(kind, m) for m in months_between(since.first_day, max(present).first_day)}

    # -- reading -------------------------------------------------------------
    def scan(self, kind: str, month: Month) -> tuple[list[Record], list[Problem]]:
        """Read one month file without raising: (records, problems). Caller holds the lock."""
        source, data, problems = self._read_month(kind, month)
        return ([], problems) if data is None else parse_record_bytes(kind, data, source)

    def scan_settled(self, kind: str, month: Month) -> tuple[list[Record], list[Problem]]:
        """`scan` without the file's lock when none is needed, for commands that only show.

        Appends are whole records ending with a `...` line and rewrites are atomic renames,
        so bytes that end with a whole record are what writers left (at worst the first
        records of a batch still being written). Anything else may be an append under way:
        read again under the lock, as writers hold it. Decisions (booking, closing) read
        inside their own transaction, never through this."""
        source, data, problems = self._read_month(kind, month)
        if data is None:
            return [], problems
        if not ends_whole(data):
            with self.transaction([(kind, month)]):
                return self.scan(kind, month)
        found = self._parsed_whole(kind, month, data, source, or_parse=True)
        assert found is not None  # parsed when not remembered
        return found

    def _parsed_whole(self, kind: str, month: Month, data: bytes, source: str,
                      or_parse: bool) -> tuple[list[Record], list[Problem]] | None:
        """The parse of a whole, settled month file: remembered (store/parsed_cache.py),
        or parsed now when `or_parse` or when it is to be remembered (a month before
        `remember_before`), then remembered if so; None otherwise."""
        from mediatool.store import parsed_cache

        found = parsed_cache.recalled(self.root, kind, month, data, source)
        remember = self.remember_before is not None and month < self.remember_before
        if found is None and (or_parse or remember):
            found = parse_record_bytes(kind, data, source)
            if remember:
                parsed_cache.remember(self.root, kind, month, data, *found)
        return found

    def _read_month(self, kind: str, month: Month) -> tuple[str, bytes | None, list[Problem]]:
        """(source, bytes or None, the problem of a file that cannot be read)."""
        path = self.file(kind, month)
        source = self.relative(path)
        try:
            return source, read_record_file(path, source), []
        except FileNotFoundError:
            return source, None, []
        except (OperationalError, OSError) as exc:
            return source, None, [unreadable(source, exc)]

    def read(self, kind: str, months: Iterable[Month]) -> list[Record]:
        """Events of these months, in file order; DataProblems if any file is wrong."""
        records: list[Record] = []
        problems: list[Problem] = []
        for month in months:
            found, wrong = self.scan_settled(kind, month)
            records.extend(found)
            problems.extend(wrong)
        refuse_problems(problems)
        return records

    def read_texts(self, kind: str, months: Iterable[Month], locked: bool = True
                   ) -> list[tuple[Month, str]]:
        """The raw text of each existing month file.

        `locked=False` reads past months without taking their locks (a lock
        costs more than reading a small file): appends are whole documents and
        `--repair` replaces files atomically, so an unlocked reader sees at
        worst a last document still being written, which `complete_prefix`
        leaves out.
        """
        return [(month, text) for month, _, text in self._month_texts(kind, months, locked)]

    def _month_texts(self, kind: str, months: Iterable[Month], locked: bool
                     ) -> Iterator[tuple[Month, bytes, str]]:
        for month in months:
            path = self.file(kind, month)
            try:
                if locked:
                    if not path.exists():
                        continue
                    with self.transaction([(kind, month)]):
                        data = read_record_file(path, self.relative(path))
                else:
                    data = read_record_file(path, self.relative(path))
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise OperationalError(f"lecture impossible de {self.relative(path)} : "
                                       f"{french_os_error(exc)}", _os_hint(exc)) from None
            text = data.decode("utf-8-sig", errors="replace")
            yield month, data, text if locked else complete_prefix(text)

    def read_matching(self, kind: str, months: Iterable[Month], pattern: re.Pattern[str],
                      wanted: set[str] | None = None, fallback: str | None = None,
                      locked: bool = True) -> list[Record]:
        """Events of only the documents where `pattern` matches, across many month files.

        For look-ups over a long history (an id, a closing date): a file is
        read, but only the documents holding a match are parsed. `pattern` is
        searched in "\n" + text, so it may start with "\n" for any line. With
        `wanted`, a match counts only when its first group is in `wanted`. With
        `fallback` (a substring), a file holding it more often than `pattern`
        matches (a document written in another layout) has every document
        holding it parsed, so nothing is missed. DataProblems if a parsed
        document is wrong.
        """
        records: list[Record] = []
        problems: list[Problem] = []
        for month, data, text in self._month_texts(kind, months, locked):
            haystack = "\n" + text
            hits: list[int] = []
            total = 0
            for match in pattern.finditer(haystack):
                total += 1
                if wanted is None or match.group(1) in wanted:
                    hits.append(max(match.start() - 1, 0))
            if fallback is not None and text.count(fallback) > total:
                hits.extend(m.start() for m in re.finditer(re.escape(fallback), text))
            if not hits:
                continue
            source = self.source(kind, month)
            whole = self._whole_parse(kind, month, data, source)
            if whole is not None:
                records.extend(_hit_records(whole, text, hits))
                continue
            found, wrong = _parse_hits(kind, text, hits, source)
            records.extend(found)
            problems.extend(wrong)
        refuse_problems(problems)
        return records

    def _whole_parse(self, kind: str, month: Month, data: bytes, source: str
                     ) -> list[Record] | None:
        """Every record of a whole, clean month file when its parse is remembered, or when
        it is to be (then parsed once, whole); None: parse only the documents needed."""
        found = (self._parsed_whole(kind, month, data, source, or_parse=False)
                 if ends_whole(data) else None)
        return found[0] if found is not None and not found[1] else None

    def scan_all(self, kind: str) -> tuple[list[Record], list[Problem]]:
        """Every month of a kind, never raising: for `check`."""
        records: list[Record] = []
        problems: list[Problem] = []
        for month in self.months(kind):
            found, wrong = self.scan_settled(kind, month)
            records.extend(found)
            problems.extend(wrong)
        return records, problems

    def repair_tail(self, kind: str, month: Month, stamp: str) -> Path | None:
        """Move a torn last document aside into `<file>.broken-<stamp>`; keep the rest.

        Nothing is deleted: the fragment is written and synced before the
        file is atomically replaced by its complete prefix.
        """
        from mediatool.store.yamltext import split_torn_tail

        path = self.file(kind, month)
        source = self.relative(path)
        with self.transaction([(kind, month)]):
            try:
                data = read_record_file(path, source)
            except FileNotFoundError:
                return None
            text = data.decode("utf-8", errors="surrogateescape")
            keep, fragment, _ = split_torn_tail(text)
            if not fragment:
                return None
            try:
                broken, fd = _create_exclusive(path.with_name(f"{path.name}.broken-{stamp}"))
            except OSError as exc:
                raise OperationalError(f"{source} n'a pas pu être réparé : "
                                       f"{french_os_error(exc)} ; rien n'a été changé",
                                       _os_hint(exc)) from None
            try:
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(fragment.encode("utf-8", errors="surrogateescape"))
                        handle.flush()
                        os.fsync(handle.fileno())
                except OSError:
                    # The fragment is not safely aside: keep the file as it is.
                    with contextlib.suppress(OSError):
                        os.unlink(broken)
                    raise
                write_atomic(path, keep.encode("utf-8", errors="surrogateescape"), FILE_MODE)
            except OSError as exc:
                raise OperationalError(f"{source} n'a pas pu être réparé : "
                                       f"{french_os_error(exc)} ; rien n'a été perdu, le "
                                       "fichier est inchangé", _os_hint(exc)) from None
            return broken

    def read_all(self, kind: str) -> list[Record]:
        return self.read(kind, self.months(kind))

    def find(self, kind: str, record_id: str) -> tuple[Month, list[Record]]:
        """The month file holding `record_id` and that id's events.

        Every month is looked at (only the documents naming the id are
        parsed): an id created twice — two copies of the folder drawing the
        same id, a hand edit — is refused with both records listed, never
        resolved by picking one.
        """
        creating = next(iter(RECORD_KINDS[kind][1]))
        pattern = re.compile(r"\nid:[ \t]*['\"]?(" + re.escape(record_id) + r")['\"]?[ \t]*\r?\n")
        found: dict[Month, list[Record]] = {}
        for month in self.months(kind):
            events = [r for r in self.read_matching(kind, [month], pattern, fallback=record_id)
                      if r.event.id == record_id]
            if events:
                found[month] = events
        if not found:
            raise InvalidInput(f"identifiant inconnu : {record_id}",
                               "vérifiez l'identifiant (ex. A-7K3QX2MP9)")
        created = [r for events in found.values() for r in events if r.event.event == creating]
        if len(found) > 1 or len(created) > 1:
            listed = created or [events[0] for events in found.values()]
            raise AmbiguousId(
                f"identifiant ambigu : {record_id} désigne {len(listed)} enregistrements "
                "différents ; rien n'a été fait",
                "corrigez à la main l'identifiant de l'un d'eux (voir « mediatool check »)",
                [Problem(r.source, r.line, f"{record_id} enregistré le "
                         f"{r.event.at:%d/%m/%Y %H:%M} par {r.event.by}") for r in listed])
        month = next(iter(found))
        return month, found[month]

    # -- privacy ---------------------------------------------------------------
    def anonymise(self, kind: str, month: Month, ids: Collection[str],
                  scrub: Callable[[dict[str, Any]], dict[str, Any]], events: Sequence[Any],
                  audit: str) -> tuple[int, int]:
        """The one allowed rewrite of a record file: erase personal data (retention).

        Under the file's lock, every document of `ids` becomes `scrub(document)`,
        `events` (the `anonymised` events) are appended, and the file is
        replaced atomically, owner-only: the erased text is really gone from
        disk, not merely hidden by a later event. Other documents are kept
        byte for byte. The audit line (`audit`, the file, the counts) goes to
        records/audit.log after the rewrite, so it records only what happened. Returns (ids erased, documents rewritten); (0, 0) and no write
        when there is nothing to erase.
        """
        from mediatool.store.yamltext import YamlSyntaxError, dump_document, load_documents

        path = self.file(kind, month)
        source = self.relative(path)
        wanted = set(ids)
        with self.transaction([(kind, month)]):
            try:
                data = read_record_file(path, source)
            except FileNotFoundError:
                return 0, 0
            try:
                documents = load_documents(data)
            except YamlSyntaxError as exc:
                raise DataProblems(f"{source} est illisible : rien n'a été anonymisé",
                                   "corrigez-le (voir « mediatool check »)",
                                   [Problem(source, exc.line, exc.message, None,
                                            exc.column)]) from None
            if documents and not documents[-1].complete:
                raise DataProblems(f"{source} se termine par un enregistrement tronqué",
                                   "lancez « mediatool check --repair » avant d'anonymiser",
                                   [Problem(source, documents[-1].line, "fin tronquée")])
            parts: list[str] = []
            erased: set[str] = set()
            rewritten = 0
            for doc in documents:
                value = doc.value
                record_id = value.get("id") if isinstance(value, dict) else None
                if isinstance(record_id, str) and record_id in wanted:
                    scrubbed = scrub(value)
                    if scrubbed != value:
                        parts.append(dump_document(scrubbed))
                        erased.add(record_id)
                        rewritten += 1
                        continue
                parts.append(doc.text)
            if not rewritten and not events:
                return 0, 0
            parts.extend(dump_document(event_to_document(e)) for e in events)
            try:
                write_atomic(path, "".join(parts).encode("utf-8"), FILE_MODE)
            except OSError as exc:
                raise OperationalError(f"{source} n'a pas pu être réécrit ({french_os_error(exc)}) "
                                       ": rien n'a été anonymisé") from None
            # Logged once done: the audit never claims an anonymisation that did not happen.
            self.audit(f"{audit}\t{source}\t{len(erased)} dossier(s) anonymisé(s), "
                       f"{rewritten} enregistrement(s) réécrit(s)")
            # What the cache kept of the file (its parse, check's fold) held the erased data;
            # after the audit line, so a cache file that cannot be deleted never hides it.
            from mediatool.store import records_cache

            records_cache.forget(self.root, f"*-{kind}-{month}.json")
            return len(erased), rewritten

    def audit(self, line: str) -> None:
        """Append one line to records/audit.log (owner-only, synced)."""
        from filelock import FileLock, Timeout

        folder = self.records / ".locks"
        folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        path = self.records / AUDIT_LOG
        data = (line.replace("\n", " ") + "\n").encode("utf-8")
        try:
            with FileLock(str(folder / "audit.lock"), timeout=self.lock_timeout, mode=FILE_MODE):
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
                try:
                    os.write(fd, data)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except Timeout:
            raise OperationalError(f"{self.relative(path)} occupé par une autre commande",
                                   "réessayez dans quelques secondes") from None

    def permissions(self) -> list[tuple[str, int, bool]]:
        """(path, mode bits, is a folder) of everything under records/, for `check`."""
        found: list[tuple[str, int, bool]] = []
        pending = [self.records]
        while pending:
            folder = pending.pop()
            try:
                info = folder.lstat()
                entries = list(os.scandir(folder))
            except OSError:
                continue
            found.append((self.relative(folder), info.st_mode & 0o7777, True))
            for entry in entries:
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    pending.append(Path(entry.path))
                else:
                    with contextlib.suppress(OSError):
                        found.append((self.relative(Path(entry.path)),
                                      entry.stat().st_mode & 0o7777, False))
        return sorted(found)

    def restrict_permissions(self) -> list[str]:
        """Make everything under records/ owner-only again; the paths changed."""
        changed = []
        for relative, mode, is_folder in self.permissions():
            if mode & 0o077:
                wanted = (mode & 0o700) | (DIR_MODE if is_folder else FILE_MODE)
                try:
                    os.chmod(self.root / relative, wanted & ~0o077)
                except OSError as exc:
                    raise OperationalError(f"droits de {relative} impossibles à changer : "
                                           f"{french_os_error(exc)}") from None
                changed.append(relative)
        return changed

    # -- writing -------------------------------------------------------------
    def append(self, kind: str, month: Month, event: Any) -> None:
        """Append one event under the file's lock."""
        with self.transaction([(kind, month)]) as tx:
            tx.append(kind, month, event)

    def new_id(self, kind: str) -> str:
        return ids.new_id(RECORD_KINDS[kind][0])


_DOCUMENT_START = re.compile(r"^---(?:[ \t]*\r?$| )", re.MULTILINE)


def complete_prefix(text: str) -> str:
    """`text` without a last document that is still being appended (no `...` yet)."""
    if not text or text.rstrip(" \t").endswith(("...\n", "...\r\n")):
        return text
    cut = text.rfind("\n---")
    return text[: cut + 1] if cut >= 0 else ""


def _documents_at(text: str, positions: list[int]) -> list[tuple[int, int, int]]:
    """(start, end, first line) of each document of `text` holding one of `positions`."""
    starts = [m.start() for m in _DOCUMENT_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    chosen = sorted({bisect.bisect_right(starts, pos) - 1 for pos in positions})
    found = []
    line, counted_to = 1, 0
    for index in chosen:
        begin = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        line += text.count("\n", counted_to, begin)
        counted_to = begin
        found.append((begin, end, line))
    return found


def _hit_records(records: list[Record], text: str, positions: list[int]) -> list[Record]:
    """Of a whole file's records, those of the documents holding one of `positions`."""
    lines = [r.line for r in records]
    found = []
    for begin, end, line in _documents_at(text, positions):
        last = line + text.count("\n", begin, end)  # the document's lines: [line, last)
        found += records[bisect.bisect_left(lines, line):bisect.bisect_left(lines, last)]
    return found


def _parse_hits(kind: str, text: str, positions: list[int], source: str
                ) -> tuple[list[Record], list[Problem]]:
    """Parse the documents of `text` that contain one of `positions`."""
    from mediatool.store.yamltext import YamlSyntaxError, load_one_document

    documents: list[Document] = []
    problems: list[Problem] = []
    for begin, end, line in _documents_at(text, positions):
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
        refuse_problems(problems)
        return records

    def append(self, kind: str, month: Month, event: Any) -> None:
        """Append one event: one write, one fsync."""
        self.append_many(kind, month, [event])

    def append_many(self, kind: str, month: Month, events: list[Any]) -> None:
        """Append events in one write and one fsync (imports, demo data)."""
        from mediatool.store.yamltext import dump_document

        self._check_held(kind, month)
        path = self.store.file(kind, month)
        data = "".join(dump_document(event_to_document(e)) for e in events).encode("utf-8")
        created = not path.exists()
        if created:
            path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        else:
            self._refuse_torn_tail(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
        except OSError as exc:
            raise OperationalError(f"écriture impossible dans {self.store.relative(path)} : "
                                   f"{french_os_error(exc)}", _os_hint(exc)) from None
        try:
            _refuse_special(fd, self.store.relative(path))
            previous = os.fstat(fd).st_size
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            except OSError as exc:
                # A full disk may take part of the record: cut it back (we hold the lock),
                # so the file stays whole and the next command works.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, previous)
                    os.fsync(fd)
                raise OperationalError(f"écriture impossible dans {self.store.relative(path)} : "
                                       f"{french_os_error(exc)} ; rien n'a été enregistré",
                                       _os_hint(exc)) from None
        finally:
            os.close(fd)
        if created:
            _fsync_dir(path.parent)

    def _refuse_torn_tail(self, path: Path) -> None:
        source = self.store.relative(path)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as exc:
            raise OperationalError(f"{source} illisible : {french_os_error(exc)}",
                                   _os_hint(exc)) from None
        with os.fdopen(fd, "rb") as handle:
            _refuse_special(fd, source)
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


def merge_record_files(base: Path, ours: Path, theirs: Path) -> bool:
    """git merge driver: write the document-level merge of three versions into `ours`.

    False (and `ours` untouched) when a version ends with a torn record: git
    then reports a conflict for a person to look at.
    """
    from mediatool.store.merge import merge_record_streams

    def text(path: Path) -> str:
        return path.read_bytes().decode("utf-8", errors="surrogateescape")

    merged = merge_record_streams(text(base), text(ours), text(theirs))
    if merged is None:
        return False
    write_atomic(ours, merged.encode("utf-8", errors="surrogateescape"), FILE_MODE)
    return True
