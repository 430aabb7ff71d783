"""Tables that fit the terminal: long cells ellipsised, the widest columns first (pure).

A search table of 230 columns wraps into an unreadable staircase at 80. The columns
are shrunk from the widest down (a title and an organisation name share the room
left), never below what keeps a word readable; the columns a mediator copies from
(`id`, `--at`, the row number) are kept whole. A table with too many columns for
that (a week's agenda at 80 columns) shows each row as a short block of wrapped
« header : value » lines instead. The fiche shows every text in full.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

GAP = 2  # tabulate's "simple" format puts two spaces between columns
HEADER_PADDING = 2  # and draws a column at least two wider than its header
MIN_WIDTH = 10  # below this an ellipsised cell says nothing
ELLIPSIS = "…"


def cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def ellipsised(text: str, width: int) -> str:
    """`text` within `width` characters, « … » marking the cut (on a word when one is near)."""
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if text[width - 1] != " " and space >= width * 2 // 3:  # a cut on a word reads better, unless it wastes the room
        cut = cut[:space]
    return cut.rstrip(" ,;:-—") + ELLIPSIS


def _natural(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> list[int]:
    """Each column's width as tabulate draws it (a header gets two spaces of padding)."""
    return [max([len(h) + HEADER_PADDING, *(len(r[i]) for r in rows)])
            for i, h in enumerate(headers)]


def _shared_cap(natural: Sequence[int], floors: Sequence[int], keep: Collection[int],
                room: int) -> int | None:
    """The largest width the columns not kept may all be cut to, or None if even their
    floors do not fit."""
    def used(cap: int) -> int:
        return sum(n if i in keep else max(floors[i], min(n, cap))
                   for i, n in enumerate(natural))

    if used(0) > room:
        return None
    low, high = 0, max(natural, default=0)
    while low < high:  # binary search: `used` grows with the cap
        cap = (low + high + 1) // 2
        if used(cap) <= room:
            low = cap
        else:
            high = cap - 1
    return low


def column_widths(rows: Sequence[Sequence[str]], headers: Sequence[str], width: int,
                  keep: Collection[int] = ()) -> list[int] | None:
    """Each column's width so that the table fits `width` on one line per row, or None
    when it cannot without cutting cells below MIN_WIDTH (too many columns).

    Columns in `keep` keep their natural width; the others are cut down to a common
    cap, the widest first, no lower than MIN_WIDTH (or their header).
    """
    natural = _natural(rows, headers)
    room = width - GAP * (len(headers) - 1)
    if sum(natural) <= room:
        return natural
    floors = [n if i in keep else min(n, max(MIN_WIDTH, len(headers[i]) + HEADER_PADDING))
              for i, n in enumerate(natural)]
    cap = _shared_cap(natural, floors, keep, room)
    if cap is None:
        return None
    return [n if i in keep else max(floors[i], min(n, cap)) for i, n in enumerate(natural)]


def stacked(rows: Sequence[Sequence[str]], headers: Sequence[str], width: int) -> str:
    """Each row as « header : value · header : value … » wrapped on words, continuation
    lines indented: for tables with more columns than the terminal can show."""
    import textwrap

    blocks = []
    for row in rows:
        # A no-break space before the colon (French typography) keeps label and colon together.
        pairs = [f"{h}\u00a0: {c}" for h, c in zip(headers, row, strict=False) if c.strip()]
        blocks.append(textwrap.fill(" · ".join(pairs), width, subsequent_indent="    ",
                                    break_long_words=False, break_on_hyphens=False))
    return "\n".join(blocks)


def render_table(rows: Sequence[Sequence[Any]], headers: Sequence[str], width: int | None,
                 keep: Collection[int] = ()) -> str:
    """The table as text within `width` (None: not a terminal, every character kept).

    It fits: as it is. Too wide: long cells ellipsised (the columns in `keep` whole).
    Too many columns even for that: one block of wrapped lines per row.
    """
    if width is not None:
        texts = [[cell_text(c) for c in row] for row in rows]
        widths = column_widths(texts, headers, width, keep)
        if widths is None:
            return stacked(texts, headers, width)
        if widths != _natural(texts, headers):
            rows = [[ellipsised(c, widths[i]) for i, c in enumerate(row)] for row in texts]
            headers = [ellipsised(h, widths[i]) for i, h in enumerate(headers)]
    plain = _plain_grid(rows, headers)
    if plain is not None:
        return plain
    from tabulate import tabulate

    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


# Text tabulate measures one character per column and leaves as it is: Latin letters,
# ASCII, the punctuation French uses (« » — … ’ €).
_PLAIN_TEXT = re.compile(r"[ -~\u00a1-\u02ff\u2010-\u2027\u2030-\u205e\u20ac]*")


def _plain_grid(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str | None:
    """tabulate's "simple" grid, byte for byte, for tables of plain one-line text and ints
    (None for anything else: other numbers, line breaks, wide characters, cells it would
    trim).

    Importing tabulate is ~20 ms of a mid-call command's start (it reads its own version
    through importlib.metadata); the tables a mediator reads mid-call are plain text."""
    # With numbers not parsed, tabulate shows an int as its text, like any text.
    cells = [[str(c) if type(c) is int else c for c in row] for row in [headers, *rows]]
    if not all(len(row) == len(headers) and all(
            type(c) is str and c == c.strip() and _PLAIN_TEXT.fullmatch(c) for c in row)
            for row in cells):
        return None
    widths = [max([len(h) + HEADER_PADDING, *(len(r[i]) for r in cells[1:])])
              for i, h in enumerate(headers)]
    gap = " " * GAP
    lines = [gap.join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, gap.join("-" * w for w in widths))
    return "\n".join(lines)


def wrap_to(text: str, width: int | None, indent: str = "  ") -> str:
    """A long line of prose wrapped on words at `width` (None: as it is), never before
    the French « : ; ? ! » nor just inside « »."""
    import textwrap

    if width is None or len(text) <= width:
        return text
    return textwrap.fill(_glued(text), width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False).replace("\u2060", " ")


def _glued(line: str) -> str:
    # French puts a space before : ; ? ! » and after « — a word joiner there keeps the
    # mark with its word, never alone at a line's start or end
    return re.sub(r" ([:;?!»])", "\u2060\\1", line).replace("« ", "«\u2060")


def wrap_prose(text: str, width: int | None) -> str:
    """Lines of prose (a fiche, a recap) wrapped on words at `width` (None: as they are).

    Never a line break before the French « : ; ? ! » (« Apportez\n: ») nor just inside
    « »; a list item's continuation lines align under its text, not under the dash."""
    import textwrap

    if width is None:
        return text
    lines = []
    for line in text.splitlines():
        glued = _glued(line)
        indent = " " * len(re.match(r"\s*(?:- )?", glued).group(0))  # type: ignore[union-attr]
        lines.append(textwrap.fill(glued, width, break_long_words=False,
                                   break_on_hyphens=False, subsequent_indent=indent
                                   ).replace("\u2060", " ") if line else "")
    return "\n".join(lines)
