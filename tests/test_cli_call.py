"""`mediatool call` scripted, and `mediatool calls`, as a script or a user runs them."""

import datetime as dt
import json

import pytest
from conftest import TEAM, documents, write_folder

from mediatool.core.model import CallLinked
from mediatool.core.period import Month
from mediatool.store.records import Store

TUESDAY_IN_SHIFT = "2026-12-08T10:30:00+01:00"


def calls_file(folder):
    return folder / "records" / "calls" / "2026-12.yaml"


def recorded(folder):
    return documents(folder, "calls")


def call_json(run, *args):
    result = run("call", "--format", "json", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.output)


# ---- every outcome ------------------------------------------------------------

def test_dropin_call_is_recorded_with_recap(run, folder):
    out = call_json(run, "--procedure", "ants-carte-grise", "--outcome", "dropin",
                    "--duration", "7", "--note", "rappellera")
    call = out["call"]
    assert call["id"].startswith("C-") and call["outcome"] == "dropin"
    assert call["procedure"] == "ants-carte-grise" and call["theme"] == "transports-mobilite"
    assert call["by"] == "camille" and call["duration_min"] == 7 and call["note"] == "rappellera"
    assert call["in_shift"] is False and "shift" not in call  # Monday: no phone shift
    assert out["recommendation"]["outcome"] == "dropin"
    assert "lundi 7 déc. 14h-17h, Centre" in out["recap"]
    [saved] = recorded(folder)
    assert saved == {**call, "at": saved["at"]} and saved["at"].startswith("2026-12-07T10:00")
    assert "person" not in saved and "phone" not in saved  # calls stay anonymous


def test_outcome_defaults_to_the_recommendation(run):
    out = call_json(run, "--procedure", "caf-prime-activite")
    assert out["call"]["outcome"] == "appointment"
    assert "rendez-vous vous sera proposé" in out["recap"]
    assert "appointment" not in out["call"]  # intent only: nothing booked


def test_redirect_defaults_to_the_procedure_organisation(run):
    out = call_json(run, "--procedure", "conseil-juridique")
    assert out["call"]["outcome"] == "redirect" and out["call"]["redirect_to"] == "point-justice"
    assert "Point-justice" in out["recap"]


def test_redirect_to_another_organisation(run, folder):
    out = call_json(run, "--query", "amende stationnement", "--outcome", "redirect",
                    "--redirect-to", "ants", "--theme", "transports-mobilite")
    call = out["call"]
    assert call["redirect_to"] == "ants" and call["query"] == "amende stationnement"
    assert call["theme"] == "transports-mobilite" and "procedure" not in call
    assert out["recommendation"] is None and "34 00" in out["recap"]


def test_resolved_and_other(run, folder):
    resolved = call_json(run, "--procedure", "attestation-caf", "--outcome", "resolved")
    assert "réglé au téléphone" in resolved["recap"]
    other = call_json(run, "--outcome", "other", "--note", "faux numéro")
    assert other["call"]["outcome"] == "other" and "procedure" not in other["call"]
    assert [c["outcome"] for c in recorded(folder)] == ["resolved", "other"]


def test_missing_prerequisites_bring_the_usage_path(run):
    out = call_json(run, "--procedure", "caf-prime-activite", "--outcome", "dropin",
                    "--missing-prerequisites")
    assert out["recommendation"]["usage_skills"] == ["mail-creer"]
    assert out["recommendation"]["missing"] == ["Adresse e-mail"]
    assert "Nous créerons ensemble : adresse e-mail." in out["recap"]
    assert out["sms"]["encoding"] == "GSM-7" and out["sms"]["segments"] <= 2


def test_dry_run_records_nothing_and_says_so(run, folder):
    result = run("call", "--procedure", "caf-prime-activite", "--outcome", "appointment",
                 "--mediator", "camille", "--book-first-free", "--person", "Nadia B.",
                 "--dry-run")
    assert result.exit_code == 0, result.output
    assert "ESSAI (--dry-run) : rien n'a été enregistré" in result.output
    assert "A-ESSAI" in result.output and "mardi 8 décembre 2026" in result.output
    assert recorded(folder) == [] and documents(folder, "appointments") == []
    as_json = json.loads(run("call", "--procedure", "caf-prime-activite", "--mediator",
                             "camille", "--dry-run", "--format", "json").output)
    assert as_json["dry_run"] is True and recorded(folder) == []


def test_sms_prints_only_the_gsm7_recap(run):
    result = run("call", "--procedure", "ants-carte-grise", "--outcome", "redirect",
                 "--mediator", "camille", "--sms")
    assert result.exit_code == 0, result.output
    assert "Appel enregistré" not in result.output
    assert result.output.startswith('Pour "Faire sa carte grise", contactez')


def test_call_in_a_phone_shift_names_it(run, monkeypatch):
    monkeypatch.setenv("MEDIATOOL_NOW", TUESDAY_IN_SHIFT)
    call = call_json(run, "--procedure", "ants-carte-grise", "--duration", "5")["call"]
    assert call["in_shift"] is True and call["shift"] == "mardi 09:30-12:00"


def test_a_long_call_begun_in_the_shift_belongs_to_it(run, monkeypatch):
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T12:10:00+01:00")
    assert call_json(run, "--procedure", "ants-carte-grise", "--duration", "15")["call"][
        "in_shift"] is True
    assert call_json(run, "--procedure", "ants-carte-grise", "--duration", "5")["call"][
        "in_shift"] is False


def test_table_output_flags_calls_outside_shifts(run):
    result = run("call", "--procedure", "ants-carte-grise", "--outcome", "dropin")
    assert result.exit_code == 0
    assert "Recommandation : Démarche de 30 min" in result.output
    assert "HORS permanence téléphonique" in result.output
    assert "Récapitulatif pour la personne" in result.output


def test_recap_only_prints_just_the_recap(run, folder):
    result = run("call", "--procedure", "ants-carte-grise", "--outcome", "dropin",
                 "--recap-only")
    assert result.exit_code == 0
    assert result.output.startswith("Faire sa carte grise : venez sans rendez-vous")
    assert result.output.count("\n") == 1 and len(result.output) <= 481
    assert len(recorded(folder)) == 1


def test_several_mediators_need_one_named(tmp_path, run, monkeypatch):
    team = TEAM.replace("mediators:\n", "mediators:\n  - {id: samir, name: Samir}\n")
    data = write_folder(tmp_path / "two", team=team)
    result = run("call", "--procedure", "ants-carte-grise", data=data)
    assert result.exit_code == 2 and "--mediator" in result.stderr
    assert recorded(data) == []
    monkeypatch.setenv("MEDIATOOL_MEDIATOR", "samir")
    assert run("call", "--procedure", "ants-carte-grise", data=data).exit_code == 0
    assert recorded(data)[0]["by"] == "samir"


# ---- bad input: exit 2, nothing recorded ------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--procedure", "caf-prime-activte"], "vouliez-vous : caf-prime-activite"),
    (["--procedure", "ants-carte-grise", "--mediator", "camile"], "vouliez-vous : camille"),
    (["--query", "x", "--outcome", "redirect", "--redirect-to", "caff"], "vouliez-vous : caf"),
    (["--query", "x", "--outcome", "redirect"], "--redirect-to"),
    (["--outcome", "redirect"], "--redirect-to"),
    (["--procedure", "ants-carte-grise", "--duration", "-1"], "entre 0 et 240"),
    (["--procedure", "ants-carte-grise", "--duration", "241"], "entre 0 et 240"),
    (["--procedure", "ants-carte-grise", "--duration", "dix"], "nombre entier"),
    (["--procedure", "ants-carte-grise", "--outcome", "rdv"], "appointment"),
    (["--procedure", "ants-carte-grise", "--outcome", "dropin", "--redirect-to", "caf"],
     "--outcome redirect"),
    (["--query", "x"], "--outcome"),
    (["--query", "x", "--outcome", "other", "--theme", "sante"], "social-sante"),
    (["--procedure", "ants-carte-grise", "--theme", "logement"], "--query"),
    (["--procedure", "ants-carte-grise", "--person", "Nadia"], "anonymes"),
    (["--procedure", "ants-carte-grise", "--book-first-free"], "--person"),
    (["--note", "rien"], "--outcome"),
])
def test_bad_input_exits_2_and_records_nothing(run, folder, args, message):
    assert run("call", "--procedure", "ants-carte-grise").exit_code == 0
    before = calls_file(folder).read_bytes()
    result = run("call", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("Erreur : ") and "Traceback" not in result.stderr
    assert calls_file(folder).read_bytes() == before


def test_extreme_durations_are_accepted(run):
    assert call_json(run, "--procedure", "ants-carte-grise", "--duration", "0")["call"][
        "duration_min"] == 0
    assert call_json(run, "--procedure", "ants-carte-grise", "--duration", "240")["call"][
        "duration_min"] == 240


def test_no_terminal_and_no_options_shows_the_scripted_usage(run, folder):
    result = run("call", input="")
    assert result.exit_code == 2
    assert "mode scripté : mediatool call --procedure ID" in result.stderr
    assert not calls_file(folder).exists()


def test_no_terminal_in_a_real_process_never_hangs(folder):
    import os
    import subprocess
    import sys

    env = {**os.environ, "MEDIATOOL_NOW": "2026-12-07T10:00:00+01:00"}
    done = subprocess.run([sys.executable, "-m", "mediatool", "--data", str(folder), "call"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                          env=env)
    assert done.returncode == 2 and "mode scripté" in done.stderr


# ---- listing --------------------------------------------------------------------

def test_calls_lists_the_month_and_the_day(run, folder, monkeypatch):
    first = call_json(run, "--procedure", "ants-carte-grise", "--duration", "4")["call"]
    monkeypatch.setenv("MEDIATOOL_NOW", TUESDAY_IN_SHIFT)
    second = call_json(run, "--query", "perdu mon code", "--outcome", "other")["call"]
    table = run("calls")
    assert table.exit_code == 0
    assert first["id"] in table.output and second["id"] in table.output
    assert "« perdu mon code »" in table.output and "HORS" in table.output
    assert "2 appel(s), dont 1 hors permanence téléphonique." in table.output
    day = json.loads(run("calls", "--day", "2026-12-08", "--format", "json").output)
    assert [c["id"] for c in day] == [second["id"]]
    french = json.loads(run("calls", "--day", "08/12/2026", "--format", "json").output)
    today = json.loads(run("calls", "--day", "aujourd'hui", "--format", "json").output)
    assert french == day == today  # MEDIATOOL_NOW is that Tuesday
    assert run("calls", "--month", "2026-11").output.startswith("(aucun résultat)")


def test_calls_show_appointments_linked_later(run, folder):
    call = call_json(run, "--procedure", "caf-prime-activite")["call"]
    Store(folder).append("calls", Month(2027, 1), CallLinked(
        id=call["id"], event="linked", at=dt.datetime.fromisoformat("2027-01-05T10:00:00+01:00"), by="camille", appointment="A-7K3QX2"))
    listed = json.loads(run("calls", "--format", "json").output)
    assert listed[0]["appointment"] == "A-7K3QX2"


@pytest.mark.parametrize("args", [["--day", "2026-13-01"], ["--month", "décembre"],
                                  ["--day", "2026-12-01", "--month", "2026-12"]])
def test_calls_bad_dates_exit_2(run, args):
    result = run("calls", *args)
    assert result.exit_code == 2 and result.stderr.startswith("Erreur : ")


# ---- booking during the call ----------------------------------------------------

def appointments(folder):
    return documents(folder, "appointments")


def test_book_first_free_links_call_and_appointment(run, folder):
    out = call_json(run, "--procedure", "caf-prime-activite", "--book-first-free",
                    "--person", "Nadia B.", "--phone", "06 39 98 00 42")
    call = out["call"]
    assert call["outcome"] == "appointment" and call["appointment"].startswith("A-")
    assert "person" not in call and "phone" not in call
    [booked] = appointments(folder)
    assert booked["id"] == call["appointment"] and booked["from_call"] == call["id"]
    assert booked["person"] == "Nadia B." and booked["phone"] == "06 39 98 00 42"
    assert booked["start"].startswith("2026-12-08T14:00") and booked["duration_min"] == 45
    assert "rendez-vous le mardi 8 décembre 2026, 14 h 00 (45 min) avec Camille" in out["recap"]
    assert call["appointment"] in out["recap"]
    assert [c["id"] for c in recorded(folder)] == [call["id"]]


def test_short_procedure_books_a_short_appointment(run, folder):
    out = call_json(run, "--procedure", "attestation-caf", "--book-first-free",
                    "--person", "Gérard T.")
    assert out["recommendation"]["short"] is True
    assert appointments(folder)[0]["duration_min"] == 15


@pytest.mark.parametrize("args, code, message", [
    (["--procedure", "caf-prime-activite", "--book-first-free", "--person", "N",
      "--book-with", "camile"], 2, "vouliez-vous : camille"),
    (["--procedure", "caf-prime-activite", "--book-first-free", "--person", "N",
      "--phone", "abc"], 2, "téléphone"),
    (["--procedure", "conseil-juridique", "--book-first-free", "--person", "N"], 2,
     "hors de la mission"),
    (["--procedure", "caf-prime-activite", "--outcome", "dropin", "--book-first-free",
      "--person", "N"], 2, "--outcome appointment"),
])
def test_failed_booking_records_nothing(run, folder, args, code, message):
    assert run("call", "--procedure", "ants-carte-grise").exit_code == 0
    before = calls_file(folder).read_bytes()
    result = run("call", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert calls_file(folder).read_bytes() == before and appointments(folder) == []


def test_no_free_slot_is_refused_with_exit_3(tmp_path, run):
    team = TEAM.replace("""    hours:
      - {day: mardi, start: "14:00", end: "17:30"}
      - {day: jeudi, start: "09:00", end: "12:30"}
""", "")
    data = write_folder(tmp_path / "nohours", team=team)
    result = run("call", "--procedure", "caf-prime-activite", "--book-first-free",
                 "--person", "N", data=data)
    assert result.exit_code == 3 and "créneau" in result.stderr
    assert recorded(data) == [] and appointments(data) == []
