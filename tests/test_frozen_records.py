"""Records written by the version of 2026-12-01 read, check, list and report the same forever.

The sample in tests/data/frozen-records/ is never regenerated (see its README): each output
below was printed by that version for those bytes.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mediatool.cli import cli

FROZEN = Path(__file__).parent / "data" / "frozen-records"
EXPECTED = FROZEN / "expected"
NOW = "2026-12-01T10:00:00+01:00"
WEEKS = ["2026-09-07", "2026-10-12", "2026-11-16", "2026-11-30", "2026-12-07", "2026-12-14"]
MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11"]


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A copy: commands may write locks or a cache, never into the sample itself.
    copy = tmp_path / "frozen"
    shutil.copytree(FROZEN, copy, ignore=shutil.ignore_patterns("expected", "README.md"))
    # git keeps files 0644; a real data folder keeps its records to its owner.
    for path in [copy / "records", *(copy / "records").rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)
    monkeypatch.setenv("MEDIATOOL_NOW", NOW)
    monkeypatch.delenv("MEDIATOOL_DATA", raising=False)
    return copy


def mediatool(folder: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--data", str(folder), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def expected(name: str) -> str:
    return (EXPECTED / name).read_text(encoding="utf-8")


def _record_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("records/")]


def test_check_reads_every_frozen_record_without_error(frozen: Path) -> None:
    # The frozen catalogue predates rules later versions add (a procedure must say what to
    # bring…): those catalogue problems may grow; what is said of the records may not.
    result = CliRunner().invoke(cli, ["--data", str(frozen), "check"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert all(line.startswith(("catalogue/", " ", "OK", "ERREURS"))
               for line in result.output.splitlines() if line.strip()), result.output
    assert _record_lines(result.output) == _record_lines(expected("check.txt"))
    assert "468 enregistrement(s) lus" in result.output


def test_check_gives_the_same_answer_with_and_without_the_cache(frozen: Path) -> None:
    def check(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--data", str(frozen), "check", *args],
                                    catch_exceptions=False)
        return result.exit_code, result.output

    first, again, bypass = check(), check(), check("--no-cache")
    assert first == again == bypass
    assert _record_lines(first[1]) == _record_lines(expected("check.txt"))


@pytest.mark.parametrize("week", WEEKS)
def test_agenda_of_a_frozen_week(frozen: Path, week: str) -> None:
    assert mediatool(frozen, "agenda", "--week", week) == expected(f"agenda-{week}.txt")
    assert mediatool(frozen, "agenda", "--week", week, "--format", "json") == \
        expected(f"agenda-{week}.json")


def _kept(old: object, new: object, where: str = "") -> list[str]:
    """Where `new` lost or changed a figure `old` had: the report may gain keys (its
    JSON contract adds, never renames), never lose or change one."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [f for key, value in old.items()
                for f in (_kept(value, new[key], f"{where}.{key}") if key in new
                          else [f"{where}.{key} missing"])]
    if (isinstance(old, list) and isinstance(new, list) and old
            and all(isinstance(item, dict) and "key" in item for item in old + new)):
        # a breakdown may gain a row (a new situation), matched by its key
        by_key = {item["key"]: item for item in new}
        return [f for item in old
                for f in (_kept(item, by_key[item["key"]], f"{where}[{item['key']}]")
                          if item["key"] in by_key else [f"{where}[{item['key']}] missing"])]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [f for i, (a, b) in enumerate(zip(old, new, strict=True))
                for f in _kept(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where}: {old!r} became {new!r}"]


@pytest.mark.parametrize("month", MONTHS)
def test_report_of_a_frozen_month(frozen: Path, month: str) -> None:
    report = json.loads(mediatool(frozen, "report", "--month", month, "--format", "json"))
    assert _kept(json.loads(expected(f"report-{month}.json")), report) == []
    rows = set(mediatool(frozen, "report", "--month", month, "--format", "csv").splitlines())
    assert [r for r in expected(f"report-{month}.csv").splitlines() if r not in rows] == []


def test_report_of_the_frozen_year(frozen: Path) -> None:
    report = json.loads(mediatool(frozen, "report", "--year", "2026", "--format", "json"))
    assert _kept(json.loads(expected("report-2026.json")), report) == []


def test_calendars_of_the_frozen_records(frozen: Path, tmp_path: Path) -> None:
    out = tmp_path / "ics"
    mediatool(frozen, "export-ics", "--out", str(out))
    names = sorted(p.name for p in (EXPECTED / "ics").iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    match, mismatch, errors = filecmp.cmpfiles(out, EXPECTED / "ics", names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert match == names
