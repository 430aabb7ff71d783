"""The booking rules on a table of cases: hours, days off, overlap, the half-day cap, DST."""

import datetime as dt

import pytest
from conftest import PARIS, paris

from mediatool.core.model import Caps, DateRange, Mediator, Team, WeeklySlot
from mediatool.core.scheduling import (
    cap_breaches,
    free_slots,
    half_days_of,
    overlaps,
    refusal,
    week_usage,
)
from mediatool.core.state import Appointment

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")

# Ana works every weekday 09:00-17:30 (so the cap, not the hours, is what limits her);
# Bo only on Tuesday afternoons. The service closes from Christmas Eve to New Year's Day.
TEAM = Team(
    service="Test",
    mediators=(
        Mediator(id="ana", name="Ana", site="centre",
                 hours=tuple(WeeklySlot(d, dt.time(9), dt.time(17, 30)) for d in WEEKDAYS),
                 absences=(DateRange(dt.date(2027, 2, 15), dt.date(2027, 2, 19), "Congés"),)),
        Mediator(id="bo", name="Bo", hours=(WeeklySlot("mardi", dt.time(14), dt.time(16)),)),
    ),
    closures=(DateRange(dt.date(2026, 12, 24), dt.date(2027, 1, 1), "Fin d'année"),),
)
NOW = paris(2026, 12, 7, 8)  # the fixed Monday, before the first shift opens


def at(text: str) -> dt.datetime:
    """Local time in Paris unless the text carries its own offset."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def appt(ident: str, start: str, minutes: int = 45, mediator: str = "ana",
         status: str = "booked") -> Appointment:
    return Appointment(id=ident, mediator=mediator, kind="demarche", start=at(start),
                       duration_min=minutes, person="X", phone=None, procedure=None, path=None,
                       site=None, from_call=None, note=None, booked_at=NOW,
                       status=status)  # type: ignore[arg-type]


CASES = [
    # (case, existing appointments, candidate start, minutes, now, expected rule)
    ("free slot", [], "2026-12-08T14:00", 45, NOW, None),
    ("in the past", [], "2026-12-07T07:00", 45, NOW, "past"),
    ("Christmas is a holiday before being a closure", [], "2026-12-25T10:00", 45, NOW,
     "holiday"),
    ("New Year's Day is a holiday", [], "2027-01-01T10:00", 45, NOW, "holiday"),
    ("closure between the holidays", [], "2026-12-28T10:00", 45, NOW, "closure"),
    ("Armistice", [], "2026-11-11T10:00", 45, at("2026-11-01T08:00"), "holiday"),
    ("absence", [], "2027-02-17T10:00", 45, NOW, "absence"),
    ("before opening", [], "2026-12-08T08:30", 45, NOW, "hours"),
    ("ends after closing", [], "2026-12-08T17:00", 45, NOW, "hours"),
    ("ends exactly at closing", [], "2026-12-08T16:45", 45, NOW, None),
    ("saturday", [], "2026-12-12T10:00", 45, NOW, "hours"),
    ("overlaps", [appt("A-1", "2026-12-08T14:00")], "2026-12-08T14:30", 45, NOW, "overlap"),
    ("starts when the other ends", [appt("A-1", "2026-12-08T14:00")], "2026-12-08T14:45", 45,
     NOW, None),
    ("ends when the other starts", [appt("A-1", "2026-12-08T14:00")], "2026-12-08T13:15", 45,
     NOW, None),
    ("cancelled one does not overlap", [appt("A-1", "2026-12-08T14:00", status="cancelled")],
     "2026-12-08T14:00", 45, NOW, None),
    ("another mediator's does not overlap", [appt("A-1", "2026-12-08T14:00", mediator="bo")],
     "2026-12-08T14:00", 45, NOW, None),
    ("third half-day", [appt("A-1", "2026-12-07T09:00"), appt("A-2", "2026-12-08T14:00")],
     "2026-12-09T10:00", 45, NOW, "cap"),
    ("inside a used half-day", [appt("A-1", "2026-12-07T09:00"),
                                appt("A-2", "2026-12-08T14:00")],
     "2026-12-08T15:00", 45, NOW, None),
    ("other half of a used day", [appt("A-1", "2026-12-07T09:00"),
                                  appt("A-2", "2026-12-08T14:00")],
     "2026-12-07T14:00", 45, NOW, "cap"),
    ("cancellation frees its half-day",
     [appt("A-1", "2026-12-07T09:00", status="cancelled"), appt("A-2", "2026-12-08T14:00")],
     "2026-12-09T10:00", 45, NOW, None),
    ("attended and no-show still count",
     [appt("A-1", "2026-12-07T09:00", status="attended"),
      appt("A-2", "2026-12-07T14:00", status="no_show")], "2026-12-09T10:00", 45, NOW, "cap"),
    ("12:15-13:00 stays in the morning", [appt("A-1", "2026-12-07T09:00"),
                                          appt("A-2", "2026-12-08T09:00")],
     "2026-12-08T12:15", 45, NOW, None),
    ("13:00 is the afternoon", [appt("A-1", "2026-12-07T09:00"),
                                appt("A-2", "2026-12-08T09:00")],
     "2026-12-08T13:00", 45, NOW, "cap"),
    ("crossing 13:00 takes both half-days", [appt("A-1", "2026-12-07T09:00")],
     "2026-12-08T12:30", 60, NOW, "cap"),
    ("crossing 13:00 fits when nothing else", [], "2026-12-08T12:30", 60, NOW, None),
    ("next ISO week starts afresh", [appt("A-1", "2026-12-10T09:00"),
                                     appt("A-2", "2026-12-11T14:00")],
     "2026-12-14T09:00", 45, NOW, None),
    ("sunday ends the week", [appt("A-1", "2026-12-14T09:00"), appt("A-2", "2026-12-15T14:00")],
     "2026-12-11T09:00", 45, NOW, None),
    ("week spanning November and December",
     [appt("A-1", "2026-11-30T09:00"), appt("A-2", "2026-12-01T09:00")],
     "2026-12-03T14:00", 45, at("2026-11-29T08:00"), "cap"),
    ("the previous week is another week",
     [appt("A-1", "2026-11-30T09:00"), appt("A-2", "2026-12-01T09:00")],
     "2026-11-27T14:00", 45, at("2026-11-23T08:00"), None),
    ("DST March 2026: week before the change",
     [appt("A-1", "2026-03-23T09:00+01:00"), appt("A-2", "2026-03-27T14:00+01:00")],
     "2026-03-25T10:00", 45, at("2026-03-01T08:00"), "cap"),
    ("DST March 2026: week after the change is new",
     [appt("A-1", "2026-03-23T09:00+01:00"), appt("A-2", "2026-03-27T14:00+01:00")],
     "2026-03-30T14:00", 45, at("2026-03-01T08:00"), None),
    ("DST October 2026: 14:00 stored in UTC is an afternoon",
     [appt("A-1", "2026-10-26T13:00+00:00"), appt("A-2", "2026-10-20T09:00+02:00")],
     "2026-10-26T15:00", 45, at("2026-10-01T08:00"), None),
    ("DST October 2026: the summer offset counts the same week",
     [appt("A-1", "2026-10-19T09:00+02:00"), appt("A-2", "2026-10-23T14:00+02:00")],
     "2026-10-26T09:00", 45, at("2026-10-01T08:00"), None),
    ("DST March 2027", [appt("A-1", "2027-03-22T09:00+01:00"),
                        appt("A-2", "2027-03-26T14:00+01:00")],
     "2027-03-24T09:00", 45, at("2027-03-01T08:00"), "cap"),
    ("DST October 2027: 14:00 in the week of the change",
     [appt("A-1", "2027-10-25T09:00+02:00"), appt("A-2", "2027-10-27T14:00+02:00")],
     "2027-10-27T15:00", 45, at("2027-10-01T08:00"), None),
    ("DST October 2027: 13:00 UTC in summer is 15:00 local, not a third half-day",
     [appt("A-1", "2027-10-25T09:00+02:00"), appt("A-2", "2027-10-27T13:00+00:00")],
     "2027-10-27T16:00", 45, at("2027-10-01T08:00"), None),
]


@pytest.mark.parametrize(("existing", "start", "minutes", "now", "rule"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_refusal(existing, start, minutes, now, rule):
    found = refusal(TEAM, existing, "ana", at(start), minutes, now)
    assert (found.rule if found else None) == rule
    if found:
        assert found.message and found.label


def test_refusal_messages_name_what_refuses():
    assert "Noël" in refusal(TEAM, [], "ana", at("2026-12-25T10:00"), 45, NOW).message
    assert "Congés" in refusal(TEAM, [], "ana", at("2027-02-17T10:00"), 45, NOW).message
    overlap = refusal(TEAM, [appt("A-OLD", "2026-12-08T14:00")], "ana", at("2026-12-08T14:30"),
                      45, NOW)
    assert "A-OLD" in overlap.message
    cap = refusal(TEAM, [appt("A-1", "2026-12-07T09:00"), appt("A-2", "2026-12-08T14:00")],
                  "ana", at("2026-12-09T10:00"), 45, NOW)
    assert "2 demi-journée" in cap.message and "lundi 7 décembre 2026 matin" in cap.message


def test_ignore_id_rechecks_an_existing_appointment():
    existing = [appt("A-1", "2026-12-08T14:00")]
    assert refusal(TEAM, existing, "ana", at("2026-12-08T14:00"), 45, NOW).rule == "overlap"
    assert refusal(TEAM, existing, "ana", at("2026-12-08T14:00"), 45, NOW,
                   ignore_id="A-1") is None


def test_unknown_mediator_has_no_hours():
    assert refusal(TEAM, [], "zoe", at("2026-12-08T14:00"), 45, NOW).rule == "hours"


def test_cap_setting_is_honoured():
    strict = Team(service="T", mediators=TEAM.mediators, caps=Caps(1))
    assert refusal(strict, [appt("A-1", "2026-12-07T09:00")], "ana", at("2026-12-08T09:00"),
                   45, NOW).rule == "cap"
    closed = Team(service="T", mediators=TEAM.mediators, caps=Caps(0))
    assert refusal(closed, [], "ana", at("2026-12-08T09:00"), 45, NOW).rule == "cap"


@pytest.mark.parametrize(("start", "minutes", "expected"), [
    ("2026-12-08T09:00", 45, [(dt.date(2026, 12, 8), "matin")]),
    ("2026-12-08T12:15", 45, [(dt.date(2026, 12, 8), "matin")]),
    ("2026-12-08T13:00", 45, [(dt.date(2026, 12, 8), "après-midi")]),
    ("2026-12-08T12:59", 2, [(dt.date(2026, 12, 8), "matin"), (dt.date(2026, 12, 8), "après-midi")]),
    ("2026-03-30T12:00+00:00", 30, [(dt.date(2026, 3, 30), "après-midi")]),  # 14:00 local
    ("2026-10-26T11:30+00:00", 30, [(dt.date(2026, 10, 26), "matin")]),  # 12:30 local
    ("2026-10-23T11:30+00:00", 30, [(dt.date(2026, 10, 23), "après-midi")]),  # 13:30 local
])
def test_half_days_of(start, minutes, expected):
    assert list(half_days_of(TEAM, appt("A-1", start, minutes))) == expected


def test_a_14h_appointment_in_a_dst_week_stays_14h_local():
    for stored in ("2026-03-30T14:00:00+02:00", "2026-03-30T12:00:00+00:00",
                   "2026-10-26T14:00:00+01:00", "2027-10-27T14:00:00+02:00"):
        appointment = appt("A-1", stored)
        local = appointment.start.astimezone(PARIS)
        assert local.time() == dt.time(14, 0), stored
        assert half_days_of(TEAM, appointment)[0][1] == "après-midi"
        assert refusal(TEAM, [], "ana", appointment.start, 45,
                       appointment.start - dt.timedelta(days=3)) is None


# ---- free slots ---------------------------------------------------------------------


def starts(slots):
    return [s.start.strftime("%a %d/%m %H:%M") + f" {s.mediator}" for s in slots]


def test_free_slots_start_at_opening_on_the_step():
    slots = free_slots(TEAM, [], ["ana"], 45, NOW, NOW, limit=3)
    assert starts(slots) == ["Mon 07/12 09:00 ana", "Mon 07/12 09:15 ana", "Mon 07/12 09:30 ana"]
    assert slots[0].end == at("2026-12-07T09:45")


def test_free_slots_honour_the_team_step():
    team = Team(service="T", mediators=TEAM.mediators, slot_step_min=30)
    assert starts(free_slots(team, [], ["ana"], 45, NOW, NOW, limit=2)) == [
        "Mon 07/12 09:00 ana", "Mon 07/12 09:30 ana"]


def test_free_slots_order_by_time_then_mediator():
    slots = free_slots(TEAM, [], ["bo", "ana"], 60, at("2026-12-08T15:00"), NOW, limit=3)
    assert starts(slots) == ["Tue 08/12 15:00 bo", "Tue 08/12 15:00 ana", "Tue 08/12 15:15 ana"]


def test_once_the_cap_is_used_only_its_half_days_remain():
    existing = [appt("A-1", "2026-12-07T09:00"), appt("A-2", "2026-12-08T14:00")]
    slots = free_slots(TEAM, existing, ["ana"], 45, NOW, NOW, limit=500, days=7)
    halves = {(s.start.date(), "matin" if s.start.hour < 13 else "après-midi") for s in slots}
    assert halves == {(dt.date(2026, 12, 7), "matin"), (dt.date(2026, 12, 8), "après-midi")}
    assert all(not (s.start < a.end and a.start < s.end) for s in slots for a in existing)
    # Crossing 13:00 would add a half-day: the morning slots end by 13:00.
    assert max(s.end for s in slots if s.start.date() == dt.date(2026, 12, 7)) == at(
        "2026-12-07T13:00")


def test_free_slots_skip_holidays_and_closures():
    slots = free_slots(TEAM, [], ["ana"], 45, at("2026-12-23T17:00"), NOW, limit=1)
    assert starts(slots) == ["Mon 04/01 09:00 ana"]


def test_free_slots_skip_absences_and_the_past():
    now = at("2027-02-12T17:00")
    slots = free_slots(TEAM, [], ["ana"], 45, at("2027-02-12T08:00"), now, limit=1)
    assert starts(slots) == ["Mon 22/02 09:00 ana"]


def test_free_slots_after_the_dst_change_keep_local_hours():
    slots = free_slots(TEAM, [], ["ana"], 45, at("2026-03-27T17:00"), at("2026-03-01T08:00"),
                       limit=1)
    assert slots[0].start.astimezone(PARIS).time() == dt.time(9, 0)
    assert slots[0].start.utcoffset() == dt.timedelta(hours=2)
    assert slots[0].end - slots[0].start == dt.timedelta(minutes=45)


def test_free_slots_every_one_is_allowed_by_refusal():
    existing = [appt("A-1", "2026-12-09T10:00", 90), appt("A-2", "2026-12-10T14:00", mediator="bo")]
    slots = free_slots(TEAM, existing, ["ana", "bo"], 30, NOW, NOW, limit=200, days=14)
    assert slots
    for slot in slots:
        assert refusal(TEAM, existing, slot.mediator, slot.start, 30, NOW) is None


def test_no_slot_when_nobody_works():
    assert free_slots(TEAM, [], ["zoe"], 45, NOW, NOW, limit=3) == []


# ---- merged folders: cap breaches and overlaps ----------------------------------------


def test_cap_breaches_name_every_appointment_of_the_week():
    existing = [appt("A-1", "2026-12-07T09:00"), appt("A-2", "2026-12-08T14:00"),
                appt("A-3", "2026-12-09T10:00"), appt("A-4", "2026-12-10T10:00",
                                                        status="cancelled"),
                appt("A-5", "2026-12-14T10:00")]
    breaches = cap_breaches(TEAM, existing)
    assert len(breaches) == 1
    assert [a.id for a in breaches[0].appointments] == ["A-1", "A-2", "A-3"]
    assert breaches[0].week == (2026, 50) and len(breaches[0].half_days) == 3
    assert cap_breaches(TEAM, existing[:2] + existing[3:]) == []


def test_overlaps_pairs_same_mediator_only():
    existing = [appt("A-1", "2026-12-08T14:00", 60), appt("A-2", "2026-12-08T14:30"),
                appt("A-3", "2026-12-08T15:00"), appt("A-4", "2026-12-08T14:00", mediator="bo"),
                appt("A-5", "2026-12-08T14:10", status="cancelled")]
    assert [(a.id, b.id) for a, b in overlaps(TEAM, existing)] == [("A-1", "A-2"),
                                                                    ("A-2", "A-3")]


def test_week_usage():
    existing = [appt("A-1", "2026-12-07T09:00"), appt("A-2", "2026-12-07T10:00"),
                appt("A-3", "2026-12-08T12:30", 60)]
    assert week_usage(TEAM, existing, "ana", (2026, 50)) == (
        (dt.date(2026, 12, 7), "matin"), (dt.date(2026, 12, 8), "matin"),
        (dt.date(2026, 12, 8), "après-midi"))
