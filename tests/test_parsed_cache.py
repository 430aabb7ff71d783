"""store/parsed_cache.py: a past month's records remembered, exactly as parsing gives them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediatool.cli import cli
from mediatool.core.period import Month
from mediatool.store import parsed_cache, records_cache
from mediatool.store.records import RECORD_KINDS, Store, parse_record_bytes

FROZEN = Path(__file__).parent / "data" / "frozen-records"
NOV, DEC = Month(2026, 11), Month(2026, 12)


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDIATOOL_NO_CACHE", raising=False)
    monkeypatch.setattr(records_cache, "_disabled", set())


@pytest.fixture
def frozen(tmp_path: Path) -> Path:
    copy = tmp_path / "frozen"
    shutil.copytree(FROZEN, copy, ignore=shutil.ignore_patterns("expected", "README.md"))
    for path in [copy / "records", *(copy / "records").rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)
    return copy


def _every_month_file(root: Path) -> list[tuple[str, Month, bytes, str]]:
    store = Store(root)
    return [(kind, month, store.file(kind, month).read_bytes(), store.source(kind, month))
            for kind in RECORD_KINDS for month in store.months(kind)]


def test_every_frozen_file_is_recalled_exactly_as_it_parses(frozen: Path) -> None:
    files = _every_month_file(frozen)
    assert len(files) > 10
    for kind, month, data, source in files:
        assert parsed_cache.recalled(frozen, kind, month, data, source) is None
        records, problems = parse_record_bytes(kind, data, source)
        parsed_cache.remember(frozen, kind, month, data, records, problems)
        assert parsed_cache.recalled(frozen, kind, month, data, source) == (records, problems)


def test_problems_and_hand_written_layouts_are_recalled_too(tmp_path: Path) -> None:
    text = ("---\n# written by hand\nid: C-NOV000001\nevent: call\nat: 2026-11-02T10:00:00.250+01:00\n"
            "by: camille\nquery: \"carte vitale\"\noutcome: resolved\nin_shift: yes\n"
            "duration_min: 5\n...\n"
            "---\nid: C-NOV000002\nevent: call\nat: hier\n...\n"
            "---\n- une liste\n...\n")
    data = text.encode()
    source = "records/calls/2026-11.yaml"
    records, problems = parse_record_bytes("calls", data, source)
    assert records and problems  # one call read, two documents wrong
    parsed_cache.remember(tmp_path, "calls", NOV, data, records, problems)
    assert parsed_cache.recalled(tmp_path, "calls", NOV, data, source) == (records, problems)
    assert records[0].event.at.microsecond == 250_000  # full precision kept


def test_other_bytes_of_the_same_size_are_parsed_again(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _, data, source = _write(tmp_path, "C-NOV000001")
    records, problems = parse_record_bytes("calls", data, source)
    parsed_cache.remember(tmp_path, "calls", NOV, data, records, problems)
    other = data.replace(b"C-NOV000001", b"C-NOV000009")
    assert len(other) == len(data)
    assert parsed_cache.recalled(tmp_path, "calls", NOV, other, source) is None
    store.file("calls", NOV).write_bytes(other)
    [record] = store.read("calls", [NOV])
    assert record.event.id == "C-NOV000009"


@pytest.mark.parametrize("damage", ["unknown field", "wrong date", "unknown event", "no line",
                                    "other key", "problem of another file"])
def test_an_entry_not_exactly_ours_is_not_believed(tmp_path: Path, damage: str) -> None:
    _, data, source = _write(tmp_path, "C-NOV000001")
    records, problems = parse_record_bytes("calls", data, source)
    parsed_cache.remember(tmp_path, "calls", NOV, data, records, problems)
    name = parsed_cache.entry_name("calls", NOV)
    entry = records_cache.read(tmp_path, name, parsed_cache.KIND)
    line, plain = entry["records"][0]
    if damage == "unknown field":
        plain["name"] = "Jeanne Martin"
    elif damage == "wrong date":
        plain["at"] = 20261102
    elif damage == "unknown event":
        plain["event"] = "booked"
    elif damage == "no line":
        entry["records"][0] = [str(line), plain]
    elif damage == "other key":
        entry["key"] = entry["key"].replace("|1|", "|0|", 1) + "x"
    else:
        entry["problems"] = [{"source": "records/calls/2026-10.yaml", "line": 1, "message": "x",
                              "hint": None, "column": None, "severity": "error",
                              "blocking": True}]
    records_cache.write(tmp_path, name, parsed_cache.KIND, entry)
    assert parsed_cache.recalled(tmp_path, "calls", NOV, data, source) is None


def test_only_past_months_are_remembered_and_only_when_asked(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _write(tmp_path, "C-NOV000001")
    _write(tmp_path, "C-DEC000001", DEC)
    cache = tmp_path / ".mediatool" / "cache"
    store.read("calls", [NOV, DEC])
    assert not list(cache.glob("parsed-*.json"))  # nobody asked
    store.remember_before = DEC
    store.read("calls", [NOV, DEC])
    assert sorted(p.name for p in cache.glob("parsed-*.json")) == ["parsed-calls-2026-11.json"]


def test_a_report_reads_the_same_from_the_entries(frozen: Path, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    monkeypatch.setenv("MEDIATOOL_NOW", "2026-12-01T10:00:00+01:00")

    def report(*extra: str) -> str:
        result = CliRunner().invoke(cli, ["--data", str(frozen), "report", "--month", "2026-10",
                                          "--format", "json", *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    first = report()
    entries = sorted(p.name for p in (frozen / ".mediatool" / "cache").glob("parsed-*.json"))
    assert "parsed-appointments-2026-10.json" in entries
    again = report()
    monkeypatch.setenv("MEDIATOOL_NO_CACHE", "1")
    assert first == again == report()
    assert json.loads(first)


def _write(root: Path, ident: str, month: Month = NOV) -> tuple[Path, bytes, str]:
    store = Store(root)
    path = store.file("calls", month)
    path.parent.mkdir(parents=True, exist_ok=True)
    day = f"{month}-02"
    path.write_text(f"---\nid: {ident}\nevent: call\nat: '{day}T10:00:00+01:00'\nby: camille\n"
                    "query: carte vitale\noutcome: resolved\nin_shift: true\nduration_min: 5\n"
                    "...\n", encoding="utf-8")
    path.chmod(0o600)
    return path, path.read_bytes(), store.source("calls", month)



def test_look_ups_over_history_find_the_same_records_in_remembered_files(
        frozen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from mediatool.services.report import CLOSED_DAY, field_in

    def look_ups(store: Store) -> list[list[object]]:
        found = []
        for kind in ("appointments", "paths", "calls"):
            months = store.months(kind)
            every = store.read(kind, months)
            some = {r.event.id for r in every[::3]}
            found.append(store.read_matching(kind, months, *field_in("id", some), locked=False))
            found.append(store.read_matching(kind, months, re.compile(r"\nevent: (\w+)"),
                                             {"cancelled", "closed"}, locked=False))
        found.append(store.read_matching("paths", store.months("paths"), CLOSED_DAY,
                                         {f"2026-{m:02}-{d:02}" for m in range(1, 13)
                                          for d in range(1, 32)}, "closed", locked=False))
        return found

    monkeypatch.setenv("MEDIATOOL_NO_CACHE", "1")
    parsed = look_ups(Store(frozen))
    assert sum(1 for f in parsed if f) >= 5 and sum(map(len, parsed)) > 50
    monkeypatch.delenv("MEDIATOOL_NO_CACHE")
    remembering = Store(frozen)
    remembering.remember_before = DEC
    assert look_ups(remembering) == parsed  # parsed whole, remembered
    assert len(list((frozen / ".mediatool" / "cache").glob("parsed-paths-*.json"))) > 1
    seen = []
    real = parsed_cache.recalled
    monkeypatch.setattr(parsed_cache, "recalled", lambda *a: seen.append(a[2]) or real(*a))
    assert look_ups(Store(frozen)) == parsed  # read back
    assert seen


def test_a_file_with_a_wrong_document_is_looked_up_as_before(tmp_path: Path) -> None:
    from mediatool.core.errors import DataProblems
    from mediatool.services.report import field_in

    path, data, _ = _write(tmp_path, "C-NOV000001")
    path.write_bytes(data + b"---\nid: C-NOV000002\nevent: call\nat: hier\n...\n")
    store = Store(tmp_path)
    store.remember_before = DEC
    [found] = store.read_matching("calls", [NOV], *field_in("id", {"C-NOV000001"}), locked=False)
    assert found.event.id == "C-NOV000001"
    with pytest.raises(DataProblems):
        store.read_matching("calls", [NOV], *field_in("id", {"C-NOV000002"}), locked=False)
