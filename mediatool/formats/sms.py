"""SMS text: the GSM 03.38 alphabet and the real segment count (pure).

A single character outside GSM 03.38 (À, «, ’, ô…) makes the whole SMS go
as UCS-2, where a segment holds 70 characters instead of 160: French text
is therefore transliterated to GSM-7 first (À→A, «»→", ’→', œ→oe), keeping
the accented letters the alphabet has (é è ù à ì ò ç).
"""

from __future__ import annotations

import re
import unicodedata

from mediatool.core.values import frozen

# The basic set (one septet each). 0x09 is drawn « Ç » in 3GPP TS 23.038 but was
# « ç » in the original GSM table; phones and gateways map ç onto it.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# The extension table: an escape plus one septet, so two septets each.
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_REPLACEMENTS = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'",
    "‹": "'", "›": "'", "–": "-", "—": "-", "‑": "-", "−": "-", "…": "...",
    "œ": "oe", "Œ": "OE", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
    "È": "E", "Ê": "E", "Ë": "E", "À": "A", "Â": "A", "Ô": "O", "Î": "I", "Ï": "I",
    "Û": "U", "Ù": "U", "•": "-", "°": "o", "²": "2",
}


def _is_gsm(char: str) -> bool:
    return char in GSM_BASIC or char in GSM_EXTENDED or char == "ç"


def to_gsm(text: str) -> str:
    """`text` in the GSM 03.38 alphabet where a French equivalent exists.

    Letters with an accent the alphabet lacks lose it (ô→o, ê→e); a
    character with no equivalent is kept, and the count then says UCS-2.
    """
    # French spacing inside guillemets would leave « " texte " »
    text = re.sub(r"«[\s\u00a0\u202f]*", '"', text)
    text = re.sub(r"[\s\u00a0\u202f]*»", '"', text)
    out = []
    for char in text:
        if _is_gsm(char):
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            bare = "".join(c for c in unicodedata.normalize("NFD", char)
                           if not unicodedata.combining(c))
            out.append(bare if bare and all(_is_gsm(c) for c in bare) else char)
    return "".join(out)


@frozen
class SmsCount:
    """How a text goes out: its encoding, length in units, and segments."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    def label(self) -> str:
        """« 2 SMS (GSM-7, 301/306) », shown to the mediator."""
        per = ((GSM7_SINGLE if self.segments <= 1 else GSM7_PART) if self.encoding == "GSM-7"
               else (UCS2_SINGLE if self.segments <= 1 else UCS2_PART))
        return f"{self.segments} SMS ({self.encoding}, {self.units}/{per * self.segments})"


def sms_segments(text: str) -> SmsCount:
    """The segments `text` takes as it is (no transliteration), by the GSM rule.

    GSM-7: 160 septets in one SMS, else 153 per part (an escaped character
    is never split across parts). UCS-2: 70 code units, else 67 per part (a
    surrogate pair is never split).
    """
    if not text:
        return SmsCount("GSM-7", 0, 0)
    if all(_is_gsm(c) for c in text):
        sizes = [2 if c in GSM_EXTENDED else 1 for c in text]
        single, part, encoding = GSM7_SINGLE, GSM7_PART, "GSM-7"
    else:
        sizes = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part, encoding = UCS2_SINGLE, UCS2_PART, "UCS-2"
    units = sum(sizes)
    if units <= single:
        return SmsCount(encoding, units, 1)
    segments, used = 1, 0
    for size in sizes:
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return SmsCount(encoding, units, segments)


# For texts that must stay in one GSM-7 segment (reminders): never UCS-2.
SINGLE_SEGMENT_GSM7 = GSM7_SINGLE


def to_gsm7(text: str) -> str:
    """`to_gsm`, then « ? » for what has no equivalent: the text is pure GSM-7."""
    return "".join(c if _is_gsm(c) else "?" for c in to_gsm(text))


def is_gsm7(text: str) -> bool:
    return all(_is_gsm(c) for c in text)


def septets(text: str) -> int:
    """Length in septets: an extension character (€, [ …) takes two."""
    return sum(2 if c in GSM_EXTENDED else 1 for c in text)


def segments(text: str) -> int:
    """How many SMS `text` costs (an empty text still takes one)."""
    return max(sms_segments(text).segments, 1)
