"""Short record ids that can be read over the phone: `A-7K3QX2`.

Crockford base32 leaves out I, L, O and U, so nothing is confused when
spelled aloud; six random characters (about 10⁹ values) keep two copies
of the folder that record at the same time from colliding.
"""

from __future__ import annotations

import secrets
from collections.abc import Container

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SUFFIX_LENGTH = 6
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def new_id(letter: str, taken: Container[str] = ()) -> str:
    """A fresh id with the type letter, avoiding the ids in `taken`."""
    while True:
        candidate = f"{letter}-" + "".join(secrets.choice(CROCKFORD) for _ in range(SUFFIX_LENGTH))
        if candidate not in taken:
            return candidate


def normalise_id(text: str) -> str:
    """Accept what a person types: lower case, spaces, O for 0, missing dash."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(cleaned) == SUFFIX_LENGTH + 1:
        letter, suffix = cleaned[0], cleaned[1:]
        suffix = "".join(_READ_AS.get(ch, ch) for ch in suffix)
        return f"{letter}-{suffix}"
    return text.strip()
