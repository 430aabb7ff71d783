"""Service-public.fr's "Vos droits et démarches" fiches (DILA, schema Publication.xsd
3.3) read into what a catalogue review needs, and compared with the catalogue (pure).

The XML comes from the network: it is parsed by defusedxml, which refuses DTDs,
entity declarations and external references outright (billion laughs, XXE).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from mediatool.core.errors import InvalidInput
from mediatool.core.model import Procedure
from mediatool.core.values import frozen

DC = "{http://purl.org/dc/elements/1.1/}"
FICHE_ID = re.compile(r"[FN][0-9]+")
_SOURCE_ID = re.compile(r"/vosdroits/([FN][0-9]+)(?:[/?#]|\Z)")
_PIECES = re.compile(r"pièces?\b|documents? (suivants|à fournir)|justificatifs?", re.IGNORECASE)


@frozen
class Candidate:
    """One item the fiche gives, to compare with the catalogue; `case` is its condition."""

    text: str
    case: str | None = None


@frozen
class Fiche:
    id: str
    title: str
    url: str | None
    important_change: dt.date | None  # dateDerniereModificationImportante
    modified: dt.date | None  # dc:date « modified AAAA-MM-JJ »
    documents: tuple[Candidate, ...] = ()
    online_services: tuple[Candidate, ...] = ()  # text: "title — URL"
    where: tuple[Candidate, ...] = ()  # OuSAdresser: "title (pivot local)"

    @property
    def changed_on(self) -> dt.date | None:
        return self.important_change or self.modified


@frozen
class Finding:
    """What a person must look at for one procedure."""

    procedure: str
    vdd_id: str
    status: str  # "changed", "up-to-date", "gone"
    reviewed: dt.date
    fiche: Fiche | None = None
    catalogue_documents: tuple[str, ...] = ()
    catalogue_online_service: str | None = None


@dataclass
class Review:
    findings: list[Finding] = field(default_factory=list)
    source: str = ""
    source_date: dt.date | None = None

    @property
    def needs_review(self) -> bool:
        return any(f.status != "up-to-date" for f in self.findings)


def vdd_id_of(procedure: Procedure) -> str | None:
    """The fiche id of a procedure: its `vdd_id`, else the one in its service-public URL."""
    declared = getattr(procedure, "vdd_id", None)
    if declared:
        return str(declared)
    found = _SOURCE_ID.search(procedure.source)
    return found.group(1) if found else None


def wanted_ids(procedures: Iterable[Procedure]) -> dict[str, list[Procedure]]:
    wanted: dict[str, list[Procedure]] = {}
    for procedure in procedures:
        fiche_id = vdd_id_of(procedure)
        if fiche_id:
            wanted.setdefault(fiche_id, []).append(procedure)
    return wanted


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    found = re.search(r"\d{4}-\d{2}-\d{2}", text)
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found.group())
    except ValueError:
        return None


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _title(element: Element) -> str:
    return _text(element.find("Titre"))


def _items(block: Element, case: str | None) -> Iterator[Candidate]:
    for item in block.iter("Item"):
        text = _text(item)
        if text:
            yield Candidate(text, case)


def _documents(root: Element) -> list[Candidate]:
    found: list[Candidate] = []
    for chapter in root.iter("Chapitre"):
        if chapter.get("type") != "pieces" and not _PIECES.search(_title(chapter)):
            continue
        cases = list(chapter.iter("Cas"))
        if cases:
            for case in cases:
                found.extend(_items(case, _title(case) or None))
        else:
            found.extend(_items(chapter, None))
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for candidate in found:
        if (candidate.text, candidate.case) not in seen:
            seen.add((candidate.text, candidate.case))
            unique.append(candidate)
    return unique


def parse_fiche(data: bytes, name: str) -> Fiche:
    """One fiche's XML → Fiche; InvalidInput (French, with `name:line:column`) otherwise."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise InvalidInput(f"{name} : XML refusé (déclaration DTD ou entité : fichier piégé "
                           "ou qui n'est pas une fiche service-public.fr)",
                           "utilisez le jeu de données officiel de la DILA") from None
    except ParseError as exc:
        line, column = exc.position
        raise InvalidInput(f"{name}:{line}:{column + 1} : XML illisible",
                           "le fichier est tronqué ou n'est pas une fiche : retéléchargez "
                           "le jeu de données") from None
    if root.tag != "Publication" or not FICHE_ID.fullmatch(root.get("ID", "")):
        raise InvalidInput(f"{name} : ce n'est pas une fiche « Vos droits et démarches »",
                           "attendu : un élément Publication avec un ID F… ou N…")
    services = [Candidate(f"{_title(s)} — {s.get('URL')}".strip(" —"))
                for s in root.iter("ServiceEnLigne") if s.get("URL")]
    where = []
    for place in root.iter("OuSAdresser"):
        pivot = _text(place.find("PivotLocal"))
        where.append(Candidate(_title(place) + (f" (pivot local : {pivot})" if pivot else "")))
    return Fiche(
        id=root.get("ID", ""),
        title=_text(root.find(f"{DC}title")),
        url=root.get("spUrl"),
        important_change=_date(root.get("dateDerniereModificationImportante")),
        modified=_date(_text(root.find(f"{DC}date"))),
        documents=tuple(_documents(root)),
        online_services=tuple(dict.fromkeys(services)),
        where=tuple(dict.fromkeys(c for c in where if c.text)),
    )


def review(wanted: Mapping[str, list[Procedure]], fiches: Mapping[str, Fiche]) -> list[Finding]:
    """One finding per procedure that names a fiche, in catalogue order of the fiche ids."""
    findings = []
    for fiche_id, procedures in wanted.items():
        fiche = fiches.get(fiche_id)
        for procedure in procedures:
            if fiche is None:
                status = "gone"
            elif fiche.changed_on is not None and fiche.changed_on > procedure.reviewed:
                status = "changed"
            else:
                status = "up-to-date"
            findings.append(Finding(procedure.id, fiche_id, status, procedure.reviewed, fiche,
                                    procedure.documents, procedure.online_service))
    order = {"changed": 0, "gone": 1, "up-to-date": 2}
    return sorted(findings, key=lambda f: (order[f.status], f.procedure))
