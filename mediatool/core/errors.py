"""Errors as values: a `Problem` has a position; exceptions carry an exit code.

Exit codes (SPEC §3): 0 done, 1 operational failure, 2 invalid input,
3 refused by a scheduling rule.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable

from mediatool.core.values import frozen

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID = 2
EXIT_REFUSED = 3


@frozen
class Problem:
    """One thing wrong (or worth a look) in a file, at a position."""

    source: str
    line: int | None
    message: str
    hint: str | None = None
    column: int | None = None
    severity: str = "error"  # "error" or "warning"
    # A gap in the catalogue's content (a procedure that says nothing to bring) is an error
    # for `check`, but must not stop the phone line: only blocking errors do.
    blocking: bool = True

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        prefix = "" if self.is_error else "avertissement : "
        text = f"{self.location()}: {prefix}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


class MediatoolError(Exception):
    """A failure the CLI reports as one French line (plus problems) and an exit code."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, hint: str | None = None,
                 problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems = list(problems)


class OperationalError(MediatoolError):
    """I/O failure, corrupt data, lock timeout (exit 1)."""

    exit_code = EXIT_FAILURE


class InvalidInput(MediatoolError):
    """The user asked for something that does not exist or cannot be read (exit 2)."""

    exit_code = EXIT_INVALID


class RuleRefusal(MediatoolError):
    """A scheduling rule refuses the request (exit 3)."""

    exit_code = EXIT_REFUSED


class DataProblems(OperationalError):
    """Data files hold errors; every problem is listed."""


_OS_ERRORS = {
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ELOOP: "lien symbolique refusé",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EEXIST: "le fichier existe déjà",
    errno.ENOTEMPTY: "dossier non vide",
    errno.EBUSY: "fichier ou périphérique occupé",
    errno.ETXTBSY: "fichier occupé",
    errno.EXDEV: "déplacement entre deux disques impossible",
    errno.EFBIG: "fichier trop gros",
    errno.ENXIO: "périphérique ou tube sans lecteur",
    errno.ENODEV: "périphérique absent",
    errno.EAGAIN: "ressource momentanément indisponible",
    errno.ENFILE: "trop de fichiers ouverts sur le système",
    errno.ENOMEM: "mémoire insuffisante",
}


def french_os_error(exc: OSError) -> str:
    """The operating system's error in French (never its English text)."""
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    return f"erreur système n° {exc.errno}" if exc.errno else "erreur système"


def os_error_hint(exc: OSError) -> str | None:
    """What to do about an OS error, when something can be done (never a useless repair)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "libérez de la place sur le disque, puis recommencez"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "vérifiez les droits sur le dossier de données (« check --repair » n'y peut rien)"
    return None
