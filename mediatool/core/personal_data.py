"""Personal data in free text (notes, reasons): calls stay anonymous by construction.

`find_personal_data` says, in French, why a text looks personal, or None.
It is the one rule every writer of a note or a reason goes through (the
services refuse at entry, exit 2, nothing recorded) and `check` reuses.
Public numbers (the catalogue's organisations, the team's own line) are
allowed: a note saying where the caller was sent is fine.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# A French number however it is spaced: 0 then 9 digits, or +33 / 0033 then 9 digits,
# with spaces, dots, dashes or slashes anywhere between the digits.
_SEP = r"[\s./-]*"
_FRENCH_PHONE = re.compile(
    rf"(?<![\d+])(?:(?:\+|00){_SEP}33{_SEP}(?:\(0\){_SEP})?|0){_SEP}[1-9](?:{_SEP}\d){{8}}(?!\d)")
# Other countries: +32, +44… or 0032… then 8 to 12 digits.
_INTERNATIONAL = re.compile(rf"(?<![\w+])(?:\+|00){_SEP}[1-9]\d{{0,2}}(?:{_SEP}\d){{7,12}}(?!\d)")
_EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|\(at\)|\[at\]|\{at\}|\s+at\s+|\s+arobase\s+)\s*[\w-]+"
    r"(?:\s*(?:\.|\(dot\)|\[dot\]|\s+point\s+|\s+dot\s+)\s*[\w-]+)+", re.IGNORECASE)
# Numéro de sécurité sociale: sex, year, month, department (2A/2B), commune, order, key.
_NIR = re.compile(rf"(?<!\d)[12]{_SEP}\d{{2}}{_SEP}(?:0[1-9]|1[0-2]|[2-9]\d){_SEP}"
                  rf"(?:\d{{2}}|2[AB]){_SEP}\d{{3}}{_SEP}\d{{3}}(?:{_SEP}\d{{2}})?(?!\d)",
                  re.IGNORECASE)
_CIVILITY = re.compile(
    r"\b(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle)\s+[A-ZÀ-Ý][\w'’-]+")
_MONTHS = ("janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|"
           "octobre|novembre|décembre|decembre")
_BIRTH = re.compile(
    rf"\b(?:né|née|naissance|DDN)\b[^\n]{{0,20}}?(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|"
    rf"\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})", re.IGNORECASE)
_ANY_DATE_WITH_YEAR = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b")


def national_digits(text: str) -> str:
    """The digits of a phone number, +33/0033 turned into the national 0."""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    for prefix in ("0033", "33"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            return "0" + digits[len(prefix):]
    return digits


def find_personal_data(text: str, public_numbers: Collection[str] = ()) -> str | None:
    """Why `text` looks like it holds personal data (French), or None.

    `public_numbers`: numbers that may appear (national digits, e.g. "3230").
    """
    allowed = {national_digits(n) for n in public_numbers}
    for match in _FRENCH_PHONE.finditer(text):
        if national_digits(match.group()) not in allowed:
            return f"un numéro de téléphone (« {match.group().strip()} »)"
    for match in _INTERNATIONAL.finditer(text):
        if national_digits(match.group()) not in allowed:
            return f"un numéro de téléphone étranger (« {match.group().strip()} »)"
    if _EMAIL.search(text):
        return "une adresse e-mail"
    if _NIR.search(text):
        return "un numéro de sécurité sociale"
    civility = _CIVILITY.search(text)
    if civility:
        return f"un nom de personne (« {civility.group()} »)"
    if _BIRTH.search(text) or _ANY_DATE_WITH_YEAR.search(text):
        return "une date de naissance"
    return None


def public_numbers(catalogue: object) -> list[str]:
    """The numbers a note may name: the organisations' and the team's own line."""
    numbers = [o.phone for o in getattr(catalogue, "organisations", {}).values()
               if getattr(o, "phone", None)]
    line = getattr(getattr(catalogue, "team", None), "phone_line", None)
    if line is not None:
        numbers.append(line.number)
    return numbers


def refuse_personal_data(text: str | None, what: str, catalogue: object) -> None:
    """InvalidInput (exit 2, nothing recorded) when a note or reason holds personal data."""
    from mediatool.core.errors import InvalidInput
    if not text:
        return
    found = find_personal_data(text, public_numbers(catalogue))
    if found:
        raise InvalidInput(f"{what} semble contenir {found} : notes, recherches et motifs "
                           "restent anonymes", "retirez-la (nom, téléphone, e-mail…) et "
                           "recommencez ; un rendez-vous a ses champs --person et --phone")
