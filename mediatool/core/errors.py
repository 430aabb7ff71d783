"""Errors as values: a `Problem` has a position; exceptions carry an exit code.

Exit codes (SPEC §3): 0 done, 1 operational failure, 2 invalid input,
3 refused by a scheduling rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID = 2
EXIT_REFUSED = 3


@dataclass(frozen=True)
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
