"""`mediatool call` driven for real through a pseudo-terminal, as a mediator types."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from conftest import NOW, TEAM, documents, write_folder

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20


def spawn(folder, *args, **env):
    environment = {**os.environ, "MEDIATOOL_NOW": NOW, "PYTHONPATH": str(ROOT),
                   "TERM": "dumb", **env}
    environment.pop("MEDIATOOL_DATA", None)
    environment.pop("MEDIATOOL_MEDIATOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "mediatool", "--data", str(folder), "call",
                                           *args],
                          env=environment, encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(50, 160))
    return child


def calls(folder):
    return documents(folder, "calls")


def pick(child, title):
    """Wait for the match list and return the number shown in front of `title`."""
    child.expect(r"N°, ou d'autres mots \(r = retour\) > ")
    found = re.search(rf"(\d+)\s+{re.escape(title)}", child.before)
    assert found, child.before
    return found.group(1)


def no_note_measured_duration(child):
    child.expect("Note .*> ")
    child.sendline("")
    child.expect("Durée .*> ")
    child.sendline("")


def finish(child):
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_typical_call_with_a_typo(folder):
    child = spawn(folder)
    child.expect("Hors permanence téléphonique")  # Monday: the call will be flagged
    child.expect("Mots de la personne > ")
    child.sendline("cartte grise")
    child.sendline(pick(child, "Faire sa carte grise"))
    child.expect("Durée d'accompagnement estimée : 30 min")
    child.expect("Recommandation : PERMANENCE SANS RENDEZ-VOUS")
    child.expect(r"N° \(Entrée = 1 ; r = retour\) > ")
    child.sendline("")  # the recommended outcome
    child.expect("Note .*> ")
    child.sendline("rappelle si souci")
    child.expect(r"Durée de l'appel en minutes \(Entrée = 1\) > ")
    child.sendline("6")
    child.expect(r"Appel enregistré : (C-[0-9A-Z]{6,9}) — HORS permanence")
    call_id = child.match.group(1)
    child.expect("Récapitulatif pour la personne")
    child.expect("lundi 7 déc. 14h-17h, Centre")
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["id"] == call_id and saved["procedure"] == "ants-carte-grise"
    assert saved["outcome"] == "dropin" and saved["note"] == "rappelle si souci"
    assert saved["duration_min"] == 6 and saved["in_shift"] is False
    assert saved["by"] == "camille"


def test_refining_missing_prerequisites_and_redirect(folder):
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("xqzw")
    child.expect("Aucune démarche trouvée")
    child.expect("> ")
    child.sendline("prime activiter")
    child.sendline(pick(child, "Demander la prime d'activité"))
    child.expect(r"Adresse e-mail \? \[o/n, r = retour\] > ")
    child.sendline("n")
    child.expect(r"parcours\s+d'apprentissage")
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("3")  # redirect rather than the recommended appointment
    child.expect("Réorienter vers : Caisse d'allocations familiales")
    child.expect("Entrée pour confirmer")
    child.sendline("")
    no_note_measured_duration(child)
    child.expect("contactez Caisse d'allocations familiales")
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["outcome"] == "redirect" and saved["redirect_to"] == "caf"
    assert "note" not in saved and saved["duration_min"] == 1


def test_nothing_fits_records_the_words_and_theme(tmp_path):
    team = TEAM.replace("mediators:\n", "mediators:\n  - {id: samir, name: Samir}\n")
    folder = write_folder(tmp_path / "two", team=team)
    child = spawn(folder)
    child.expect("Qui répond")
    child.expect("N°, identifiant ou prénom > ")
    child.sendline("samr")
    child.expect("vouliez-vous : samir")
    child.sendline("SAMÏR")  # the name as typed: case and accents ignored
    child.expect("Mots de la personne > ")
    child.sendline("voisin bruyant")
    child.expect("> ")
    child.sendline("0")
    child.expect("Thème")
    child.expect("N° .*> ")
    child.sendline("5")  # Logement
    child.expect(r"Suite donnée")
    child.expect(r"N° \(r = retour\) > ")
    child.sendline("5")
    no_note_measured_duration(child)
    child.expect("Appel enregistré")
    child.expect(r"\d SMS \(GSM-7, \d+/\d+\)")
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["query"] == "voisin bruyant" and saved["theme"] == "logement"
    assert saved["by"] == "samir" and saved["outcome"] == "other"


@pytest.mark.parametrize("stop", ["interrupt", "eof"])
def test_giving_up_records_nothing(folder, stop):
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("carte grise")
    child.sendline(pick(child, "Faire sa carte grise"))
    child.expect(r"N° \(Entrée = 1 ; r = retour\) > ")
    if stop == "interrupt":
        child.sendintr()
    else:
        child.sendeof()
    child.expect("rien n'a été enregistré")
    assert finish(child) == 1
    assert calls(folder) == []
    assert "Traceback" not in (child.before or "")


def appointment_for_prime_activite(folder):
    """Start a call up to the free slots, accepting the recommended appointment."""
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("prime activite")
    child.sendline(pick(child, "Demander la prime d'activité"))
    child.expect(r"Adresse e-mail \? \[o/n, r = retour\] > ")
    child.sendline("retour")  # anything but o/n asks again
    child.expect("Répondez o")
    child.expect(r"Adresse e-mail \? \[o/n, r = retour\] > ")
    child.sendline("o")
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("")
    child.expect(r"Créneaux libres \(1-5 sur \d+\)")
    return child


SLOT_PROMPT = r"N°, \+ ou filtre \(0 = sans réserver ; r = retour\) > "


def test_booking_during_the_call(folder):
    child = appointment_for_prime_activite(folder)
    child.expect(r"1  mardi 8 décembre 2026, 14 h 00 — Camille\s+Centre ; reste 1 "
                 r"demi-journée cette semaine")
    # one choice per half-day, not every quarter-hour of the same afternoon
    child.expect(r"2  jeudi 10 décembre 2026, 9 h 00 — Camille")
    child.expect(r"3  mardi 15 décembre 2026, 14 h 00 — Camille")
    child.expect(SLOT_PROMPT)
    child.sendline("1")
    child.expect("Nom de la personne .*> ")
    child.sendline("Nadia B.")
    child.expect("Téléphone .*> ")
    child.sendline("06 39 98 00 42")
    no_note_measured_duration(child)
    child.expect(r"Rendez-vous : (A-[0-9A-Z]{6,9})")
    appointment = child.match.group(1)
    child.expect("rendez-vous le mardi 8 décembre 2026, 14 h 00")
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["appointment"] == appointment and "person" not in saved
    [booked] = documents(folder, "appointments")
    assert booked["from_call"] == saved["id"] and booked["person"] == "Nadia B."


def test_slot_taken_meanwhile_offers_the_slots_again(folder):
    child = appointment_for_prime_activite(folder)
    child.expect("1  mardi 8 décembre 2026, 14 h 00")
    child.expect(SLOT_PROMPT)
    # a colleague books that very slot while the caller is still on the line
    taken = subprocess.run(
        [sys.executable, "-m", "mediatool", "--data", str(folder), "book", "--mediator",
         "camille", "--kind", "demarche", "--procedure", "ants-carte-grise", "--at",
         "2026-12-08T14:00", "--person", "Autre P."],
        env={**os.environ, "MEDIATOOL_NOW": NOW, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=TIMEOUT)
    assert taken.returncode == 0, taken.stderr
    child.sendline("1")
    child.expect("Nom de la personne .*> ")
    child.sendline("Nadia B.")
    child.expect("Téléphone .*> ")
    child.sendline("")
    no_note_measured_duration(child)
    child.expect("Réservation refusée")
    child.expect("Créneaux libres")
    child.expect(r"1  mardi 8 décembre 2026, 14 h 30")
    child.expect(r"N°, \+ ou filtre \(0 = sans réserver\) > ")  # no way back: all is said
    child.sendline("1")  # name and phone are not asked again
    child.expect(r"Rendez-vous : (A-[0-9A-Z]{6,9})")
    appointment = child.match.group(1)
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["appointment"] == appointment
    booked = [a for a in documents(folder, "appointments") if a["id"] == appointment]
    assert booked[0]["person"] == "Nadia B." and booked[0]["start"].startswith("2026-12-08T14:30")


def test_one_prerequisite_missing_of_three(tmp_path):
    from conftest import PROCEDURES

    three = PROCEDURES.replace("prerequisites: [Adresse e-mail]",
                               "prerequisites: [Adresse e-mail, Compte Caf, Numéro fiscal]")
    folder = write_folder(tmp_path / "three", procedures=three)
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("prime activite")
    child.sendline(pick(child, "Demander la prime d'activité"))
    child.expect(r"Adresse e-mail \? \[o/n, r = retour\] > ")
    child.sendline("oui")
    child.expect(r"Compte Caf \? \[o/n, r = retour\] > ")
    child.sendline("n")
    child.expect(r"Numéro fiscal \? \[o/n, r = retour\] > ")
    child.sendline("o")
    child.expect(r"Prérequis manquants \(Compte Caf\)")
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("1")  # drop-in
    no_note_measured_duration(child)
    child.expect("Nous créerons ensemble : compte Caf.")
    out = child.read()
    assert finish(child) == 0
    assert "Numéro fiscal" not in out and "Adresse e-mail" not in out
    [saved] = calls(folder)
    assert saved["outcome"] == "dropin"


def test_dry_run_records_nothing(folder):
    environment = {**os.environ, "MEDIATOOL_NOW": NOW, "PYTHONPATH": str(ROOT), "TERM": "dumb"}
    environment.pop("MEDIATOOL_DATA", None)
    environment.pop("MEDIATOOL_MEDIATOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "mediatool", "--data", str(folder), "call",
                                           "--dry-run"], env=environment, encoding="utf-8",
                          timeout=TIMEOUT, dimensions=(30, 80))
    child.expect("ESSAI")
    child.expect("Mots de la personne > ")
    child.sendline("carte grise")
    child.sendline(pick(child, "Faire sa carte grise"))
    child.expect(r"N° \(Entrée = 1 ; r = retour\) > ")
    child.sendline("")
    no_note_measured_duration(child)
    child.expect("rien n'a été enregistré")
    child.expect("Récapitulatif")
    assert finish(child) == 0
    assert calls(folder) == []


def test_redirect_without_contact_warns_and_takes_one_for_the_recap_only(folder):
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("carte grise")
    child.sendline(pick(child, "Faire sa carte grise"))
    child.expect(r"N° \(Entrée = 1 ; r = retour\) > ")
    child.sendline("3")
    child.expect("Entrée pour confirmer, ou une autre organisation > ")
    child.sendline("POINT-JUSTICE")  # a name as typed: case and accents do not matter
    child.expect("Point-justice — coordonnées à compléter dans le catalogue")
    child.expect("pour ce récapitulatif seulement .*> ")
    child.sendline("05 55 00 11 22\x07")  # a stray control character is dropped
    no_note_measured_duration(child)
    child.expect("Récapitulatif")
    child.expect("contactez Point-justice : 05 55 00 11 22.")
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["redirect_to"] == "point-justice"
    assert "05 55" not in str(saved)  # the typed contact is not in the record


def test_going_back_from_a_wrong_pick(folder):
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("carte grise")
    child.sendline(pick(child, "Faire sa carte grise"))  # the caller meant something else
    child.expect(r"N° \(Entrée = 1 ; r = retour\) > ")
    child.sendline("<")  # the fiche asks nothing here: back to the match list
    pick(child, "Faire sa carte grise")  # the same words, listed again
    child.sendline("prime activite")
    child.sendline(pick(child, "Demander la prime d'activité"))
    child.expect(r"Adresse e-mail \? \[o/n, r = retour\] > ")
    child.sendline("o")
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("r")  # outcome → the prerequisites again
    child.expect(r"Adresse e-mail \? \[o/n, r = retour\] > ")
    child.sendline("o")
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("9")
    child.expect("Un numéro entre 1 et 5")
    child.sendline("1")
    child.expect("Note .*> ")
    child.sendline("r")  # note → outcome, answers before it kept
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("1")
    no_note_measured_duration(child)
    child.expect("Appel enregistré")
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["procedure"] == "caf-prime-activite" and saved["outcome"] == "dropin"


def test_no_slot_suits_the_caller_goes_on_the_waiting_list(folder):
    child = appointment_for_prime_activite(folder)
    child.expect("a = aucun ne convient : liste d'attente")
    child.expect(r"N°, \+ ou filtre \(0 = sans réserver ; r = retour\) > ")
    child.sendline("a")
    child.expect(r"Nom de la personne \(pour la liste d'attente\) > ")
    child.sendline("Nadia B.")
    child.expect("Téléphone, pour la rappeler .*> ")
    child.sendline("06 39 98 00 42")
    child.expect("Échéance .*> ")
    child.sendline("01/12/2026")  # past: asked again
    child.expect("Cette date est passée")
    child.expect("Échéance .*> ")
    child.sendline("15/01/2027")
    no_note_measured_duration(child)
    child.expect(r"Liste d'attente : (W-[0-9A-Z]{6,9})")
    entry = child.match.group(1)
    child.expect("liste d'attente")
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["outcome"] == "appointment" and saved["wait"] == entry
    assert "person" not in saved and "06 39" not in str(saved)
    [added] = documents(folder, "waitlist")
    assert (added["id"], added["person"], added["phone"], added["from_call"],
            str(added["before"])) == (entry, "Nadia B.", "06 39 98 00 42", saved["id"],
                                      "2027-01-15")


def test_redirect_offers_the_imported_local_places_and_the_recap_gives_the_chosen_one(tmp_path):
    from conftest import ANNUAIRE, LOCAL_ORGANISATIONS, RENNES_TEAM

    area = write_folder(tmp_path / "area", organisations=LOCAL_ORGANISATIONS, team=RENNES_TEAM)
    imported = subprocess.run(
        [sys.executable, "-m", "mediatool", "--data", str(area), "catalogue", "import-places",
         str(ANNUAIRE), "--insee", "35051"],
        env={**os.environ, "MEDIATOOL_NOW": NOW, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, check=False)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    child = spawn(area)
    child.expect("Mots de la personne > ")
    child.sendline("attestation paiement")
    child.sendline(pick(child, "Télécharger une attestation de paiement"))
    child.expect(r"N° \(Entrée = \d ; r = retour\) > ")
    child.sendline("3")
    child.expect("Entrée pour confirmer, ou une autre organisation > ")
    child.sendline("mairie")
    child.expect("Lieux proches")
    child.expect(" 1  aujourd'hui 8h30–12h, 13h30–17h30 — Mairie - Exemple — 1 esplanade "
                 "de l'Essai, 35510 Cesson-Sévigné — tél. 02 61 91 00 13")
    child.expect(r"N° du lieu \(Entrée : le 1er ; 0 : aucun\) > ")
    child.sendline("")
    no_note_measured_duration(child)
    child.expect("Récapitulatif")
    child.expect("adressez-vous à Mairie - Exemple")
    child.expect("aujourd'hui 8h30-12h, 13h30-17h30")  # NOW is a Monday
    assert finish(child) == 0
    [saved] = calls(area)
    assert saved["redirect_to"] == "mairie"

def test_a_usage_need_books_a_usage_session_in_a_new_path(tmp_path):
    from conftest import FILES, USAGE_NEED
    folder = write_folder(tmp_path / "usage", procedures=FILES["procedures.yaml"] + USAGE_NEED)
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("envoyer un mail")
    child.sendline(pick(child, "Apprendre à envoyer un e-mail"))
    child.expect("Recommandation : RENDEZ-VOUS")
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("")
    child.expect(r"Créneaux libres \(première séance d'un parcours d'apprentissage\) \(1-")
    child.expect(r"N°, \+ ou filtre \(0 = sans réserver ; r = retour\) > ")
    child.sendline("1")
    child.expect("Nom de la personne .*> ")
    child.sendline("Odette R.")
    child.expect("Téléphone .*> ")
    child.sendline("")
    no_note_measured_duration(child)
    child.expect(r"Rendez-vous : A-[0-9A-Z]{6,9} \(première séance du parcours (P-[0-9A-Z]{6,9})\)")
    path = child.match.group(1)
    assert finish(child) == 0
    [booked] = documents(folder, "appointments")
    assert booked["kind"] == "usage" and booked["path"] == path
    assert documents(folder, "paths")[0]["skills"] == ["mail-creer", "2.1"]


DANGER_ENTRY = """\
  - id: violences-conjugales
    title: Violences conjugales (écoute et orientation)
    keywords: [violences conjugales]
    theme: justice
    organisation: ecoute
    typical_duration_min: 10
    in_scope: false
    danger:
      emergency: "Danger immédiat : 17 ou 112 ; par SMS : 114."
      harms: [frapper, gifler]
      partners: [mari]
    source: https://www.service-public.fr/particuliers/vosdroits/F12544
    reviewed: 2026-11-01
"""


def test_words_of_danger_put_the_urgent_entry_first_with_its_numbers(tmp_path):
    from conftest import FILES
    organisations = FILES["organisations.yaml"] + """\
  - id: ecoute
    name: Violences Femmes Info
    phone: "39 19"
    hours: "24 h/24 et 7 j/7"
"""
    folder = write_folder(tmp_path / "danger", procedures=FILES["procedures.yaml"] + DANGER_ENTRY,
                          organisations=organisations)
    child = spawn(folder)
    child.expect("Mots de la personne > ")
    child.sendline("il m'a giflée pour la prime d'activité")
    child.expect(r"DANGER POSSIBLE — Danger immédiat : 17 ou 112 ; par SMS : 114\.")
    child.expect(r"Écoute et orientation : Violences Femmes Info — tél\. 39 19 \(24 h/24")
    number = pick(child, "Violences conjugales (écoute et orientation)")
    assert number == "1"
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    assert calls(folder) == []

def test_a_call_while_team_yaml_has_an_error_runs_on_the_last_good_catalogue(folder):
    seen = subprocess.run([sys.executable, "-m", "mediatool", "--data", str(folder), "slots"],
                          env={**os.environ, "MEDIATOOL_NOW": NOW, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert seen.returncode == 0, seen.stderr  # Monday's catalogue loaded: it is kept
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace('start: "14:00", end: "17:00"',
                                                             'start: 14:00, end: "17:00"'),
                    encoding="utf-8")
    child = spawn(folder)
    child.expect(r"Attention : erreur dans catalogue/team.yaml:11")
    child.expect("dernier catalogue valide")
    child.expect("Mots de la personne > ")
    child.sendline("carte grise")
    child.sendline(pick(child, "Faire sa carte grise"))
    child.expect(r"N° \(Entrée = 1 ; r = retour\) > ")
    child.sendline("")
    no_note_measured_duration(child)
    child.expect("Appel enregistré")
    child.expect("lundi 7 déc. 14h-17h, Centre")  # the drop-in of the last good team.yaml
    assert finish(child) == 0
    [saved] = calls(folder)
    assert saved["procedure"] == "ants-carte-grise" and saved["outcome"] == "dropin"


def test_paging_and_filtering_the_slots(folder):
    child = appointment_for_prime_activite(folder)
    child.expect(r"…  et \d+ autres : \+ pour voir")
    child.expect(SLOT_PROMPT)
    child.sendline("plus")  # the next page (+ too), numbered on
    child.expect(r"Créneaux libres \(6-10 sur \d+\)")
    child.expect(r"6  mardi 5 janvier 2027, 14 h 00 — Camille")
    child.expect(SLOT_PROMPT)
    child.sendline("jeudi")
    child.expect(r"Créneaux libres — « jeudi » \(1-5 sur \d+\)")
    child.expect(r"1  jeudi 10 décembre 2026, 9 h 00")
    child.expect(SLOT_PROMPT)
    child.sendline("vendredi")  # Camille has no hours on Fridays
    child.expect("Aucun créneau libre pour « vendredi »")
    child.expect(SLOT_PROMPT)
    child.sendline("jeudi 17 déc.")
    child.expect(r"Créneaux libres — « jeudi 17 déc. » \(1-1 sur 1\)")
    child.expect(r"1  jeudi 17 décembre 2026, 9 h 00")
    child.expect(SLOT_PROMPT)
    child.sendline("chez le notaire")
    child.expect("pas compris : « notaire » — filtrer : un jour")
    child.expect(SLOT_PROMPT)
    child.sendline("9")  # out of the numbers shown
    child.expect(r"Un numéro entre 0 et 1, \+ pour la suite")
    child.expect(SLOT_PROMPT)
    child.sendline("15/12 Après-midi centre")
    child.expect(r"Créneaux libres — « 15/12 Après-midi centre » \(1-1 sur 1\)")
    child.expect(SLOT_PROMPT)
    child.sendline("+")
    child.expect("Pas d'autre créneau pour ce filtre")
    child.expect(SLOT_PROMPT)
    child.sendline("1")
    child.expect(r"Nom de la personne \(tel qu'elle le dit .*> ")
    child.sendline("r")  # back to the outcome, then to the slots again
    child.expect(r"N° \(Entrée = 2 ; r = retour\) > ")
    child.sendline("")
    child.expect(SLOT_PROMPT)
    child.sendline("camille")
    child.expect(SLOT_PROMPT)
    child.sendline("3")
    child.expect(r"Nom de la personne \(tel qu'elle le dit .*> ")
    child.sendline("Émilie  de La Tour-d'Auvergne")
    child.expect("Téléphone .*> ")
    child.sendline("")
    no_note_measured_duration(child)
    child.expect("rendez-vous le mardi 15 décembre 2026, 14 h 00")
    assert finish(child) == 0
    [booked] = documents(folder, "appointments")
    # as typed: accents and case kept, the doubled space of a hasty paste folded
    assert booked["person"] == "Émilie de La Tour-d'Auvergne"
    assert booked["start"].startswith("2026-12-15T14:00")


@pytest.mark.parametrize("stop", ["interrupt", "eof"])
@pytest.mark.parametrize("where", ["slots", "name"])
def test_giving_up_while_booking_records_nothing(folder, stop, where):
    child = appointment_for_prime_activite(folder)
    child.expect(SLOT_PROMPT)
    child.sendline("")  # empty: a hint, the same question
    child.expect(r"Un numéro entre 0 et 5, \+ pour la suite")
    child.sendline("\x1b[A" + "z" * 1500)  # an arrow key and a very long paste
    child.expect("Réponse trop longue")
    if where == "name":
        child.sendline("1")
        child.expect(r"Nom de la personne \(tel qu'elle le dit .*> ")
        child.sendline("   ")  # spaces: asked again
        child.expect(r"Nom de la personne \(tel qu'elle le dit .*> ")
    else:
        child.expect(SLOT_PROMPT)
    if stop == "interrupt":
        child.sendintr()
    else:
        child.sendeof()
    child.expect("rien n'a été enregistré")
    assert finish(child) == 1
    assert calls(folder) == [] and documents(folder, "appointments") == []
    assert "Traceback" not in (child.before or "")


def test_an_invisible_character_at_a_prompt_gets_a_hint_and_the_same_question(folder):
    child = appointment_for_prime_activite(folder)
    child.expect(SLOT_PROMPT)
    child.sendline("1")
    child.expect(r"Nom de la personne \(tel qu'elle le dit .*> ")
    child.sendline("Nadia\u200b B.")  # a zero-width space, pasted from a web page
    child.expect(r"Caractère de contrôle ou invisible \(U\+200B")
    child.expect(r"Nom de la personne \(tel qu'elle le dit .*> ")
    child.sendline("Nadia B.")
    child.expect(r"Téléphone .*> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    assert documents(folder, "appointments") == [] and calls(folder) == []
