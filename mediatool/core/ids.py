"""Record ids that can be read over the phone: `A-7K3QX2MP9` (new), `A-7K3QX2` (old).

Crockford base32 leaves out I, L, O and U, so nothing is confused when
spelled aloud. A new id has nine random characters (45 bits, three groups of
three to read aloud): with 50 mediators × 20 years of appointments (about
312,000 ids) recorded by two copies of the folder that each saw the whole
load (624,000 ids, neither seeing the other's), the expected number of
colliding pairs is n²/2·32⁹ ≈ 0.0055 — about one chance in 180 over twenty
years, against ~11 pairs in ten years with six characters. Uniqueness does
not rest on reading other months, so it holds across months and machines;
should it ever fail, commands refuse the ambiguous id and list both records
(`check` reports it) rather than choosing one.

Ids written by earlier versions (six characters) stay valid.
"""

from __future__ import annotations

from collections.abc import Container

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SUFFIX_LENGTH = 9
OLD_SUFFIX_LENGTH = 6
SUFFIX_LENGTHS = (OLD_SUFFIX_LENGTH, SUFFIX_LENGTH)
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def id_pattern(letters: str) -> str:
    """The exact pattern of the ids of these type letters (for `re.fullmatch` and schemas).

    Records may hold ids typed by hand or by older tools (`A-OLD001`): any upper-case
    letters and digits are read, but nothing else — no space, quote or line break.
    """
    return rf"^[{letters}]-[0-9A-Z]{{1,16}}$"


def new_id(letter: str, taken: Container[str] = ()) -> str:
    """A fresh id with the type letter, avoiding the ids in `taken`."""
    import secrets  # ~7 ms of imports (random, hashlib, hmac): only commands that write

    while True:
        candidate = f"{letter}-" + "".join(secrets.choice(CROCKFORD) for _ in range(SUFFIX_LENGTH))
        if candidate not in taken:
            return candidate


def normalise_id(text: str) -> str:
    """Accept what a person types: lower case, spaces, O for 0, missing dash."""
    cleaned = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    if len(cleaned) - 1 in SUFFIX_LENGTHS and cleaned[0].isalpha():
        letter, suffix = cleaned[0], cleaned[1:]
        suffix = "".join(_READ_AS.get(ch, ch) for ch in suffix)
        return f"{letter}-{suffix}"
    return text.strip()
