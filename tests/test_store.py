"""The store: appends are whole, reads see positions, torn tails are caught and repaired."""

import datetime as dt
import os
import stat

import pytest
from conftest import PARIS

from mediatool.core.errors import DataProblems, OperationalError
from mediatool.core.model import AppointmentBooked, DropinTally
from mediatool.core.period import Month
from mediatool.store.records import Store, write_atomic

NOV = Month(2026, 11)


def tally(n: int) -> DropinTally:
    return DropinTally(id=f"D-00000{n}", event="tally",
                       at=dt.datetime(2026, 11, 2, 17, 5, tzinfo=PARIS), by="camille",
                       site="centre", date=dt.date(2026, 11, 2), seen=8 + n, refused=n)


def test_append_then_read_round_trips(tmp_path):
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    store.append("dropins", NOV, tally(2))
    records = store.read("dropins", [NOV])
    assert [r.event for r in records] == [tally(1), tally(2)]
    assert [r.line for r in records] == [1, 11]
    assert records[0].source == "records/dropins/2026-11.yaml"
    assert store.months("dropins") == [NOV]


def test_files_are_private(tmp_path):
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    mode = stat.S_IMODE(os.stat(store.file("dropins", NOV)).st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "records" / "dropins").st_mode) == 0o700


def test_wrong_field_is_reported_at_its_line(tmp_path):
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    path = store.file("dropins", NOV)
    path.write_text(path.read_text().replace("seen: 9", "seen: neuf"))
    with pytest.raises(DataProblems) as caught:
        store.read("dropins", [NOV])
    [problem] = caught.value.problems
    assert (problem.source, problem.line) == ("records/dropins/2026-11.yaml", 8)
    assert "nombre entier" in problem.message


def test_torn_tail_is_detected_and_appends_refused(tmp_path):
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    path = store.file("dropins", NOV)
    with open(path, "a") as handle:
        handle.write("---\nid: D-000002\nevent: tal")
    with pytest.raises(DataProblems) as caught:
        store.read("dropins", [NOV])
    assert caught.value.problems[0].line == 11
    assert "tronqué" in caught.value.problems[0].message
    with pytest.raises(DataProblems):
        store.append("dropins", NOV, tally(3))


def test_repair_moves_only_the_fragment_aside(tmp_path):
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    path = store.file("dropins", NOV)
    fragment = "---\nid: D-000002\nevent: tal"
    with open(path, "a") as handle:
        handle.write(fragment)
    broken = store.repair_tail("dropins", NOV, "20261201T000000")
    assert broken is not None and broken.read_text() == fragment
    assert [r.event for r in store.read("dropins", [NOV])] == [tally(1)]
    assert store.repair_tail("dropins", NOV, "x") is None
    store.append("dropins", NOV, tally(3))
    assert len(store.read("dropins", [NOV])) == 2


def test_unknown_event_kind_is_reported(tmp_path):
    store = Store(tmp_path)
    path = store.file("appointments", NOV)
    path.parent.mkdir(parents=True)
    path.write_text("---\nid: A-000001\nevent: booked_twice\n...\n")
    with pytest.raises(DataProblems, match="illisibles") as caught:
        store.read("appointments", [NOV])
    assert "booked_twice" in caught.value.problems[0].message


def test_transaction_appends_to_two_months(tmp_path):
    store = Store(tmp_path)
    dec = Month(2026, 12)
    start = dt.datetime(2026, 12, 1, 14, tzinfo=PARIS)
    event = AppointmentBooked(id="A-000001", event="booked", at=start, by="camille",
                              mediator="camille", kind="demarche", start=start,
                              duration_min=45, person="X (fictif)")
    with store.transaction([("appointments", dec), ("appointments", NOV)]) as tx:
        assert tx.read("appointments", NOV) == []
        tx.append("appointments", dec, event)
    assert store.read("appointments", [dec])[0].event == event
    assert store.find("appointments", "A-000001")[0] == dec


def test_write_atomic_keeps_unchanged_files(tmp_path):
    target = tmp_path / "x.ics"
    assert write_atomic(target, b"one")
    before = target.stat().st_mtime_ns
    assert not write_atomic(target, b"one")
    assert target.stat().st_mtime_ns == before
    assert write_atomic(target, b"two") and target.read_bytes() == b"two"


def test_repair_after_a_cut_separator_keeps_the_complete_record(tmp_path):
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    path = store.file("dropins", NOV)
    with open(path, "ab") as handle:
        handle.write(b"--")
    with pytest.raises(DataProblems) as caught:
        store.read("dropins", [NOV])
    assert caught.value.problems[0].line == 11
    first = store.repair_tail("dropins", NOV, "same")
    assert first is not None and first.read_bytes() == b"--"
    assert [r.event for r in store.read("dropins", [NOV])] == [tally(1)]
    with open(path, "ab") as handle:
        handle.write(b"---\nid: D-")
    second = store.repair_tail("dropins", NOV, "same")
    assert second is not None and second != first and second.name.endswith("-2")
    assert stat.S_IMODE(os.stat(second).st_mode) == 0o600


def test_blank_lines_after_the_last_record_are_not_a_torn_tail(tmp_path):
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    with open(store.file("dropins", NOV), "a") as handle:
        handle.write("\n\n")
    store.append("dropins", NOV, tally(2))
    assert len(store.read("dropins", [NOV])) == 2


def test_a_record_with_a_key_written_twice_is_an_error_at_that_line(tmp_path):
    # What git's line-based union merge makes of two records appended on both sides.
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    path = store.file("dropins", NOV)
    text = path.read_text()
    path.write_text(text.replace("seen: 9\n", "seen: 9\nid: D-000009\n"))
    with pytest.raises(DataProblems) as caught:
        store.read("dropins", [NOV])
    [problem] = caught.value.problems
    assert problem.line == 9 and "« id » en double" in problem.message


def test_unlocked_reads_leave_out_a_record_still_being_appended(tmp_path):
    import re as regex

    from mediatool.store.records import complete_prefix

    store = Store(tmp_path)
    month = Month(2026, 9)
    path = store.file("paths", month)
    path.parent.mkdir(parents=True)
    whole = ("---\nid: P-000001\nevent: closed\nat: '2026-11-15T10:00:00+01:00'\nby: lea\n...\n")
    path.write_text(whole + "---\nid: P-000002\nevent: clo")
    assert complete_prefix(path.read_text()) == whole
    assert store.read_texts("paths", [month], locked=False) == [(month, whole)]
    found = store.read_matching("paths", [month, Month(2026, 10)],
                                regex.compile(r"\nevent: (closed)"), locked=False)
    assert [r.event.id for r in found] == ["P-000001"]
    with pytest.raises(DataProblems):  # a locked read reports the torn tail
        store.read_matching("paths", [month], regex.compile(r"\nid: (P-\w+)"))


def test_reads_take_no_lock_unless_an_append_may_be_under_way(tmp_path):
    """A command that only shows does not wait for (nor import) the lock when the file ends
    with a whole record; a torn tail is read again under the lock, as writers hold it."""
    import subprocess
    import sys

    store = Store(tmp_path)
    store.lock_timeout = 0.3
    month = Month(2026, 9)
    path = store.file("paths", month)
    path.parent.mkdir(parents=True)
    whole = "---\nid: P-000001\nevent: closed\nat: '2026-11-15T10:00:00+01:00'\nby: lea\n...\n"
    path.write_text(whole)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from mediatool.store.records import Store\n"
         "from mediatool.core.period import Month\n"
         f"lock = Store(__import__('pathlib').Path({str(tmp_path)!r}))._lock('paths', "
         "Month(2026, 9))\nlock.acquire()\nprint('held', flush=True)\ntime.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert [r.event.id for r in store.read("paths", [month])] == ["P-000001"]
        path.write_text(whole + "---\nid: P-000002\nevent: clo")
        with pytest.raises(OperationalError, match="occupé"):  # it waited for the writer
            store.read("paths", [month])
    finally:
        holder.kill()
        holder.wait()
    with pytest.raises(DataProblems):  # lock free again: the torn tail is reported
        store.read("paths", [month])


# ---- issue 20: full disk, audit after action, links and special files ---------------

def _full_disk_after(monkeypatch, allowed: int) -> None:
    """os.write takes `allowed` bytes, then the disk is full (ENOSPC)."""
    import errno

    from mediatool.store import records as module
    real = os.write

    def write(fd, data):
        if len(data) > allowed:
            real(fd, bytes(data[:allowed]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(module.os, "write", write)


def test_a_full_disk_mid_append_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    from mediatool.core.errors import OperationalError
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    before = store.file("dropins", NOV).read_bytes()
    _full_disk_after(monkeypatch, 20)
    with pytest.raises(OperationalError) as caught:
        store.append("dropins", NOV, tally(2))
    assert "disque plein" in caught.value.message and "No space" not in caught.value.message
    assert "check --repair" not in (caught.value.hint or "")
    monkeypatch.undo()
    assert store.file("dropins", NOV).read_bytes() == before
    store.append("dropins", NOV, tally(3))  # the next command works
    assert [r.event for r in store.read("dropins", [NOV])] == [tally(1), tally(3)]


def test_repair_on_a_full_disk_loses_nothing(tmp_path, monkeypatch):
    from mediatool.core.errors import OperationalError
    from mediatool.store import records as module
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))
    path = store.file("dropins", NOV)
    with open(path, "a") as handle:
        handle.write("---\nid: D-000002\nevent: tal")
    before = path.read_bytes()

    def full(*args, **kwargs):
        import errno
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(module.os, "fdopen", full)
    with pytest.raises(OperationalError, match="rien n'a été perdu|rien n'a été changé"):
        store.repair_tail("dropins", NOV, "20261201")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.broken-*"))


def test_a_failed_purge_writes_no_audit_line(tmp_path, monkeypatch):
    import errno

    from mediatool.core.errors import OperationalError
    from mediatool.store import records as module
    store = Store(tmp_path)
    store.append("dropins", NOV, tally(1))

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(module, "write_atomic", read_only)
    with pytest.raises(OperationalError, match="rien n'a été anonymisé"):
        store.anonymise("dropins", NOV, ["D-000001"], lambda doc: {**doc, "seen": 0}, [],
                        "purge")
    assert not (tmp_path / "records" / "audit.log").exists()
    monkeypatch.undo()
    store.anonymise("dropins", NOV, ["D-000001"], lambda doc: {**doc, "seen": 0}, [], "purge")
    assert "1 dossier(s) anonymisé(s)" in (tmp_path / "records" / "audit.log").read_text()


def test_a_symlinked_record_file_is_neither_read_nor_written(tmp_path):
    from mediatool.core.errors import OperationalError
    outside = tmp_path / "secret.txt"
    outside.write_text("root:$6$hash\n")
    store = Store(tmp_path / "data")
    path = store.file("dropins", NOV)
    path.parent.mkdir(parents=True)
    path.symlink_to(outside)
    records, problems = store.scan("dropins", NOV)
    assert not records and "lien symbolique" in problems[0].message
    assert "root" not in problems[0].format()
    with pytest.raises(OperationalError):
        store.append("dropins", NOV, tally(1))
    assert outside.read_text() == "root:$6$hash\n"


def test_a_fifo_as_record_file_is_refused_without_hanging(tmp_path):
    from mediatool.core.errors import OperationalError
    store = Store(tmp_path)
    path = store.file("dropins", NOV)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    _, problems = store.scan("dropins", NOV)
    assert "pas un fichier ordinaire" in problems[0].message
    with pytest.raises(OperationalError, match="pas un fichier ordinaire"):
        store.append("dropins", NOV, tally(1))


def test_source_lines_reads_each_file_once_up_to_the_last_line_asked(tmp_path, monkeypatch):
    import builtins

    from mediatool.store.records import source_lines

    (tmp_path / "catalogue").mkdir()
    (tmp_path / "catalogue" / "a.yaml").write_text("un\ndeux\r\ntrois\nquatre\n", encoding="utf-8")
    opened: list[str] = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open",
                        lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    found = source_lines(tmp_path, [("catalogue/a.yaml", 3), ("catalogue/a.yaml", 2),
                                    ("catalogue/a.yaml", 9), ("catalogue/absent.yaml", 1)])
    assert found == {("catalogue/a.yaml", 2): "deux", ("catalogue/a.yaml", 3): "trois"}
    assert [p for p in opened if p.endswith("a.yaml")] == [str(tmp_path / "catalogue/a.yaml")]
