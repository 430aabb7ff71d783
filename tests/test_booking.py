"""The booking service: what it reads, what it locks, what it appends, under concurrency."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import CLOCK, PARIS, TEAM, paris, write_folder

from mediatool.core.errors import InvalidInput, RuleRefusal
from mediatool.core.period import Month
from mediatool.services.booking import BookingRequest, book, cancel, next_free_slots
from mediatool.store.folder import DataFolder
from mediatool.store.records import Store

NOW = paris(2026, 11, 23, 9)  # the Monday before the weeks these bookings fill

# Ana works every weekday, so the cap (not the hours) is what limits her.
ANA_TEAM = TEAM.replace("""mediators:
""", """mediators:
  - id: ana
    name: Ana
    site: centre
    hours:
      - {day: lundi, start: "09:00", end: "17:30"}
      - {day: mardi, start: "09:00", end: "17:30"}
      - {day: mercredi, start: "09:00", end: "17:30"}
      - {day: jeudi, start: "09:00", end: "17:30"}
      - {day: vendredi, start: "09:00", end: "17:30"}
""")


@pytest.fixture
def data(tmp_path) -> DataFolder:
    return DataFolder(write_folder(tmp_path / "data", team=ANA_TEAM))


def request(at: str | None, person: str = "X", **extra) -> BookingRequest:
    moment = dt.datetime.fromisoformat(at).replace(tzinfo=PARIS) if at else None
    return BookingRequest(mediator="ana", kind="demarche", person=person,
                          procedure="caf-prime-activite", at=moment, **extra)


def test_a_week_spanning_two_months_is_read_and_locked_whole(data, monkeypatch):
    book(data, request("2026-11-30T09:00"), NOW)  # Monday, in 2026-11.yaml
    book(data, request("2026-12-01T14:00"), NOW)  # Tuesday, in 2026-12.yaml
    locked: list[set] = []
    original = Store.transaction

    def spy(self, files):
        files = list(files)
        locked.append({str(m) for _, m in files})
        return original(self, files)

    monkeypatch.setattr(Store, "transaction", spy)
    with pytest.raises(RuleRefusal) as refused:
        book(data, request("2026-12-03T10:00"), NOW)  # Thursday: a third half-day
    assert "plafond" in refused.value.message
    assert {"2026-11", "2026-12"} in locked
    # Sunday 6 December belongs to the same week; Monday 7 to the next one.
    assert book(data, request("2026-12-07T10:00"), NOW).start.day == 7


def test_booking_reads_only_the_months_of_its_week(data, monkeypatch):
    for month in (Month(2020 + i // 12, i % 12 + 1) for i in range(96)):
        path = data.store.file("appointments", month)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    read: list[str] = []

    def spying(original):  # under a transaction (`scan`) or showing (`scan_settled`)
        def spy(self, kind, month):
            read.append(f"{kind}/{month}")
            return original(self, kind, month)
        return spy

    monkeypatch.setattr(Store, "scan", spying(Store.scan))
    monkeypatch.setattr(Store, "scan_settled", spying(Store.scan_settled))
    book(data, request("2026-11-24T10:00"), NOW)
    assert read == ["appointments/2026-11"]
    read.clear()
    book(data, request(None), NOW)  # first free: reads two weeks at a time
    assert set(read) == {"appointments/2026-11", "appointments/2026-12"}


def test_book_appends_one_event_with_its_utc_offset(data):
    appointment = book(data, request("2027-03-30T14:00", phone="06 39 98 00 01", note=" n "),
                       NOW)
    documents = list(yaml.safe_load_all(
        data.store.file("appointments", Month(2027, 3)).read_text()))
    assert documents == [{
        "id": appointment.id, "event": "booked", "at": "2026-11-23T09:00:00+01:00",
        "by": "ana", "mediator": "ana", "kind": "demarche",
        "start": "2027-03-30T14:00:00+02:00", "duration_min": 45, "person": "X",
        "phone": "06 39 98 00 01", "procedure": "caf-prime-activite", "site": "centre",
        "note": "n"}]


def test_first_free_takes_the_earliest_allowed_slot(data):
    first = book(data, request(None), NOW)
    second = book(data, request(None), NOW)
    assert first.start == dt.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
    assert second.start == first.end


def test_refusal_hint_proposes_three_slots_of_the_same_mediator(data):
    book(data, request("2026-11-24T10:00"), NOW)
    with pytest.raises(RuleRefusal) as refused:
        book(data, request("2026-11-24T10:15"), NOW)
    assert refused.value.exit_code == 3
    assert refused.value.hint.count("(Ana)") == 3
    assert refused.value.hint.startswith("prochains créneaux possibles : mardi 24 novembre 2026, "
                                         "9 h 00")


def test_next_free_slots_for_the_team_or_one_mediator(data):
    slots = next_free_slots(data, None, "usage", None, NOW, count=2)
    assert [s.end - s.start for s in slots] == [dt.timedelta(minutes=60)] * 2
    with pytest.raises(InvalidInput):
        next_free_slots(data, "nobody", "demarche", None, NOW)
    assert next_free_slots(data, "camille", "demarche", 45, NOW, count=1)[0].mediator == "camille"


def test_from_call_missing_is_skipped_then_linked_when_recorded(data):
    appointment = book(data, request("2026-11-24T10:00", from_call="C-7K3QX2"), NOW)
    assert appointment.from_call == "C-7K3QX2"
    assert data.store.months("calls") == []  # the call flow writes its call afterwards


def test_a_need_outside_the_catalogue_takes_the_default_duration(data):
    # The call flow may book for a need no procedure describes (words noted in the call).
    appointment = book(data, BookingRequest(mediator="ana", kind="demarche", person="X",
                                            note="courrier de la mairie",
                                            outside_catalogue=True), NOW)
    assert appointment.procedure is None and appointment.duration_min == 45


def test_cancel_frees_the_half_day(data):
    book(data, request("2026-11-23T10:00"), NOW)
    second = book(data, request("2026-11-24T10:00"), NOW)
    with pytest.raises(RuleRefusal):
        book(data, request("2026-11-25T10:00"), NOW)
    cancel(data, second.id, NOW, by_person=False, reason="formation")
    assert book(data, request("2026-11-25T10:00"), NOW).start.day == 25
    with pytest.raises(InvalidInput, match="déjà annulé"):
        cancel(data, second.id, NOW)


def test_invalid_requests(data):
    with pytest.raises(InvalidInput, match="passé"):
        book(data, request("2026-11-20T10:00"), NOW)
    with pytest.raises(InvalidInput, match="--path"):
        book(data, request("2026-11-24T10:00", path="P-000000"), NOW)
    with pytest.raises(InvalidInput, match="personne"):
        book(data, request("2026-11-24T10:00", person="  "), NOW)
    with pytest.raises(InvalidInput, match="durée"):
        book(data, request("2026-11-24T10:00", duration_min=600), NOW)
    with pytest.raises(InvalidInput, match="appel"):
        book(data, request("2026-11-24T10:00", from_call="hello"), NOW)
    assert data.store.months("appointments") == []


def test_twenty_processes_booking_the_same_slot(tmp_path):
    folder = write_folder(tmp_path / "data")
    env = {**os.environ, "MEDIATOOL_NOW": "2026-12-07T10:00:00+01:00",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    env.pop("MEDIATOOL_DATA", None)
    processes = [subprocess.Popen(
        [sys.executable, "-m", "mediatool", "--data", str(folder), "book", "--mediator",
         "camille", "--procedure", "caf-prime-activite", "--at", "2026-12-08T14:00",
         "--person", f"Personne {i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for i in range(20)]
    results = [(p.wait(timeout=60), p.stderr.read().decode()) for p in processes]
    for p in processes:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0] + [3] * 19, results
    assert all("chevauchement" in err for code, err in results if code == 3)
    data = DataFolder(folder)
    for kind in ("appointments", "calls"):
        for month in data.store.months(kind):
            data.store.read(kind, [month])  # raises on any torn or unreadable record
    stored = data.store.read("appointments", [Month(2026, 12)])
    assert len(stored) == 1


# ---- twenty processes on one mediator's week: reschedule, book, cancel --------------

_WIDE = TEAM.replace(
    """      - {day: jeudi, start: "09:00", end: "12:30"}
""",
    """      - {day: mercredi, start: "09:00", end: "17:30"}
      - {day: jeudi, start: "09:00", end: "12:30"}
""")


def _worker(barrier, queue, root: str, args: list[str]) -> None:  # runs in a forked process
    from click.testing import CliRunner

    from mediatool.cli import cli

    os.environ["MEDIATOOL_NOW"] = "2026-12-07T10:00:00+01:00"
    barrier.wait()
    result = CliRunner().invoke(cli, ["--data", root, *args])
    queue.put((args[0], result.exit_code))


def test_twenty_processes_reschedule_book_cancel_hold_the_cap(tmp_path):
    import multiprocessing

    from mediatool.core.scheduling import cap_breaches, overlaps
    from mediatool.core.state import fold_appointments

    root = write_folder(tmp_path / "wide", team=_WIDE)
    data = DataFolder(root)
    zone = PARIS
    now = CLOCK

    def request(day: int, hour: int) -> BookingRequest:
        return BookingRequest(mediator="camille", kind="demarche", person="X",
                              procedure="ants-carte-grise",
                              at=dt.datetime(2026, 12, day, hour, tzinfo=zone))

    moved = book(data, request(8, 14), now).id     # Tuesday afternoon
    kept = book(data, request(10, 9), now).id      # Thursday morning: the cap (2) is reached
    jobs: list[list[str]] = []
    for minute in range(0, 7 * 30, 30):            # 7 reschedules of one appointment
        jobs.append(["reschedule", moved, "--at", f"2026-12-09 {9 + minute // 60:02d}:"
                                                  f"{minute % 60:02d}"])
    for hour in range(13, 17):                     # 7 bookings on Wednesday
        jobs.append(["book", "--mediator", "camille", "--procedure", "ants-carte-grise",
                     "--person", "Y", "--at", f"2026-12-09 {hour}:00"])
        if len(jobs) < 14:
            jobs.append(["book", "--mediator", "camille", "--procedure", "ants-carte-grise",
                         "--person", "Z", "--at", f"2026-12-09 {hour}:30"])
    while len(jobs) < 20:                          # and 6 cancellations of the other one
        jobs.append(["cancel", kept])
    assert len(jobs) == 20
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(jobs), timeout=60)
    queue = context.Queue()
    workers = [context.Process(target=_worker, args=(barrier, queue, str(root), job))
               for job in jobs]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    results = [queue.get(timeout=5) for _ in jobs]
    assert all(code in (0, 2, 3) for _, code in results), results
    assert sum(code == 0 for name, code in results if name == "reschedule") == 1
    assert sum(code == 0 for name, code in results if name == "cancel") == 1

    records = Store(root).read("appointments", [Month(2026, 12)])
    state, problems = fold_appointments(records)
    assert problems == []
    team = data.catalogue.team
    assert cap_breaches(team, state.values()) == []
    assert overlaps(team, state.values()) == []
    # No record lost: one booked event per successful book or reschedule, plus the two first.
    successes = sum(code == 0 for name, code in results if name in ("book", "reschedule"))
    assert sum(r.event.event == "booked" for r in records) == 2 + successes
    assert state[moved].situation(now) == "rescheduled"
