"""Catalogue listings as tables that fit an 80-column screen (JSON keeps every field)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mediatool.core.model import Organisation, Procedure, Skill

SCREEN_WIDTH = 80
GAP = 2  # tabulate's "simple" format puts two spaces between columns
HEADER_PADDING = 2  # and makes each column two wider than its header


def fit_columns(headers: Sequence[str], rows: Sequence[Sequence[str]],
                flexible: Sequence[int], width: int = SCREEN_WIDTH) -> list[list[str]]:
    """The rows with the `flexible` columns ellipsised so the table fits `width`.

    Fixed columns keep their widest cell; the room left is shared between the flexible
    ones, none given more than it needs, so a short column does not waste the space a
    long title could use.
    """
    count = len(headers)
    least = [len(h) + HEADER_PADDING for h in headers]
    natural = [max([least[i], *(len(r[i]) for r in rows)]) for i in range(count)]
    room = width - GAP * (count - 1) - sum(natural[i] for i in range(count)
                                           if i not in flexible)
    limits: dict[int, int] = {}
    waiting = sorted(flexible, key=lambda i: natural[i])
    while waiting:
        share = max(room // len(waiting), 1)
        column = waiting.pop(0)
        limits[column] = max(min(natural[column], share), least[column])
        room -= limits[column]
    return [[_ellipsis(cell, limits[i]) if i in limits else cell for i, cell in enumerate(row)]
            for row in rows]


def _ellipsis(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The id is what commands take, so it is never cut; `catalogue show ID` has the rest.
PROCEDURE_HEADERS = ("id", "intitulé")
OUT_OF_SCOPE_MARK = "* "
ORGANISATION_HEADERS = ("id", "nom", "téléphone", "site web")
SKILL_HEADERS = ("id", "intitulé", "domaine")


def procedure_rows(procedures: Iterable[Procedure]) -> list[list[str]]:
    rows = [[p.id, ("" if p.in_scope else OUT_OF_SCOPE_MARK) + p.title] for p in procedures]
    return fit_columns(PROCEDURE_HEADERS, rows, (1,))


def organisation_rows(organisations: Iterable[Organisation]) -> list[list[str]]:
    rows = [[o.id, o.name + (" (locale)" if o.local else ""), o.phone or "",
             (o.website or "").removeprefix("https://").removeprefix("www.").rstrip("/")]
            for o in organisations]
    return fit_columns(ORGANISATION_HEADERS, rows, (0, 1, 3))


def skill_rows(skills: Iterable[Skill]) -> list[list[str]]:
    rows = [[s.id, s.title, s.area + (f" (Pix {s.pix})" if s.pix else "")] for s in skills]
    return fit_columns(SKILL_HEADERS, rows, (1, 2))
