"""`mediatool purge`: personal data really gone from disk, counts untouched, audited."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from conftest import NOV_2026, OCT_2025, write_history

from mediatool.core.state import ANONYMOUS, fold_appointments, fold_paths
from mediatool.store.records import Store

NAMES = ("Jeanne Martin", "Paul Durand", "Ali Ben Salah")
SECRETS = (*NAMES, "06 12 34 56 78", "0611223344", "sa fille l'accompagne", "malade",
           "très à l'aise", "déménage")


@pytest.fixture
def history(folder: Path) -> Store:
    return write_history(folder)


def _folded(store: Store) -> tuple[dict, dict]:
    appointments, problems = fold_appointments(store.read_all("appointments"))
    paths, path_problems = fold_paths(store.read_all("paths"))
    assert not problems and not path_problems
    return appointments, paths


def _counted(appointments: dict) -> dict:
    """Everything statistics may count about an appointment."""
    return {a.id: (a.status, a.cancelled_by_person, a.kind, a.start, a.duration_min,
                   a.mediator, a.procedure, a.path, a.site, a.skills)
            for a in appointments.values()}


def test_purge_erases_personal_data_from_disk_and_keeps_every_count(run, history, folder):
    reports_before = {fmt: run("report", "--month", "2025-10", "--format", fmt).output
                      for fmt in ("json", "csv")}
    detail_before = run("report", "--month", "2025-10", "--format", "csv", "--detail").output
    appointments_before, _ = _folded(history)
    recent_before = history.file("appointments", NOV_2026).read_bytes()

    result = run("purge", "--before", "2025-11-01")
    assert result.exit_code == 0, result.output
    assert "4 rendez-vous et 1 parcours anonymisés" in result.output

    old_appointments = history.file("appointments", OCT_2025).read_text()
    for secret in SECRETS:
        assert secret not in old_appointments, f"« {secret} » is still on disk"
    # Nor in what the cache kept of the month (the report and check above filled it).
    cached = " ".join(p.read_text(encoding="utf-8")
                      for p in (folder / ".mediatool" / "cache").glob("*2025-10.json"))
    for secret in NAMES:
        assert secret not in cached, f"« {secret} » is still in the cache"
    old_paths = history.file("paths", OCT_2025).read_text()
    assert "déménage" not in old_paths and "06 12 34 56 78" not in old_paths
    assert old_paths.count("Paul Durand") == 1  # P-ALIVE1, still followed in 2026
    assert history.file("appointments", NOV_2026).read_bytes() == recent_before
    for kind in ("appointments", "paths"):
        mode = stat.S_IMODE(os.stat(history.file(kind, OCT_2025)).st_mode)
        assert mode == 0o600

    appointments, paths = _folded(history)
    assert _counted(appointments) == _counted(appointments_before)
    for aid in ("A-OLD001", "A-OLD002", "A-OLD003", "A-LATE01"):
        assert appointments[aid].anonymised and appointments[aid].person == ANONYMOUS
        assert appointments[aid].phone is None and appointments[aid].note is None
    assert not appointments["A-NEW001"].anonymised
    assert paths["P-OLD001"].anonymised and not paths["P-ALIVE1"].anonymised
    assert paths["P-OLD001"].closed_at is not None
    for fmt, before in reports_before.items():
        assert run("report", "--month", "2025-10", "--format", fmt).output == before
    assert run("report", "--month", "2025-10", "--format", "csv", "--detail"
               ).output == detail_before
    assert run("check").exit_code == 0


def test_purge_writes_one_audit_line_per_rewritten_file(run, history, folder):
    assert run("purge", "--before", "2025-11-01").exit_code == 0
    log = folder / "records" / "audit.log"
    lines = log.read_text().splitlines()
    assert len(lines) == 2
    when, who, what, where, counts = lines[0].split("\t")
    assert when == "2026-12-07T10:00:00+01:00" and who
    assert what.startswith("mediatool purge --before 2025-11-01")
    assert where == "records/appointments/2025-10.yaml"
    assert counts.startswith("4 dossier(s) anonymisé(s)")
    assert lines[1].split("\t")[3] == "records/paths/2025-10.yaml"
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def test_purge_twice_changes_nothing_the_second_time(run, history, folder):
    assert run("purge", "--before", "2025-11-01").exit_code == 0
    files = sorted((folder / "records").rglob("*.yaml"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    log = (folder / "records" / "audit.log").read_text()
    again = run("purge", "--before", "2025-11-01")
    assert again.exit_code == 0 and "Rien à anonymiser" in again.output
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before
    assert (folder / "records" / "audit.log").read_text() == log


def test_dry_run_writes_nothing(run, history, folder):
    files = sorted((folder / "records").rglob("*.yaml"))
    before = {p: p.read_bytes() for p in files}
    result = run("purge", "--before", "2025-11-01", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"appointments": 4' in result.output and '"paths": 1' in result.output
    assert {p: p.read_bytes() for p in files} == before
    assert not (folder / "records" / "audit.log").exists()


def test_retention_comes_from_the_team_file(run, history, folder):
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text() + "retention: 13\n")
    # 13 months before 2026-12-07 is 2025-11-07: October 2025 is past retention.
    result = run("purge", "--retention")
    assert result.exit_code == 0, result.output
    assert "avant le 07/11/2025" in result.output.lower()
    team.write_text(team.read_text().replace("retention: 13", "retention: 24"))
    assert "Rien à anonymiser" in run("purge", "--retention").output


@pytest.mark.parametrize("args", [[], ["--before", "2025-11-01", "--retention"],
                                  ["--before", "01/11/2025"], ["--before", "2027-01-01"]])
def test_wrong_options_are_refused(run, history, args):
    result = run("purge", *args)
    assert result.exit_code == 2, result.output
    assert "Erreur" in result.output


def test_a_torn_file_is_not_rewritten(run, history, folder):
    path = history.file("appointments", OCT_2025)
    with open(path, "a") as handle:
        handle.write("---\nid: A-TORN\nperson: Qui")
    before = path.read_bytes()
    result = run("purge", "--before", "2025-11-01")
    assert result.exit_code == 1 and "tronqué" in result.output
    assert path.read_bytes() == before


def test_personal_data_brought_back_by_hand_is_flagged_then_purged(run, history, folder):
    path = history.file("appointments", OCT_2025)
    assert run("purge", "--before", "2025-11-01").exit_code == 0
    # Someone pastes the old lines back from a backup copy.
    text = path.read_text()
    path.write_text(text.replace("person: (anonymisé)\n", "person: Jeanne Martin\n"
                                 "phone: 06 12 34 56 78\n", 1))
    checked = run("check")
    assert "A-OLD001 est anonymisé mais" in checked.output
    assert run("purge", "--before", "2025-11-01").exit_code == 0
    assert "Jeanne Martin" not in path.read_text() and "06 12" not in path.read_text()
    assert path.read_text().count("event: anonymised") == 4  # not marked twice
    assert "A-OLD001 est anonymisé mais" not in run("check").output


# ---- issue 20 #10: personal data refused at entry ---------------------------------------

PERSONAL_NOTES = [
    "rappeler au 06 12 34 56 78", "tel 0612345678", "06.12.34.56.78", "0 6 1 2 3 4 5 6 7 8",
    "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78", "+32 470 12 34 56", "+44 20 7946 0958",
    "0044 20 7946 0958", "nadia@gmail.com", "nadia(at)gmail.com", "nadia at gmail dot com",
    "NIR 1 85 05 78 006 084 36", "185057800608436", "Mme Dupont a appelé",
    "M. Martin pour sa carte grise", "Monsieur Leroy", "Madame Nguyen", "née le 12/03/1961",
    "date de naissance 3 mars 1961, 12 rue des Lilas", "né le 1961-03-12",
]
ANONYMOUS_NOTES = [
    "orientée vers la Caf au 3230", "carte grise : ANTS 34 00", "demande d'aide pour la Caf",
    "rappel de la permanence au 01 99 00 00 00", "2 dossiers, 45 minutes", "M. le maire",
    "rendez-vous pris pour le 12/03", "",
]


@pytest.mark.parametrize("note", PERSONAL_NOTES)
def test_personal_data_is_found(note):
    from mediatool.core.personal_data import find_personal_data
    assert find_personal_data(note, ["3230", "34 00", "01 99 00 00 00"]) is not None, note


@pytest.mark.parametrize("note", ANONYMOUS_NOTES)
def test_anonymous_notes_pass(note):
    from mediatool.core.personal_data import find_personal_data
    assert find_personal_data(note, ["3230", "34 00", "01 99 00 00 00"]) is None, note


@pytest.mark.parametrize("note", ["Mme Dupont, rappeler", "nadia(at)gmail.com",
                                  "+32 470 12 34 56", "06 12  34 56 78"])
def test_a_call_note_with_personal_data_is_refused_and_nothing_recorded(run, folder, note):
    result = run("call", "--procedure", "ants-carte-grise", "--outcome", "dropin",
                 "--note", note)
    assert result.exit_code == 2, result.output
    assert "anonymes" in result.stderr
    assert not list((folder / "records").glob("calls/*.yaml"))


def test_a_call_note_naming_a_public_number_is_recorded(run, folder):
    result = run("call", "--procedure", "ants-carte-grise", "--outcome", "dropin",
                 "--note", "orientée vers l'ANTS au 34 00")
    assert result.exit_code == 0, result.stderr
