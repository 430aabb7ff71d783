"""SMS texts in the GSM 03.38 alphabet, and how many segments they cost (pure).

A text outside GSM 03.38 is sent as UCS-2, where one segment holds 70
characters instead of 160: a single « ç » or « ’ » would double or triple a
reminder's cost. `to_gsm7` therefore replaces what the alphabet lacks with its
nearest letters before anything is counted or sent.
"""

from __future__ import annotations

import math
import unicodedata

# The basic character set (one septet each) and its extension table (escape + one septet).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SINGLE_SEGMENT_GSM7 = 160
MULTI_SEGMENT_GSM7 = 153
SINGLE_SEGMENT_UCS2 = 70
MULTI_SEGMENT_UCS2 = 67

# What French texts hold that GSM 03.38 lacks, and the closest thing it has.
_REPLACEMENTS = {
    "ç": "c", "â": "a", "ê": "e", "ë": "e", "î": "i", "ï": "i", "ô": "o", "û": "u",
    "ÿ": "y", "œ": "oe", "Œ": "OE", "À": "A", "Â": "A", "È": "E", "Ê": "E", "Ë": "E",
    "Î": "I", "Ï": "I", "Ô": "O", "Ù": "U", "Û": "U", "Ÿ": "Y",
    "’": "'", "‘": "'", "‚": ",", "“": '"', "”": '"', "«": '"', "»": '"', "„": '"',
    "–": "-", "—": "-", "‑": "-", "−": "-", "…": "...", "•": "-", "·": ".", "°": "o",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ", "×": "x", "½": "1/2",
}


def to_gsm7(text: str) -> str:
    """`text` with every character outside GSM 03.38 replaced by its nearest letters."""
    out: list[str] = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            # Other accented letters: the base letter; anything else: a question mark,
            # never a silent switch of the whole message to UCS-2.
            base = "".join(c for c in unicodedata.normalize("NFKD", char)
                           if not unicodedata.combining(c))
            out.append(base if base and all(c in GSM7_BASIC for c in base) else "?")
    return "".join(out)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def septets(text: str) -> int:
    """Length of a GSM 03.38 text in septets: extension characters count twice."""
    return sum(2 if c in GSM7_EXTENSION else 1 for c in text)


def segments(text: str) -> int:
    """How many SMS segments `text` costs, as GSM 03.38 when it can be, else UCS-2."""
    if not text:
        return 1
    if is_gsm7(text):
        length = septets(text)
        single, multi = SINGLE_SEGMENT_GSM7, MULTI_SEGMENT_GSM7
    else:
        # UTF-16 code units: a character outside the BMP takes two.
        length = len(text.encode("utf-16-le")) // 2
        single, multi = SINGLE_SEGMENT_UCS2, MULTI_SEGMENT_UCS2
    return 1 if length <= single else math.ceil(length / multi)
