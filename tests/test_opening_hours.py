"""OSM `opening_hours` → French: the subset the directories use, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from mediatool.core import opening_hours


@pytest.mark.parametrize(("osm", "french"), [
    ("Mo-Fr 09:00-12:00,14:00-17:00", "lun.–ven. 9h–12h, 14h–17h"),
    ("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
     "lun.–ven. 9h–12h, 14h–17h ; sam. 9h–12h"),
    ("Mo,We,Fr 08:30-12:00", "lun., mer., ven. 8h30–12h"),
    ("Tu,Th 14:00-18:00; We 09:00-12:00", "mar., jeu. 14h–18h ; mer. 9h–12h"),
    ("Mo-Fr 09:00-17:00; We off", "lun., mar., jeu., ven. 9h–17h"),
    ("Mo-Sa 10:00-19:00; PH off", "lun.–sam. 10h–19h ; fermé les jours fériés"),
    ("Mo 13:30-24:00", "lun. 13h30–24h"),
    ("24/7", "7 j/7, 24 h/24"),
    ("Sa-Su 10:00-12:00", "sam., dim. 10h–12h"),
    ("Mo-Fr 9:00-12:00", "lun.–ven. 9h–12h"),
    ("Mo-Fr closed", "fermé"),
    ("mo-fr 09:00-12:00", None),
])
def test_conversion_table(osm, french):
    if french is None:
        with pytest.raises(opening_hours.Unreadable):
            opening_hours.parse(osm)
        return
    week = opening_hours.parse(osm)
    assert opening_hours.french(week) == french
    assert opening_hours.parse(opening_hours.to_osm(week)) == week


@pytest.mark.parametrize(("osm", "column", "words"), [
    ('Mo-Fr 09:00-12:00 "sur rendez-vous"', 19, "n'est pas compris"),
    ("Jan-Jun Mo 09:00-12:00", 1, "jour attendu"),
    ("Mo-Fr 12:00-09:00", 13, "n'est pas après le début"),
    ("Mo-Fr", 6, "plage horaire manquante"),
    ("Mo-Fr sunrise-sunset", 7, "plage horaire attendue"),
    ("Mo-Fr 09:00-12:00 || Sa off", 19, "n'est pas compris"),
    ("Mo-Fr 09:00-12:00,11:00-14:00", 19, "chevauchent"),
    ("Fr-Mo 09:00-12:00", 4, "à l'envers"),
    ("Mo-Fr 25:00-26:00", 7, "heure impossible"),
    ("PH 10:00-12:00", 4, "PH off"),
    ("week 1-53 Mo 09:00-10:00", 1, "jour attendu"),
    ("", 1, "vides"),
])
def test_what_it_does_not_understand_is_refused_with_its_column(osm, column, words):
    with pytest.raises(opening_hours.Unreadable) as caught:
        opening_hours.parse(osm)
    assert caught.value.column == column and words in caught.value.message


def test_a_later_rule_replaces_an_earlier_one_for_its_days():
    week = opening_hours.parse("Mo-Fr 09:00-17:00; Fr 09:00-12:00")
    assert week.days[4] == ((dt.time(9), dt.time(12)),)
    assert week.days[0] == ((dt.time(9), dt.time(17)),)


def test_hours_of_one_day_know_closed_days_and_holidays():
    week = opening_hours.parse("Mo-Fr 09:00-12:00,14:00-17:00; PH off")
    monday, saturday = dt.date(2026, 12, 7), dt.date(2026, 12, 12)
    assert opening_hours.on_day(week, monday) == "9h–12h, 14h–17h"
    assert opening_hours.on_day(week, saturday) == "fermé"
    christmas = dt.date(2026, 12, 25)
    assert opening_hours.on_day(week, christmas, {christmas: "Noël"}) == "fermé (jour férié)"
