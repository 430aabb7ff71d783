"""The slot picker (core/slotpick): one choice per half-day with its cost, and filters."""

import datetime as dt

import pytest
from conftest import PARIS, paris

from mediatool.core.errors import InvalidInput
from mediatool.core.model import Mediator, Site, Team, WeeklySlot
from mediatool.core.scheduling import free_slots
from mediatool.core.slotpick import SlotFilter, parse_filter, slot_choices
from mediatool.core.state import Appointment

NOW = paris(2026, 12, 7, 8)  # the fixed Monday
TODAY = NOW.date()
WORKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
# Ana: every weekday 9:00-17:30 at the Centre; Bo: Tuesday afternoons; Léa: Thursday
# mornings at Nord. The cap is the default two half-days a week.
TEAM2 = Team(
    service="Test",
    sites=(Site("centre", "Espace du Centre"), Site("nord", "Médiathèque Nord")),
    mediators=(
        Mediator(id="ana", name="Ana", site="centre",
                 hours=tuple(WeeklySlot(d, dt.time(9), dt.time(17, 30)) for d in WORKDAYS)),
        Mediator(id="bo", name="Bo", hours=(WeeklySlot("mardi", dt.time(14), dt.time(16)),)),
        Mediator(id="lea", name="Léa Martin", site="nord",
                 hours=(WeeklySlot("jeudi", dt.time(9), dt.time(12)),))))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def appt(ident: str, start: str, minutes: int = 45, mediator: str = "ana") -> Appointment:
    return Appointment(id=ident, mediator=mediator, kind="demarche", start=at(start),
                       duration_min=minutes, person="X", phone=None, procedure=None, path=None,
                       site=None, from_call=None, note=None, booked_at=NOW,
                       status="booked")  # type: ignore[arg-type]


def choices(team=TEAM2, existing=(), minutes=45, days=14):
    ids = [m.id for m in team.mediators]
    slots = free_slots(team, list(existing), ids, minutes, NOW, NOW, limit=100_000, days=days)
    return slot_choices(team, list(existing), slots)


def test_one_choice_per_mediator_and_half_day_with_what_remains_under_the_cap():
    found = choices(existing=[appt("A-1", "2026-12-08T09:00")])
    keys = [(c.slot.mediator, c.slot.start) for c in found]
    assert len(keys) == len(set((m, s.date(), s.hour < 13) for m, s in keys))
    first = found[0]
    assert (first.slot.mediator, first.slot.start) == ("ana", at("2026-12-07T09:00"))
    # Ana already holds Tuesday morning: a Monday slot leaves her 0 of 2
    assert first.left == 0 and first.cap_note(TEAM2) == "dernière demi-journée de la semaine"
    tuesday = next(c for c in found if c.slot.start.date() == dt.date(2026, 12, 8)
                   and c.slot.mediator == "ana" and c.slot.start.hour < 13)
    assert tuesday.left == 1 and tuesday.cap_note(TEAM2) == "reste 1 demi-journée cette semaine"
    assert tuesday.slot.start == at("2026-12-08T09:45")  # after the one booked


def test_an_appointment_crossing_the_boundary_is_marked_before_it_is_chosen():
    late = TEAM2.__class__(**{**TEAM2.__dict__, "mediators": (
        Mediator(id="ana", name="Ana", hours=(WeeklySlot("lundi", dt.time(12, 30),
                                                         dt.time(14)),)),)})
    [first, *_] = choices(late, minutes=60)
    assert first.slot.start == at("2026-12-07T12:30") and first.crosses
    assert len(first.half_days) == 2 and first.left == 0
    assert "ATTENTION : passe 13 h 00, prend 2 demi-journées" in first.cap_note(late)


def kept(text):
    wanted = parse_filter(text, TEAM2, TODAY)
    return wanted, [(c.slot.mediator, c.slot.start) for c in wanted.apply(choices(), TEAM2)]


@pytest.mark.parametrize("text", ["jeudi", "JEUDI", "jeu.", "Jeu"])
def test_a_day_name_keeps_that_weekday(text):
    wanted, found = kept(text)
    assert wanted.weekdays == {3} and found
    assert all(start.weekday() == 3 for _, start in found)


@pytest.mark.parametrize("text, day", [
    ("15/12", dt.date(2026, 12, 15)), ("15/12/2026", dt.date(2026, 12, 15)),
    ("2026-12-15", dt.date(2026, 12, 15)), ("15 décembre", dt.date(2026, 12, 15)),
    ("mardi 15", dt.date(2026, 12, 15)), ("demain", dt.date(2026, 12, 8)),
    ("3/12", dt.date(2027, 12, 3)),  # already past this year: next year's
    ("1er janvier", dt.date(2027, 1, 1)), ("31", dt.date(2026, 12, 31)),
])
def test_dates_as_people_say_them(text, day):
    assert day in parse_filter(text, TEAM2, TODAY).dates


def test_half_day_site_and_mediator_by_name_accents_and_case_ignored():
    for text in ("après-midi", "apres midi", "APRÈS-MIDI", "aprem"):
        assert parse_filter(text, TEAM2, TODAY).parts == {"après-midi"}
    for text in ("Léa", "lea", "LEA", "martin", "avec Léa Martin"):
        assert parse_filter(text, TEAM2, TODAY).mediators == {"lea"}, text
    for text in ("nord", "Médiathèque", "mediatheque nord"):
        assert parse_filter(text, TEAM2, TODAY).sites == {"nord"}, text
    _, found = kept("nord")
    assert found and {m for m, _ in found} == {"lea"}


def test_sides_narrow_and_words_of_one_side_widen():
    _, both = kept("mardi après-midi")
    assert both and all(s.weekday() == 1 and s.hour >= 13 for _, s in both)
    _, either = kept("mardi jeudi")
    assert {s.weekday() for _, s in either} == {1, 3}
    _, none = kept("15/12 matin")  # Ana's mornings that Tuesday, Bo only in the afternoon
    assert {m for m, _ in none} == {"ana"} and all(s.hour < 13 for _, s in none)
    assert SlotFilter().apply(choices(), TEAM2) == choices()


@pytest.mark.parametrize("text, said, hint", [
    ("chez le notaire", "pas compris : « notaire »", "un jour (jeudi)"),
    ("xq zz", "pas compris : « xq », « zz »", "un médiateur"),
    ("31/02", "date impossible : « 31/02 »", "JJ/MM"),
    ("32", "jour impossible : « 32 »", "entre 1 et 31"),
])
def test_words_not_understood_are_named(text, said, hint):
    with pytest.raises(InvalidInput) as refused:
        parse_filter(text, TEAM2, TODAY)
    assert said in refused.value.message and hint in (refused.value.hint or "")


def test_a_long_paste_is_not_echoed_whole():
    with pytest.raises(InvalidInput) as refused:
        parse_filter("x" * 900 + " qq rr ss", TEAM2, TODAY)
    assert len(refused.value.message) < 120 and "(+ 1)" in refused.value.message
