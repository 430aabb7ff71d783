"""remind: texts of one segment, --mark-sent once each, --send-with through a fake gateway."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW

from mediatool.core.state import Appointment
from mediatool.formats.reminders import reminder_text
from mediatool.formats.sms import is_gsm7, segments, septets
from mediatool.store.folder import DataFolder

REPO = Path(__file__).resolve().parent.parent


def book(run, at, phone="06 12 34 56 78", person="Nadia B.", procedure="caf-prime-activite"):
    args = ["book", "--mediator", "camille", "--procedure", procedure, "--at", at,
            "--person", person, "--format", "json"]
    if phone:
        args += ["--phone", phone]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["id"]


def reminded_events(folder: Path) -> list[str]:
    text = (folder / "records" / "appointments" / "2026-12.yaml").read_text()
    return [doc for doc in text.split("---") if "event: reminded" in doc]


def test_every_shipped_procedure_fits_one_segment():
    data = DataFolder(REPO)
    team = data.catalogue.team
    worst = ""
    for mediator in team.mediators:
        for procedure in data.catalogue.procedures.values():
            appointment = Appointment(
                id="A-7K3QX2", mediator=mediator.id, kind="demarche",
                start=dt.datetime(2026, 12, 30, 14, 45, tzinfo=dt.timezone(dt.timedelta(hours=1))),
                duration_min=45, person="Marie-Françoise Dupont-Lefèvre", phone="0612345678",
                procedure=procedure.id, path=None, site=mediator.site, from_call=None,
                note=None, booked_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
            text = reminder_text(team, appointment, procedure)
            assert is_gsm7(text), text
            assert segments(text) == 1, text
            assert "01 99 00 00 00" in text and "A-7K3QX2" in text
            worst = max(worst, text, key=septets)
    assert septets(worst) <= 160


def test_remind_lists_texts_and_people_without_phone(run, folder):
    with_phone = book(run, "2026-12-08 14:00")
    without = book(run, "2026-12-08 15:00", phone=None, person="Paul", procedure="ants-carte-grise")
    result = run("remind", "--in-days", "1")
    assert result.exit_code == 0, result.stderr
    assert with_phone in result.output
    assert "Pas de téléphone : appeler ou rien" in result.output
    assert result.output.index(without) > result.output.index("Pas de téléphone")
    assert max(len(line) for line in result.output.splitlines()) <= 80
    items = json.loads(run("remind", "--date", "2026-12-08", "--format", "json").output)
    sms = [i for i in items if i["text"]]
    assert [i["id"] for i in sms] == [with_phone]
    assert "Apportez : Relevé d'identité bancaire" in sms[0]["text"]
    assert sms[0]["segments"] == 1 and {"start", "person", "phone"} <= set(sms[0])
    csv = run("remind", "--date", "2026-12-08", "--format", "csv").output.splitlines()
    assert csv[0].startswith("id,debut") and with_phone in csv[1]


def test_mark_sent_once_then_not_listed_unless_again(run, folder):
    booked = book(run, "2026-12-08 14:00")
    assert run("remind", "--in-days", "1", "--mark-sent").exit_code == 0
    assert len(reminded_events(folder)) == 1
    again = run("remind", "--in-days", "1", "--mark-sent")
    assert "0 SMS" in again.output and len(reminded_events(folder)) == 1
    assert booked in run("remind", "--in-days", "1", "--again").output


def test_reminded_event_changes_no_status_and_check_is_clean(run, folder, monkeypatch):
    booked = book(run, "2026-12-08 14:00")
    run("remind", "--in-days", "1", "--mark-sent")
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-08T16:00:00+01:00")
    assert run("attended", booked).exit_code == 0
    check = run("check")
    assert check.exit_code == 0, check.output + check.stderr


def _gateway(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-gateway"
    script.write_text(f"#!{sys.executable}\nimport os, sys, time\n{body}\n")
    script.chmod(0o755)
    return script


def test_send_with_fake_gateway_failing_one_number(run, folder, tmp_path):
    log = tmp_path / "sent.log"
    gateway = _gateway(tmp_path, f"""
to, text = os.environ["MEDIATOOL_SMS_TO"], os.environ["MEDIATOOL_SMS_TEXT"]
open({str(log)!r}, "a").write(to + "|" + text + "\\n")
if to.endswith("99"):
    print("numéro refusé", file=sys.stderr)
    sys.exit(3)
""")
    marker = tmp_path / "injected"
    ok = book(run, "2026-12-08 14:00", person=f"$(touch {marker}) Nadia")
    bad = book(run, "2026-12-08 15:00", phone="06 12 34 56 99", person="Paul")
    result = run("remind", "--in-days", "1", "--send-with", str(gateway))
    assert result.exit_code == 1
    assert f"Échec : {bad}" in result.output and "numéro refusé" in result.output
    sent = log.read_text().splitlines()
    assert len(sent) == 2 and "$(touch" in sent[0]  # reached as data, never as a command
    assert not marker.exists()
    events = reminded_events(folder)
    assert len(events) == 1 and ok in events[0]
    # Run again: only the failed one is tried again.
    run("remind", "--in-days", "1", "--send-with", str(gateway))
    assert len(log.read_text().splitlines()) == 3


def test_send_with_missing_program_sends_nothing(run, folder):
    book(run, "2026-12-08 14:00")
    before = (folder / "records" / "appointments" / "2026-12.yaml").read_bytes()
    result = run("remind", "--in-days", "1", "--send-with", "no-such-sms-program --x")
    assert result.exit_code == 2
    assert "introuvable" in result.stderr
    assert (folder / "records" / "appointments" / "2026-12.yaml").read_bytes() == before


def test_send_with_hanging_command_times_out(run, folder, tmp_path):
    gateway = _gateway(tmp_path, "time.sleep(60)")
    book(run, "2026-12-08 14:00")
    result = run("remind", "--in-days", "1", "--send-with", str(gateway), "--timeout", "1")
    assert result.exit_code == 1
    assert "pas de réponse après 1 s" in result.output
    assert reminded_events(folder) == []


def test_two_mark_sent_at_once_mark_each_appointment_once(run, folder):
    ids = [book(run, f"2026-12-08 {h}:00") for h in (14, 15, 16)]
    env = {**os.environ, "MEDIATOOL_NOW": NOW}
    command = [sys.executable, "-m", "mediatool", "--data", str(folder), "remind",
               "--in-days", "1", "--mark-sent"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(4)]
    for process in processes:
        process.communicate(timeout=60)
        assert process.returncode == 0
    events = reminded_events(folder)
    assert sorted(i for e in events for i in ids if i in e) == sorted(ids)


@pytest.mark.parametrize("kind", ["usage"])
def test_session_reminder_says_seance(run, folder, kind):
    opened = run("path", "open", "--person", "Odette R.", "--mediator", "camille",
                 "--skills", "2.1", "--sessions", "2", "--phone", "0612345678",
                 "--format", "json")
    path = json.loads(opened.output)["id"]
    assert run("book", "--path", path, "--at", "2026-12-08 14:00").exit_code == 0
    assert "Séance mar. 8/12" in run("remind", "--in-days", "1").output
