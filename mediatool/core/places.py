"""Local places from the national open-data directories, read and merged into the
catalogue's organisations (pure: bytes and the catalogue in, values and problems out).

Two formats:
- the lieux de médiation numérique standard (LaMednum `standard-mediation-num`, CSV or
  JSON: `id`, `nom`, `adresse`, `code_postal`, `code_insee`, `commune`, `telephone`,
  `courriels`, `site_web`, `horaires` in OSM `opening_hours`, `typologie`,
  `dispositif_programmes_nationaux`, lists joined by `|` in CSV);
- the DILA's Annuaire de l'administration, base de données locales (JSON: `service`
  entries with `id`, `nom`, `pivot[].type_service_local`, `adresse[]`, `telephone[]`,
  `site_internet[]`, `plage_ouverture[]`, `code_insee_commune`, `date_modification`).

An imported organisation keeps where it came from (`imported`: data set, source id,
date, checksum of what was written): a re-import finds it again, and an entry whose
fields no longer match its checksum was edited by a person and is never overwritten.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mediatool.core import opening_hours
from mediatool.core.errors import InvalidInput, Problem
from mediatool.core.hashing import blake2b
from mediatool.core.model import Imported, Organisation
from mediatool.core.values import frozen

MEDNUM = "lieux-mediation-numerique"
ANNUAIRE = "annuaire-administration"
DATASET_LABELS = {MEDNUM: "lieux de médiation numérique (standard LaMednum)",
                  ANNUAIRE: "Annuaire de l'administration (DILA, service-public.fr)"}
DATASET_SOURCES = {
    MEDNUM: "https://www.data.gouv.fr/fr/organizations/"
            "cartographie-nationale-des-lieux-de-mediation-numerique/",
    ANNUAIRE: "https://lannuaire.service-public.fr/",
}
# DILA pivot types → the catalogue's organisation a redirection names.
PIVOT_KINDS = {
    "caf": "caf", "cpam": "assurance-maladie", "prefecture": "prefecture",
    "sous_pref": "prefecture", "mairie": "mairie", "mairie_com": "mairie",
    "france_services": "france-services", "adil": "adil", "point_justice": "point-justice",
    "mjd": "point-justice", "cdad": "point-justice", "ccas": "ccas",
    "maison_handicapees": "mdph", "sip": "centre-finances-publiques",
    "france_travail": "france-travail", "pole_emploi": "france-travail",
}
MEDNUM_REQUIRED = ("id", "nom", "adresse", "code_postal", "commune")
# Beyond this many places, the file is a national set and needs --commune or --insee.
MAX_UNFILTERED = 1000
# The fields an import writes: the checksum covers exactly these.
IMPORTED_FIELDS = ("name", "kind", "place_of", "address", "commune", "insee", "phone",
                   "website", "hours", "opening_hours", "notes", "source", "page_updated")


@frozen
class Place:
    """One local office as a directory describes it."""

    dataset: str
    source_id: str
    position: str  # « fichier:ligne » or « fichier, entrée N »
    name: str
    place_of: str | None  # the catalogue organisation it is a local office of
    kind_hint: str  # the directory's own type (pivot, typologie), for the report
    address: str
    commune: str
    postal_code: str
    insee: str | None
    serves: tuple[str, ...] = ()  # INSEE codes it is competent for (DILA pivot)
    phone: str | None = None
    website: str | None = None
    opening_hours: str | None = None
    notes: str | None = None
    updated: dt.date | None = None
    source: str | None = None


@frozen
class Area:
    """Which places to keep: by commune name or INSEE code (None: all of the file)."""

    commune: str | None = None
    insee: str | None = None

    def label(self) -> str:
        if self.insee:
            return f"code INSEE {self.insee}"
        return f"commune {self.commune}" if self.commune else "tout le fichier"


@frozen
class Difference:
    field: str
    in_catalogue: Any
    in_source: Any


@dataclass
class Plan:
    """What an import does: each organisation to add or update, and what it leaves."""

    dataset: str
    area: Area
    added: list[Organisation] = field(default_factory=list)
    updated: list[Organisation] = field(default_factory=list)
    unchanged: list[Organisation] = field(default_factory=list)
    edited: list[tuple[Organisation, list[Difference]]] = field(default_factory=list)
    gone: list[Organisation] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # directory type → count

    @property
    def changes(self) -> bool:
        return bool(self.added or self.updated)


# ---- reading --------------------------------------------------------------

def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"{name}:{line} : le fichier n'est pas en UTF-8 (octet "
                           f"{exc.object[exc.start]:#04x})",
                           "réenregistrez-le en UTF-8, ou retéléchargez le fichier "
                           "officiel") from None


def _load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name}:{exc.lineno}:{exc.colno} : JSON illisible ({exc.msg})",
                           "le fichier est tronqué ou abîmé : retéléchargez-le") from None
    except RecursionError:
        raise InvalidInput(f"{name} : JSON trop imbriqué",
                           "ce n'est pas un fichier de l'annuaire ni du standard") from None


def read(data: bytes, name: str, kinds: Iterable[str], area: Area | None = None
         ) -> tuple[str, list[Place], list[Problem]]:
    """The file's places in `area` and their problems; InvalidInput when the file itself
    is wrong. Entries outside the area are not checked: another town's typo is not ours.

    `kinds`: the catalogue's organisation ids, to know which places it can name.
    """
    area = area or Area()
    text = _decode(data, name)
    known = set(kinds)
    if text.lstrip()[:1] in ("[", "{"):
        loaded = _load_json(text, name)
        entries = _json_entries(loaded)
        if entries is None:
            raise InvalidInput(f"{name} : ni l'annuaire de l'administration ni le standard "
                               "des lieux de médiation numérique",
                               "attendu : un objet « service » (annuaire de la DILA) ou "
                               "une liste de lieux")
        if any(isinstance(e, dict) and "pivot" in e and "nom" in e and "code_postal" not in e
               for e in entries[:5]):
            places, problems = _annuaire(entries, name, known, area)
            return ANNUAIRE, places, problems
        keys = {k for e in entries[:20] if isinstance(e, dict) for k in e}
        _refuse_missing_columns([c for c in MEDNUM_REQUIRED if c not in keys], name)
        places, problems = _mednum_rows(
            ((f"{name}, entrée {i + 1}", e) for i, e in enumerate(entries)), known, area)
        return MEDNUM, places, problems
    rows = _csv_rows(text, name)
    places, problems = _mednum_rows(rows, known, area)
    return MEDNUM, places, problems


def _json_entries(loaded: Any) -> list[Any] | None:
    if isinstance(loaded, list):
        return loaded
    if isinstance(loaded, dict):
        for key in ("service", "results", "data", "lieux"):
            if isinstance(loaded.get(key), list):
                return list(loaded[key])
    return None


def _refuse_missing_columns(missing: list[str], where: str) -> None:
    if missing:
        raise InvalidInput(f"{where} : colonnes manquantes : {', '.join(missing)}",
                           "attendu : le standard des lieux de médiation numérique (id, nom, "
                           "adresse, code_postal, commune, horaires…)")


def _csv_rows(text: str, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or []]
    _refuse_missing_columns([c for c in MEDNUM_REQUIRED if c not in columns], f"{name}:1")
    try:
        for row in reader:
            yield f"{name}:{reader.line_num}", {
                (k or "").strip(): v for k, v in row.items() if k is not None}
    except csv.Error as exc:
        raise InvalidInput(f"{name}:{reader.line_num} : CSV illisible ({exc})",
                           "retéléchargez le fichier") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "|".join(_text(v) for v in value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _items(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [t for v in value if (t := _text(v))]
    return [t.strip() for t in _text(value).split("|") if t.strip()]


def _url(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not re.match(r"https?://", value):
        value = "https://" + value.removeprefix("//")
    return value if re.fullmatch(r"https?://[^\s]+", value) else None


def _phone(value: str) -> str | None:
    """+33261910001 (the standard's E.164) as read aloud: 02 61 91 00 01."""
    found = re.fullmatch(r"\+33\s*([1-9](?:\s*\d){8})", value)
    if found:
        digits = "0" + re.sub(r"\s", "", found.group(1))
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return value or None


def _day(value: Any) -> dt.date | None:
    """AAAA-MM-JJ (the standard) or JJ/MM/AAAA (the DILA's date_modification)."""
    text = _text(value)
    try:
        if found := re.search(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(found.group())
        if found := re.search(r"(\d{2})/(\d{2})/(\d{4})", text):
            return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:
        return None
    return None


def _hours(raw: str, position: str, problems: list[Problem]) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        opening_hours.parse(raw)
    except opening_hours.Unreadable as exc:
        problems.append(Problem(position, None, f"horaires illisibles « {raw} » (colonne "
                                f"{exc.column} : {exc.message})",
                                "corrigez la valeur (syntaxe OpenStreetMap, ex. « Mo-Fr "
                                "09:00-12:00,14:00-17:00 ») ou retirez-la"))
        return None
    return raw


def _mednum_kind(row: Mapping[str, Any], known: set[str]) -> tuple[str | None, str]:
    programmes = [p.casefold() for p in _items(row.get("dispositif_programmes_nationaux"))]
    types = [t.upper() for t in _items(row.get("typologie"))]
    if "france services" in programmes or "RFS" in types:
        wanted, hint = "france-services", "France Services"
    elif "CCAS" in types:
        wanted, hint = "ccas", "CCAS"
    else:
        wanted, hint = "mediation-numerique", "lieu de médiation numérique"
    return (wanted if wanted in known else None), hint


def _mednum_rows(rows: Iterable[tuple[str, Any]], known: set[str], area: Area
                 ) -> tuple[list[Place], list[Problem]]:
    places: list[Place] = []
    problems: list[Problem] = []
    for position, row in rows:
        if not isinstance(row, dict):
            problems.append(Problem(position, None, "entrée qui n'est pas un lieu",
                                    "chaque entrée doit avoir id, nom, adresse…"))
            continue
        if not in_area(area, _text(row.get("code_insee")) or None, _text(row.get("commune"))):
            continue
        missing = [k for k in MEDNUM_REQUIRED if not _text(row.get(k))]
        if missing:
            problems.append(Problem(position, None,
                                    f"« {_text(row.get('nom')) or '?'} » : "
                                    f"{', '.join(missing)} manquant(s)",
                                    "complétez l'entrée ou retirez-la du fichier"))
            continue
        place_of, hint = _mednum_kind(row, known)
        address = ", ".join(p for p in (_text(row.get("adresse")),
                                        _text(row.get("complement_adresse"))) if p)
        places.append(Place(
            dataset=MEDNUM, source_id=_text(row["id"]), position=position,
            name=_text(row["nom"]), place_of=place_of, kind_hint=hint,
            address=f"{address}, {_text(row['code_postal'])} {_text(row['commune'])}",
            commune=_text(row["commune"]), postal_code=_text(row["code_postal"]),
            insee=_text(row.get("code_insee")) or None,
            phone=_phone(_text(row.get("telephone"))),
            website=_url(_items(row.get("site_web"))[0] if _items(row.get("site_web"))
                         else None),
            opening_hours=_hours(_text(row.get("horaires")), position, problems),
            updated=_day(row.get("date_maj")), source=DATASET_SOURCES[MEDNUM]))
    return places, problems


def _nested(value: Any) -> list[Any]:
    """A DILA list field: a list, or the same list as JSON text (the API's CSV/JSON)."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return []
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else []


DILA_DAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
             "dimanche": 6}


def _dila_time(value: Any) -> dt.time | None:
    found = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", _text(value))
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        return None
    return dt.time(int(found.group(1)), int(found.group(2)))


def _plages(plages: list[Any], position: str, problems: list[Problem]
            ) -> tuple[str | None, str | None]:
    """The DILA's plages d'ouverture → (`opening_hours`, their comments)."""
    days: list[tuple[opening_hours.Span, ...]] = [()] * 7
    comments = []
    for plage in plages:
        if not isinstance(plage, dict):
            continue
        first = DILA_DAYS.get(_text(plage.get("nom_jour_debut")).casefold())
        last = DILA_DAYS.get(_text(plage.get("nom_jour_fin")).casefold(), first)
        spans = []
        for suffix in ("1", "2"):
            start = _dila_time(plage.get(f"valeur_heure_debut_{suffix}"))
            end = _dila_time(plage.get(f"valeur_heure_fin_{suffix}"))
            if start and end and end > start:
                spans.append((start, end))
            elif plage.get(f"valeur_heure_debut_{suffix}") or \
                    plage.get(f"valeur_heure_fin_{suffix}"):
                first = None
        if first is None or last is None or last < first:
            problems.append(Problem(position, None, "plage d'ouverture illisible : "
                                    f"{json.dumps(plage, ensure_ascii=False)[:80]}",
                                    "corrigez-la ou retirez-la du fichier"))
            continue
        for day in range(first, last + 1):
            days[day] = tuple(sorted((*days[day], *spans)))
        if _text(plage.get("commentaire")):
            comments.append(_text(plage.get("commentaire")))
    if not any(days):
        return None, "; ".join(comments) or None
    week = opening_hours.Week(tuple(days))
    return opening_hours.to_osm(week), "; ".join(dict.fromkeys(comments)) or None


def _annuaire(entries: list[Any], name: str, known: set[str], area: Area
              ) -> tuple[list[Place], list[Problem]]:
    places: list[Place] = []
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        position = f"{name}, entrée {index + 1}"
        if not isinstance(entry, dict) or not _text(entry.get("id")) or \
                not _text(entry.get("nom")):
            problems.append(Problem(position, None, "service sans id ni nom",
                                    "attendu : une entrée « service » de l'annuaire"))
            continue
        position += f" ({_text(entry['nom'])[:40]})"
        pivots = [p for p in _nested(entry.get("pivot")) if isinstance(p, dict)]
        types = [_text(p.get("type_service_local")) for p in pivots]
        place_of = next((PIVOT_KINDS[t] for t in types
                         if t in PIVOT_KINDS and PIVOT_KINDS[t] in known), None)
        serves = tuple(sorted({c for p in pivots for c in _items(p.get("code_insee_commune"))}))
        addresses = [a for a in _nested(entry.get("adresse")) if isinstance(a, dict)]
        address = next((a for a in addresses
                        if _text(a.get("type_adresse")).casefold() == "adresse"),
                       addresses[0] if addresses else None)
        insee = _text(entry.get("code_insee_commune")) or None
        if not in_area(area, insee, _text((address or {}).get("nom_commune")), serves):
            continue
        if place_of is None:
            places.append(Place(ANNUAIRE, _text(entry["id"]), position, _text(entry["nom"]),
                                None, ", ".join(types) or "?", "", "", "", None, serves))
            continue
        if address is None or not _text(address.get("nom_commune")) or not (
                _text(address.get("numero_voie")) or _text(address.get("complement1"))):
            problems.append(Problem(position, None, "service sans adresse",
                                    "l'annuaire ne donne pas où aller : complétez l'entrée "
                                    "ou retirez-la du fichier"))
            continue
        street = ", ".join(t for t in (_text(address.get("complement1")),
                                       _text(address.get("complement2")),
                                       _text(address.get("numero_voie")),
                                       _text(address.get("service_distribution"))) if t)
        commune = _text(address.get("nom_commune"))
        postal = _text(address.get("code_postal"))
        phones = [p for p in _nested(entry.get("telephone")) if isinstance(p, dict)]
        sites = [s for s in _nested(entry.get("site_internet")) if isinstance(s, dict)]
        hours, comments = _plages(_nested(entry.get("plage_ouverture")), position, problems)
        places.append(Place(
            dataset=ANNUAIRE, source_id=_text(entry["id"]), position=position,
            name=_text(entry["nom"]), place_of=place_of, kind_hint=", ".join(types),
            address=f"{street}, {postal} {commune}".strip(", "), commune=commune,
            postal_code=postal, insee=insee,
            serves=serves, phone=_text(phones[0].get("valeur")) or None if phones else None,
            website=_url(_text(sites[0].get("valeur"))) if sites else None,
            opening_hours=hours, notes=comments, updated=_day(entry.get("date_modification")),
            source=_url(_text(entry.get("url_service_public"))) or DATASET_SOURCES[ANNUAIRE]))
    return places, problems


# ---- choosing and merging ---------------------------------------------------

def _commune_key(name: str) -> str:
    from mediatool.core.text import normalise

    key = re.sub(r"\bcedex\b.*$", "", normalise(name)).strip()
    return re.sub(r"\bsaint\b", "st", key).replace(" ", "")


def in_area(area: Area, insee: str | None, commune: str, serves: Iterable[str] = ()) -> bool:
    if area.insee:
        return insee == area.insee or area.insee in serves
    if area.commune:
        return _commune_key(commune) == _commune_key(area.commune)
    return True


def _slug(text: str) -> str:
    from mediatool.core.text import normalise

    return normalise(text).replace(" ", "-")[:30].strip("-") or "lieu"


def organisation_id(place: Place) -> str:
    """Stable: the kind, the commune and a hash of the source id, never the name."""
    digest = blake2b(f"{place.dataset}|{place.source_id}".encode(),
                             digest_size=3).hexdigest()
    return f"{place.place_of}-{_slug(place.commune)}-{digest}"


def checksum(organisation: Organisation) -> str:
    values = {name: getattr(organisation, name) for name in IMPORTED_FIELDS}
    canonical = json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
    return blake2b(canonical.encode(), digest_size=8).hexdigest()


def hand_edited(organisation: Organisation) -> bool:
    return organisation.imported is not None and \
        checksum(organisation) != organisation.imported.checksum


def as_organisation(place: Place, parent: Organisation, today: dt.date) -> Organisation:
    hours = (opening_hours.french(opening_hours.parse(place.opening_hours))
             if place.opening_hours else None)
    built = Organisation(
        id=organisation_id(place), name=place.name, kind=parent.kind, place_of=parent.id,
        address=place.address, commune=place.commune, insee=place.insee, phone=place.phone,
        website=place.website, hours=hours, opening_hours=place.opening_hours,
        notes=place.notes, local=True, source=place.source, page_updated=place.updated,
        reviewed=today)
    stamp = Imported(dataset=place.dataset, id=place.source_id,  # type: ignore[arg-type]
                     date=today, checksum="")
    built = dataclasses.replace(built, imported=stamp)
    return dataclasses.replace(built, imported=dataclasses.replace(stamp,
                                                                   checksum=checksum(built)))


def differences(current: Organisation, fresh: Organisation) -> list[Difference]:
    return [Difference(name, getattr(current, name), getattr(fresh, name))
            for name in IMPORTED_FIELDS if name != "page_updated"
            and getattr(current, name) != getattr(fresh, name)]


def plan(dataset: str, places: Iterable[Place], area: Area,
         organisations: Mapping[str, Organisation], managed: Iterable[str],
         today: dt.date) -> Plan:
    """What to write. `managed`: ids of the imported entries mediatool may rewrite (those in
    its own part of organisations.yaml); any other entry is a person's and stays as is."""
    result = Plan(dataset, area)
    managed = set(managed)
    by_source: dict[tuple[str, str], Organisation] = {
        (o.imported.dataset, o.imported.id): o for o in organisations.values()
        if o.imported is not None}
    seen: set[str] = set()
    for place in places:
        if place.place_of is None:
            result.skipped[place.kind_hint] = result.skipped.get(place.kind_hint, 0) + 1
            continue
        fresh = as_organisation(place, organisations[place.place_of], today)
        current = by_source.get((place.dataset, place.source_id)) or \
            organisations.get(fresh.id)
        if current is None:
            if fresh.id not in seen:
                result.added.append(fresh)
                seen.add(fresh.id)
            continue
        if current.id in seen:
            continue
        seen.add(current.id)
        if current.id not in managed or hand_edited(current) or current.imported is None:
            changed = differences(current, dataclasses.replace(fresh, id=current.id))
            if changed:
                result.edited.append((current, changed))
            elif current.id in managed and hand_edited(current):
                # The source now says what the person wrote: follow the source again.
                result.updated.append(dataclasses.replace(fresh, id=current.id))
            else:
                result.unchanged.append(current)
        elif differences(current, fresh) or current.page_updated != fresh.page_updated:
            result.updated.append(dataclasses.replace(fresh, id=current.id))
        else:
            result.unchanged.append(current)
    for organisation in organisations.values():
        stamp = organisation.imported
        if (stamp is not None and stamp.dataset == dataset and organisation.id not in seen
                and in_area(area, organisation.insee, organisation.commune or "")):
            result.gone.append(organisation)
    return result


def local_places(organisations: Mapping[str, Organisation], kind: str,
                 home: Iterable[str] = ()) -> list[Organisation]:
    """The local places of `kind` (an organisation id), the team's own communes first
    (`home`: commune names or postal codes read in the team's site addresses)."""
    homes = {_commune_key(h) for h in home if h}

    def near(place: Organisation) -> tuple[int, str, str]:
        key = _commune_key(place.commune or "")
        return (0 if key in homes else 1, key, place.name)

    return sorted((o for o in organisations.values()
                   if o.place_of == kind and (o.address or o.phone)), key=near)


def home_communes(addresses: Iterable[str | None]) -> list[str]:
    """The communes written after a postal code in the team's site addresses."""
    found = []
    for address in addresses:
        match = re.search(r"\b\d{5}\s+([^,(]+)", address or "")
        if match:
            found.append(match.group(1).strip())
    return found
