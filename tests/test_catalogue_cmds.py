"""`mediatool catalogue list / orgs / skills` and the tables that fit 80 columns."""

import json

import pytest
from conftest import FILES, write_folder

from mediatool.formats.catalogue import SCREEN_WIDTH, fit_columns

USAGE = """\
  - id: usage-email
    kind: usage
    title: Apprendre à envoyer un e-mail avec une pièce jointe, pas à pas, depuis son téléphone
    keywords: [envoyer un mail]
    coop_themes: [email]
    organisation: caf
    typical_duration_min: 60
    documents: [Votre téléphone]
    skills: [mail-creer]
    source: https://pix.fr/competences
    reviewed: 2026-11-01
"""


@pytest.fixture
def with_usage(folder):
    write_folder(folder, procedures=FILES["procedures.yaml"] + USAGE)
    return folder


def widest(text):
    return max(len(line) for line in text.splitlines())


def test_list_shows_every_entry_in_catalogue_order_within_80_columns(run, with_usage):
    result = run("catalogue", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "intitulé"]
    ids = [line.split()[0] for line in lines[2:-1]]
    assert ids == ["caf-prime-activite", "ants-carte-grise", "attestation-caf",
                   "conseil-juridique", "usage-email"]
    assert "* Obtenir un conseil juridique" in result.output  # out of scope, marked
    assert "…" in result.output  # the long usage title is cut, its id never
    assert widest(result.output) <= SCREEN_WIDTH
    assert lines[-1] == "5 entrée(s)."


def test_list_filters_by_theme_and_kind(run, with_usage):
    social = run("catalogue", "list", "--theme", "social-sante", "--format", "json")
    assert [p["id"] for p in json.loads(social.output)] == ["caf-prime-activite",
                                                            "attestation-caf"]
    usage = run("catalogue", "list", "--kind", "usage", "--format", "json")
    assert [p["id"] for p in json.loads(usage.output)] == ["usage-email"]
    coop = run("catalogue", "list", "--theme", "email", "--format", "json")
    assert [p["id"] for p in json.loads(coop.output)] == ["usage-email"]
    none = run("catalogue", "list", "--theme", "justice", "--kind", "usage")
    assert none.exit_code == 0 and "(aucun résultat)" in none.output


def test_list_json_has_every_yaml_key_for_every_entry(run, with_usage):
    entries = json.loads(run("catalogue", "list", "--format", "json").output)
    keys = {tuple(e) for e in entries}
    assert len(keys) == 1  # same keys, same order, for every entry: stable for scripts
    first = entries[0]
    assert first["id"] == "caf-prime-activite" and first["documents"] == [
        "Relevé d'identité bancaire"]
    assert first["reviewed"] == "2026-11-01" and first["online_service"] is None
    assert {"keywords", "prerequisite_skills", "vdd_id", "aliases", "in_scope"} <= set(first)


def test_an_unknown_theme_is_bad_input_listing_the_themes(run):
    result = run("catalogue", "list", "--theme", "logemnt")
    assert result.exit_code == 2
    assert "thème inconnu : « logemnt »" in result.output and "logement" in result.output
    assert "Traceback" not in result.output
    assert run("catalogue", "list", "--kind", "autre").exit_code == 2


def test_orgs_lists_phone_and_site_and_flags_local_ones(run):
    result = run("catalogue", "orgs")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "nom", "téléphone", "site", "web"]
    caf = next(line for line in lines if line.startswith("caf "))
    assert "3230" in caf and "caf.fr" in caf and "https://" not in caf
    assert "Point-justice (locale)" in result.output
    assert widest(result.output) <= SCREEN_WIDTH
    plain = json.loads(run("catalogue", "orgs", "--format", "json").output)
    assert [o["id"] for o in plain] == ["caf", "ants", "point-justice"]
    assert plain[2]["local"] is True and plain[2]["phone"] is None
    assert len({tuple(o) for o in plain}) == 1


def test_skills_lists_pix_and_practical_skills(run):
    result = run("catalogue", "skills")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["id", "intitulé", "domaine"]
    assert "Pratique (Pix 2.1)" in result.output
    plain = json.loads(run("catalogue", "skills", "--format", "json").output)
    assert plain == [{"id": "2.1", "title": "Interagir", "area": "Communication et collaboration",
                      "pix": None},
                     {"id": "mail-creer", "title": "Créer une adresse e-mail",
                      "area": "Pratique", "pix": "2.1"}]


def test_the_shipped_catalogue_lists_fit_80_columns(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mediatool.cli import cli
    from mediatool.host.environment import default_catalogue

    monkeypatch.delenv("MEDIATOOL_DATA", raising=False)
    root = default_catalogue().parent
    for command in ("list", "orgs", "skills"):
        result = CliRunner().invoke(cli, ["--data", str(root), "catalogue", command])
        assert result.exit_code == 0, result.output
        assert widest(result.output) <= SCREEN_WIDTH, command
    listed = CliRunner().invoke(cli, ["--data", str(root), "catalogue", "list"]).output
    assert listed.splitlines()[-1].endswith("entrée(s).") and len(listed.splitlines()) > 110


def test_fit_columns_cuts_only_the_flexible_columns_and_never_below_the_header():
    rows = [["un-identifiant-assez-long", "x" * 100, "court"]]
    fitted = fit_columns(["id", "intitulé", "org"], rows, (1, 2), width=60)
    assert fitted[0][0] == rows[0][0]
    assert fitted[0][2] == "court"  # fits: not cut, its room goes to the title
    assert fitted[0][1].endswith("…")
    assert len(fitted[0][0]) + len(fitted[0][1]) + len("court") + 2 * 2 == 60
    narrow = fit_columns(["id", "intitulé"], [["a" * 70, "titre"]], (1,), width=40)
    assert narrow[0][1] == "titre"  # no room at all: the header's width is the floor
    assert fit_columns(["id", "t"], [], (1,)) == []


def test_search_table_fits_80_columns_with_score_and_verdict(run):
    result = run("catalogue", "search", "prime d'activité")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["#", "id", "score", "démarche"]
    assert "caf-prime-activite" in result.output and " fort " in result.output
    assert widest(result.output) <= SCREEN_WIDTH
    plain = json.loads(run("catalogue", "search", "prime d'activité", "--format", "json").output)
    assert plain[0]["id"] == "caf-prime-activite" and plain[0]["urgent"] is False


def test_a_fiche_fits_80_columns_on_words(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    wide = run("catalogue", "show", "caf-prime-activite")
    assert wide.exit_code == 0
    assert all(len(line) <= 80 for line in wide.output.splitlines())
    monkeypatch.delenv("COLUMNS")
    piped = run("catalogue", "show", "caf-prime-activite")  # a file: every line whole
    assert " ".join(piped.output.split()) == " ".join(wide.output.split())
    assert any(len(line) > 80 for line in piped.output.splitlines())
