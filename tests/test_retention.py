"""Retention rules (pure): what is old, what erasing means, what stays counted."""

import datetime as dt

import pytest
from conftest import PARIS

from mediatool.core.model import (
    Anonymised,
    AppointmentBooked,
    AppointmentCancelled,
    PathClosed,
    PathOpened,
    Record,
)
from mediatool.core.period import Month
from mediatool.core.retention import (
    file_of,
    holds_personal_data,
    leftover_personal_data,
    plan_purge,
    retention_cutoff,
    scrub_document,
)
from mediatool.core.state import ANONYMOUS, fold_appointments, fold_paths


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def booked(aid: str, day: str, path: str | None = None) -> Record:
    start = at(day)
    event = AppointmentBooked(id=aid, event="booked", at=start - dt.timedelta(days=3),
                              by="camille", mediator="camille", kind="usage" if path else
                              "demarche", start=start, duration_min=45, person="Jeanne Martin",
                              phone="06 12 34 56 78", path=path, note="vient avec sa fille")
    return Record(event, f"records/appointments/{day[:7]}.yaml", 1)


def opened(pid: str, day: str) -> Record:
    event = PathOpened(id=pid, event="opened", at=at(day), by="camille", person="Paul Durand",
                       mediator="camille", skills=("2.1",), sessions=3, phone="0612345678")
    return Record(event, f"records/paths/{day[:7]}.yaml", 1)


@pytest.mark.parametrize(("today", "months", "expected"), [
    ("2026-12-07", 12, "2025-12-07"),
    ("2026-03-31", 1, "2026-02-28"),
    ("2024-03-31", 1, "2024-02-29"),
    ("2026-01-15", 13, "2024-12-15"),
])
def test_retention_cutoff_counts_calendar_months(today, months, expected):
    assert retention_cutoff(dt.date.fromisoformat(today), months) == dt.date.fromisoformat(
        expected)


def test_scrub_erases_only_personal_fields():
    document = {"id": "A-1", "event": "booked", "at": "2025-10-01T10:00:00+02:00",
                "mediator": "camille", "kind": "demarche", "start": "2025-10-03T10:00:00+02:00",
                "duration_min": 45, "person": "Jeanne Martin", "phone": "06 12 34 56 78",
                "procedure": "caf-prime-activite", "note": "sa fille l'accompagne"}
    scrubbed = scrub_document(document)
    assert scrubbed["person"] == ANONYMOUS
    assert "phone" not in scrubbed and "note" not in scrubbed
    assert {k: v for k, v in scrubbed.items() if k != "person"} == {
        k: v for k, v in document.items() if k not in ("person", "phone", "note")}
    assert holds_personal_data(document) and not holds_personal_data(scrubbed)
    cancelled = {"id": "A-1", "event": "cancelled", "by_person": True, "reason": "malade"}
    assert scrub_document(cancelled) == {"id": "A-1", "event": "cancelled", "by_person": True}
    tally = {"id": "D-1", "event": "tally", "note": "calme"}
    assert scrub_document(tally) == tally


def test_plan_takes_old_appointments_and_inactive_paths_only():
    records = [booked("A-OLD", "2025-10-10"), booked("A-NEW", "2026-11-10"),
               booked("A-SESSION", "2026-11-12", path="P-ALIVE"),
               booked("A-OLDSESSION", "2025-09-01", path="P-DONE")]
    appointments, _ = fold_appointments(records)
    closed = PathClosed(id="P-DONE", event="closed", at=at("2025-09-20"), by="camille")
    paths, _ = fold_paths([opened("P-DONE", "2025-08-01"),
                           Record(closed, "records/paths/2025-08.yaml", 9),
                           opened("P-ALIVE", "2025-06-01"), opened("P-RECENT", "2026-10-01")])
    plan = plan_purge(appointments.values(), paths.values(), dt.date(2025, 12, 7))
    assert plan.files == {("appointments", Month(2025, 9)): {"A-OLDSESSION"},
                          ("appointments", Month(2025, 10)): {"A-OLD"},
                          ("paths", Month(2025, 8)): {"P-DONE"}}
    assert plan.unmarked == {"A-OLDSESSION", "A-OLD", "P-DONE"}
    assert plan.total == 3 and plan.count("paths") == 1


def test_an_appointment_ending_on_the_cutoff_day_is_kept():
    appointments, _ = fold_appointments([booked("A-1", "2025-12-07")])
    assert plan_purge(appointments.values(), [], dt.date(2025, 12, 7)).total == 0
    assert plan_purge(appointments.values(), [], dt.date(2025, 12, 8)).total == 1


def test_anonymised_ids_are_planned_again_but_not_marked_twice():
    mark = Anonymised(id="A-OLD", event="anonymised", at=at("2026-01-01"), by="purge")
    appointments, _ = fold_appointments([booked("A-OLD", "2025-10-10"),
                                         Record(mark, "records/appointments/2025-10.yaml", 20)])
    plan = plan_purge(appointments.values(), [], dt.date(2025, 12, 7))
    assert plan.total == 1 and plan.unmarked == set()


def test_leftover_personal_data_is_found_after_a_merge():
    mark = Anonymised(id="A-OLD", event="anonymised", at=at("2026-01-01"), by="purge")
    cancel = AppointmentCancelled(id="A-OLD", event="cancelled", at=at("2025-10-09"),
                                  by="camille", by_person=True, reason="malade")
    records = [booked("A-OLD", "2025-10-10"), Record(cancel, "x", 12),
               Record(mark, "records/appointments/2025-10.yaml", 20), booked("A-KEPT", "2025-10-11")]
    assert [r.event.event for r in leftover_personal_data(records)] == ["booked", "cancelled"]


def test_file_of_reads_kind_and_month():
    assert file_of("records/paths/2025-08.yaml") == ("paths", Month(2025, 8))
    assert file_of("records/paths/notes.yaml") is None
