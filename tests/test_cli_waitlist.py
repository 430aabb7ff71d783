"""`wait add | list | remove | offer`, `cancel` naming who the freed slot suits,
`book --from-wait`, `call --wait`, and `check` / `purge` on waiting entries.

The clock is fixed on Monday 2026-12-07 10:00 (conftest). Camille works on Tuesday
14:00-17:30 and Thursday 09:00-12:30; Léa (added here) on Tuesday afternoons too.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, TEAM, write_folder

TWO_MEDIATORS = TEAM.replace("""closures:""", """  - id: lea
    name: Léa
    site: centre
    hours:
      - {day: mardi, start: "14:00", end: "17:30"}
closures:""")
WAIT_ID = re.compile(r"W-[0-9A-Z]{6,9}")


def records(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted((folder / "records").rglob("*.yaml"))}


def wait_add(run, *args: str, person: str = "Nadia B.", data: Path | None = None) -> str:
    result = run("wait", "add", "--person", person, *args, data=data)
    assert result.exit_code == 0, result.output + result.stderr
    return WAIT_ID.search(result.output).group(0)


@pytest.fixture
def two(tmp_path):
    return write_folder(tmp_path / "two", team=TWO_MEDIATORS)


def book(run, at: str, person: str = "Odile P.", procedure: str = "caf-prime-activite",
         mediator: str = "camille", data: Path | None = None) -> str:
    result = run("book", "--mediator", mediator, "--procedure", procedure, "--person", person,
                 "--at", at, data=data)
    assert result.exit_code == 0, result.output + result.stderr
    return re.search(r"A-[0-9A-Z]{6,9}", result.output).group(0)


# ---- wait add / list ------------------------------------------------------------------

def test_add_then_list_by_deadline_then_age(run, folder):
    first = wait_add(run, "--procedure", "caf-prime-activite", person="Sans Échéance")
    second = wait_add(run, "--procedure", "ants-carte-grise", "--before", "2027-01-15",
                      "--phone", "06 12 34 56 78", person="Titre Séjour")
    third = wait_add(run, "--kind", "usage", "--before", "2026-12-20", person="Odette R.")
    listed = run("wait", "list")
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    order = [WAIT_ID.search(line).group(0) for line in lines if WAIT_ID.search(line)]
    assert order == [third, second, first]
    assert "au plus tard le 15/01/2027" in listed.output and "06 12 34 56 78" in listed.output
    data = json.loads(run("wait", "list", "--format", "json").output)
    assert [e["id"] for e in data] == [third, second, first]
    assert data[1]["phone"] == "06 12 34 56 78" and data[1]["before"] == "2027-01-15"
    assert data[0]["kind"] == "usage" and data[2]["offers_left"] == 3
    stored = (folder / "records" / "waitlist" / "2026-12.yaml").read_text(encoding="utf-8")
    assert stored.count("event: added") == 3 and os.stat(
        folder / "records" / "waitlist" / "2026-12.yaml").st_mode & 0o077 == 0


@pytest.mark.parametrize("args, message", [
    (["--procedure", "caf-prime-activite", "--before", "2026-12-06"], "déjà passée"),
    ([], "--procedure ID"),
    (["--procedure", "caf-prime-activit"], "caf-prime-activite"),
    (["--procedure", "conseil-juridique"], "hors de la mission"),
    (["--procedure", "caf-prime-activite", "--kind", "usage"], "ne va pas avec --kind usage"),
    (["--procedure", "caf-prime-activite", "--phone", "abc"], "téléphone illisible"),
    (["--procedure", "caf-prime-activite", "--mediator", "camile"], "camille"),
    (["--procedure", "caf-prime-activite", "--note", "née le 12/03/1961"], "date de naissance"),
    (["--procedure", "caf-prime-activite", "--before", "demain-soir"], "illisible"),
])
def test_add_bad_input_exits_2_and_writes_nothing(run, folder, args, message):
    before = records(folder)
    result = run("wait", "add", "--person", "Nadia B.", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
    assert records(folder) == before


def test_an_empty_list_says_so(run):
    assert run("wait", "list").output.strip() == "Liste d'attente vide."


# ---- remove / offer -------------------------------------------------------------------

def test_remove_needs_a_reason_and_closes_once(run, folder):
    entry = wait_add(run, "--procedure", "caf-prime-activite")
    assert run("wait", "remove", entry).exit_code == 2  # --reason is required
    removed = run("wait", "remove", entry.lower(), "--reason", "trouvé ailleurs")
    assert removed.exit_code == 0 and "trouvé ailleurs" in removed.output
    again = run("wait", "remove", entry, "--reason", "encore")
    assert again.exit_code == 2 and "déjà close" in again.stderr
    assert run("wait", "list").output.strip() == "Liste d'attente vide."
    assert entry in run("wait", "list", "--all").output


def test_unknown_entry_names_the_nearest(run):
    entry = wait_add(run, "--procedure", "caf-prime-activite")
    result = run("wait", "remove", entry[:-1], "--reason", "x")
    assert result.exit_code == 2 and f"vouliez-vous : {entry}" in result.stderr


def test_three_offers_then_the_entry_is_flagged_and_a_fourth_refused(run, folder):
    entry = wait_add(run, "--procedure", "caf-prime-activite")
    for number, day in ((1, "2026-12-08"), (2, "2026-12-10"), (3, "2026-12-15")):
        result = run("wait", "offer", entry, "--slot", f"{day} 14:00")
        assert result.exit_code == 0 and f"Proposition {number}/3" in result.output
    assert "l'entrée est signalée" in result.output
    before = records(folder)
    fourth = run("wait", "offer", entry, "--slot", "2026-12-17 09:00")
    assert fourth.exit_code == 2 and "déjà reçu 3 propositions" in fourth.stderr
    assert records(folder) == before
    assert "SIGNALÉE" in run("wait", "list").output
    # Flagged: a freed slot no longer proposes it.
    appointment = book(run, "2026-12-08 14:00")
    cancelled = run("cancel", appointment)
    assert cancelled.exit_code == 0 and "Liste d'attente" not in cancelled.output


def test_an_offer_in_the_past_is_refused(run):
    entry = wait_add(run, "--procedure", "caf-prime-activite")
    result = run("wait", "offer", entry, "--slot", "2026-12-01 14:00")
    assert result.exit_code == 2 and "déjà passé" in result.stderr


# ---- cancel proposes, book --from-wait books -------------------------------------------

def test_cancel_names_the_entries_the_freed_slot_fits_best_first(run, two):
    appointment = book(run, "2026-12-08 14:00", data=two)  # Camille, 45 min
    any_one = wait_add(run, "--procedure", "caf-prime-activite", data=two, person="Ada")
    wait_add(run, "--procedure", "caf-prime-activite", "--mediator", "lea", data=two,
             person="Pour Léa")
    urgent = wait_add(run, "--procedure", "ants-carte-grise", "--before", "2026-12-10",
                      data=two, person="Urgente")
    wait_add(run, "--procedure", "caf-prime-activite", "--before", "2026-12-07", data=two,
             person="Trop Tard")  # the deadline is today: the slot of tomorrow is too late
    wait_add(run, "--kind", "usage", data=two, person="Séance 60 min")
    result = run("cancel", appointment, data=two)
    assert result.exit_code == 0, result.stderr
    assert "ce créneau convient à 2 personne(s)" in result.output
    assert result.output.index(urgent) < result.output.index(any_one)
    for absent in ("Pour Léa", "Trop Tard", "Séance 60 min"):
        assert absent not in result.output
    assert (f"mediatool book --from-wait {urgent} --mediator camille --at 2026-12-08T14:00"
            in result.output)
    assert all(len(line) <= 80 for line in result.output.splitlines()[1:])


def test_cancel_json_lists_the_waiting_entries(run):
    appointment = book(run, "2026-12-08 14:00")
    entry = wait_add(run, "--procedure", "caf-prime-activite")
    data = json.loads(run("cancel", appointment, "--format", "json").output)
    assert data["status"] == "cancelled" and [e["id"] for e in data["waiting"]] == [entry]


def test_book_from_wait_takes_person_phone_procedure_and_closes_the_entry(run, folder):
    entry = wait_add(run, "--procedure", "ants-carte-grise", "--phone", "06 12 34 56 78",
                     "--mediator", "camille")
    result = run("book", "--from-wait", entry, "--at", "2026-12-08 14:00", "--format", "json")
    assert result.exit_code == 0, result.stderr
    booked = json.loads(result.output)
    assert (booked["person"], booked["phone"], booked["procedure"], booked["mediator"],
            booked["duration_min"]) == ("Nadia B.", "06 12 34 56 78", "ants-carte-grise",
                                        "camille", 30)
    listed = json.loads(run("wait", "list", "--all", "--format", "json").output)
    assert listed[0]["open"] is False and listed[0]["appointment"] == booked["id"]
    again = run("book", "--from-wait", entry, "--first-free")
    assert again.exit_code == 2 and f"rendez-vous {booked['id']} pris" in again.stderr


@pytest.mark.parametrize("extra, message", [
    (["--person", "Autre"], "--person ne va pas avec --from-wait"),
    (["--procedure", "attestation-caf"], "--procedure ne va pas avec --from-wait"),
])
def test_book_from_wait_refuses_what_the_entry_already_says(run, folder, extra, message):
    entry = wait_add(run, "--procedure", "ants-carte-grise", "--mediator", "camille")
    before = records(folder)
    result = run("book", "--from-wait", entry, "--first-free", *extra)
    assert result.exit_code == 2 and message in result.stderr
    assert records(folder) == before


def test_book_from_wait_any_mediator_asks_which(run):
    entry = wait_add(run, "--procedure", "ants-carte-grise")
    result = run("book", "--from-wait", entry, "--first-free")
    assert result.exit_code == 2 and "--mediator ID" in result.stderr
    assert run("book", "--from-wait", entry, "--mediator", "camille",
               "--first-free").exit_code == 0


def test_a_refused_booking_leaves_the_entry_open(run, folder):
    entry = wait_add(run, "--procedure", "ants-carte-grise", "--mediator", "camille")
    before = records(folder)
    result = run("book", "--from-wait", entry, "--at", "2026-12-09 14:00")  # not her day
    assert result.exit_code == 3
    assert records(folder) == before
    assert json.loads(run("wait", "list", "--format", "json").output)[0]["open"] is True


def test_two_bookings_from_one_entry_at_once_book_once(folder):
    env = {**os.environ, "MEDIATOOL_NOW": NOW, "PYTHONPATH": str(Path(__file__).parent.parent)}
    env.pop("MEDIATOOL_DATA", None)

    def mediatool(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "mediatool", "--data", str(folder),
                                 *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    added = mediatool("wait", "add", "--person", "Nadia B.", "--procedure", "ants-carte-grise",
                      "--mediator", "camille")
    entry = WAIT_ID.search(added.communicate()[0]).group(0)
    runs = [mediatool("book", "--from-wait", entry, "--first-free") for _ in range(4)]
    codes = sorted(p.wait(timeout=120) for p in runs)
    assert codes == [0, 2, 2, 2]
    text = (folder / "records" / "appointments" / "2026-12.yaml").read_text(encoding="utf-8")
    assert text.count("event: booked") == 1


# ---- call --wait ------------------------------------------------------------------------

def test_call_puts_the_caller_on_the_list_and_stays_anonymous(run, folder):
    result = run("call", "--procedure", "caf-prime-activite", "--mediator", "camille",
                 "--wait", "--person", "Nadia B.", "--phone", "06 12 34 56 78",
                 "--before", "2027-01-15", "--duration", "6")
    assert result.exit_code == 0, result.stderr
    entry = WAIT_ID.search(result.output).group(0)
    assert "liste d'attente" in result.output
    call_text = (folder / "records" / "calls" / "2026-12.yaml").read_text(encoding="utf-8")
    assert f"wait: {entry}" in call_text and "outcome: appointment" in call_text
    assert "Nadia" not in call_text and "06 12" not in call_text
    call_id = re.search(r"id: (C-[0-9A-Z]+)", call_text).group(1)
    listed = json.loads(run("wait", "list", "--format", "json").output)
    assert (listed[0]["id"], listed[0]["from_call"], listed[0]["procedure"],
            listed[0]["before"]) == (entry, call_id, "caf-prime-activite", "2027-01-15")
    # Booked from the list later, the call is linked to its appointment.
    booked = run("book", "--from-wait", entry, "--mediator", "camille", "--first-free")
    assert booked.exit_code == 0 and f"Lié à l'appel {call_id}" in booked.output


def test_call_wait_dry_run_writes_nothing(run, folder):
    result = run("call", "--procedure", "caf-prime-activite", "--mediator", "camille",
                 "--wait", "--person", "Nadia B.", "--dry-run", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["call"]["wait"] == "W-ESSAI"
    assert records(folder) == {}


@pytest.mark.parametrize("args, message", [
    (["--wait"], "--person"),
    (["--wait", "--person", "N.", "--outcome", "dropin"], "--outcome appointment"),
    (["--wait", "--person", "N.", "--book-first-free"], "ne vont pas ensemble"),
    (["--before", "2027-01-15"], "--wait"),
    (["--wait", "--person", "N.", "--before", "2026-12-01"], "déjà passée"),
])
def test_call_wait_bad_input_records_nothing(run, folder, args, message):
    result = run("call", "--procedure", "caf-prime-activite", "--mediator", "camille", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert records(folder) == {}


# ---- check and purge -------------------------------------------------------------------

def test_check_warns_of_a_passed_deadline_and_reports_a_broken_record(run, folder, monkeypatch):
    entry = wait_add(run, "--procedure", "caf-prime-activite", "--before", "2026-12-08")
    assert "échéance" not in run("check").output
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-10T10:00:00+01:00")
    late = run("check")
    assert f"entrée d'attente {entry} : échéance du 08/12/2026 dépassée" in late.output
    path = folder / "records" / "waitlist" / "2026-12.yaml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"---\nid: {entry}\nevent: offered\nat: '2026-12-09T10:00:00+01:00'\n"
                     "by: lea\nslot: demain\n...\n")
    broken = run("check")
    assert broken.exit_code == 1 and "records/waitlist/2026-12.yaml" in broken.output


def test_purge_anonymises_old_entries_and_the_list_shows_it(run, folder, monkeypatch):
    entry = wait_add(run, "--procedure", "caf-prime-activite", "--phone", "06 12 34 56 78",
                     "--note", "préfère le matin")
    monkeypatch.setenv("MEDIATOOL_NOW", "2028-01-10T10:00:00+01:00")
    result = run("purge", "--retention")
    assert result.exit_code == 0 and "1 entrée(s) d'attente anonymisés" in result.output
    text = (folder / "records" / "waitlist" / "2026-12.yaml").read_text(encoding="utf-8")
    assert "Nadia" not in text and "06 12" not in text and "matin" not in text
    assert "event: anonymised" in text
    assert run("wait", "list").output.strip() == "Liste d'attente vide."
    assert "anonymisée (conservation dépassée)" in run("wait", "list", "--all").output
    closed = run("book", "--from-wait", entry, "--mediator", "camille", "--first-free")
    assert closed.exit_code == 2 and "anonymisée" in closed.stderr
    assert "Rien à anonymiser" in run("purge", "--retention").output
    assert run("check").exit_code == 0


def test_a_usage_entry_books_a_session_of_its_path(run, folder):
    opened = run("path", "open", "--person", "Odette R.", "--mediator", "camille",
                 "--skills", "2.1", "--sessions", "2", "--phone", "06 11 22 33 44")
    path = re.search(r"P-[0-9A-Z]{6,9}", opened.output).group(0)
    added = run("wait", "add", "--kind", "usage", "--path", path)  # the path's person
    assert added.exit_code == 0, added.stderr
    entry = WAIT_ID.search(added.output).group(0)
    without = wait_add(run, "--kind", "usage", person="Sans Parcours")
    result = run("book", "--from-wait", entry, "--first-free", "--format", "json")
    assert result.exit_code == 0, result.stderr
    booked = json.loads(result.output)
    assert (booked["kind"], booked["path"], booked["person"], booked["phone"],
            booked["mediator"]) == ("usage", path, "Odette R.", "06 11 22 33 44", "camille")
    # A usage entry with no path: the booking asks for one, and the entry stays open.
    refused = run("book", "--from-wait", without, "--mediator", "camille", "--first-free")
    assert refused.exit_code == 2 and "--path PID" in refused.stderr
    assert [e["id"] for e in json.loads(run("wait", "list", "--format", "json").output)] == [
        without]


def test_check_warns_of_a_tally_replacing_another_day(run, folder):
    assert run("dropin", "--site", "centre", "--date", "2026-11-30", "--seen", "3",
               "--refused", "0").exit_code == 0
    path = folder / "records" / "dropins" / "2026-11.yaml"
    first = re.search(r"id: (D-[0-9A-Z]+)", path.read_text(encoding="utf-8")).group(1)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"---\nid: D-HAND01\nevent: tally\nat: '2026-12-01T10:00:00+01:00'\n"
                     f"by: accueil\nsite: centre\ndate: '2026-11-23'\nseen: 1\nrefused: 0\n"
                     f"replaces:\n- {first}\n...\n")
    result = run("check")
    assert f"le bilan D-HAND01 remplace {first}, qui n'est pas un bilan du même lieu" \
        in result.output


def test_reschedule_proposes_the_slot_it_leaves_only_when_it_is_free(run):
    entry = wait_add(run, "--procedure", "caf-prime-activite")
    moved_away = book(run, "2026-12-08 14:00")
    result = run("reschedule", moved_away, "--at", "2026-12-10 09:00")
    assert result.exit_code == 0, result.stderr
    assert "ce créneau convient à 1 personne(s)" in result.output and entry in result.output
    assert "--at 2026-12-08T14:00" in result.output
    # Moved by a quarter of an hour, the new appointment still covers the old slot.
    shifted = book(run, "2026-12-15 14:00", person="Autre")
    nudged = run("reschedule", shifted, "--at", "2026-12-15 14:15", "--format", "json")
    assert nudged.exit_code == 0 and json.loads(nudged.output)["waiting"] == []


def test_add_without_a_name_is_refused_unless_the_path_gives_it(run, folder):
    result = run("wait", "add", "--procedure", "caf-prime-activite")
    assert result.exit_code == 2 and "le nom de la personne manque" in result.stderr
    assert records(folder) == {}


def test_closing_a_path_with_its_planned_sessions_names_who_each_freed_slot_suits(run):
    opened = run("path", "open", "--person", "Odette R.", "--mediator", "camille", "--skills",
                 "2.1", "--sessions", "3", "--format", "json")
    path_id = json.loads(opened.output)["id"]
    session = run("book", "--path", path_id, "--at", "2026-12-08 14:00", "--format", "json")
    assert session.exit_code == 0, session.stderr
    waiting = wait_add(run, "--kind", "usage", person="Jules T.")
    closed = run("path", "close", path_id, "--reason", "déménagement", "--cancel-planned")
    assert closed.exit_code == 0, closed.stderr
    assert "Séance annulée" in closed.output and "ce créneau convient à 1 personne(s)" in (
        closed.output)
    assert (f"mediatool book --from-wait {waiting} --mediator camille --at 2026-12-08T14:00"
            in closed.output)
