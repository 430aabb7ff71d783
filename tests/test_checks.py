"""Folder checks: cap breaches and overlaps found after two copies of a folder merge."""

import datetime as dt
from zoneinfo import ZoneInfo

from mediatool.catalogue import load_catalogue
from mediatool.checks import FolderSnapshot, check_schedule
from mediatool.model import AppointmentBooked, AppointmentCancelled, Record
from tests.conftest import FILES

PARIS = ZoneInfo("Europe/Paris")
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
