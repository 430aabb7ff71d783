"""`export-ics --caldav` end to end against a real Radicale server on loopback."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import caldav
import icalendar
import pytest
from conftest import PARIS

from mediatool.core.model import AppointmentAttended, AppointmentBooked, AppointmentCancelled
from mediatool.core.period import Month
from mediatool.store.records import Store

DECEMBER = Month(2026, 12)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def radicale(folder: Path, *auth: str) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 with its own storage; stopped on exit."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / "radicale.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", "",
         "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(folder / "storage"),
         "--logging-level", "warning", *auth],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError((folder / "radicale.log").read_text())
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                         timeout=0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("Radicale did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """Radicale without authentication (any user name is accepted)."""
    with radicale(tmp_path / "radicale", "--auth-type", "none") as url:
        yield url


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "caldav-password.txt"
    path.write_text("s3cret\n")
    path.chmod(0o600)
    return path


def book(folder: Path, id_: str, start: str) -> None:
    Store(folder).append("appointments", Month.of(at(start).date()), AppointmentBooked(
        id=id_, event="booked", at=at("2026-11-30T09:00"), by="camille", mediator="camille",
        kind="demarche", start=at(start), duration_min=45, person="Odette Secretname",
        phone="06 39 98 77 66", procedure="caf-prime-activite", site="centre"))


class Reader:
    """Reads the server back with the caldav library, independently of mediatool."""

    def __init__(self, url: str) -> None:
        self.client = caldav.DAVClient(url=url, username="equipe", password="s3cret")
        self.home = url + "equipe/"

    def calendars(self) -> dict[str, str]:
        return {str(c.url).rstrip("/").rsplit("/", 1)[-1]: c.get_display_name()
                for c in self.client.principal().calendars()}

    def events(self, name: str) -> dict[str, icalendar.Event]:
        calendar = self.client.calendar(url=f"{self.home}{name}/")
        found = {}
        for obj in calendar.get_events():
            for event in icalendar.Calendar.from_ical(obj.data).walk("VEVENT"):
                found[str(event["UID"])] = event
        return found

    def add_own_event(self, name: str) -> None:
        response = self.client.put(
            f"{self.home}{name}/perso.ics",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\nBEGIN:VEVENT\r\n"
            "UID:perso-1@example.org\r\nDTSTAMP:20261201T000000Z\r\n"
            "DTSTART:20261209T120000Z\r\nDTEND:20261209T130000Z\r\nSUMMARY:Déjeuner\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n",
            {"Content-Type": "text/calendar; charset=utf-8"})
        assert response.status in (200, 201, 204)


def test_push_change_cancel_push_again(run, folder, tmp_path, server, password_file,
                                       monkeypatch):
    book(folder, "A-00000A", "2026-12-08T14:00")  # will be cancelled
    book(folder, "A-00000B", "2026-12-03T14:00")  # will be marked attended
    book(folder, "A-00000C", "2026-12-10T09:00")  # stays as it is
    out = tmp_path / "cal"
    push = ("export-ics", "--out", str(out), "--caldav", server, "--user", "equipe",
            "--password-file", str(password_file))

    first = run(*push)
    assert first.exit_code == 0, first.stderr
    assert first.output == "" and first.stderr == ""
    reader = Reader(server)
    calendars = reader.calendars()
    assert set(calendars) == {"camille", "equipe", "permanences-telephoniques"}
    assert calendars["camille"] == "Rendez-vous — camille"
    events = reader.events("camille")
    assert {"A-00000A@mediatool", "A-00000B@mediatool", "A-00000C@mediatool",
            "fermeture-20261224-20270101@mediatool"} <= set(events)
    assert events["A-00000A@mediatool"]["SEQUENCE"] == 0
    assert events["A-00000A@mediatool"]["STATUS"] == "CONFIRMED"
    phone = reader.events("permanences-telephoniques")
    assert ["RRULE" in e for e in phone.values()] == [True]
    reader.add_own_event("camille")

    store = Store(folder)
    store.append("appointments", DECEMBER, AppointmentCancelled(
        id="A-00000A", event="cancelled", at=at("2026-12-06T17:00"), by="camille",
        by_person=True))
    store.append("appointments", DECEMBER, AppointmentAttended(
        id="A-00000B", event="attended", at=at("2026-12-03T15:00"), by="camille"))
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text().replace("closures:\n  - {start: 2026-12-24, "
                                             "end: 2027-01-01}\n", ""))

    second = run(*push, "--verbose")
    assert second.exit_code == 0, second.stderr
    assert "CalDAV « camille » : 0 ajouté(s), 2 modifié(s), 1 supprimé(s)" in second.output
    events = reader.events("camille")
    cancelled = events["A-00000A@mediatool"]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 1
    assert str(cancelled["SUMMARY"]).startswith("Annulé — ")
    attended = events["A-00000B@mediatool"]
    assert attended["SEQUENCE"] == 1 and "— venu" in str(attended["DESCRIPTION"])
    assert events["A-00000C@mediatool"]["SEQUENCE"] == 0
    assert "fermeture-20261224-20270101@mediatool" not in events  # closure removed
    assert "perso-1@example.org" in events  # someone's own event is left alone
    assert b"Odette" not in b"".join(e.to_ical() for e in events.values())

    third = run(*push, "--verbose")
    assert third.exit_code == 0
    assert "CalDAV : rien à changer" in third.output

    # Two months later the December appointments are out of the window:
    # gone from the files, kept on the server as history.
    monkeypatch.setenv("MEDIATOOL_NOW", "2027-02-15T10:00:00+01:00")
    later = run(*push)
    assert later.exit_code == 0, later.stderr
    assert b"A-00000C" not in (out / "camille.ics").read_bytes()
    assert {"A-00000A@mediatool", "A-00000C@mediatool"} <= set(reader.events("camille"))


def test_unreachable_server_exits_1_and_local_files_are_written(run, tmp_path, password_file):
    out = tmp_path / "cal"
    url = f"http://127.0.0.1:{free_port()}/"
    result = run("export-ics", "--out", str(out), "--caldav", url, "--user", "equipe",
                 "--password-file", str(password_file))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "injoignable" in lines[0] and url in lines[0]
    assert (out / "camille.ics").is_file() and (out / "equipe.ics").is_file()


def test_wrong_credentials_exit_1_and_local_files_are_written(run, tmp_path, password_file):
    users = tmp_path / "htpasswd"
    users.write_text("equipe:autre-mot-de-passe\n")
    out = tmp_path / "cal"
    with radicale(tmp_path / "radicale-auth", "--auth-type", "htpasswd",
                  "--auth-htpasswd-filename", str(users),
                  "--auth-htpasswd-encryption", "plain") as url:
        result = run("export-ics", "--out", str(out), "--caldav", url, "--user", "equipe",
                     "--password-file", str(password_file))
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "mot de passe refusé" in lines[0]
        assert (out / "permanences-telephoniques.ics").is_file()
        password_file.write_text("autre-mot-de-passe\n")
        again = run("export-ics", "--out", str(out), "--caldav", url, "--user", "equipe",
                    "--password-file", str(password_file))
        assert again.exit_code == 0, again.stderr


def test_missing_caldav_library_is_explained(run, tmp_path, monkeypatch, password_file):
    monkeypatch.setitem(sys.modules, "caldav", None)  # import caldav → ImportError
    out = tmp_path / "cal"
    result = run("export-ics", "--out", str(out), "--caldav", "http://127.0.0.1:9/",
                 "--user", "equipe", "--password-file", str(password_file))
    assert result.exit_code == 1
    assert "pip install 'mediatool[caldav]'" in result.stderr
    assert (out / "equipe.ics").is_file()


def test_unreadable_password_file_is_invalid_input_and_writes_nothing(run, tmp_path):
    out = tmp_path / "cal"
    result = run("export-ics", "--out", str(out), "--caldav", "http://127.0.0.1:9/",
                 "--user", "equipe", "--password-file", str(tmp_path / "absent.txt"))
    assert result.exit_code == 2
    assert "absent.txt" in result.stderr
    assert not out.exists()


def test_a_web_server_that_is_not_caldav_is_named(run, tmp_path, password_file):
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # the test reads stderr: keep it for mediatool
            pass

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{web.server_address[1]}/"
        result = run("export-ics", "--out", str(tmp_path / "cal"), "--caldav", url,
                     "--user", "equipe", "--password-file", str(password_file))
    finally:
        web.shutdown()
        web.server_close()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ne répond pas comme un serveur CalDAV" in lines[0]
    assert (tmp_path / "cal" / "equipe.ics").is_file()


# ---- issue 20 #11: credentials never echoed, empty URL, huge password files ------------

def test_credentials_in_the_url_are_never_printed() -> None:
    import pytest as _pytest

    from mediatool.core.errors import OperationalError
    from mediatool.host.caldav import push
    url = "http://alice:Sup3rS3cret@127.0.0.1:1/dav/?token=T0K3N"
    with _pytest.raises(OperationalError) as caught:
        push(url, None, "Passw0rd", [], None)
    text = caught.value.message + (caught.value.hint or "")
    assert "Sup3rS3cret" not in text and "T0K3N" not in text and "Passw0rd" not in text
    assert "alice:***@127.0.0.1" in text


def test_an_empty_caldav_url_is_refused() -> None:
    import pytest as _pytest

    from mediatool.core.errors import InvalidInput
    from mediatool.host.caldav import push
    with _pytest.raises(InvalidInput, match="vide"):
        push("  ", None, None, [], None)


def test_an_endless_password_file_is_refused_without_reading_it_all() -> None:
    import pytest as _pytest

    from mediatool.core.errors import InvalidInput
    from mediatool.host.caldav import read_password
    with _pytest.raises(InvalidInput, match="trop grand"):
        read_password(Path("/dev/zero"), "alice")
