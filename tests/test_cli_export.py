"""`mediatool export-ics` as cron runs it: quiet, idempotent, atomic, private on demand."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from conftest import PARIS

from mediatool.core.model import AppointmentBooked, AppointmentCancelled
from mediatool.core.period import Month
from mediatool.store.records import Store

DECEMBER = Month(2026, 12)
FILES = ("camille.ics", "equipe.ics", "permanences-telephoniques.ics")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def book(folder: Path, id_: str = "A-7K3QX2", start: str = "2026-12-08T14:00") -> None:
    Store(folder).append("appointments", Month.of(at(start).date()), AppointmentBooked(
        id=id_, event="booked", at=at("2026-12-01T09:00"), by="camille", mediator="camille",
        kind="demarche", start=at(start), duration_min=45, person="Odette Secretname",
        phone="06 39 98 77 66", procedure="caf-prime-activite", site="centre"))


def cancel(folder: Path, id_: str = "A-7K3QX2", month: Month = DECEMBER) -> None:
    Store(folder).append("appointments", month, AppointmentCancelled(
        id=id_, event="cancelled", at=at("2026-12-06T18:00"), by="camille", by_person=False))


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.glob("*.ics"))}


def age(out: Path) -> None:
    """Push every file's mtime into the past, so a rewrite would show."""
    for path in out.glob("*.ics"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))


def test_export_is_silent_and_writes_the_three_kinds_of_file(run, folder, tmp_path):
    book(folder)
    out = tmp_path / "cal"
    result = run("export-ics", "--out", str(out))
    assert result.exit_code == 0
    assert result.output == "" and result.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for name in FILES:
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644
        icalendar.Calendar.from_ical((out / name).read_bytes())
    assert b"A-7K3QX2@mediatool" in (out / "camille.ics").read_bytes()


def test_second_run_rewrites_nothing(run, folder, tmp_path):
    book(folder)
    out = tmp_path / "cal"
    assert run("export-ics", "--out", str(out)).exit_code == 0
    age(out)
    before = snapshot(out)
    result = run("export-ics", "--out", str(out), "--verbose")
    assert result.exit_code == 0
    assert snapshot(out) == before  # same bytes, same mtime
    assert "0 calendrier(s) mis à jour, 3 inchangé(s)" in result.output
    assert not list(out.glob(".*.tmp"))


def test_a_cancellation_rewrites_only_what_changed(run, folder, tmp_path):
    book(folder)
    out = tmp_path / "cal"
    run("export-ics", "--out", str(out))
    age(out)
    before = snapshot(out)
    cancel(folder)
    result = run("export-ics", "--out", str(out), "--verbose")
    assert result.exit_code == 0
    assert f"Mis à jour : {out / 'camille.ics'}" in result.output
    assert f"Mis à jour : {out / 'equipe.ics'}" in result.output
    after = snapshot(out)
    assert after["permanences-telephoniques.ics"] == before["permanences-telephoniques.ics"]
    assert after["camille.ics"][1] != before["camille.ics"][1]
    cal = icalendar.Calendar.from_ical(after["camille.ics"][0])
    (event,) = [e for e in cal.walk("VEVENT") if e["UID"] == "A-7K3QX2@mediatool"]
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1


def test_private_adds_names_and_is_owner_only(run, folder, tmp_path):
    book(folder)
    public, private = tmp_path / "public", tmp_path / "private"
    assert run("export-ics", "--out", str(public)).exit_code == 0
    assert run("export-ics", "--out", str(private), "--private").exit_code == 0
    for name in FILES:
        data = (public / name).read_bytes().replace(b"\r\n ", b"")
        assert b"Odette Secretname" not in data and b"06 39 98 77 66" not in data
        assert stat.S_IMODE((private / name).stat().st_mode) == 0o600
    data = (private / "camille.ics").read_bytes().replace(b"\r\n ", b"")
    assert b"Odette Secretname" in data and b"06 39 98 77 66" in data
    # switching a folder to --private closes its files even when nothing else changes
    assert run("export-ics", "--out", str(public), "--private").exit_code == 0
    for name in FILES:  # the phone shifts' file has the same bytes either way
        assert stat.S_IMODE((public / name).stat().st_mode) == 0o600


def test_corrupt_record_names_the_line_and_keeps_previous_files(run, folder, tmp_path):
    book(folder)
    out = tmp_path / "cal"
    run("export-ics", "--out", str(out))
    before = snapshot(out)
    book(folder, "A-2B3C4D", "2026-12-10T14:00")
    records = folder / "records" / "appointments" / "2026-12.yaml"
    text = records.read_text().replace("duration_min: 45", "duration_min: beaucoup", 1)
    records.write_text(text)
    result = run("export-ics", "--out", str(out))
    assert result.exit_code == 1
    line = text.splitlines().index("duration_min: beaucoup") + 1
    assert f"records/appointments/2026-12.yaml:{line}" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_half_written_record_is_never_exported(run, folder, tmp_path):
    book(folder)
    out = tmp_path / "cal"
    run("export-ics", "--out", str(out))
    before = snapshot(out)
    records = folder / "records" / "appointments" / "2026-12.yaml"
    with records.open("a") as handle:
        handle.write("---\nid: A-ZZZZZZ\nevent: booked\nat: '2026-12-0")
    result = run("export-ics", "--out", str(out))
    assert result.exit_code == 1
    assert "records/appointments/2026-12.yaml:" in result.stderr
    assert "tronqué" in result.stderr
    assert snapshot(out) == before


def test_out_that_cannot_be_a_folder_exits_1_with_the_path(run, folder, tmp_path):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    for out in (blocker, blocker / "cal"):
        result = run("export-ics", "--out", str(out))
        assert result.exit_code == 1
        assert str(out) in result.stderr and "n'est pas un dossier" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_out_not_writable_exits_1_with_the_path(run, tmp_path):
    out = tmp_path / "lecture-seule"
    out.mkdir()
    out.chmod(0o500)
    try:
        result = run("export-ics", "--out", str(out))
    finally:
        out.chmod(0o700)
    assert result.exit_code == 1 and str(out) in result.stderr


def test_user_without_caldav_is_a_usage_error(run, tmp_path):
    result = run("export-ics", "--out", str(tmp_path / "cal"), "--user", "equipe")
    assert result.exit_code == 2
    assert "--caldav" in result.stderr
    assert not (tmp_path / "cal").exists()


def test_a_mediator_cannot_take_a_shared_calendar_name(run, folder, tmp_path):
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text().replace("  - id: camille", "  - id: equipe"))
    result = run("export-ics", "--out", str(tmp_path / "cal"))
    assert result.exit_code == 1
    assert "equipe" in result.stderr and "réservé" in result.stderr


def test_demo_exports_the_calendars_and_says_where(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mediatool.cli import cli

    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-07T10:00:00+01:00")
    target = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(target)])
    assert result.exit_code == 0, result.output
    folder = target / "calendriers"
    assert sorted(p.name for p in folder.glob("*.ics")) == [
        "camille.ics", "equipe.ics", "lea.ics", "permanences-telephoniques.ics", "samir.ics"]
    assert f"calendriers (.ics) : {folder}" in result.output
    for path in folder.glob("*.ics"):  # every file, through both parsers
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        occurrences = recurring_ical_events.of(calendar).between(dt.date(2026, 11, 7),
                                                                 dt.date(2027, 3, 1))
        assert occurrences, path.name
        assert {str(e["UID"]) for e in occurrences} <= {str(e["UID"])
                                                        for e in calendar.walk("VEVENT")}


def test_an_event_that_does_not_fold_is_skipped_by_readers_and_reported_by_check(
        run, folder, tmp_path):
    # The one policy for events that make no sense (a cancellation of an unknown
    # appointment, merged in from a teammate's clone): never applied, every reader goes on
    # with the rest — the cron export of the whole team included, saying so — and `check`
    # reports it with its position.
    book(folder)
    cancel(folder, "A-ORPHAN")
    exported = run("export-ics", "--out", str(tmp_path / "cal"))
    assert exported.exit_code == 0, exported.stderr
    assert "1 évènement(s) incohérent(s)" in exported.stderr
    assert "rendez-vous inconnu A-ORPHAN" in exported.stderr and "mediatool check" in exported.stderr
    assert "A-7K3QX2" in (tmp_path / "cal" / "camille.ics").read_text()
    agenda = run("agenda", "--week", "2026-12-08")
    assert agenda.exit_code == 0 and "A-7K3QX2" in agenda.output
    assert run("report", "--month", "2026-12").exit_code == 0
    checked = run("check")
    assert checked.exit_code == 1
    assert "records/appointments/2026-12.yaml" in checked.output + checked.stderr
