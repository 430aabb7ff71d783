"""Loading the catalogue: every problem, with file:line."""

import datetime as dt

from conftest import FILES, load

from mediatool.store.catalogue import load_catalogue


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


USAGE = """\
  - id: usage-email
    kind: usage
    title: Apprendre à envoyer un e-mail
    keywords: [envoyer un mail]
    coop_themes: [email]
    organisation: caf
    typical_duration_min: 60
    documents: [Votre téléphone ou votre ordinateur]
    skills: [mail-creer]
    source: https://pix.fr/competences
    reviewed: 2026-11-01
"""


def _problem(problems, words):
    return [p for p in problems if words in p.message]


def test_an_in_scope_procedure_that_says_nothing_to_bring_is_an_error_that_keeps_the_line_up():
    text = FILES["procedures.yaml"].replace("    documents: [Numéro allocataire et mot de passe Caf]\n", "")
    catalogue, problems = load(procedures=text)
    found = _problem(problems, "« attestation-caf » ne dit pas quoi apporter")
    assert found and found[0].is_error and not found[0].blocking
    assert found[0].line == text.splitlines().index("  - id: attestation-caf") + 1
    assert catalogue is not None  # the phone line still runs on it; `check` exits 1


def test_an_out_of_scope_procedure_needs_no_documents():
    catalogue, problems = load()
    assert not _problem(problems, "« conseil-juridique » ne dit pas quoi apporter")


def test_a_source_outside_the_official_sites_is_a_warning_naming_the_domain():
    text = FILES["procedures.yaml"].replace("source: https://www.caf.fr\n",
                                            "source: https://blog-partenaires-caf94.fr/x\n")
    _, problems = load(procedures=text)
    found = _problem(problems, "source hors des sites officiels (blog-partenaires-caf94.fr)")
    assert found and found[0].severity == "warning"
    assert not _problem(load()[1], "hors des sites officiels")  # caf.fr, service-public.fr


def test_an_official_subdomain_is_official_but_a_lookalike_is_not():
    text = FILES["procedures.yaml"].replace(
        "source: https://www.caf.fr\n", "source: https://caf.fr.example.com/page\n")
    assert _problem(load(procedures=text)[1], "(caf.fr.example.com)")
    text = FILES["procedures.yaml"].replace(
        "source: https://www.caf.fr\n", "source: https://www.hauts-de-seine.gouv.fr/page\n")
    assert not _problem(load(procedures=text)[1], "hors des sites officiels")


def test_a_usage_need_without_skills_or_coop_theme_is_an_error():
    text = FILES["procedures.yaml"] + USAGE.replace("    skills: [mail-creer]\n", "").replace(
        "    coop_themes: [email]\n", "")
    _, problems = load(procedures=text)
    assert _problem(problems, "« usage-email » sans compétences")[0].is_error
    assert _problem(problems, "« usage-email » sans coop_themes")[0].is_error


def test_a_usage_need_loads_and_is_recommended_as_a_usage_appointment():
    from mediatool.core.triage import recommend
    catalogue, problems = load(procedures=FILES["procedures.yaml"] + USAGE)
    assert catalogue is not None and not [p for p in problems if p.is_error]
    need = catalogue.procedures["usage-email"]
    assert need.kind == "usage" and need.theme is None
    advice = recommend(need, catalogue.team, skills=catalogue.skills)
    assert advice.outcome == "appointment" and advice.usage_path
    assert advice.usage_skills == ("mail-creer",)
    assert "Créer une adresse e-mail" in advice.reason


def test_a_demarche_without_theme_is_an_error():
    text = FILES["procedures.yaml"].replace("    theme: transports-mobilite\n", "")
    assert _problem(load(procedures=text)[1], "« ants-carte-grise » sans thème")[0].is_error


def test_a_bad_vdd_id_is_refused_with_its_form():
    text = FILES["procedures.yaml"].replace(
        "    reviewed: 2026-11-01\n  - id: ants-carte-grise",
        "    vdd_id: X12\n    reviewed: 2026-11-01\n  - id: ants-carte-grise")
    catalogue, problems = load(procedures=text)
    assert catalogue is None
    assert any("vdd_id" in p.format() or "F ou N" in p.format() for p in problems), \
        messages(problems)


def test_an_old_official_page_and_a_future_review_date_are_warnings():
    text = FILES["procedures.yaml"].replace(
        "    reviewed: 2026-11-01\n  - id: ants-carte-grise",
        "    page_updated: 2020-04-01\n    reviewed: 2027-01-01\n  - id: ants-carte-grise")
    catalogue, problems = load(procedures=text)
    assert catalogue is not None
    assert _problem(problems, "page officielle datée du 2020-04-01")[0].severity == "warning"
    assert _problem(problems, "date de vérification dans le futur")[0].severity == "warning"


def test_the_shipped_catalogue_is_complete_and_official():
    from mediatool.host.environment import default_catalogue
    from mediatool.store.catalogue import read_catalogue_files
    catalogue, problems = load_catalogue(read_catalogue_files(default_catalogue().parent),
                                         dt.date(2026, 12, 1))
    assert catalogue is not None
    assert [p.format() for p in problems if p.is_error] == []
    procedures = catalogue.procedures.values()
    assert len(catalogue.procedures) >= 110
    assert sum(p.kind == "usage" for p in procedures) >= 15
    assert all(p.documents for p in procedures if p.in_scope)
    assert [p.format() for p in problems if "hors des sites officiels" in p.message] == []
    assert all(catalogue.organisations[p.organisation] for p in procedures)


def test_a_local_place_names_a_known_organisation_and_readable_hours():
    place = """\
  - id: point-justice-rennes
    name: Maison de justice Exemple
    place_of: point-justise
    address: 7 boulevard de l'Exemple, 35200 Rennes
    insee: "35238"
    phone: "02 61 91 00 11"
    opening_hours: "Mo-Fr 9h-12h"
"""
    catalogue, problems = load(organisations=FILES["organisations.yaml"] + place)
    assert catalogue is not None  # neither stops the phone line
    found = messages(problems)
    assert any("organisation « point-justise » inconnue" in m for m in found), found
    assert any("horaires illisibles (colonne 7" in m for m in found), found
    wrong_insee = FILES["organisations.yaml"] + place.replace('"35238"', '"3523"')
    assert load(organisations=wrong_insee)[0] is None


def test_danger_signals_load_and_empty_ones_are_an_error_that_keeps_the_line_up():
    block = ("    danger:\n      emergency: \"Danger immédiat : 17 ou 112\"\n"
             "      harms: [frapper]\n      partners: [mari]\n")
    text = FILES["procedures.yaml"].replace("    in_scope: false\n", "    in_scope: false\n" + block)
    catalogue, problems = load(procedures=text)
    assert catalogue is not None and not [p for p in problems if p.is_error]
    assert catalogue.procedures["conseil-juridique"].danger.harms == ("frapper",)
    empty = text.replace("      harms: [frapper]\n      partners: [mari]\n", "")
    catalogue, problems = load(procedures=empty)
    [found] = _problem(problems, "signaux de danger vides")
    assert found.is_error and not found.blocking and catalogue is not None
    unknown = text.replace("      harms:", "      harm:")
    assert any("harms" in p.format() for p in load(procedures=unknown)[1])
