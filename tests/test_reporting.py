"""The report service reads the right files, and only what the period needs."""

import re

import pytest
from conftest import HISTORY, NOVEMBER, REPORT_NOW, november, report_catalogue

from mediatool.core.errors import DataProblems, InvalidInput
from mediatool.core.period import Month
from mediatool.core.report import Period, build_report
from mediatool.services.report import canonical_tally_totals, read_period, resolve_period
from mediatool.store.records import Store


def _month_of(event):
    day = getattr(event, "start", None) or getattr(event, "date", None) or event.at
    return Month.of(day if not hasattr(day, "date") else day.date())


def test_read_period_finds_history_in_other_month_files(tmp_path):
    """Events spread over their real files give the same report as the hand-built one."""
    store = Store(tmp_path)
    expected = build_report(report_catalogue(), november(), NOVEMBER, REPORT_NOW, HISTORY)
    booked = {}
    batches = [(k, r) for k, rs in november().items() for r in rs]
    batches += [(k, r) for k in ("dropins", "calls", "appointments", "paths")
                for r in getattr(HISTORY, k)]
    for kind, record in batches:
        event = record.event
        if kind == "appointments":
            month = booked.setdefault(event.id, _month_of(event))
        elif kind == "paths":
            month = Month(2026, 9) if event.id in ("P-000000", "P-000009") else Month(2026, 11)
        elif kind == "calls" and event.event == "linked":
            month = Month(2026, 12)
        else:
            month = _month_of(event)
        store.append(kind, month, event)
    # A far-away month that must not be parsed: garbage there changes nothing.
    (tmp_path / "records" / "calls" / "2020-01.yaml").write_text("--- [unclosed\n")
    found = read_period(store, NOVEMBER)
    assert build_report(report_catalogue(), found.records, NOVEMBER, REPORT_NOW, found.history) == expected
    # Only the looked-up documents of other months were parsed.
    assert {r.event.id for r in found.history.appointments} == {"A-000005"}
    assert [r.event.id for r in found.history.paths] == ["P-000000"]
    # The trend's months were added up without a YAML parse.
    assert found.history.dropin_totals == {"2026-08": (1, 5, 15), "2026-10": (1, 9, 9)}
    # December owns the week of Monday 30 November: A-9 is looked up in November's file.
    december = Period.month(Month(2026, 12))
    found = read_period(store, december)
    assert {r.event.id for r in found.history.appointments} == {"A-000009"}
    report = build_report(report_catalogue(), found.records, december, REPORT_NOW, found.history)
    assert [h.used for h in report.appointments.half_days
            if h.mediator == "samir" and h.week == "2026-S49"] == [2]


def test_tally_fast_path_falls_back_on_any_other_layout():
    written = ("---\nid: D-000001\nevent: tally\nat: '2026-11-02T17:05:00+01:00'\nby: camille\n"
               "site: centre\ndate: '2026-11-02'\nseen: 10\nrefused: 5\nnote: 'froid : file'\n"
               "...\n")
    assert canonical_tally_totals(written * 3) == (3, 30, 15)
    assert canonical_tally_totals("") == (0, 0, 0)
    for edited in (written.replace("seen: 10", "seen: -1"),
                   written.replace("refused: 5\n", "refused: 5\nextra: 1\n"),
                   written.replace("\n", "\r\n"),
                   written[:-4],
                   written + "# comment\n",
                   written.replace("seen: 10", "seen: 1001")):
        assert canonical_tally_totals(written + edited) is None, edited


def test_read_matching_reports_a_broken_document_with_its_line(tmp_path):
    store = Store(tmp_path)
    path = tmp_path / "records" / "appointments" / "2026-12.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("---\nid: A-000001\nevent: booked\n...\n---\nid: A-000002\nevent: [\n...\n")
    pattern = re.compile(r"^id: (A-\w+)", re.MULTILINE)
    with pytest.raises(DataProblems) as caught:
        store.read_matching("appointments", [Month(2026, 12)], pattern, {"A-000002"})
    assert caught.value.problems[0].location().startswith("records/appointments/2026-12.yaml:8")


@pytest.mark.parametrize("args, message", [
    ({"month": Month(2026, 11), "year": 2026}, "incompatibles"),
    ({"year": 20}, "année invalide"),
])
def test_bad_periods(args, message):
    with pytest.raises(InvalidInput, match=message):
        resolve_period(REPORT_NOW, **args)


def test_default_period_is_the_previous_month():
    assert resolve_period(REPORT_NOW).label == "2026-10"
