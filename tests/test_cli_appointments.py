"""slots, book, agenda, cancel, attended, no-show, path: as a mediator types them.

The clock is fixed on Monday 2026-12-07 10:00 (conftest). Camille works on
Tuesday 14:00-17:30 and Thursday 09:00-12:30; the service is closed from
2026-12-24 to 2027-01-01.
"""

import json
import re
from pathlib import Path

import pytest
from conftest import NOW, TEAM, write_folder

# Camille also works on Wednesdays, so a third half-day is possible and the cap can refuse it.
WIDE_TEAM = TEAM.replace(
    """      - {day: jeudi, start: "09:00", end: "12:30"}
""",
    """      - {day: mercredi, start: "09:00", end: "17:30"}
      - {day: jeudi, start: "09:00", end: "12:30"}
    absences:
      - {start: 2027-01-12, end: 2027-01-12, reason: Formation}
""")


def records(folder: Path) -> dict[str, bytes]:
    """Every record file's bytes: compared before and after a refused command."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted((folder / "records").rglob("*.yaml"))}


def book(run, *extra: str, person: str = "Nadia B."):
    return run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
               "--person", person, *extra)


def booked_id(result) -> str:
    match = re.search(r"A-[0-9A-Z]{6,9}", result.output)
    assert match, result.output + result.stderr
    return match.group(0)


@pytest.fixture
def wide(tmp_path):
    return write_folder(tmp_path / "wide", team=WIDE_TEAM)


# ---- slots ----------------------------------------------------------------------------

def test_slots_lists_free_slots_in_french(run):
    result = run("slots", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    assert "mardi 8 décembre 2026, 14 h 00" in result.output
    assert "mediatool book --mediator camille" in result.output


def test_slots_json_uses_the_procedure_duration(run):
    result = run("slots", "--procedure", "ants-carte-grise", "--format", "json", "--limit", "2")
    slots = json.loads(result.output)
    assert [s["start"] for s in slots] == ["2026-12-08T14:00+01:00", "2026-12-08T14:15+01:00"]
    assert slots[0]["end"] == "2026-12-08T14:30+01:00" and slots[0]["duration_min"] == 30


def test_slots_from_a_date_skip_the_closure(run):
    result = run("slots", "--from", "23/12/2026", "--days", "30", "--format", "json",
                 "--limit", "1")
    assert json.loads(result.output)[0]["start"] == "2027-01-05T14:00+01:00"


def test_slots_bad_inputs(run):
    vague = run("slots", "--from", "bientôt")
    assert vague.exit_code == 2 and "--from illisible : « bientôt »" in vague.stderr
    unknown = run("slots", "--mediator", "camile")
    assert unknown.exit_code == 2 and "camille" in unknown.stderr


# ---- book -----------------------------------------------------------------------------

def test_book_first_free_prints_what_to_read_to_the_caller(run, folder):
    result = book(run, "--first-free", "--phone", "06 39 98 00 01")
    assert result.exit_code == 0, result.stderr
    out = result.output
    appointment = booked_id(result)
    assert "mardi 8 décembre 2026, 14 h 00" in out
    assert "Camille" in out and "Centre" in out
    assert "Documents à apporter" in out and "Relevé d'identité bancaire" in out
    stored = (folder / "records" / "appointments" / "2026-12.yaml").read_text()
    assert f"id: {appointment}" in stored and "start: '2026-12-08T14:00:00+01:00'" in stored
    assert "duration_min: 45" in stored  # the procedure's typical duration


@pytest.mark.parametrize("when", ["2026-12-08T15:00", "2026-12-08 15:00", "08/12/2026 15:00",
                                  "8/12/2026 15h00"])
def test_book_at_accepts_iso_and_french_forms(run, when):
    result = book(run, "--at", when, "--format", "json")
    assert result.exit_code == 0, result.stderr
    booked = json.loads(result.output)
    assert booked["start"] == "2026-12-08T15:00+01:00"
    assert booked["when"] == "mardi 8 décembre 2026, 15 h 00"
    assert booked["situation"] == "booked" and booked["rdv_service_public_status"] == "unknown"


def test_book_duration_option_and_team_default(run):
    result = book(run, "--at", "2026-12-08T14:00", "--duration", "90", "--format", "json")
    assert json.loads(result.output)["duration_min"] == 90


def test_book_keeps_local_time_across_dst(run, folder):
    result = book(run, "--at", "2027-03-30 14:00", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["start"] == "2027-03-30T14:00+02:00"
    stored = (folder / "records" / "appointments" / "2027-03.yaml").read_text()
    assert "start: '2027-03-30T14:00:00+02:00'" in stored
    agenda = run("agenda", "--day", "2027-03-30")
    assert "14:00-14:45" in agenda.output


BAD_INPUTS = [
    # (case, arguments, exit code, text expected on stderr)
    ("unreadable --at", ["--at", "demain 14h"], 2, "formats acceptés"),
    ("--at in the past", ["--at", "2026-12-01 14:00"], 2, "passé"),
    ("neither --at nor --first-free", [], 2, "--first-free"),
    ("démarche without procedure", ["--procedure", "", "--first-free"], 2, "--procedure"),
    ("both --at and --first-free", ["--at", "2026-12-08 14:00", "--first-free"], 2,
     "--first-free"),
    ("outside opening hours", ["--at", "2026-12-08 09:00"], 3, "heures de rendez-vous"),
    ("holiday", ["--at", "2026-12-25 10:00"], 3, "jour férié"),
    ("closure", ["--at", "2026-12-29 14:00"], 3, "fermeture"),
    ("bad phone", ["--at", "2026-12-08 14:00", "--phone", "appelez-moi"], 2, "téléphone"),
    ("unknown call", ["--at", "2026-12-08 14:00", "--from-call", "C-7K3QX2"], 2, "appel inconnu"),
]


@pytest.mark.parametrize(("args", "code", "text"), [c[1:] for c in BAD_INPUTS],
                         ids=[c[0] for c in BAD_INPUTS])
def test_book_bad_inputs_append_nothing(run, folder, args, code, text):
    book(run, "--at", "2026-12-10 09:00", person="Déjà là")
    before = records(folder)
    result = book(run, *args)
    assert result.exit_code == code, result.output + result.stderr
    assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert records(folder) == before


def test_refusal_names_the_rule_and_proposes_three_slots(run, folder):
    first = book(run, "--at", "2026-12-08 14:00")
    before = records(folder)
    result = book(run, "--at", "2026-12-08 14:30", person="Gérard T.")
    assert result.exit_code == 3
    assert "chevauchement" in result.stderr and booked_id(first) in result.stderr
    proposed = re.findall(r"\w+ \d+ \w+ 2026, \d+ h \d\d", result.stderr)
    assert proposed == ["mardi 8 décembre 2026, 14 h 45", "mardi 8 décembre 2026, 15 h 00",
                        "mardi 8 décembre 2026, 15 h 15"]
    assert records(folder) == before


def test_holiday_refusal_proposes_slots_after_the_closure(run):
    result = book(run, "--at", "25/12/2026 10:00")
    assert result.exit_code == 3
    assert "Noël" in result.stderr and "mardi 5 janvier 2027, 14 h 00" in result.stderr


def test_cap_refuses_a_third_half_day_and_cancel_frees_it(run, wide):
    first = run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
                "--person", "A", "--at", "2026-12-08 14:00", data=wide)
    second = run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
                 "--person", "B", "--at", "2026-12-10 09:00", data=wide)
    assert first.exit_code == second.exit_code == 0
    before = records(wide)
    third = run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
                "--person", "C", "--at", "2026-12-09 10:00", data=wide)
    assert third.exit_code == 3
    assert "plafond" in third.stderr and "prochains créneaux possibles" in third.stderr
    # The slots proposed lie inside the two half-days already used.
    assert "mercredi 9" not in third.stderr.split("prochains créneaux")[1]
    assert records(wide) == before
    # Inside a half-day already used: allowed.
    same = run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
               "--person", "D", "--at", "2026-12-08 15:00", data=wide)
    assert same.exit_code == 0, same.stderr
    assert run("cancel", booked_id(second), data=wide).exit_code == 0
    again = run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
                "--person", "C", "--at", "2026-12-09 10:00", data=wide)
    assert again.exit_code == 0, again.stderr


def test_absence_refuses(run, wide):
    result = run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
                 "--person", "A", "--at", "2027-01-12 14:00", data=wide)
    assert result.exit_code == 3 and "absence" in result.stderr and "Formation" in result.stderr


@pytest.mark.parametrize(("option", "value", "suggestion"), [
    ("--mediator", "camile", "camille"),
    ("--procedure", "caf-prime-activiter", "caf-prime-activite"),
])
def test_unknown_ids_suggest(run, folder, option, value, suggestion):
    args = {"--mediator": "camille", "--procedure": "caf-prime-activite"}
    args[option] = value
    result = run("book", "--mediator", args["--mediator"], "--procedure", args["--procedure"],
                 "--person", "X", "--first-free")
    assert result.exit_code == 2
    assert "vouliez-vous" in result.stderr and suggestion in result.stderr
    assert records(folder) == {}


def test_out_of_scope_procedure_is_redirected(run):
    result = run("book", "--mediator", "camille", "--procedure", "conseil-juridique",
                 "--person", "X", "--first-free")
    assert result.exit_code == 2 and "Point-justice" in result.stderr


def test_book_from_call_links_both_ways(run, folder):
    calls = folder / "records" / "calls"
    calls.mkdir(parents=True)
    (calls / "2026-12.yaml").write_text(
        "---\nid: C-7K3QX2\nevent: call\nat: '2026-12-07T09:40:00+01:00'\nby: camille\n"
        "outcome: appointment\nin_shift: false\n...\n")
    result = book(run, "--first-free", "--from-call", "c 7k3qx2")
    assert result.exit_code == 0, result.stderr
    appointment = booked_id(result)
    assert "Lié à l'appel C-7K3QX2" in result.output
    linked = (calls / "2026-12.yaml").read_text()
    assert "event: linked" in linked and f"appointment: {appointment}" in linked
    stored = (folder / "records" / "appointments" / "2026-12.yaml").read_text()
    assert "from_call: C-7K3QX2" in stored
    assert run("check").exit_code == 0


# ---- agenda ---------------------------------------------------------------------------

def test_agenda_week_and_day(run):
    book(run, "--at", "2026-12-08 14:00", person="Nadia B.")
    book(run, "--at", "2026-12-10 09:00", person="Gérard T.")
    week = run("agenda")
    assert week.exit_code == 0, week.stderr
    assert "semaine 50" in week.output and "Nadia B." in week.output
    assert "Gérard T." in week.output and "à venir" in week.output
    assert "2/2 demi-journée(s)" in week.output
    day = run("agenda", "--day", "2026-12-10", "--mediator", "camille", "--format", "json")
    found = json.loads(day.output)
    assert [a["person"] for a in found["appointments"]] == ["Gérard T."]
    other = run("agenda", "--week", "14/12/2026")
    assert "Aucun rendez-vous" in other.output


def test_agenda_shows_to_fill_for_past_appointments(run, monkeypatch):
    appointment = booked_id(book(run, "--at", "2026-12-08 14:00"))
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-09T10:00:00+01:00")
    result = run("agenda", "--format", "json")
    found = json.loads(result.output)["appointments"]
    assert found[0]["id"] == appointment and found[0]["situation_label"] == "à renseigner"
    assert "à renseigner" in run("agenda").output


@pytest.mark.parametrize(("args", "message"), [
    (("--day", "x"), "--day illisible : « x » — formats acceptés : 2026-12-08, 08/12/2026"),
    (("--day", "2026-12-08", "--week", "2026-12-08"), "--day et --week ne vont pas ensemble"),
    (("--mediator", "nobody"), "médiateur inconnu(e) : « nobody »"),
    (("--to-fill", "--week", "2026-12-08"), "--to-fill ne va pas avec --day ou --week"),
])
def test_agenda_bad_inputs(run, args, message):
    result = run("agenda", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ---- cancel, attended, no-show ------------------------------------------------------

def test_cancel_then_cancel_again(run, folder):
    appointment = booked_id(book(run, "--at", "2026-12-08 14:00"))
    result = run("cancel", appointment.lower().replace("-", " "), "--reason", "malade",
                 "--by-service")
    assert result.exit_code == 0, result.stderr
    assert "annulé par le service" in result.output and "libéré" in result.output
    before = records(folder)
    again = run("cancel", appointment)
    assert again.exit_code == 2 and "déjà annulé" in again.stderr
    assert records(folder) == before
    state = json.loads(run("agenda", "--format", "json").output)["appointments"][0]
    assert state["situation"] == "revoked" and state["rdv_service_public_status"] == "revoked"


def test_cancel_unknown_suggests(run, folder):
    appointment = booked_id(book(run, "--at", "2026-12-08 14:00"))
    typo = appointment[:-1] + ("0" if appointment[-1] != "0" else "1")
    before = records(folder)
    result = run("cancel", typo)
    assert result.exit_code == 2 and appointment in result.stderr
    assert records(folder) == before


def test_attended_with_skills_and_refusals(run, folder, monkeypatch):
    appointment = booked_id(book(run, "--at", "2026-12-08 14:00"))
    early = run("attended", appointment)
    assert early.exit_code == 2 and "pas encore eu lieu" in early.stderr
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T15:00:00+01:00")
    bad_skill = run("attended", appointment, "--skills", "9.9")
    assert bad_skill.exit_code == 2 and "compétence" in bad_skill.stderr
    result = run("attended", appointment, "--skills", "2.1,mail-creer", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["skills"] == ["2.1", "mail-creer"]
    before = records(folder)
    for command in (["attended", appointment], ["no-show", appointment],
                    ["cancel", appointment]):
        refused = run(*command)
        assert refused.exit_code == 2 and "venu" in refused.stderr, command
    assert records(folder) == before


def test_no_show_and_attended_on_cancelled(run, monkeypatch):
    first = booked_id(book(run, "--at", "2026-12-08 14:00"))
    second = booked_id(book(run, "--at", "2026-12-08 15:00"))
    run("cancel", second)
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T17:00:00+01:00")
    assert run("no-show", first).exit_code == 0
    cancelled = run("attended", second)
    assert cancelled.exit_code == 2 and "annulé" in cancelled.stderr
    statuses = {a["id"]: a["situation_label"]
                for a in json.loads(run("agenda", "--format", "json").output)["appointments"]}
    assert statuses == {first: "absent", second: "annulé (excusé)"}


# ---- learning paths -----------------------------------------------------------------

def open_path(run, sessions: int = 2) -> str:
    result = run("path", "open", "--person", "Odette R.", "--mediator", "camille",
                 "--skills", "2.1,mail-creer", "--sessions", str(sessions), "--phone",
                 "06 39 98 00 02")
    assert result.exit_code == 0, result.stderr
    return re.search(r"P-[0-9A-Z]{6,9}", result.output).group(0)


def test_path_lifecycle(run, folder, monkeypatch):
    path = open_path(run, sessions=2)
    first = run("book", "--path", path, "--at", "2026-12-08 14:00", "--format", "json")
    assert first.exit_code == 0, first.stderr
    session = json.loads(first.output)
    assert session["kind"] == "usage" and session["person"] == "Odette R."
    assert session["duration_min"] == 60 and session["mediator"] == "camille"
    second = run("book", "--kind", "usage", "--path", path.lower(), "--mediator", "camille",
                 "--at", "2026-12-10 09:00")
    assert second.exit_code == 0, second.stderr
    before = records(folder)
    full = run("book", "--path", path, "--first-free")
    assert full.exit_code == 3 and "déjà réservées" in full.stderr
    assert records(folder) == before

    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T15:30:00+01:00")
    assert run("attended", session["id"], "--skills", "mail-creer").exit_code == 0
    shown = run("path", "show", path, "--format", "json")
    progress = json.loads(shown.output)
    assert progress["done"] == 1 and progress["booked"] == 1 and progress["remaining"] == 0
    assert progress["skills_reached"] == ["mail-creer"]
    assert progress["skills_remaining"] == ["2.1"]
    text = run("path", "show", path).output
    assert "1 faite(s)" in text and "Créer une adresse e-mail" in text

    listed = run("path", "list", "--open")
    assert path in listed.output and "1/2" in listed.output
    closed = run("path", "close", path, "--reason", "terminé")
    assert closed.exit_code == 0 and "Séance encore prévue" in closed.output
    assert path not in run("path", "list", "--open").output
    assert path in run("path", "list").output
    before = records(folder)
    twice = run("path", "close", path)
    assert twice.exit_code == 2 and "déjà clos" in twice.stderr
    refused = run("book", "--path", path, "--first-free")
    assert refused.exit_code == 3 and "clos" in refused.stderr
    assert records(folder) == before
    assert run("check").exit_code == 0


def test_path_bad_inputs(run, folder):
    path = open_path(run)
    before = records(folder)
    unknown = run("path", "show", path[:-1] + ("0" if path[-1] != "0" else "1"))
    assert unknown.exit_code == 2 and path in unknown.stderr
    bad_skill = run("path", "open", "--person", "X", "--mediator", "camille", "--skills",
                    "mail-creeer", "--sessions", "2")
    assert bad_skill.exit_code == 2 and "mail-creer" in bad_skill.stderr
    no_path = run("book", "--kind", "usage", "--mediator", "camille", "--person", "X",
                  "--first-free")
    assert no_path.exit_code == 2 and "--path" in no_path.stderr
    unknown_path = run("book", "--path", "P-000000", "--first-free")
    assert unknown_path.exit_code == 2 and "parcours inconnu" in unknown_path.stderr
    assert records(folder) == before


def test_check_finds_a_cap_breach_and_an_overlap_after_a_merge(run, wide):
    # Two copies of the folder each booked within the rules; the union merge does not.
    appointments = wide / "records" / "appointments"
    appointments.mkdir(parents=True)

    def booked(ident: str, start: str) -> str:
        return (f"---\nid: {ident}\nevent: booked\nat: '2026-12-07T09:00:00+01:00'\n"
                f"by: camille\nmediator: camille\nkind: demarche\nstart: '{start}'\n"
                "duration_min: 45\nperson: X\nprocedure: caf-prime-activite\n...\n")

    (appointments / "2026-12.yaml").write_text(
        booked("A-AAAAA1", "2026-12-08T14:00:00+01:00")
        + booked("A-AAAAA2", "2026-12-10T09:00:00+01:00")
        + booked("A-BBBBB1", "2026-12-09T10:00:00+01:00")  # a third half-day
        + booked("A-BBBBB2", "2026-12-08T14:30:00+01:00"))  # overlaps A-AAAAA1
    result = run("check", data=wide)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "plafond" in line]
    assert len(lines) == 1 and "A-AAAAA2" in lines[0] and "A-BBBBB1" in lines[0]
    overlap = [line for line in result.output.splitlines() if "chevauchent" in line]
    assert len(overlap) == 1 and "A-AAAAA1" in overlap[0] and "A-BBBBB2" in overlap[0]
    assert "records/appointments/2026-12.yaml:" in overlap[0]


def test_check_reports_events_that_make_no_sense(run, folder):
    appointment = booked_id(book(run, "--at", "2026-12-08 14:00"))
    run("cancel", appointment)
    path = folder / "records" / "appointments" / "2026-12.yaml"
    path.write_text(path.read_text() + f"---\nid: {appointment}\nevent: attended\n"
                    "at: '2026-12-08T15:00:00+01:00'\nby: camille\n...\n---\nid: A-ZZZZZZ\n"
                    "event: no_show\nat: '2026-12-08T15:00:00+01:00'\nby: camille\n...\n")
    result = run("check")
    assert result.exit_code == 1
    assert "impossible" in result.output and "A-ZZZZZZ" in result.output


# ---- corrections ---------------------------------------------------------------------

def test_outcome_corrected_with_reason_and_counted_in_report(run, folder, monkeypatch):
    booked = booked_id(book(run, "--at", "2026-12-08 14:00"))
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T16:00:00+01:00")
    assert run("no-show", booked).exit_code == 0
    wrong = run("attended", booked)
    assert wrong.exit_code == 2 and "--correct --reason" in wrong.stderr
    assert run("attended", booked, "--correct").exit_code == 2  # the reason is required
    fixed = run("attended", booked, "--correct", "--reason", "venue en retard",
                "--format", "json")
    assert fixed.exit_code == 0, fixed.stderr
    assert json.loads(fixed.output)["situation"] == "attended"
    text = (folder / "records" / "appointments" / "2026-12.yaml").read_text()
    assert "event: corrected" in text and "venue en retard" in text
    assert run("attended", booked, "--correct", "--reason", "x").exit_code == 2
    back = run("no-show", booked, "--correct", "--reason", "erreur de saisie")
    assert back.exit_code == 0 and "absence notée" in back.output
    assert run("check").exit_code == 0
    report = json.loads(run("report", "--month", "2026-12", "--format", "json").output)
    situations = {c["key"]: c["value"] for c in report["appointments"]["situations"]}
    assert situations["no_show"] == 1 and situations["attended"] == 0


def test_correct_needs_an_outcome_first(run, monkeypatch):
    booked = booked_id(book(run, "--at", "2026-12-08 14:00"))
    result = run("no-show", booked, "--correct", "--reason", "x")
    assert result.exit_code == 2 and "rien à corriger" in result.stderr


# ---- reschedule ----------------------------------------------------------------------

def test_reschedule_moves_in_one_step_and_links_both(run, folder):
    old = booked_id(book(run, "--at", "2026-12-08 14:00"))
    result = run("reschedule", old, "--at", "2026-12-10 09:00", "--reason", "empêchement",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    moved = json.loads(result.output)
    assert moved["old"]["situation"] == "rescheduled"
    assert moved["old"]["situation_label"] == "reporté"
    assert moved["new"]["start"].startswith("2026-12-10T09:00")
    text = (folder / "records" / "appointments" / "2026-12.yaml").read_text()
    assert f"rescheduled_from: {old}" in text and "rescheduled_to:" in text
    report = json.loads(run("report", "--month", "2026-12", "--format", "json").output)
    situations = {c["key"]: c["value"] for c in report["appointments"]["situations"]}
    assert situations["rescheduled"] == 1 and situations["excused"] == 0
    assert run("check").exit_code == 0


def test_reschedule_onto_refused_slot_leaves_the_old_untouched(run, folder):
    old = booked_id(book(run, "--at", "2026-12-08 14:00"))
    before = records(folder)
    result = run("reschedule", old, "--at", "2026-12-09 09:00")  # Wednesday: not open
    assert result.exit_code == 3
    assert "reste inchangé" in result.stderr
    assert records(folder) == before
    unknown = run("reschedule", old[:-1] + ("0" if old[-1] != "0" else "1"), "--first-free")
    assert unknown.exit_code == 2 and "inconnu" in unknown.stderr


def test_reschedule_within_its_own_half_day_is_allowed_at_the_cap(run, wide):
    def take(at, person):
        return booked_id(run("book", "--mediator", "camille", "--procedure",
                             "caf-prime-activite", "--person", person, "--at", at, data=wide))

    first = take("2026-12-08 14:00", "A")
    take("2026-12-08 15:00", "B")
    take("2026-12-10 09:00", "C")
    # Tuesday afternoon and Thursday morning are used: Wednesday would be a third half-day.
    refused = run("reschedule", first, "--at", "2026-12-09 09:00", data=wide)
    assert refused.exit_code == 3 and "plafond" in refused.stderr
    assert run("reschedule", first, "--at", "2026-12-08 16:00", data=wide).exit_code == 0


def test_reschedule_first_free(run):
    old = booked_id(book(run, "--at", "2026-12-08 14:00"))
    result = run("reschedule", old, "--first-free", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["new"]["start"] != json.loads(result.output)["old"]["start"]


def test_one_duration_rule_for_book_slots_and_call(run, folder):
    from mediatool.core.triage import recommend
    from mediatool.store.folder import DataFolder

    data = DataFolder(folder)
    procedure = data.catalogue.procedures["attestation-caf"]  # 10 min, slots of 15
    expected = recommend(procedure, data.catalogue.team).appointment_duration_min
    booked = run("book", "--mediator", "camille", "--procedure", "attestation-caf",
                 "--first-free", "--person", "N.", "--format", "json")
    assert json.loads(booked.output)["duration_min"] == expected == 15
    slots = run("slots", "--procedure", "attestation-caf", "--format", "json", "--limit", "1")
    assert json.loads(slots.output)[0]["duration_min"] == expected


def test_agenda_to_fill_lists_past_without_outcome_oldest_first(run, folder, monkeypatch):
    first = booked_id(book(run, "--at", "2026-12-08 14:00", person="A"))
    second = booked_id(book(run, "--at", "2026-12-17 09:00", person="B"))
    noted = booked_id(book(run, "--at", "2026-12-10 09:00", person="C"))
    booked_id(book(run, "--at", "2027-01-05 14:00", person="D"))
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-18T16:00:00+01:00")
    assert run("attended", noted).exit_code == 0
    result = run("agenda", "--to-fill")
    assert result.exit_code == 0, result.stderr
    assert result.output.index(first) < result.output.index(second)
    assert noted not in result.output
    listed = json.loads(run("agenda", "--to-fill", "--format", "json").output)
    assert [a["id"] for a in listed] == [first, second]


def test_cap_refusal_proposes_earlier_slots_in_used_half_days(run, wide):
    def take(at, person):
        return run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
                   "--person", person, "--at", at, data=wide)

    assert take("2026-12-08 16:00", "A").exit_code == 0   # Tuesday afternoon, late
    assert take("2026-12-10 11:00", "B").exit_code == 0   # Thursday morning, late
    refused = take("2026-12-09 10:00", "C")               # Wednesday: a third half-day
    assert refused.exit_code == 3 and "plafond" in refused.stderr
    # Tuesday 14:00 is earlier than the time asked, inside a half-day already used.
    assert "mardi 8 décembre 2026, 14 h 00" in refused.stderr


def test_an_escape_sequence_typed_into_a_record_reaches_no_terminal(run, folder):
    """A record edited by hand (or merged) may hold "\\e]0;…\\a" in a double-quoted
    YAML string: on a terminal it is shown as « ? », never obeyed; in a pipe (an export,
    a file) the text stays as recorded."""
    import os
    import sys

    import pexpect

    book(run, "--at", "2026-12-08 14:00", person="Nadia B.")
    path = folder / "records" / "appointments" / "2026-12.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "person: Nadia B.", 'person: "Na\\e]0;PWNED\\adia"'), encoding="utf-8")
    env = {**os.environ, "MEDIATOOL_NOW": NOW, "COLUMNS": "200"}
    child = pexpect.spawn(sys.executable, ["-m", "mediatool", "--data", str(folder), "agenda",
                                           "--day", "2026-12-08"], env=env,
                          dimensions=(24, 200), timeout=30)
    child.expect(pexpect.EOF)
    shown = child.before
    assert b"Na?]0;PWNED?dia" in shown and b"\x1b]" not in shown and b"\x07" not in shown
    piped = run("agenda", "--day", "2026-12-08", "--format", "json")
    assert "Na\x1b]0;PWNED\x07dia" in json.loads(piped.output)["appointments"][0]["person"]
