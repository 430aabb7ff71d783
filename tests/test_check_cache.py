"""`check`'s per-file cache: reused only for the very same bytes, never a different answer."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from conftest import NOW, PARIS, calls_of

from mediatool.core import checks, days
from mediatool.core.errors import Problem
from mediatool.core.model import (
    Anonymised,
    AppointmentBooked,
    AppointmentCancelled,
    CallRecorded,
    event_to_document,
)
from mediatool.core.period import Month
from mediatool.services.setup import check_folder
from mediatool.store import check_cache, records_cache
from mediatool.store.folder import DataFolder
from mediatool.store.yamltext import dump_document

CACHE = Path(".mediatool") / "cache"
NOV, DEC = Month(2026, 11), Month(2026, 12)


@pytest.fixture(autouse=True)
def _fresh_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATOOL_NOW", NOW)
    monkeypatch.delenv("MEDIATOOL_NO_CACHE", raising=False)
    monkeypatch.setattr(records_cache, "_disabled", set())
    monkeypatch.setattr(records_cache, "_notices", [])
    monkeypatch.setattr(days, "_known", {})
    days._holidays.cache_clear()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def booked(ident: str, start: str, mediator: str = "camille") -> AppointmentBooked:
    return AppointmentBooked(id=ident, event="booked", at=at("2026-11-20T09:00"), by="camille",
                             mediator=mediator, kind="demarche", start=at(start),
                             duration_min=45, person="Léa Martin")


def call(ident: str, moment: str, by: str = "camille") -> CallRecorded:
    return CallRecorded(id=ident, event="call", at=at(moment), by=by, outcome="resolved",
                        in_shift=True, duration_min=5)


def text_of(*events: object) -> str:
    return "".join(dump_document(event_to_document(e)) for e in events)


def write(folder: Path, kind: str, month: Month, *events: object, append: bool = False) -> Path:
    path = folder / "records" / kind / f"{month}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a" if append else "w", encoding="utf-8") as handle:
        handle.write(text_of(*events))
    return path


def outcomes(folder: Path, kind: str) -> list[str]:
    store = DataFolder(folder).store
    team = DataFolder(folder).catalogue.team
    return [o.how for o in check_cache.summaries(store, kind, team)]


def answer(folder: Path, use_cache: bool = True) -> tuple[list[Problem], int]:
    result = check_folder(DataFolder(folder), use_cache=use_cache)
    return [p for p in result.problems if p.source.startswith("records/")], result.record_count


def assert_same_as_without_cache(folder: Path) -> list[Problem]:
    cached = answer(folder)
    assert cached == answer(folder, use_cache=False)
    return cached[0]


@pytest.fixture
def history(folder: Path) -> Path:
    write(folder, "appointments", NOV, booked("A-NOV000001", "2026-11-24T14:00"),
          booked("A-NOV000002", "2026-11-26T09:00"))
    write(folder, "appointments", DEC, booked("A-DEC000001", "2026-12-08T14:00"))
    write(folder, "calls", NOV, call("C-NOV000001", "2026-11-24T10:00"))
    return folder


def test_unchanged_files_are_read_from_the_cache_with_the_same_answer(history: Path) -> None:
    first = answer(history)
    assert outcomes(history, "appointments") == ["cached", "cached"]
    assert answer(history) == first == answer(history, use_cache=False)
    assert first[1] == 4
    entries = sorted(p.name for p in (history / CACHE).glob("check-*.json"))
    assert entries == ["check-appointments-2026-11.json", "check-appointments-2026-12.json",
                       "check-calls-2026-11.json", "check-distinct.json",
                       "check-state-appointments-2026-11.json",
                       "check-state-appointments-2026-12.json"]


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record files read from now on (by `check`'s cache)."""
    return calls_of(monkeypatch, check_cache, "read_record_file")


def test_a_file_unchanged_since_well_before_it_was_hashed_is_not_even_read(
        history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = answer(history)
    read = _reads(monkeypatch)
    # Just written: a change in the same clock tick could keep the status, so it is hashed.
    assert answer(history) == first and len(read) == 3
    monkeypatch.setattr(check_cache, "RACY_NS", 0)  # as if written long before
    answer(history)
    read.clear()
    assert answer(history) == first and read == []
    # Same size, same mtime, other bytes: the status (ctime) tells, the file is read again.
    path = history / "records" / "calls" / f"{NOV}.yaml"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("C-NOV000001", "C-NOV000009"),
                    encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert outcomes(history, "calls") == ["validated"]


def test_a_missing_or_damaged_state_file_gives_the_same_answer(history: Path) -> None:
    # Three half-days in one week for camille: the cap rule needs the appointments.
    write(history, "appointments", DEC, booked("A-DEC000002", "2026-12-08T09:00"),
          booked("A-DEC000003", "2026-12-09T09:00"), append=True)
    expected = answer(history, use_cache=False)
    assert any("plafond" in p.message or "demi-journ" in p.message for p in expected[0])
    answer(history)
    (history / CACHE / "check-state-appointments-2026-12.json").unlink()
    assert answer(history) == expected
    damaged = history / CACHE / "check-state-appointments-2026-11.json"
    damaged.write_bytes(damaged.read_bytes().replace(b"A-NOV000001", b"A-NOV000003"))
    assert answer(history) == expected


def test_a_new_file_is_validated_and_the_others_kept(history: Path) -> None:
    answer(history)
    write(history, "appointments", Month(2027, 1), booked("A-JAN000001", "2027-01-05T14:00"))
    assert outcomes(history, "appointments") == ["cached", "cached", "validated"]


def test_appended_documents_alone_are_validated_at_their_lines_in_the_file(
        history: Path) -> None:
    answer(history)
    path = write(history, "appointments", DEC, booked("A-DEC000002", "2026-12-10T09:00",
                                                      mediator="nobody"), append=True)
    with open(path, "a", encoding="utf-8") as handle:  # a record typed by hand, wrong
        handle.write("---\nid: A-DEC000003\nevent: booked\n...\n")
    assert outcomes(history, "appointments") == ["cached", "appended"]
    found = assert_same_as_without_cache(history)
    lines = path.read_text(encoding="utf-8").splitlines()
    unknown = [p for p in found if "médiateur inconnu « nobody »" in p.message]
    assert len(unknown) == 1 and unknown[0].line is not None
    assert lines[unknown[0].line - 1:unknown[0].line + 1] == ["---", "id: A-DEC000002"]
    invalid = [p for p in found if p.is_error and p.source.endswith("2026-12.yaml")]
    assert invalid and all(p.line is not None and lines[p.line - 1] in ("---", "id: A-DEC000003")
                           and p.line > unknown[0].line for p in invalid)
    # Validated again from the cache: the appended part is remembered too.
    assert outcomes(history, "appointments") == ["cached", "cached"]


def test_appended_events_continue_the_fold_of_the_file(history: Path) -> None:
    answer(history)
    cancel = AppointmentCancelled(id="A-DEC000001", event="cancelled",
                                  at=at("2026-12-05T09:00"), by="camille", by_person=True)
    write(history, "appointments", DEC, cancel, append=True)
    answer(history)
    write(history, "appointments", DEC, cancel, append=True)  # folded on the cached state
    assert outcomes(history, "appointments") == ["cached", "appended"]
    found = assert_same_as_without_cache(history)
    assert [p.message for p in found if "impossible" in p.message] == [
        "A-DEC000001 : « cancelled » impossible, le rendez-vous est déjà annulé (excusé)"]


def test_an_anonymisation_appended_validates_the_whole_file(history: Path) -> None:
    answer(history)
    write(history, "appointments", DEC, Anonymised(id="A-DEC000001", event="anonymised",
                                                   at=at("2026-12-06T09:00"), by="camille"),
          append=True)
    assert outcomes(history, "appointments") == ["cached", "validated"]
    found = assert_same_as_without_cache(history)
    assert any("anonymisé mais" in p.message for p in found)


def test_a_file_changed_before_its_old_end_is_validated_whole(history: Path) -> None:
    answer(history)
    path = history / "records" / "appointments" / "2026-11.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("mediator: camille\n",
                                                             "mediator: dominique\n", 1)
                    + text_of(booked("A-NOV000003", "2026-11-26T10:00")), encoding="utf-8")
    assert outcomes(history, "appointments") == ["validated", "cached"]
    found = assert_same_as_without_cache(history)
    assert any("médiateur inconnu « dominique »" in p.message for p in found)


def test_same_size_and_mtime_with_other_bytes_is_caught_by_the_hash(history: Path) -> None:
    answer(history)
    path = history / "records" / "appointments" / "2026-11.yaml"
    before = path.stat()
    data = path.read_bytes()
    changed = data.replace(b"mediator: camille\n", b"mediator: camilo!\n", 1)
    assert len(changed) == len(data) and changed != data
    path.write_bytes(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size,
                                                               before.st_mtime_ns)
    found = assert_same_as_without_cache(history)
    assert any("médiateur inconnu « camilo! »" in p.message for p in found)


def _entry(folder: Path, name: str = "check-appointments-2026-11.json") -> Path:
    return folder / CACHE / name


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "checksum"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(history: Path, damage: str) -> None:
    first = answer(history)
    entry = _entry(history)
    data = entry.read_bytes()
    entry.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"\x00\xffnot json",
                       "empty": b"",
                       "checksum": data.replace(b"A-NOV000001", b"A-NOV000009")}[damage])
    assert outcomes(history, "appointments") == ["validated", "cached"]
    assert answer(history) == first
    assert outcomes(history, "appointments") == ["cached", "cached"]


@pytest.mark.parametrize("field, value", [("summary_version", checks.SUMMARY_VERSION + 1),
                                          ("code", "0.0.0-other"), ("summary", {"kind": 1})])
def test_an_entry_of_another_version_is_ignored_and_rebuilt(history: Path, field: str,
                                                            value: object) -> None:
    answer(history)
    name = "check-appointments-2026-11.json"
    stored = records_cache.read(history, name, check_cache.KIND)
    assert records_cache.write(history, name, check_cache.KIND, {**stored, field: value})
    assert outcomes(history, "appointments") == ["validated", "cached"]


def test_no_cache_neither_reads_nor_writes_the_entries(history: Path) -> None:
    answer(history, use_cache=False)
    assert not list((history / CACHE).glob("check-*.json"))
    # An entry saying "nothing wrong" for a file that is wrong: --no-cache never reads it.
    write(history, "appointments", NOV, booked("A-NOV000001", "2026-11-24T14:00",
                                               mediator="nobody"))
    answer(history)
    name = "check-appointments-2026-11.json"
    stored = records_cache.read(history, name, check_cache.KIND)
    stored["summary"]["refs"] = {}
    records_cache.write(history, name, check_cache.KIND, stored)
    assert not any("nobody" in p.message for p in answer(history)[0])
    assert any("nobody" in p.message for p in answer(history, use_cache=False)[0])


def test_folder_wide_rules_still_fire_with_a_warm_cache(history: Path) -> None:
    answer(history)
    # A call id copied into another month, a third half-day in the week of 30 November
    # filed in November while the other two are in December, a booking of November
    # cancelled in the December file.
    write(history, "calls", DEC, call("C-NOV000001", "2026-12-01T10:00"))
    write(history, "appointments", NOV, booked("A-NOV000004", "2026-11-30T09:00"),
          append=True)
    write(history, "appointments", DEC, booked("A-DEC000004", "2026-12-01T14:00"),
          booked("A-DEC000005", "2026-12-03T09:00"),
          AppointmentCancelled(id="A-NOV000002", event="cancelled", at=at("2026-11-25T09:00"),
                               by="camille", by_person=True), append=True)
    for _ in range(2):  # after the change, then with every file cached
        found = assert_same_as_without_cache(history)
        messages = [p.message for p in found]
        assert any("identifiant C-NOV000001 déjà utilisé" in m for m in messages)
        assert any(m.startswith("plafond dépassé") and "A-NOV000004" in m
                   and "A-DEC000005" in m for m in messages)
        assert not any("inconnu A-NOV000002" in m for m in messages)
    assert outcomes(history, "appointments") == ["cached", "cached"]
    cancel_again = AppointmentCancelled(id="A-NOV000002", event="cancelled",
                                        at=at("2026-11-25T10:00"), by="camille",
                                        by_person=True)
    write(history, "appointments", Month(2027, 1), cancel_again)
    found = assert_same_as_without_cache(history)
    assert any("A-NOV000002 : « cancelled » impossible" in p.message for p in found)


def test_overlaps_across_files_are_found_from_the_summaries(history: Path) -> None:
    answer(history)
    # Filed by hand in January, but on 8 December at the time of A-DEC000001.
    write(history, "appointments", Month(2027, 1), booked("A-JAN000001", "2026-12-08T14:30"))
    answer(history)
    found = assert_same_as_without_cache(history)
    assert any("se chevauchent" in p.message and "A-DEC000001" in p.message
               and "A-JAN000001" in p.message for p in found)


def test_entries_hold_json_only_and_the_same_summary(history: Path) -> None:
    answer(history)
    raw = json.loads(_entry(history).read_bytes())
    summary = checks.FileSummary.from_data(raw["data"]["summary"])
    assert summary is not None and checks._words(summary.created) == ["A-NOV000001", "A-NOV000002"]
    assert checks.FileSummary.from_data({"kind": "appointments"}) is None


def test_a_new_half_day_boundary_in_team_yaml_counts_the_cached_weeks_again(
        folder: Path) -> None:
    write(folder, "appointments", DEC, booked("A-DEC000001", "2026-12-15T14:00"),
          booked("A-DEC000002", "2026-12-17T09:00"), booked("A-DEC000003", "2026-12-17T11:30"))
    assert not any(p.message.startswith("plafond") for p in answer(folder)[0])
    team = folder / "catalogue" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace(
        'halfday_boundary: "13:00"', 'halfday_boundary: "11:00"'), encoding="utf-8")
    assert outcomes(folder, "appointments") == ["cached"]
    found = assert_same_as_without_cache(folder)
    assert [p.is_error for p in found if p.message.startswith("plafond dépassé")] == [True]


def test_an_id_booked_in_two_months_is_reported_with_a_warm_cache(history: Path) -> None:
    answer(history)
    write(history, "appointments", Month(2027, 1), booked("A-NOV000001", "2027-01-05T14:00"))
    for _ in range(2):
        found = assert_same_as_without_cache(history)
        assert [p.source for p in found if "A-NOV000001 réservé deux fois" in p.message] == [
            "records/appointments/2027-01.yaml"]


def test_rules_of_the_later_tracks_hold_with_a_warm_cache(history: Path, monkeypatch) -> None:
    # Misfiled records, a waiting entry naming an unknown mediator and its deadline passing,
    # a tally replacing one of another day: each said the same from a warm cache.
    from mediatool.core.model import DropinTally, WaitAdded

    write(history, "appointments", NOV, booked("A-MIS000001", "2026-12-10T14:00"),
          append=True)  # starts in December, filed in November
    write(history, "waitlist", DEC, WaitAdded(
        id="W-DEC000001", event="added", at=at("2026-12-02T10:00"), by="camille",
        person="Léa Martin", kind="demarche", mediator="nobody",
        procedure="caf-prime-activite", before=dt.date(2026, 12, 9)))
    write(history, "dropins", NOV,
          DropinTally(id="D-NOV000001", event="tally", at=at("2026-11-30T17:00"), by="camille",
                      site="centre", date=dt.date(2026, 11, 30), seen=3, refused=1),
          DropinTally(id="D-NOV000002", event="tally", at=at("2026-11-30T17:05"), by="camille",
                      site="centre", date=dt.date(2026, 11, 23), seen=4, refused=1,
                      replaces=("D-NOV000001",)))
    first = assert_same_as_without_cache(history)
    assert outcomes(history, "waitlist") == ["cached"]  # warm from here on
    said = [p.message for p in assert_same_as_without_cache(history)]
    assert said == [p.message for p in first]
    assert any("A-MIS000001 est rangé dans le mauvais mois" in m for m in said)
    assert any("médiateur inconnu « nobody »" in m for m in said)
    assert any("remplace D-NOV000001" in m for m in said)
    assert not any("échéance" in m for m in said)
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-10T10:00:00+01:00")  # the deadline passed
    later = [p.message for p in assert_same_as_without_cache(history)]
    assert any("W-DEC000001 : échéance du 09/12/2026 dépassée" in m for m in later)


def test_an_id_used_twice_in_one_file_and_again_in_another_is_named_each_time(
        history: Path) -> None:
    write(history, "calls", NOV, call("C-NOV000001", "2026-11-25T10:00"), append=True)
    write(history, "calls", DEC, call("C-NOV000001", "2026-12-01T10:00"),
          call("C-DEC000001", "2026-12-01T11:00"))
    for _ in range(2):  # validated, then from the cache
        found = assert_same_as_without_cache(history)
        duplicates = sorted((p.source, p.message) for p in found if "déjà utilisé" in p.message)
        assert [source for source, _ in duplicates] == [f"records/calls/{NOV}.yaml",
                                                        f"records/calls/{DEC}.yaml"]
        assert all(f"(records/calls/{NOV}.yaml:1)" in message for _, message in duplicates)


def test_a_summary_reads_back_as_it_was_written_refs_usage_and_ids_packed() -> None:
    # Values typed by hand may hold spaces or the separators of the packed texts.
    summary = checks.FileSummary(
        "calls", "records/calls/2026-12.yaml", count=3,
        refs={"procedure": {"caf-rsa": [4, 19], "carte | grise": [7]}, "mediator": {"m 1": [4]}},
        ids=["C-1", "C-2"], id_lines=[4, 19],
        usage=[("m 1", 2026, 49, 5), ("m2", 2026, 50, 1), ("m 1", 2026, 50, 2)])
    data = json.loads(json.dumps(summary.to_data()))
    back = checks.FileSummary.from_data(data)
    assert back is not None
    assert {w: {v: checks._lines(n) for v, n in values.items()}
            for w, values in back.refs.items()} == summary.refs
    assert back.usage == summary.usage and checks._words(back.ids) == summary.ids
    assert checks._lines(back.id_lines) == [4, 19]
    assert json.loads(json.dumps(back.to_data())) == data  # written again unchanged
    for damage in ({"ids": ["C-1 C-2", "4"]}, {"usage": [["m 1"], [0, 2026, 49]]},
                   {"usage": [["m 1"], [-1, 2026, 49, 5]]},
                   {"usage": [["m 1"], [0, 2026, 49, "5"]]},
                   {"refs": {"procedure": [["caf-rsa", "x"], "4 19"]}},
                   {"refs": {"nothing": [["caf-rsa"], "4"]}}):
        assert checks.FileSummary.from_data({**data, **damage}) is None, damage


def test_an_id_used_twice_is_found_though_the_ids_were_once_found_distinct(
        history: Path) -> None:
    """The remembered answer is keyed on the very ids: a copy of an id into another month
    (a merge) is found on the next check, warm cache or not, and the unchanged folder is
    not gone through again."""
    answer(history)
    kept = records_cache.read(history, check_cache.DISTINCT_NAME, check_cache.DISTINCT_KIND)
    assert kept and all(len(k) == 40 for k in kept)
    calls = []
    real = checks._distinct
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "_distinct", lambda groups: calls.append(1) or real(groups))
        answer(history)
        assert calls == []  # unchanged: answered from the remembered keys
        write(history, "calls", DEC, call("C-NOV000001", "2026-12-01T10:00"))
        problems = answer(history)[0]
        assert calls  # the ids changed: gone through
    assert any("C-NOV000001 déjà utilisé" in p.message for p in problems)
    assert answer(history)[0] == answer(history, use_cache=False)[0]


def test_a_forged_distinct_key_file_is_not_trusted(history: Path) -> None:
    answer(history)
    path = history / ".mediatool" / "cache" / check_cache.DISTINCT_NAME
    path.write_text(path.read_text().replace('"data":[', '"data":["0",'))
    assert check_cache.distinct_keys(check_cache.Store(history)) == frozenset()
