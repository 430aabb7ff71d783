"""Shared fixtures: small data folders in tmp_path, a CLI runner with a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import settings

from mediatool.cli import cli
from mediatool.core.catalogue import Catalogue
from mediatool.core.model import (
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentNoShow,
    PathClosed,
    PathOpened,
)
from mediatool.core.period import Month
from mediatool.core.report import History, Period
from mediatool.store.catalogue import load_catalogue
from mediatool.store.records import Store, parse_documents
from mediatool.store.yamltext import load_documents

# Property tests draw the same examples on every run: CI must not pass or fail on luck.
# HYPOTHESIS_EXPLORE=1 draws new ones, to look for bugs (add what they find as @example).
settings.register_profile("mediatool", derandomize=not os.environ.get("HYPOTHESIS_EXPLORE"))
settings.load_profile("mediatool")

PARIS = ZoneInfo("Europe/Paris")
# The fixed clock: a Monday of ISO week 50. Tests whose scenario needs another moment
# build it with `paris(...)` and say why.
CLOCK = dt.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)
NOW = CLOCK.isoformat()  # the same instant, as MEDIATOOL_NOW takes it


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock moment of the team's zone."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)

PROCEDURES = """\
procedures:
  - id: caf-prime-activite
    title: Demander la prime d'activité
    keywords: [prime d'activité, complément de revenus]
    theme: social-sante
    organisation: caf
    typical_duration_min: 45
    documents: [Relevé d'identité bancaire]
    prerequisites: [Adresse e-mail]
    prerequisite_skills: [mail-creer]
    source: https://www.service-public.fr/particuliers/vosdroits/F2882
    reviewed: 2026-11-01
  - id: ants-carte-grise
    title: Faire sa carte grise
    keywords: [certificat d'immatriculation, véhicule]
    theme: transports-mobilite
    organisation: ants
    typical_duration_min: 30
    documents: [Certificat de cession, Justificatif de domicile]
    source: https://www.service-public.fr/particuliers/vosdroits/F1050
    reviewed: 2026-11-01
  - id: attestation-caf
    title: Télécharger une attestation de paiement
    keywords: [attestation, paiement]
    theme: social-sante
    organisation: caf
    typical_duration_min: 10
    documents: [Numéro allocataire et mot de passe Caf]
    source: https://www.caf.fr
    reviewed: 2026-11-01
  - id: conseil-juridique
    title: Obtenir un conseil juridique
    keywords: [avocat, litige]
    theme: justice
    organisation: point-justice
    typical_duration_min: 30
    in_scope: false
    source: https://www.justice.fr
    reviewed: 2026-11-01
"""

ORGANISATIONS = """\
organisations:
  - id: caf
    name: Caisse d'allocations familiales (Caf)
    phone: "3230"
    website: https://www.caf.fr
  - id: ants
    name: Agence nationale des titres sécurisés
    phone: "34 00"
    website: https://ants.gouv.fr
  - id: point-justice
    name: Point-justice
    local: true
"""

SKILLS = """\
skills:
  - {id: "2.1", title: Interagir, area: Communication et collaboration}
  - {id: mail-creer, title: Créer une adresse e-mail, area: Pratique, pix: "2.1"}
"""

TEAM = """\
service: Service de test
timezone: Europe/Paris
halfday_boundary: "13:00"
phone_line:
  number: "01 99 00 00 00"
  shifts:
    - {day: mardi, start: "09:30", end: "12:00"}
sites:
  - {id: centre, name: Centre}
dropins:
  - {site: centre, day: lundi, start: "14:00", end: "17:00"}
mediators:
  - id: camille
    name: Camille
    site: centre
    hours:
      - {day: mardi, start: "14:00", end: "17:30"}
      - {day: jeudi, start: "09:00", end: "12:30"}
closures:
  - {start: 2026-12-24, end: 2027-01-01}
"""

FILES = {"procedures.yaml": PROCEDURES, "organisations.yaml": ORGANISATIONS,
         "skills.yaml": SKILLS, "team.yaml": TEAM}


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Any]:
    """Let `owner.name` run as before, noting the first argument of each call from now on
    (which files a command reads, parses or builds)."""
    seen: list[Any] = []
    original = getattr(owner, name)

    def noting(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[0] if args else None)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, noting)
    return seen


def write_folder(root: Path, **overrides: str) -> Path:
    """A small data folder; keyword arguments replace a catalogue file's text."""
    (root / "catalogue").mkdir(parents=True, exist_ok=True)
    (root / "records").mkdir(exist_ok=True)
    for name, text in FILES.items():
        key = name.removesuffix(".yaml")
        content = overrides.get(key, text)
        (root / "catalogue" / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "data")


@pytest.fixture
def run(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `mediatool --data <folder> ARGS` in-process with the clock fixed at NOW."""
    monkeypatch.setenv("MEDIATOOL_NOW", NOW)
    monkeypatch.delenv("MEDIATOOL_DATA", raising=False)

    def invoke(*args: str, input: str | None = None, data: Path | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, ["--data", str(data or folder), *args], input=input,
                             catch_exceptions=False)

    return invoke


# ---- a hand-counted month: November 2026 on two sites (test_report, test_render, test_reporting)

REPORT_NOW = paris(2026, 11, 26, 12)  # a Thursday, after A-000003 ended
NOVEMBER = Period.month(Month(2026, 11))

REPORT_TEAM = FILES["team.yaml"].replace(
    "  - {id: centre, name: Centre}\n",
    "  - {id: centre, name: Centre}\n  - {id: nord, name: Nord}\n",
).replace("closures:", """\
  - id: samir
    name: Samir
    site: nord
closures:""")


def report_catalogue() -> Catalogue:
    files = {name: text.encode() for name, text in FILES.items()}
    files["team.yaml"] = REPORT_TEAM.encode()
    built, problems = load_catalogue(files, dt.date(2026, 11, 26))
    assert built is not None, [p.format() for p in problems]
    return built


def records(kind: str, text: str, source: str | None = None) -> list[Any]:
    """Inline record documents → records, as the store reads them."""
    docs = "".join(f"---\n{textwrap.dedent(doc).strip()}\n...\n"
                   for doc in textwrap.dedent(text).split("\n\n") if doc.strip())
    found, problems = parse_documents(kind, load_documents(docs), source or f"{kind}.yaml")
    assert not problems, [p.format() for p in problems]
    return found


CALLS = """\
id: C-000001
event: call
at: 2026-11-03T09:40:00+01:00
by: camille
outcome: appointment
in_shift: true
shift: mardi 09:30-12:00
duration_min: 10
procedure: caf-prime-activite
theme: social-sante
appointment: A-000001

id: C-000002
event: call
at: 2026-11-03T10:05:00+01:00
by: camille
outcome: redirect
in_shift: true
duration_min: 25
procedure: conseil-juridique
redirect_to: point-justice

id: C-000003
event: call
at: 2026-11-10T11:00:00+01:00
by: samir
outcome: dropin
in_shift: true
shift: mardi 09:30-12:00
duration_min: 30
procedure: ants-carte-grise
theme: transports-mobilite

id: C-000004
event: call
at: 2026-11-12T15:00:00+01:00
by: samir
outcome: resolved
in_shift: false
procedure: attestation-caf
theme: social-sante

id: C-000005
event: call
at: 2026-11-17T09:45:00+01:00
by: camille
outcome: appointment
in_shift: true
shift: mardi 09:30-12:00
duration_min: 5
procedure: caf-prime-activite
theme: social-sante

id: C-000006
event: call
at: 2026-11-24T10:00:00+01:00
by: camille
outcome: appointment
in_shift: true
shift: mardi 09:30-12:00
duration_min: 12
procedure: ants-carte-grise
theme: transports-mobilite

id: C-000008
event: call
at: 2026-11-19T10:00:00+01:00
by: samir
outcome: redirect
in_shift: false
redirect_to: caf
"""

APPOINTMENTS = """\
id: A-000001
event: booked
at: 2026-11-03T09:45:00+01:00
by: camille
mediator: camille
kind: demarche
start: 2026-11-05T09:00:00+01:00
duration_min: 45
person: Nadia B. (fictif)
phone: 06 39 98 00 01
procedure: caf-prime-activite

id: A-000002
event: booked
at: 2026-11-01T09:00:00+01:00
by: camille
mediator: camille
kind: demarche
start: 2026-11-05T12:30:00+01:00
duration_min: 60
person: Gérard C. (fictif)

id: A-000003
event: booked
at: 2026-11-24T10:05:00+01:00
by: camille
mediator: camille
kind: demarche
start: 2026-11-26T09:00:00+01:00
duration_min: 45
person: Fatou D. (fictif)
from_call: C-000006

id: A-000004
event: booked
at: 2026-11-02T10:00:00+01:00
by: samir
mediator: samir
kind: usage
start: 2026-11-10T14:00:00+01:00
duration_min: 60
person: Odette F. (fictif)
path: P-000001

id: A-000006
event: booked
at: 2026-11-02T10:00:00+01:00
by: samir
mediator: samir
kind: usage
start: 2026-11-12T12:30:00+01:00
duration_min: 60
person: Odette F. (fictif)
path: P-000001

id: A-000007
event: booked
at: 2026-11-20T10:00:00+01:00
by: samir
mediator: samir
kind: demarche
start: 2026-11-27T10:00:00+01:00
duration_min: 45
person: Karim G. (fictif)

id: A-000008
event: booked
at: 2026-11-10T10:00:00+01:00
by: camille
mediator: camille
kind: demarche
start: 2026-11-19T09:00:00+01:00
duration_min: 30
person: Sylvie H. (fictif)

id: A-000009
event: booked
at: 2026-11-25T10:00:00+01:00
by: samir
mediator: samir
kind: demarche
start: 2026-11-30T09:00:00+01:00
duration_min: 45
person: Inès J. (fictif)

id: A-000001
event: attended
at: 2026-11-05T09:50:00+01:00
by: camille

id: A-000002
event: cancelled
at: 2026-11-04T18:00:00+01:00
by: camille
by_person: true

id: A-000003
event: no_show
at: 2026-11-26T10:00:00+01:00
by: camille

id: A-000004
event: attended
at: 2026-11-10T15:05:00+01:00
by: samir
skills: ["2.1", mail-creer]

id: A-000008
event: cancelled
at: 2026-11-18T09:00:00+01:00
by: camille
by_person: false
reason: Formation
"""

PATHS = """\
id: P-000001
event: opened
at: 2026-11-02T10:00:00+01:00
by: samir
person: Odette F. (fictif)
mediator: samir
skills: ["2.1", mail-creer]
sessions: 4

id: P-000002
event: opened
at: 2026-11-20T10:00:00+01:00
by: camille
person: Bernard K. (fictif)
mediator: camille
skills: ["2.1"]
sessions: 3

id: P-000002
event: closed
at: 2026-11-25T10:00:00+01:00
by: camille
"""

DROPINS = """\
id: D-000001
event: tally
at: 2026-11-02T17:05:00+01:00
by: camille
site: centre
date: 2026-11-02
seen: 10
refused: 5

id: D-000002
event: tally
at: 2026-11-09T17:05:00+01:00
by: camille
site: centre
date: 2026-11-09
seen: 8
refused: 2

id: D-000003
event: tally
at: 2026-11-13T17:05:00+01:00
by: samir
site: nord
date: 2026-11-13
seen: 6
refused: 0
"""

# Records stored outside November's files that November's figures need.
HISTORY = History(
    dropins=records("dropins", """\
        id: D-000010
        event: tally
        at: 2026-10-05T17:05:00+02:00
        by: camille
        site: centre
        date: 2026-10-05
        seen: 9
        refused: 9

        id: D-000011
        event: tally
        at: 2026-08-03T17:05:00+02:00
        by: camille
        site: centre
        date: 2026-08-03
        seen: 5
        refused: 15
        """, "records/dropins/2026-10.yaml"),
    calls=records("calls", """\
        id: C-000005
        event: linked
        at: 2026-12-01T09:00:00+01:00
        by: camille
        appointment: A-000005
        """, "records/calls/2026-12.yaml"),
    appointments=[
        *records("appointments", """\
        id: A-000005
        event: booked
        at: 2026-12-01T09:00:00+01:00
        by: camille
        mediator: camille
        kind: demarche
        start: 2026-12-03T09:00:00+01:00
        duration_min: 45
        person: Aïcha L. (fictif)
        procedure: caf-prime-activite

        id: A-000005
        event: attended
        at: 2026-12-03T09:50:00+01:00
        by: camille

        id: A-000010
        event: booked
        at: 2026-11-20T09:00:00+01:00
        by: samir
        mediator: samir
        kind: demarche
        start: 2026-12-01T14:00:00+01:00
        duration_min: 45
        person: Thierry M. (fictif)
        """, "records/appointments/2026-12.yaml"),
        *records("appointments", """\
        id: A-000011
        event: booked
        at: 2026-10-20T09:00:00+02:00
        by: camille
        mediator: camille
        kind: demarche
        start: 2026-10-27T14:00:00+01:00
        duration_min: 45
        person: Lucienne N. (fictif)
        """, "records/appointments/2026-10.yaml")],
    paths=records("paths", """\
        id: P-000000
        event: closed
        at: 2026-11-15T10:00:00+01:00
        by: samir

        id: P-000009
        event: closed
        at: 2026-10-20T10:00:00+02:00
        by: samir
        """, "records/paths/2026-09.yaml"),
)


def november() -> dict[str, list[Any]]:
    return {"calls": records("calls", CALLS), "appointments": records("appointments", APPOINTMENTS),
            "paths": records("paths", PATHS), "dropins": records("dropins", DROPINS)}


# ---- a history to purge: October 2025 (old) and November 2026 (recent) (test_privacy,
# test_several_machines)

OCT_2025, NOV_2026 = Month(2025, 10), Month(2026, 11)


def moment(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def booking(aid: str, day: str, person: str, hour: int = 10, **extra: object
            ) -> AppointmentBooked:
    fields: dict[str, object] = {"kind": "demarche", "procedure": "caf-prime-activite"}
    fields.update(extra)
    start = moment(day, hour)
    return AppointmentBooked(id=aid, event="booked", at=start - dt.timedelta(days=2),
                             by="camille", mediator="camille", start=start, duration_min=45,
                             person=person, **fields)  # type: ignore[arg-type]


def write_history(root: Path) -> Store:
    """Old (October 2025) and recent (November 2026) appointments and paths."""
    store = Store(root)
    old = [
        booking("A-OLD001", "2025-10-07", "Jeanne Martin", phone="06 12 34 56 78",
                note="sa fille l'accompagne"),
        AppointmentCancelled(id="A-OLD001", event="cancelled", at=moment("2025-10-06"),
                             by="camille", by_person=True, reason="malade"),
        booking("A-OLD002", "2025-10-09", "Paul Durand", hour=14, kind="usage",
                procedure=None, path="P-OLD001"),
        AppointmentAttended(id="A-OLD002", event="attended", at=moment("2025-10-09", 15),
                            by="camille", skills=("2.1",), note="très à l'aise"),
        booking("A-OLD003", "2025-10-21", "Ali Ben Salah", phone="0611223344"),
        AppointmentNoShow(id="A-OLD003", event="no_show", at=moment("2025-10-21", 11),
                          by="camille"),
        booking("A-LATE01", "2025-10-28", "Paul Durand", kind="usage", procedure=None,
                path="P-ALIVE1"),
    ]
    for event in old:
        store.append("appointments", OCT_2025, event)
    store.append("appointments", NOV_2026, booking("A-NEW001", "2026-11-17", "Jeanne Martin",
                                                   phone="06 12 34 56 78"))
    store.append("appointments", NOV_2026, booking("A-NEW002", "2026-11-19", "Paul Durand",
                                                   kind="usage", procedure=None,
                                                   path="P-ALIVE1"))
    for event in (
        PathOpened(id="P-OLD001", event="opened", at=moment("2025-10-02"), by="camille",
                   person="Paul Durand", mediator="camille", skills=("2.1",), sessions=2,
                   phone="06 12 34 56 78"),
        PathClosed(id="P-OLD001", event="closed", at=moment("2025-10-30"), by="camille",
                   reason="déménage"),
        PathOpened(id="P-ALIVE1", event="opened", at=moment("2025-10-20"), by="camille",
                   person="Paul Durand", mediator="camille", skills=("2.1",), sessions=10),
    ):
        store.append("paths", OCT_2025, event)
    return store


def documents(folder: Path, kind: str = "calls") -> list[Any]:
    """The raw YAML documents of December 2026's file: what is really on disk."""
    path = folder / "records" / kind / "2026-12.yaml"
    if not path.exists():
        return []
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


# ---- the catalogue loaded with some files replaced (test_catalogue, test_aliases)

CATALOGUE_DAY = CLOCK.date()  # the day catalogue files are loaded on, in tests


def load(**overrides: str | None) -> tuple[Catalogue | None, list[Any]]:
    """The small catalogue, some files replaced (a None file is absent)."""
    files = {}
    for name, text in FILES.items():
        value = overrides.get(name.removesuffix(".yaml"), text)
        files[name] = None if value is None else textwrap.dedent(value).encode()
    return load_catalogue(files, CATALOGUE_DAY)


# ---- local places to import (test_places, test_call_interactive)

PLACES_DATA = Path(__file__).parent / "data" / "places"
ANNUAIRE = PLACES_DATA / "annuaire-administration.json"
MEDNUM_CSV = PLACES_DATA / "lieux-mediation-numerique.csv"
MEDNUM_JSON = PLACES_DATA / "lieux-mediation-numerique.json"
PLACE_KINDS = ("caf", "point-justice", "mairie", "france-services", "mediation-numerique")
LOCAL_ORGANISATIONS = ORGANISATIONS + """\
  - id: mairie
    name: Mairie
    local: true
  - id: france-services
    name: France Services
    local: true
  - id: mediation-numerique
    name: Équipe de médiation numérique
    local: true
"""
# The team works in Rennes: its site's address names the commune after a postal code.
RENNES_TEAM = TEAM.replace("  - {id: centre, name: Centre}",
                           "  - {id: centre, name: Centre, address: \"1 place Test, 35000 "
                           "Rennes\"}")


# ---- a usage need (test_cli_call, test_call_interactive)

USAGE_NEED = """\
  - id: usage-email
    kind: usage
    title: Apprendre à envoyer un e-mail
    keywords: [envoyer un mail]
    coop_themes: [email]
    organisation: caf
    typical_duration_min: 60
    documents: [Votre téléphone]
    skills: [mail-creer, "2.1"]
    source: https://pix.fr/competences
    reviewed: 2026-11-01
"""
