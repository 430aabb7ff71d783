"""A renamed procedure keeps its old id as an alias: every place that takes an id, and
every record written before the rename, still finds it (under its current id)."""

import json

from conftest import FILES, load, write_folder

RENAMED = FILES["procedures.yaml"].replace(
    "  - id: attestation-caf\n", "  - id: caf-attestation-paiement\n    aliases: [attestation-caf]\n")


def test_an_alias_finds_the_current_entry_but_is_not_listed():
    catalogue, problems = load(procedures=RENAMED)
    assert catalogue is not None and not [p for p in problems if p.is_error]
    table = catalogue.procedures
    assert table["attestation-caf"].id == "caf-attestation-paiement"
    assert table.get("attestation-caf") is table["caf-attestation-paiement"]
    assert "attestation-caf" in table and "attestation-ca" not in table
    assert "attestation-caf" not in list(table) and len(table) == 4
    assert table.current_id("attestation-caf") == "caf-attestation-paiement"
    assert table.current_id("inconnue") == "inconnue"


def test_an_alias_that_is_an_id_or_taken_twice_is_an_error_that_keeps_the_line_up():
    text = RENAMED.replace("    aliases: [attestation-caf]\n",
                           "    aliases: [attestation-caf, ants-carte-grise]\n").replace(
        "  - id: conseil-juridique\n", "  - id: conseil-juridique\n    aliases: [attestation-caf]\n")
    catalogue, problems = load(procedures=text)
    errors = [p for p in problems if p.is_error]
    assert len(errors) == 2 and not any(p.blocking for p in errors)
    taken = next(p for p in errors if "ants-carte-grise" in p.message)
    assert "c'est l'identifiant d'une démarche" in taken.message
    assert taken.line == text.splitlines().index(
        "    aliases: [attestation-caf, ants-carte-grise]") + 1
    twice = next(p for p in errors if "en double" in p.message)
    assert "déjà celui de « caf-attestation-paiement »" in twice.message
    # The lookup stays defined: an id wins over an alias, then the first alias.
    assert catalogue.procedures["ants-carte-grise"].id == "ants-carte-grise"
    assert catalogue.procedures["attestation-caf"].id == "caf-attestation-paiement"


def test_an_alias_must_look_like_an_id():
    catalogue, problems = load(procedures=RENAMED.replace("[attestation-caf]", "[Attestation CAF]"))
    assert catalogue is None and any("aliases" in p.format() for p in problems)


def test_records_written_with_the_old_id_still_count_under_the_new_one(run, folder):
    # Before the rename: a call and an appointment recorded with the old id.
    old_call = run("call", "--procedure", "attestation-caf", "--outcome", "resolved",
                   "--mediator", "camille", "--duration", "5")
    assert old_call.exit_code == 0, old_call.output
    old_booking = run("book", "--mediator", "camille", "--procedure", "attestation-caf",
                      "--at", "2026-12-08T14:00", "--person", "Nadia B.")
    assert old_booking.exit_code == 0, old_booking.output
    write_folder(folder, procedures=RENAMED)
    # After: the old id is still taken by every command, and written as the new one.
    shown = run("catalogue", "show", "attestation-caf")
    assert shown.exit_code == 0
    assert "« attestation-caf » est l'ancien identifiant de « caf-attestation-paiement »" \
        in shown.output
    assert json.loads(run("catalogue", "show", "attestation-caf", "--format", "json")
                      .output)["id"] == "caf-attestation-paiement"
    new_call = json.loads(run("call", "--procedure", "attestation-caf", "--outcome", "resolved",
                              "--mediator", "camille", "--duration", "5", "--format",
                              "json").output)
    assert new_call["call"]["procedure"] == "caf-attestation-paiement"
    booked = run("book", "--mediator", "camille", "--procedure", "attestation-caf",
                 "--at", "2026-12-10T09:00", "--person", "Karim D.", "--format", "json")
    assert booked.exit_code == 0, booked.output
    assert json.loads(booked.output)["procedure"] == "caf-attestation-paiement"
    # The record of the old call is grouped with the new one, under the current title.
    report = json.loads(run("report", "--month", "2026-12", "--format", "json").output)
    top = {c["key"]: c["value"] for c in report["phone"]["top_procedures"]}
    assert top == {"caf-attestation-paiement": 2}
    detail = run("report", "--month", "2026-12", "--detail").output
    assert "attestation-caf," not in detail and detail.count("caf-attestation-paiement") == 4
    # `check` does not call the old id unknown; the agenda names the current title.
    checked = run("check")
    assert "démarche inconnue" not in checked.output + checked.stderr
    agenda = json.loads(run("agenda", "--week", "2026-12-08", "--format", "json").output)
    shown = [(a["procedure"], a["procedure_title"]) for a in agenda["appointments"]]
    assert shown == [("caf-attestation-paiement", "Télécharger une attestation de paiement")] * 2
    listed = run("calls", "--month", "2026-12")
    assert "attestation-caf " not in listed.output and "caf-attestation-paiement" in listed.output
