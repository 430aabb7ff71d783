"""Text people type: one rule for every input (pure).

Whatever is typed may end up in a record, a calendar shared with the public or
a terminal: control characters (C0, DEL, C1: terminal escapes such as
`ESC ] 0 ; … BEL`), format characters (bidi overrides, zero-width spaces, BOM),
line and paragraph separators are refused rather than silently dropped, so the
person sees what was wrong. Bytes that are not UTF-8 (a Latin-1 terminal) reach
Python as lone surrogates: refused with what to do, never a UnicodeEncodeError
later. Bounds come from the model (`fields.text_bound`), checked before
anything else so that a huge input costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from mediatool.core.errors import InvalidInput

# Cc: C0, DEL, C1; Cf: bidi controls, zero-width characters, BOM, soft hyphen…;
# Zl/Zp: U+2028/U+2029 (line breaks in disguise); Co: private use (invisible glyphs).
_REFUSED = frozenset({"Cc", "Cf", "Zl", "Zp", "Co"})
_SURROGATES = range(0xD800, 0xE000)


def not_utf8(text: str) -> bool:
    """True when `text` carries bytes that were not UTF-8 (surrogate-escaped argv)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")  # lone surrogates cannot be encoded: a C-speed test
    except UnicodeEncodeError:
        return True
    return False


def readable(text: str) -> str:
    """`text` as it may be shown in a message: undecodable bytes as « ? », capped."""
    shown = "".join("?" if ord(ch) in _SURROGATES or unicodedata.category(ch) in _REFUSED
                    else ch for ch in text[:60])
    return shown + ("…" if len(text) > 60 else "")


# What may reach a terminal from a file: the bold style mediatool writes itself (click's
# `bold=True`), else no C0 control but tab and line breaks, no DEL, no C1 (ESC and CSI
# start the sequences that retitle a window, move the cursor or rewrite the screen), no
# bidi override (it reorders what is shown).
_TERMINAL = re.compile("(\x1b\\[(?:0|1|22)?m)|"
                       "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` as it may be written to a terminal: a control character read from a record or
    the catalogue (a hand edit, a merge) is shown as « ? », never obeyed."""
    if text.isascii() and text.isprintable():
        return text
    return _TERMINAL.sub(lambda m: m.group(1) or "?", text)


def refused_character(text: str) -> str | None:
    """The first control, format or invisible character of `text` (None: there is none)."""
    return next((ch for ch in text if unicodedata.category(ch) in _REFUSED), None)


def clean_text(text: str, what: str, max_length: int | None, *, name: bool = False) -> str:
    """`text` unchanged when it may be recorded; InvalidInput (exit 2) saying why not.

    `what` names the input in the message (« --person »); `name`: a person's name,
    which must hold a letter.
    """
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(f"{what} : texte trop long ({len(text)} caractères)",
                           f"au plus {max_length} caractères")
    if not_utf8(text):
        raise InvalidInput(f"{what} : texte qui n'est pas en UTF-8 (« {readable(text)} »)",
                           "réglez le terminal en UTF-8 (par exemple LANG=fr_FR.UTF-8) "
                           "et retapez-le")
    ch = refused_character(text)
    if ch is not None:
        raise InvalidInput(f"{what} : caractère de contrôle ou invisible refusé "
                           f"(U+{ord(ch):04X})",
                           "retapez-le au clavier, sans copier-coller de caractères "
                           "invisibles ni de retours à la ligne")
    if name and not any(ch.isalpha() for ch in text):
        raise InvalidInput(f"{what} : un nom doit contenir au moins une lettre "
                           f"(« {readable(text)} »)",
                           "écrivez le prénom et l'initiale du nom, par exemple « Alice M. »")
    return text


# ---- comparing what people type with what the catalogue says -----------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    # accents are combining marks after NFKD: dropping non-ASCII removes them at C speed
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", ascii_only).strip()


def closest_ids(wanted: str, ids: Iterable[str], limit: int = 3) -> list[str]:
    """Ids that look like what was typed, for "did you mean" hints."""
    from rapidfuzz import fuzz, process

    choices = list(ids)
    found = process.extract(normalise(wanted), {i: normalise(i) for i in choices},
                            scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
    return [key for _, _, key in found]
