"""Folder checks: cap breaches and overlaps found after two copies of a folder merge."""

import datetime as dt
import os
import stat

import pytest
from conftest import FILES, PARIS

from mediatool.core.checks import FolderSnapshot, check_schedule
from mediatool.core.model import AppointmentBooked, AppointmentCancelled, Record
from mediatool.store.catalogue import load_catalogue

CATALOGUE = load_catalogue({name: text.encode() for name, text in FILES.items()},
                           dt.date(2026, 12, 1))[0]
SOURCE = "records/appointments/2026-12.yaml"


def booked(ident: str, start: str, line: int, minutes: int = 45) -> Record:
    return Record(AppointmentBooked(
        id=ident, event="booked", at=dt.datetime(2026, 11, 30, 9, tzinfo=PARIS), by="camille",
        mediator="camille", kind="demarche", start=dt.datetime.fromisoformat(start),
        duration_min=minutes, person="X"), SOURCE, line)


def problems(records, now="2026-12-07T10:00:00+01:00"):
    snapshot = FolderSnapshot(CATALOGUE, {"appointments": records},
                              dt.datetime.fromisoformat(now))
    return check_schedule(snapshot)


def test_overlap_is_an_error_naming_both_ids_at_the_later_record():
    found = problems([booked("A-AAAAA1", "2026-12-08T14:00:00+01:00", 1),
                      booked("A-BBBBB1", "2026-12-08T14:30:00+01:00", 14)])
    assert len(found) == 1 and found[0].is_error
    assert "A-AAAAA1" in found[0].message and "A-BBBBB1" in found[0].message
    assert found[0].line == 14


def test_cancelled_appointments_neither_overlap_nor_count():
    cancel = Record(AppointmentCancelled(id="A-BBBBB1", event="cancelled",
                                         at=dt.datetime(2026, 12, 1, tzinfo=PARIS),
                                         by="camille", by_person=True), SOURCE, 27)
    assert problems([booked("A-AAAAA1", "2026-12-08T14:00:00+01:00", 1),
                     booked("A-BBBBB1", "2026-12-08T14:30:00+01:00", 14), cancel]) == []


def test_breach_in_a_past_week_is_only_a_warning():
    # Camille's hours allow two half-days; a hand-edited third (Monday) breaches the cap.
    records = [booked("A-AAAAA1", "2026-11-24T14:00:00+01:00", 1),
               booked("A-AAAAA2", "2026-11-26T09:00:00+01:00", 14),
               booked("A-AAAAA3", "2026-11-23T09:00:00+01:00", 27)]
    found = problems(records)
    assert len(found) == 1 and not found[0].is_error and "plafond" in found[0].message
    assert all(ident in found[0].message for ident in ("A-AAAAA1", "A-AAAAA2", "A-AAAAA3"))
    assert problems(records, now="2026-11-25T10:00:00+01:00")[0].is_error


def test_future_appointment_no_longer_possible_is_a_warning():
    # Booked before the year-end closure was added to team.yaml.
    found = problems([booked("A-CCCCC1", "2026-12-29T14:00:00+01:00", 1)])
    assert len(found) == 1 and not found[0].is_error
    assert "A-CCCCC1" in found[0].message and "fermé" in found[0].message
    assert problems([booked("A-CCCCC1", "2026-12-29T14:00:00+01:00", 1)],
                    now="2027-01-05T10:00:00+01:00") == []


# ---- privacy: anonymous calls, owner-only files, leftovers after a purge ----

def call(note: str | None = None, query: str | None = None) -> Record:
    from mediatool.core.model import CallRecorded

    return Record(CallRecorded(id="C-AAAAA1", event="call",
                               at=dt.datetime(2026, 12, 1, 10, tzinfo=PARIS), by="camille",
                               outcome="dropin", in_shift=True, note=note, query=query),
                  "records/calls/2026-12.yaml", 3)


def privacy_problems(records=(), modes=()):
    from mediatool.core.checks import (
        check_anonymised_records_hold_no_personal_data,
        check_calls_are_anonymous,
        check_private_permissions,
    )

    snapshot = FolderSnapshot(CATALOGUE, {"calls": list(records)},
                              dt.datetime(2026, 12, 7, 10, tzinfo=PARIS),
                              {"file_modes": list(modes)})
    return (check_calls_are_anonymous(snapshot) + check_private_permissions(snapshot)
            + check_anonymised_records_hold_no_personal_data(snapshot))


@pytest.mark.parametrize("note", [
    "rappeler au 06 12 34 56 78", "tel 06.12.34.56.78", "0612345678", "+33 6 12 34 56 78",
    "+33612345678", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78", "06-12-34-56-78",
])
def test_a_phone_number_in_a_call_is_flagged(note):
    [found] = privacy_problems([call(note=note)])
    assert "numéro de téléphone" in found.message and found.line == 3
    assert found.severity == "warning"
    assert privacy_problems([call(query=note)])


@pytest.mark.parametrize("note", [
    "45 min, revenir le 2026-12-14", "dossier A-7K3QX2", "appeler le 3230 (Caf)",
    "ANTS au 34 00", "n° fiscal 12 34 567 890 123", "code 061234567", "réorientée vers "
    "le 01 99 00 00 00 (notre ligne)", None,
])
def test_no_false_alarm_on_ordinary_notes_and_public_numbers(note):
    assert privacy_problems([call(note=note)]) == []


def test_an_email_address_in_a_call_is_flagged():
    [found] = privacy_problems([call(note="écrire à jeanne.martin@example.fr")])
    assert "adresse e-mail" in found.message


def test_files_readable_by_others_are_warned():
    found = privacy_problems(modes=[("records", 0o755, True),
                                    ("records/calls/2026-12.yaml", 0o644, False),
                                    ("records/calls/2026-11.yaml", 0o600, False)])
    assert [(p.source, p.severity) for p in found] == [("records", "warning"),
                                                      ("records/calls/2026-12.yaml", "warning")]
    assert "755" in found[0].message and "--repair" in found[0].hint


def test_many_paths_with_the_same_wrong_mode_are_one_warning():
    # A clone made with umask 022: every month file 644, every folder 755.
    files = [(f"records/{kind}/2026-{month:02}.yaml", 0o644, False)
             for kind in ("calls", "paths") for month in range(1, 13)]
    folders = [("records", 0o755, True), ("records/calls", 0o755, True),
               ("records/paths", 0o755, True), ("records/waitlist", 0o750, True)]
    found = privacy_problems(modes=[*folders, *files, ("records/calls/2025-12.yaml", 0o640,
                                                       False)])
    assert [(p.source, p.message) for p in found] == [
        ("records", "dossier accessible à d'autres utilisateurs (droits 755 au lieu de 700)"),
        ("records/calls", "dossier accessible à d'autres utilisateurs "
                          "(droits 755 au lieu de 700)"),
        ("records/paths", "dossier accessible à d'autres utilisateurs "
                          "(droits 755 au lieu de 700)"),
        ("records/calls/2025-12.yaml", "fichier accessible à d'autres utilisateurs "
                                       "(droits 640 au lieu de 600)"),
        ("records", "24 fichiers accessibles à d'autres utilisateurs (droits 644 au lieu de "
                    "600), dont records/calls/2026-01.yaml"),
        ("records/waitlist", "dossier accessible à d'autres utilisateurs "
                             "(droits 750 au lieu de 700)"),
    ]
    assert all("--repair" in p.hint and p.severity == "warning" for p in found)
    [one_kind] = privacy_problems(modes=files[:12])
    assert one_kind.source == "records/calls" and one_kind.message.startswith("12 fichiers")


def test_check_repair_makes_records_owner_only(run, folder):
    from mediatool.core.period import Month
    from mediatool.store.records import Store

    store = Store(folder)
    store.append("calls", Month(2026, 12), call().event)
    path = store.file("calls", Month(2026, 12))
    os.chmod(path, 0o644)
    os.chmod(folder / "records", 0o755)
    warned = run("check")
    assert "records/calls/2026-12.yaml: avertissement : fichier accessible" in warned.output
    repaired = run("check", "--repair")
    assert "rendus lisibles par leur seul propriétaire" in repaired.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder / "records").st_mode) == 0o700
    assert "accessible" not in run("check").output


def test_git_sharing_problems_are_warned():
    from mediatool.core.checks import check_git_merge_driver

    def found(**extra):
        snapshot = FolderSnapshot(CATALOGUE, {}, dt.datetime(2026, 12, 7, tzinfo=PARIS), extra)
        return [p.message for p in check_git_merge_driver(snapshot)]

    assert found() == []
    assert "merge=union" in found(git_union_records=True)[0]
    assert "pas configurée sur ce poste" in found(git_driver_missing=True)[0]


def test_records_merged_by_union_reads_gitattributes(tmp_path):
    from mediatool.host.git import records_merged_by_union

    assert not records_merged_by_union(tmp_path)
    (tmp_path / ".gitattributes").write_text("records/**/*.yaml merge=union\n")
    assert records_merged_by_union(tmp_path)
    (tmp_path / ".gitattributes").write_text("records/**/*.yaml merge=mediatool\n"
                                             "records/audit.log merge=union\n")
    assert not records_merged_by_union(tmp_path)
