"""The export service: which records it reads, under which lock, before writing anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import CLOCK, PARIS
from filelock import FileLock

from mediatool.core.errors import DataProblems, OperationalError
from mediatool.core.model import AppointmentBooked, PathOpened
from mediatool.core.period import Month
from mediatool.services import calendars
from mediatool.store.folder import DataFolder
from mediatool.store.records import Store


def book(folder: Path, id_: str, start: dt.datetime) -> None:
    Store(folder).append("appointments", Month.of(start.date()), AppointmentBooked(
        id=id_, event="booked", at=start - dt.timedelta(days=3), by="camille",
        mediator="camille", kind="demarche", start=start, duration_min=45,
        person="Odette Secretname", procedure="caf-prime-activite"))


def test_only_the_months_of_the_window_are_read(folder, tmp_path):
    book(folder, "A-00000A", dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS))
    old = folder / "records" / "appointments" / "2026-09.yaml"
    old.write_text("---\nid: A-OLD000\nevent: booked\nat: pas une date\n...\n")
    result = calendars.export(DataFolder(folder), tmp_path / "cal", CLOCK, private=False)
    assert len(result.written) == 3
    assert b"A-00000A@mediatool" in (tmp_path / "cal" / "camille.ics").read_bytes()


def test_an_appointment_ending_inside_the_window_is_kept_across_months(folder, tmp_path):
    now = dt.datetime(2026, 12, 1, 0, 10, tzinfo=PARIS)  # window starts 1 Nov 00:10
    book(folder, "A-00000B", dt.datetime(2026, 10, 31, 23, 50, tzinfo=PARIS))
    calendars.export(DataFolder(folder), tmp_path / "cal", now, private=False)
    assert b"A-00000B@mediatool" in (tmp_path / "cal" / "camille.ics").read_bytes()


def test_export_waits_for_the_store_lock_only_while_an_append_may_be_under_way(folder,
                                                                               tmp_path):
    book(folder, "A-00000C", dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS))
    data = DataFolder(folder)
    data.store = Store(folder, lock_timeout=0.2)
    lock = FileLock(str(folder / "records" / ".locks" / "appointments-2026-12.lock"))
    with lock:  # the file ends with a whole record: a writer holding the lock changes nothing
        calendars.export(data, tmp_path / "cal", CLOCK, private=False)
    assert (tmp_path / "cal").exists()
    path = folder / "records" / "appointments" / "2026-12.yaml"
    path.write_text(path.read_text() + "---\nid: A-00000D\nevent: boo")
    with lock, pytest.raises(OperationalError, match="occupé"):
        calendars.export(data, tmp_path / "cal2", CLOCK, private=False)
    assert not (tmp_path / "cal2").exists()


def book_usage(folder: Path, id_: str, start: dt.datetime, path: str) -> None:
    Store(folder).append("appointments", Month.of(start.date()), AppointmentBooked(
        id=id_, event="booked", at=start - dt.timedelta(days=3), by="camille",
        mediator="camille", kind="usage", start=start, duration_min=60,
        person="Odette Secretname", path=path))


def open_path(folder: Path, id_: str, at: dt.datetime) -> None:
    Store(folder).append("paths", Month.of(at.date()), PathOpened(
        id=id_, event="opened", at=at, by="camille", person="Odette Secretname",
        mediator="camille", skills=("mail-creer",), sessions=4))


def test_a_path_opened_years_before_the_window_is_found_by_its_id(folder, tmp_path):
    open_path(folder, "P-OLD001", dt.datetime(2023, 3, 2, 10, 0, tzinfo=PARIS))
    open_path(folder, "P-OTHER1", dt.datetime(2024, 5, 2, 10, 0, tzinfo=PARIS))
    # Hand-written in another layout (flow style, id last): still found.
    (folder / "records" / "paths" / "2022-01.yaml").write_text(
        "--- {event: opened, at: '2022-01-03T10:00:00+01:00', by: camille, person: Léon,"
        " mediator: camille, skills: ['2.1'], sessions: 3, id: P-FLOW01}\n...\n")
    # A broken file holding none of the wanted paths is not the calendars' business
    # (`check` reports it): it must not stop the cron export.
    (folder / "records" / "paths" / "2021-06.yaml").write_text(
        "---\nid: P-BROKEN\nevent: opened\nat: pas une date\n...\n")
    book_usage(folder, "A-USAGE1", dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS), "P-OLD001")
    book_usage(folder, "A-USAGE2", dt.datetime(2026, 12, 10, 9, 0, tzinfo=PARIS), "P-FLOW01")
    calendars.export(DataFolder(folder), tmp_path / "cal", CLOCK, private=False)
    text = (tmp_path / "cal" / "camille.ics").read_text().replace("\r\n ", "")
    assert "Parcours P-OLD001 (4 séances)" in text
    assert "Parcours P-FLOW01 (3 séances)" in text
    assert "RDV usage — Créer une adresse e-mail" in text


def test_a_wanted_path_that_is_broken_stops_the_export(folder, tmp_path):
    (folder / "records" / "paths").mkdir(parents=True)
    (folder / "records" / "paths" / "2021-06.yaml").write_text(
        "---\nid: P-BROKEN\nevent: opened\nat: pas une date\n...\n")
    book_usage(folder, "A-USAGE3", dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS), "P-BROKEN")
    with pytest.raises(DataProblems):
        calendars.export(DataFolder(folder), tmp_path / "cal", CLOCK, private=False)
    assert not (tmp_path / "cal").exists()
