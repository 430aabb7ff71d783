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
    child.expect("N° ou identifiant > ")
    child.sendline("samr")
    child.expect("vouliez-vous : samir")
    child.sendline("1")
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
    child.expect("Prochains créneaux libres")
    return child


def test_booking_during_the_call(folder):
    child = appointment_for_prime_activite(folder)
    child.expect(r"1  mardi 8 décembre 2026, 14 h 00 — Camille \(Centre\)")
    # one choice per half-day, not every quarter-hour of the same afternoon
    child.expect(r"2  jeudi 10 décembre 2026, 9 h 00 — Camille")
    child.expect(r"3  mardi 15 décembre 2026, 14 h 00 — Camille")
    child.expect("N° > ")
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
    child.expect("N° > ")
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
    child.expect("Prochains créneaux libres")
    child.expect(r"1  mardi 8 décembre 2026, 14 h 30")
    child.expect("N° > ")
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
    child.sendline("point-justice")
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
