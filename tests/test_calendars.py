"""The export service: which records it reads, under which lock, before writing anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from filelock import FileLock

from mediatool.core.errors import OperationalError
from mediatool.core.model import AppointmentBooked
from mediatool.core.period import Month
from mediatool.services import calendars
from mediatool.store.folder import DataFolder
from mediatool.store.records import Store

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)


def book(folder: Path, id_: str, start: dt.datetime) -> None:
    Store(folder).append("appointments", Month.of(start.date()), AppointmentBooked(
        id=id_, event="booked", at=start - dt.timedelta(days=3), by="camille",
        mediator="camille", kind="demarche", start=start, duration_min=45,
        person="Odette Secretname", procedure="caf-prime-activite"))


def test_only_the_months_of_the_window_are_read(folder, tmp_path):
    book(folder, "A-00000A", dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS))
    old = folder / "records" / "appointments" / "2026-09.yaml"
    old.write_text("---\nid: A-OLD000\nevent: booked\nat: pas une date\n...\n")
    result = calendars.export(DataFolder(folder), tmp_path / "cal", NOW, private=False)
    assert len(result.written) == 3
    assert b"A-00000A@mediatool" in (tmp_path / "cal" / "camille.ics").read_bytes()


def test_an_appointment_ending_inside_the_window_is_kept_across_months(folder, tmp_path):
    now = dt.datetime(2026, 12, 1, 0, 10, tzinfo=PARIS)  # window starts 1 Nov 00:10
    book(folder, "A-00000B", dt.datetime(2026, 10, 31, 23, 50, tzinfo=PARIS))
    calendars.export(DataFolder(folder), tmp_path / "cal", now, private=False)
    assert b"A-00000B@mediatool" in (tmp_path / "cal" / "camille.ics").read_bytes()


def test_export_waits_for_the_store_lock(folder, tmp_path):
    book(folder, "A-00000C", dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS))
    data = DataFolder(folder)
    data.store = Store(folder, lock_timeout=0.2)
    lock = FileLock(str(folder / "records" / ".locks" / "appointments-2026-12.lock"))
    with lock, pytest.raises(OperationalError, match="occupé"):
        calendars.export(data, tmp_path / "cal", NOW, private=False)
    assert not (tmp_path / "cal").exists()
