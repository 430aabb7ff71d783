"""The report core: every figure of a small hand-built month, counted by hand below."""

import datetime as dt

import pytest
from conftest import (
    APPOINTMENTS,
    HISTORY,
    NOVEMBER,
    REPORT_NOW,
    november,
    records,
    report_catalogue,
)

from mediatool.core.period import Month
from mediatool.core.report import History, Period, build_report, detail_rows, duration_buckets


def counts(items):
    return {c.key: c.value for c in items}


@pytest.fixture(scope="module")
def report():
    return build_report(report_catalogue(), november(), NOVEMBER, REPORT_NOW, HISTORY)


def test_phone_line(report):
    phone = report.phone
    # C-1..C-6 and C-8: seven calls; C-4 and C-8 outside the shifts.
    assert (phone.calls, phone.in_shift, phone.outside_shift) == (7, 5, 2)
    # C-2 has no shift label: found from its time (Tuesday 10:05).
    assert counts(phone.by_shift) == {"mardi 09:30-12:00": 5}
    # Durations 10, 25, 30, 5, 12 (C-4 and C-8 have none): mean 82/5, median 12.
    assert (phone.durations_known, phone.duration_mean_min, phone.duration_median_min) == (
        5, 16.4, 12.0)
    assert counts(phone.duration_buckets) == {"lt_30": 4, "30_60": 1, "60_120": 0, "ge_120": 0}
    assert counts(phone.outcomes) == {"dropin": 1, "appointment": 3, "redirect": 2,
                                      "resolved": 1, "other": 0}
    assert [(c.key, c.value) for c in phone.top_procedures] == [
        ("ants-carte-grise", 2), ("caf-prime-activite", 2), ("attestation-caf", 1),
        ("conseil-juridique", 1)]
    assert phone.top_procedures[0].label == "Faire sa carte grise"
    # C-2's theme comes from its procedure; C-8 has neither.
    assert [(c.key, c.value) for c in phone.themes] == [
        ("social-sante", 3), ("transports-mobilite", 2), ("(non précisé)", 1), ("justice", 1)]
    assert [(c.key, c.value) for c in phone.redirections] == [("caf", 1), ("point-justice", 1)]
    # C-1 booked during the call, C-5 linked later (December file), C-6 via from_call.
    assert phone.became_appointments == 3
    assert phone.became_appointments_rate == round(3 / 7, 4)
    # attended; A-3 was a no-show.
    assert phone.appointments_attended == 2


def test_appointments(report):
    appts = report.appointments
    # A-1, 2, 3, 4, 6, 7, 8, 9 start in November; do not.
    assert appts.booked == 8
    assert counts(appts.situations) == {"booked": 2, "attended": 2, "excused": 1, "revoked": 1,
                                        "no_show": 1, "to_fill": 1, "rescheduled": 0}
    kinds = {b.key: (b.total, counts(b.situations)) for b in appts.by_kind}
    assert kinds == {
        "demarche": (6, {"booked": 2, "attended": 1, "excused": 1, "revoked": 1,
                         "no_show": 1, "to_fill": 0, "rescheduled": 0}),
        "usage": (2, {"booked": 0, "attended": 1, "excused": 0, "revoked": 0,
                      "no_show": 0, "to_fill": 1, "rescheduled": 0})}
    mediators = {b.key: (b.total, counts(b.situations)) for b in appts.by_mediator}
    assert mediators == {
        "camille": (4, {"booked": 0, "attended": 1, "excused": 1, "revoked": 1,
                        "no_show": 1, "to_fill": 0, "rescheduled": 0}),
        "samir": (4, {"booked": 2, "attended": 1, "excused": 0, "revoked": 0,
                      "no_show": 0, "to_fill": 1, "rescheduled": 0})}
    # Attended: A-1 (45 min) and A-4 (60 min).
    assert counts(appts.attended_duration_buckets) == {"lt_30": 0, "30_60": 1, "60_120": 1,
                                                       "ge_120": 0}


def test_half_days_per_week_against_the_cap(report):
    appts = report.appointments
    assert appts.cap == 2
    used = {(h.mediator, h.week): h.used for h in appts.half_days}
    # Weeks whose Thursday is in November; S44 (Thursday 29 Oct) and S49 (3 Dec) are not.
    assert sorted({w for _, w in used}) == ["2026-S45", "2026-S46", "2026-S47", "2026-S48"]
    # camille: A-1 in S45 (A-2 cancelled frees its half-days); A-8 revoked; A-3 (a no-show
    # still held its slot) in S48.
    assert [used[("camille", f"2026-S{w}")] for w in range(45, 49)] == [1, 0, 0, 1]
    # samir: A-4 (10 Nov afternoon) + A-6 (12 Nov 12:30-13:30: both half-days) = 3 in S46;
    # A-7 in S48.
    assert [used[("samir", f"2026-S{w}")] for w in range(45, 49)] == [0, 3, 0, 1]
    over = [(h.mediator, h.week) for h in appts.half_days if h.over_cap]
    assert over == [("samir", "2026-S46")]


def test_a_week_straddling_two_months_is_counted_whole():
    """December owns S49 (Thursday 3 Dec), which starts on Monday 30 November."""
    december = Period.month(Month(2026, 12))
    report = build_report(report_catalogue(), {"appointments": [*HISTORY.appointments]}, december,
                          REPORT_NOW, History(appointments=records("appointments", APPOINTMENTS)))
    used = {(h.mediator, h.week): h.used for h in report.appointments.half_days}
    assert sorted({w for _, w in used}) == ["2026-S49", "2026-S50", "2026-S51", "2026-S52",
                                            "2026-S53"]
    # samir: A-9 (30 Nov morning, November file) + A-10 (1 Dec afternoon); camille: A-5.
    assert (used[("samir", "2026-S49")], used[("camille", "2026-S49")]) == (2, 1)
    assert report.appointments.booked == 2  # start in December


def test_paths(report):
    paths = report.paths
    assert (paths.opened, paths.sessions_agreed) == (2, 7)
    # P-2 closed in November; P-0 (opened in September) too; P-9 closed in October.
    assert paths.closed == 2
    assert paths.sessions_done == 1  # A-4; A-6 is still to fill
    assert counts(paths.skills_reached) == {"2.1": 1, "mail-creer": 1}
    # mail-creer is a practical skill of Pix 2.1: both count in its area.
    assert counts(paths.skills_by_area) == {"Communication et collaboration": 2}


def test_dropins_and_their_trend(report):
    drops = report.dropins
    assert (drops.sessions, drops.seen, drops.refused) == (3, 24, 7)
    assert drops.refusal_rate == round(7 / 31, 4)
    sites = {f.key: (f.sessions, f.seen, f.refused, f.refusal_rate) for f in drops.by_site}
    assert sites == {"centre": (2, 18, 7, 0.28), "nord": (1, 6, 0, 0.0)}
    # From the first month with a tally (August) to November; September had none.
    trend = [(f.key, f.sessions, f.seen, f.refused, f.refusal_rate) for f in drops.trend]
    assert trend == [("2026-08", 1, 5, 15, 0.75), ("2026-09", 0, 0, 0, None),
                     ("2026-10", 1, 9, 9, 0.5), ("2026-11", 3, 24, 7, round(7 / 31, 4))]


def test_empty_period_is_a_report_of_zeros():
    empty = build_report(report_catalogue(), {}, Period.month(Month(2030, 2)), REPORT_NOW)
    assert empty.phone.calls == 0 and empty.phone.duration_mean_min is None
    assert empty.phone.became_appointments_rate is None
    assert empty.appointments.booked == 0
    assert all(h.used == 0 and not h.over_cap for h in empty.appointments.half_days)
    assert empty.paths.opened == empty.paths.closed == 0
    assert (empty.dropins.sessions, empty.dropins.refusal_rate) == (0, None)
    assert [f.key for f in empty.dropins.trend] == ["2030-02"]


def test_a_shorter_period_keeps_only_its_days():
    week = Period.between(dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    part = build_report(report_catalogue(), november(), week, REPORT_NOW, HISTORY)
    assert part.phone.calls == 2  # C-1 and C-2 on 3 November
    assert part.appointments.booked == 2  # on 5 November
    assert part.dropins.seen == 10
    assert [h.week for h in part.appointments.half_days if h.mediator == "camille"] == [
        "2026-S45"]
    # Two days without a Thursday: the week they touch.
    days = Period.between(dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    assert {h.week for h in build_report(report_catalogue(), november(), days, REPORT_NOW)
            .appointments.half_days} == {"2026-S45"}


def test_duration_buckets_bounds():
    assert [c.value for c in duration_buckets([0, 29, 30, 59, 60, 119, 120, 240])] == [
        2, 2, 2, 2]


def test_detail_has_no_personal_data():
    rows = detail_rows(report_catalogue(), november(), NOVEMBER, REPORT_NOW, HISTORY)
    assert [r.type for r in rows].count("appel") == 7
    assert [r.type for r in rows].count("rendez-vous") == 8
    text = repr(rows)
    for personal in ("Nadia", "06 39 98", "Odette"):
        assert personal not in text
    first_call = next(r for r in rows if r.id == "C-000001")
    assert (first_call.date, first_call.time, first_call.link) == ("2026-11-03", "09:40",
                                                                   "A-000001")
    a3 = next(r for r in rows if r.id == "A-000003")
    assert (a3.status, a3.link, a3.theme) == ("no_show", "C-000006", "")


def test_wilson_and_newcombe_match_published_values():
    from mediatool.core.experiment import Estimate, mean_interval, newcombe, wilson

    # Newcombe (1998), table II example: 81/263 gives 0.2553–0.3662 (Wilson)
    w = wilson(81, 263)
    assert (round(w.low, 4), round(w.high, 4)) == (0.2553, 0.3662)
    # Newcombe (1998), example (a): 56/70 − 48/80, hybrid score 0.0524 to 0.3339
    d = newcombe(wilson(56, 70), wilson(48, 80))
    assert (round(d.low, 4), round(d.high, 4)) == (0.0524, 0.3339)
    assert wilson(0, 0) == Estimate(None, None, None)
    assert mean_interval([5]).low is None and mean_interval([]).value is None
    m = mean_interval([4, 6])  # t(1) = 12.706, sd = 1.414, n = 2
    assert m.value == 5 and m.high == pytest.approx(5 + 12.706 * 2 ** 0.5 / 2 ** 0.5)


def test_verdict_never_says_more_than_the_figures():
    from mediatool.core.experiment import Estimate, Side, verdict

    def side(months):
        return Side("k", "k", NOVEMBER.first, NOVEMBER.last, months, months, (), 10, 90, 10,
                    Estimate(0.1, 0.05, 0.15), Estimate(None, None, None),
                    Estimate(None, None, None), ())

    assert verdict(side(2), side(5), Estimate(-0.2, -0.3, -0.1)).startswith("Trop peu")
    assert verdict(side(3), side(4), Estimate(-0.2, -0.3, -0.1)).startswith(
        "Baisse significative")
    assert verdict(side(3), side(4), Estimate(-0.02, -0.1, 0.05)).startswith(
        "Pas de différence mesurable avec 4 mois de recul")
    assert verdict(side(3), side(4), Estimate(0.2, 0.1, 0.3)).startswith("Hausse significative")
