"""Phone-line triage: the recommendation table, next drop-ins, phone shifts."""

import datetime as dt

import pytest
from conftest import PARIS

from mediatool.core.model import (
    DateRange,
    DropinSession,
    Mediator,
    Organisation,
    PhoneLine,
    Procedure,
    Site,
    Skill,
    Team,
    Triage,
    WeeklySlot,
)
from mediatool.core.triage import next_dropins, phone_shift, recommend


def team(**changes):
    values = dict(
        service="Test", mediators=(Mediator(id="camille", name="Camille"),),
        triage=Triage(dropin_max_min=30, short_max_min=15),
        phone_line=PhoneLine(number="01 99 00 00 00", shifts=(
            WeeklySlot("mardi", dt.time(9, 30), dt.time(12)),
            WeeklySlot("jeudi", dt.time(14), dt.time(16, 30)))),
        sites=(Site("centre", "Centre", "1 place de l'Exemple"),),
        dropins=(DropinSession("centre", "lundi", dt.time(14), dt.time(17)),
                 DropinSession("centre", "mercredi", dt.time(9, 30), dt.time(12))),
        closures=(DateRange(dt.date(2026, 12, 24), dt.date(2027, 1, 1)),))
    values.update(changes)
    return Team(**values)


def procedure(minutes, **changes):
    values = dict(id="p", title="Une démarche", theme="social-sante", organisation="caf",
                  typical_duration_min=minutes, source="https://example.org",
                  reviewed=dt.date(2026, 11, 1))
    values.update(changes)
    return Procedure(**values)


# minutes → (outcome, short, alternatives, appointment minutes) with dropin_max 30, short 15
@pytest.mark.parametrize("minutes, outcome, short, alternatives, appointment", [
    (5, "appointment", True, ("dropin",), 15),
    (14, "appointment", True, ("dropin",), 15),
    (15, "appointment", True, ("dropin",), 15),      # at short_max: still short
    (16, "dropin", False, ("appointment",), None),   # just above short_max
    (29, "dropin", False, ("appointment",), None),
    (30, "dropin", False, ("appointment",), None),   # at dropin_max: still a drop-in
    (31, "appointment", False, (), 45),              # just above: démarche appointment
    (90, "appointment", False, (), 90),
])
def test_recommendation_table(minutes, outcome, short, alternatives, appointment):
    found = recommend(procedure(minutes), team())
    assert (found.outcome, found.short, found.alternatives,
            found.appointment_duration_min) == (outcome, short, alternatives, appointment)
    assert found.duration_min == minutes
    assert not found.usage_path and found.redirect_to is None
    assert f"{minutes} min" in found.reason


def test_thresholds_come_from_the_team():
    strict = team(triage=Triage(dropin_max_min=20, short_max_min=5))
    assert recommend(procedure(25), strict).outcome == "appointment"
    assert recommend(procedure(10), strict).outcome == "dropin"
    assert recommend(procedure(5), strict).short


@pytest.mark.parametrize("minutes", [5, 20, 120])
def test_out_of_scope_always_redirects_to_its_organisation(minutes):
    caf = Organisation(id="caf", name="Caisse d'allocations familiales")
    found = recommend(procedure(minutes, in_scope=False), team(), missing_prerequisites=True,
                      organisation=caf)
    assert found.outcome == "redirect" and found.redirect_to == "caf"
    assert "Caisse d'allocations familiales" in found.reason and "Hors mission" in found.reason
    assert not found.usage_path


def test_missing_prerequisites_suggest_a_usage_path_with_the_skills():
    proc = procedure(45, prerequisites=("Adresse e-mail",),
                     prerequisite_skills=("mail-creer", "formulaire-en-ligne"))
    skills = {"mail-creer": Skill("mail-creer", "Créer une adresse e-mail", "Pratique", "2.1")}
    found = recommend(proc, team(), missing_prerequisites=True, skills=skills)
    assert found.outcome == "appointment"  # the démarche itself still needs its slot
    assert found.usage_path and found.usage_skills == ("mail-creer", "formulaire-en-ligne")
    assert "parcours d'apprentissage" in found.reason
    assert "Créer une adresse e-mail" in found.reason and "formulaire-en-ligne" in found.reason
    assert "Adresse e-mail" in found.reason
    plain = recommend(proc, team(), missing_prerequisites=False)
    assert not plain.usage_path and plain.usage_skills == ()


def test_missing_prerequisites_without_known_skills_still_suggest_a_path():
    found = recommend(procedure(20), team(), missing_prerequisites=True)
    assert found.usage_path and found.usage_skills == () and found.outcome == "dropin"


def test_to_plain_is_json_ready():
    plain = recommend(procedure(10), team()).to_plain()
    assert plain["outcome"] == "appointment" and plain["alternatives"] == ["dropin"]


# ---- drop-ins ----------------------------------------------------------------

def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def test_next_dropins_in_order_with_site():
    found = next_dropins(team(), at("2026-12-07T10:00"), count=3)  # Monday morning
    assert [o.start for o in found] == [at("2026-12-07T14:00"), at("2026-12-09T09:30"),
                                        at("2026-12-14T14:00")]
    assert found[0].site.name == "Centre" and found[0].end == at("2026-12-07T17:00")


def test_a_session_under_way_is_offered_one_already_over_is_not():
    assert next_dropins(team(), at("2026-12-07T16:00"), 1)[0].start == at("2026-12-07T14:00")
    assert next_dropins(team(), at("2026-12-07T17:00"), 1)[0].start == at("2026-12-09T09:30")


def test_next_dropins_skip_closures_and_public_holidays():
    found = next_dropins(team(), at("2026-12-22T10:00"), count=3)
    # 23/12 (Wednesday) is open; the closure runs 24/12 → 01/01
    assert [o.start.date() for o in found] == [dt.date(2026, 12, 23), dt.date(2027, 1, 4),
                                               dt.date(2027, 1, 6)]
    easter = next_dropins(team(closures=()), at("2027-03-29T08:00"), count=1)
    assert easter[0].start.date() == dt.date(2027, 3, 31)  # Easter Monday is a holiday


def test_no_dropins_in_the_team_means_none():
    assert next_dropins(team(dropins=()), at("2026-12-07T10:00")) == []


# ---- phone shifts -------------------------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    ("2026-12-08T09:30", None, "mardi 09:30-12:00"),   # first minute
    ("2026-12-08T12:00", None, "mardi 09:30-12:00"),   # last minute
    ("2026-12-08T09:20", "2026-12-08T09:35", "mardi 09:30-12:00"),  # picked up early
    ("2026-12-08T12:05", None, None),
    ("2026-12-08T09:00", "2026-12-08T09:10", None),
    ("2026-12-10T15:00", None, "jeudi 14:00-16:30"),
    ("2026-12-07T10:00", None, None),                   # Monday: no shift
    ("2026-12-24T15:00", None, None),                   # Thursday in the closure
    ("2027-05-06T15:00", None, None),                   # Ascension Thursday
])
def test_phone_shift(start, end, expected):
    shift = phone_shift(team(), at(start), at(end) if end else None)
    assert (shift.label() if shift else None) == expected


def test_no_phone_line_means_every_call_is_outside():
    assert phone_shift(team(phone_line=None), at("2026-12-08T10:00")) is None
