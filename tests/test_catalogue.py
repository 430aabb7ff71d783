"""Loading the catalogue: every problem, with file:line."""

import datetime as dt
import textwrap

from conftest import FILES

from mediatool.store.catalogue import load_catalogue

TODAY = dt.date(2026, 12, 7)


def load(**overrides):
    files = {}
    for name, text in FILES.items():
        value = overrides.get(name.removesuffix(".yaml"), text)
        files[name] = None if value is None else textwrap.dedent(value).encode()
    return load_catalogue(files, TODAY)


def messages(problems):
    return [p.format() for p in problems]


def test_small_catalogue_loads():
    catalogue, problems = load()
    assert catalogue is not None
    assert set(catalogue.procedures) == {"caf-prime-activite", "ants-carte-grise",
                                         "attestation-caf", "conseil-juridique"}
    assert catalogue.team.halfday_boundary == dt.time(13, 0)
    assert catalogue.team.caps.appointment_half_days_per_week == 2
    assert not [p for p in problems if p.is_error]


def test_unknown_organisation_is_reported_at_its_line():
    text = FILES["procedures.yaml"].replace("organisation: ants\n", "organisation: antz\n")
    catalogue, problems = load(procedures=text)
    assert catalogue is None
    line = text.splitlines().index("    organisation: antz") + 1
    assert any(p.line == line and "antz" in p.message for p in problems), messages(problems)


def test_unquoted_time_in_team_is_an_error_with_position():
    text = FILES["team.yaml"].replace('end: "12:00"', "end: 12:00")
    catalogue, problems = load(team=text)
    assert catalogue is None
    [problem] = [p for p in problems if p.is_error]
    assert problem.source == "catalogue/team.yaml" and problem.line == 7
    assert "guillemets" in problem.format()


def test_every_error_is_collected_across_files():
    procedures = FILES["procedures.yaml"].replace("typical_duration_min: 45",
                                                  "typical_duration_min: beaucoup")
    procedures = procedures.replace("id: ants-carte-grise", "id: caf-prime-activite")
    team = FILES["team.yaml"].replace("timezone: Europe/Paris", "timezone: Europe/Pariss")
    catalogue, problems = load(procedures=procedures, team=team)
    text = "\n".join(messages(problems))
    assert catalogue is None
    assert "nombre entier" in text
    assert "Europe/Pariss" in text
    # the duplicate id is only seen once the file builds; the type error stops it here
    assert len([p for p in problems if p.is_error]) >= 2


def test_duplicate_ids_and_end_before_start():
    procedures = FILES["procedures.yaml"].replace("id: ants-carte-grise", "id: attestation-caf")
    team = FILES["team.yaml"].replace("{start: 2026-12-24, end: 2027-01-01}",
                                      "{start: 2027-01-01, end: 2026-12-24}")
    _, problems = load(procedures=procedures, team=team)
    text = "\n".join(messages(problems))
    assert "en double" in text
    assert "la fin est avant le début" in text


def test_missing_and_empty_files_are_named():
    _, problems = load(skills=None, organisations="")
    text = "\n".join(messages(problems))
    assert "catalogue/skills.yaml: fichier manquant" in text
    assert "catalogue/organisations.yaml:1: fichier vide" in text


def test_unknown_field_suggests_the_right_one():
    procedures = FILES["procedures.yaml"].replace("keywords: [avocat", "keyword: [avocat")
    _, problems = load(procedures=procedures)
    assert any("keyword" in p.message and "keywords" in (p.hint or "") for p in problems)


def test_old_review_and_incomplete_local_organisation_are_warnings():
    procedures = FILES["procedures.yaml"].replace("reviewed: 2026-11-01\n  - id: ants",
                                                  "reviewed: 2024-01-01\n  - id: ants")
    catalogue, problems = load(procedures=procedures)
    assert catalogue is not None
    warnings = [p for p in problems if not p.is_error]
    assert any("plus d'un an" in p.message for p in warnings)
    assert any("point-justice" in p.message and "compléter" in p.message for p in warnings)


def test_wrong_enum_value_lists_the_choices():
    procedures = FILES["procedures.yaml"].replace("theme: justice", "theme: justise")
    _, problems = load(procedures=procedures)
    [problem] = [p for p in problems if p.is_error]
    assert "justice" in problem.hint
