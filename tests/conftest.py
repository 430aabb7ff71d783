"""Shared fixtures: small data folders in tmp_path, a CLI runner with a fixed clock."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mediatool.cli import cli

NOW = "2026-12-07T10:00:00+01:00"  # a Monday

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
