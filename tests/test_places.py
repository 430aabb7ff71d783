"""`catalogue import-places` on fixtures built from the two published formats
(tests/data/places, see tests/data/README.md), and the call recap that uses them."""

from __future__ import annotations

import json

import pytest
from conftest import (
    ANNUAIRE,
    LOCAL_ORGANISATIONS,
    MEDNUM_CSV,
    MEDNUM_JSON,
    ORGANISATIONS,
    PLACE_KINDS,
    RENNES_TEAM,
    write_folder,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from mediatool.core import opening_hours, places
from mediatool.core.errors import InvalidInput


@pytest.fixture
def area_folder(tmp_path):
    return write_folder(tmp_path / "data", organisations=LOCAL_ORGANISATIONS, team=RENNES_TEAM)


def organisations_text(folder):
    return (folder / "catalogue" / "organisations.yaml").read_text(encoding="utf-8")


# ---- reading the formats ---------------------------------------------------------

def test_the_mednum_standard_reads_the_same_from_csv_and_json():
    _, from_csv, problems = places.read(MEDNUM_CSV.read_bytes(), "l.csv", PLACE_KINDS)
    _, from_json, more = places.read(MEDNUM_JSON.read_bytes(), "l.json", PLACE_KINDS)
    assert problems == [] and more == []
    strip = [(p.source_id, p.name, p.place_of, p.address, p.phone, p.opening_hours, p.insee)
             for p in from_csv]
    assert strip == [(p.source_id, p.name, p.place_of, p.address, p.phone, p.opening_hours,
                      p.insee) for p in from_json]
    centre = from_csv[0]
    assert centre.place_of == "france-services"  # dispositif_programmes_nationaux
    assert centre.address == "12 rue de l'Exemple, 35000 Rennes"
    assert centre.phone == "02 61 91 00 01"  # the standard's +33… said as it is read aloud
    assert centre.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
    assert from_csv[1].place_of == "mediation-numerique"
    assert from_csv[1].address == "3 place du Modèle, Bâtiment B, 35700 Rennes"


def test_the_dila_annuaire_reads_pivot_types_address_phone_and_plages():
    dataset, found, problems = places.read(ANNUAIRE.read_bytes(), "a.json", PLACE_KINDS)
    assert dataset == places.ANNUAIRE and problems == []
    by_kind = {p.place_of: p for p in found}
    justice = by_kind["point-justice"]  # pivot « mjd »
    assert justice.address == "7 boulevard de l'Exemple, 35200 Rennes"
    assert justice.phone == "02 61 91 00 11"
    assert justice.opening_hours == "Mo-Fr 09:00-12:00,13:30-17:00"
    assert justice.notes == "Permanences d'avocats sur rendez-vous"
    assert str(justice.updated) == "2026-10-12"
    assert by_kind["caf"].opening_hours == "Mo-Th 08:30-12:30; Fr 08:30-12:00"
    assert "35051" in by_kind["caf"].serves
    assert [p.kind_hint for p in found if p.place_of is None] == ["urcaue"]


def test_the_api_form_with_nested_fields_as_json_text_reads_the_same():
    entry = json.loads(ANNUAIRE.read_text(encoding="utf-8"))["service"][0]
    flat = {k: json.dumps(v) if isinstance(v, list) else v for k, v in entry.items()}
    api = json.dumps({"total_count": 1, "results": [flat]}).encode()
    _, found, problems = places.read(api, "api.json", PLACE_KINDS)
    assert problems == [] and found[0].opening_hours == "Mo-Fr 09:00-12:00,13:30-17:00"


# ---- the command -------------------------------------------------------------------

def test_import_adds_local_places_with_source_and_review_date(run, area_folder):
    result = run("catalogue", "import-places", str(ANNUAIRE), "--insee", "35238",
                 data=area_folder)
    assert result.exit_code == 0, result.output
    assert "2 ajouté(s)" in result.output and "urcaue (1)" in result.output
    assert "Licence Ouverte 2.0" in result.output
    text = organisations_text(area_folder)
    assert "place_of: point-justice" in text and "place_of: caf" in text
    assert "Mairie - Exemple" not in text  # Cesson-Sévigné's, not competent for 35238
    assert "reviewed: 2026-12-07" in text and "dataset: annuaire-administration" in text
    assert "hours: lun.–ven. 9h–12h, 13h30–17h" in text
    assert text.startswith(ORGANISATIONS)  # what people wrote is kept byte for byte
    check = run("catalogue", "check", data=area_folder)
    assert check.exit_code == 0, check.output


def test_insee_also_keeps_offices_competent_for_the_commune(run, area_folder):
    result = run("catalogue", "import-places", str(ANNUAIRE), "--insee", "35051",
                 data=area_folder)
    assert result.exit_code == 0, result.output
    text = organisations_text(area_folder)
    assert "Mairie - Exemple" in text and "Accueil Exemple" in text  # the Caf serves 35051
    assert "Maison de justice" not in text


def test_commune_matches_without_case_or_accents(run, area_folder):
    result = run("catalogue", "import-places", str(MEDNUM_CSV), "--commune", "CESSON SEVIGNE",
                 data=area_folder)
    assert result.exit_code == 0, result.output
    assert "1 ajouté(s)" in result.output and "France services Exemple Est" in result.output


def test_reimport_updates_instead_of_duplicating_and_is_idempotent(run, area_folder, tmp_path):
    run("catalogue", "import-places", str(MEDNUM_JSON), data=area_folder)
    first = organisations_text(area_folder)
    again = run("catalogue", "import-places", str(MEDNUM_JSON), data=area_folder)
    assert again.exit_code == 0 and "0 ajouté(s), 0 mis à jour, 3 inchangé(s)" in again.output
    assert organisations_text(area_folder) == first
    changed = json.loads(MEDNUM_JSON.read_text(encoding="utf-8"))
    changed[0]["nom"] = "France services Exemple Centre-ville"
    changed[0]["horaires"] = "Mo-Fr 09:00-12:30"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    updated = run("catalogue", "import-places", str(newer), data=area_folder)
    assert "0 ajouté(s), 1 mis à jour" in updated.output, updated.output
    text = organisations_text(area_folder)
    assert text.count("dataset: lieux-mediation-numerique") == 3
    assert "Exemple Centre-ville" in text and "hours: lun.–ven. 9h–12h30" in text
    ids = [line for line in text.splitlines() if "- id: france-services-rennes-" in line]
    assert len(ids) == 1 and ids[0] in first  # same stable id although the name changed


def test_a_hand_edit_is_never_overwritten_and_the_difference_is_reported(run, area_folder):
    run("catalogue", "import-places", str(ANNUAIRE), "--insee", "35238", data=area_folder)
    path = area_folder / "catalogue" / "organisations.yaml"
    edited = path.read_text(encoding="utf-8").replace("phone: 02 61 91 00 11",
                                                      'phone: "02 61 91 99 99"')
    path.write_text(edited, encoding="utf-8")
    result = run("catalogue", "import-places", str(ANNUAIRE), "--insee", "35238",
                 data=area_folder)
    assert result.exit_code == 0
    assert "1 modifié(s) à la main" in result.output
    assert "téléphone : catalogue « 02 61 91 99 99 », source « 02 61 91 00 11 »" in result.output
    assert path.read_text(encoding="utf-8") == edited


def test_an_entry_gone_from_the_source_is_kept_and_named(run, area_folder, tmp_path):
    run("catalogue", "import-places", str(MEDNUM_JSON), "--commune", "Rennes", data=area_folder)
    fewer = tmp_path / "fewer.json"
    fewer.write_text(json.dumps(json.loads(MEDNUM_JSON.read_text(encoding="utf-8"))[1:]),
                     encoding="utf-8")
    result = run("catalogue", "import-places", str(fewer), "--commune", "Rennes",
                 data=area_folder)
    assert "1 absent(s) du fichier" in result.output
    assert "France services Exemple Centre" in organisations_text(area_folder)


def test_dry_run_writes_nothing(run, area_folder):
    before = organisations_text(area_folder)
    result = run("catalogue", "import-places", str(MEDNUM_CSV), "--dry-run", data=area_folder)
    assert result.exit_code == 0 and "3 ajouté(s)" in result.output
    assert "rien n'a été écrit" in result.output
    assert organisations_text(area_folder) == before


def test_commune_and_insee_together_are_refused(run, area_folder):
    result = run("catalogue", "import-places", str(MEDNUM_CSV), "--commune", "Rennes",
                 "--insee", "35238", data=area_folder)
    assert result.exit_code == 2


# ---- bad input: one French line with the position, exit 2, nothing written ----------

def _bad_csv(tmp_path, replace=None, header=None, encoding="utf-8"):
    text = MEDNUM_CSV.read_text(encoding="utf-8")
    if header is not None:
        text = header + "\n" + text.split("\n", 1)[1]
    if replace:
        text = text.replace(*replace)
    path = tmp_path / "bad.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("make", "words"), [
    (lambda t: _bad_csv(t, header="identifiant,nom,ville"),
     "bad.csv:1 : colonnes manquantes : id, adresse, code_postal, commune"),
    (lambda t: _bad_csv(t, encoding="latin-1"), "bad.csv:2 : le fichier n'est pas en UTF-8"),
    (lambda t: _bad_csv(t, replace=('"Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"',
                                    '"Mo-Fr 9h-12h"')),
     "bad.csv:2: horaires illisibles « Mo-Fr 9h-12h » (colonne 7"),
    (lambda t: _bad_csv(t, replace=(",12 rue de l'Exemple,", ",,")),
     "« France services Exemple Centre » : adresse manquant(s)"),
])
def test_bad_mednum_files_exit_2_with_the_line_and_write_nothing(run, area_folder, tmp_path,
                                                                 make, words):
    before = organisations_text(area_folder)
    result = run("catalogue", "import-places", str(make(tmp_path)), data=area_folder)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert organisations_text(area_folder) == before


def _annuaire_with(tmp_path, change):
    loaded = json.loads(ANNUAIRE.read_text(encoding="utf-8"))
    change(loaded["service"][0])
    path = tmp_path / "annuaire.json"
    path.write_text(json.dumps(loaded, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("make", "words"), [
    (lambda t: (t / "a.json").write_text('{"service": [{"id": "x",') and t / "a.json",
     "a.json:1:25 : JSON illisible"),
    (lambda t: (t / "a.json").write_text('{"autre": 1}') and t / "a.json",
     "ni l'annuaire de l'administration ni le standard"),
    (lambda t: (t / "a.json").write_text('[{"name": "x", "city": "Rennes"}]') and t / "a.json",
     "a.json : colonnes manquantes : id, nom, adresse, code_postal, commune"),
    (lambda t: _annuaire_with(t, lambda s: s.update(adresse=[])),
     "service sans adresse"),
    (lambda t: _annuaire_with(t, lambda s: s["plage_ouverture"][0].update(
        valeur_heure_debut_1="9 heures")), "plage d'ouverture illisible"),
])
def test_bad_annuaire_files_exit_2_and_write_nothing(run, area_folder, tmp_path, make, words):
    before = organisations_text(area_folder)
    result = run("catalogue", "import-places", str(make(tmp_path)), "--insee", "35238",
                 data=area_folder)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert organisations_text(area_folder) == before


def test_a_bad_entry_of_another_commune_does_not_stop_the_import(run, area_folder, tmp_path):
    path = _bad_csv(tmp_path, replace=('"Mo-Th 08:30-12:30"', '"selon saison"'))
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Mo-Th 08:30-12:30", "selon saison"), encoding="utf-8")
    result = run("catalogue", "import-places", str(path), "--commune", "Rennes",
                 data=area_folder)
    assert result.exit_code == 0, result.output


def test_missing_file_and_national_file_without_filter(run, area_folder, monkeypatch):
    missing = run("catalogue", "import-places", "/nulle/part.json", data=area_folder)
    assert missing.exit_code == 2 and "introuvable" in missing.output
    monkeypatch.setattr(places, "MAX_UNFILTERED", 2)
    national = run("catalogue", "import-places", str(MEDNUM_CSV), data=area_folder)
    assert national.exit_code == 2 and "--commune NOM ou --insee CODE" in national.output


# ---- in the call ---------------------------------------------------------------------

@pytest.fixture
def imported(run, area_folder):
    result = run("catalogue", "import-places", str(ANNUAIRE), "--insee", "35238",
                 data=area_folder)
    assert result.exit_code == 0, result.output
    return area_folder


def test_redirect_recap_gives_the_local_place_address_phone_and_todays_hours(run, imported):
    result = run("call", "--procedure", "conseil-juridique", "--outcome", "redirect",
                 "--mediator", "camille", "--sms", data=imported)
    assert result.exit_code == 0, result.output
    recap = result.output
    assert "adressez-vous à Point-justice - Maison de justice et du droit Exemple" in recap
    assert "7 boulevard de l'Exemple, 35200 Rennes" in recap
    assert "tél. 02 61 91 00 11" in recap
    assert "aujourd'hui 9h-12h, 13h30-17h" in recap  # NOW is a Monday
    assert "Le service peut vous donner ses coordonnées" not in recap


def test_place_option_chooses_none_or_refuses_an_unknown_one(run, imported):
    none = run("call", "--procedure", "conseil-juridique", "--outcome", "redirect",
               "--mediator", "camille", "--place", "-", "--sms", data=imported)
    assert "Le service peut vous donner ses coordonnées" in none.output
    wrong = run("call", "--procedure", "conseil-juridique", "--outcome", "redirect",
                "--mediator", "camille", "--place", "caf-rennes-000000", data=imported)
    assert wrong.exit_code == 2 and "point-justice-rennes-" in wrong.output


def test_team_communes_come_first(imported):
    from mediatool.services.calls import places_for
    from mediatool.services.workspace import folder_at

    catalogue = folder_at(imported).catalogue
    assert [p.commune for p in places_for(catalogue, "caf")] == ["Rennes"]
    assert places_for(catalogue, "ants") == []


def test_without_imported_places_the_recap_is_unchanged(run, area_folder):
    result = run("call", "--procedure", "conseil-juridique", "--outcome", "redirect",
                 "--mediator", "camille", "--sms", data=area_folder)
    assert "Le service peut vous donner ses coordonnées" in result.output


# ---- hostile input: random mutations of both formats ------------------------------

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=20))
JSON_VALUES = (SCALARS | st.lists(SCALARS, max_size=4)
               | st.dictionaries(st.text(max_size=12), SCALARS, max_size=4)
               | st.lists(st.dictionaries(st.sampled_from(
                   ["valeur", "nom_commune", "numero_voie", "type_adresse", "nom_jour_debut",
                    "valeur_heure_debut_1", "type_service_local", "code_insee_commune"]),
                   SCALARS, max_size=4), max_size=3))
FIELDS = ("id", "nom", "pivot", "adresse", "telephone", "plage_ouverture", "site_internet",
          "code_insee_commune", "commune", "code_postal", "horaires", "typologie")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_mangled_directory_files_give_problems_never_a_crash(data):
    source = data.draw(st.sampled_from([ANNUAIRE, MEDNUM_JSON]))
    loaded = json.loads(source.read_text(encoding="utf-8"))
    entries = loaded["service"] if isinstance(loaded, dict) else loaded
    entry = entries[data.draw(st.integers(0, len(entries) - 1))]
    entry[data.draw(st.sampled_from(FIELDS))] = data.draw(JSON_VALUES)
    raw = json.dumps(loaded).encode()
    cut = data.draw(st.integers(0, len(raw)))
    raw = raw if data.draw(st.booleans()) else raw[:cut]
    try:
        _, found, problems = places.read(raw, "x.json", PLACE_KINDS,
                                         places.Area(insee=data.draw(st.sampled_from(
                                             [None, "35238"]))))
    except InvalidInput as exc:
        assert exc.message.startswith("x.json")
        return
    assert all(isinstance(p, places.Place) for p in found)
    assert all(p.message for p in problems)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.text(alphabet="MoTuWeFrSaSuPH0123456789:-,; offclosed24/7x\"|", max_size=40))
def test_any_opening_hours_text_is_read_or_refused_with_a_column(text):
    try:
        week = opening_hours.parse(text)
    except opening_hours.Unreadable as exc:
        assert 1 <= exc.column <= len(text) + 1
        return
    assert opening_hours.parse(opening_hours.to_osm(week)) == week
    assert opening_hours.french(week)


def test_a_second_data_set_and_a_hand_added_entry_below_the_marker_are_kept(run, area_folder):
    run("catalogue", "import-places", str(ANNUAIRE), "--insee", "35238", data=area_folder)
    path = area_folder / "catalogue" / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: ccas-test\n    name: CCAS "
                    "Test\n    phone: \"02 61 91 00 99\"\n", encoding="utf-8")
    result = run("catalogue", "import-places", str(MEDNUM_CSV), "--commune", "Rennes",
                 data=area_folder)
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    order = [line.split("id: ")[1] for line in text.splitlines() if line.startswith("  - id: ")]
    assert order[-5:-2] == ["point-justice-rennes-7c66cc", "caf-rennes-6302fe", "ccas-test"]
    assert order[-2].startswith("france-services-rennes-")
    assert run("catalogue", "check", data=area_folder).exit_code == 0


def test_redirecting_to_the_place_itself_gives_its_hours_today(run, imported):
    text = organisations_text(imported)
    place_id = next(line.split("id: ")[1] for line in text.splitlines()
                    if "- id: caf-rennes-" in line)
    result = run("call", "--procedure", "attestation-caf", "--outcome", "redirect",
                 "--redirect-to", place_id, "--mediator", "camille", "--sms", data=imported)
    assert result.exit_code == 0, result.output
    assert "2 cours de l'Exemple, 35000 Rennes" in result.output
    assert "aujourd'hui 8h30-12h30" in result.output


def test_an_edit_the_source_catches_up_with_is_followed_again(run, area_folder, tmp_path):
    run("catalogue", "import-places", str(MEDNUM_JSON), "--commune", "Rennes", data=area_folder)
    path = area_folder / "catalogue" / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "phone: 02 61 91 00 01", 'phone: "02 61 91 00 77"'), encoding="utf-8")
    newer = json.loads(MEDNUM_JSON.read_text(encoding="utf-8"))
    newer[0]["telephone"] = "+33261910077"
    source = tmp_path / "newer.json"
    source.write_text(json.dumps(newer), encoding="utf-8")
    caught_up = run("catalogue", "import-places", str(source), "--commune", "Rennes",
                    data=area_folder)
    assert "1 mis à jour" in caught_up.output and "0 modifié(s) à la main" in caught_up.output
    newer[0]["nom"] = "France services Exemple, nouveau nom"
    source.write_text(json.dumps(newer), encoding="utf-8")
    followed = run("catalogue", "import-places", str(source), "--commune", "Rennes",
                   data=area_folder)
    assert "1 mis à jour" in followed.output and "nouveau nom" in organisations_text(area_folder)
