"""The iCalendar core: every output parsed back by icalendar and recurring-ical-events."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from conftest import CLOCK, FILES, PARIS
from hypothesis import example, given
from hypothesis import strategies as st

from mediatool.core.model import (
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    PathOpened,
    Record,
)
from mediatool.core.state import fold_appointments, fold_paths
from mediatool.formats import ics
from mediatool.store.catalogue import load_catalogue

# The template team's phone shifts and year-end closure.
TEAM = """\
service: Service de test
timezone: Europe/Paris
phone_line:
  number: "01 99 00 00 00"
  shifts:
    - {day: mardi, start: "09:30", end: "12:00"}
    - {day: jeudi, start: "14:00", end: "16:30"}
sites:
  - {id: centre, name: Espace Centre, address: 1 place de l'Exemple}
dropins:
  - {site: centre, day: lundi, start: "14:00", end: "17:00"}
mediators:
  - id: camille
    name: Camille Exemple
    site: centre
    hours:
      - {day: mardi, start: "14:00", end: "17:30"}
    absences:
      - {start: 2027-02-15, end: 2027-02-19, reason: Opération chirurgicale}
  - id: samir
    name: Samir Modèle
    site: centre
closures:
  - {start: 2026-12-24, end: 2027-01-01, reason: Fermeture de fin d'année}
"""


def catalogue(team: str = TEAM):
    files = {f"{name}": textwrap.dedent(text).encode() for name, text in FILES.items()}
    files["team.yaml"] = textwrap.dedent(team).encode()
    loaded, problems = load_catalogue(files, dt.date(2026, 12, 1))
    assert loaded is not None, [p.format() for p in problems]
    return loaded


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def booked(id_: str = "A-7K3QX2", start: str = "2026-12-08T14:00", mediator: str = "camille",
           **extra) -> AppointmentBooked:
    values = dict(id=id_, event="booked", at=at("2026-12-01T09:00"), by=mediator,
                  mediator=mediator, kind="demarche", start=at(start), duration_min=45,
                  person="Nadia Testperson", phone="06 39 98 12 34",
                  procedure="caf-prime-activite", site="centre", note="Vient avec sa fille")
    values.update(extra)
    return AppointmentBooked(**values)


def fold(*events):
    state, problems = fold_appointments(Record(e, "records/appointments/x.yaml", i)
                                        for i, e in enumerate(events))
    assert not problems
    return list(state.values())


def build(*events, private=False, now=CLOCK, team=TEAM, paths=None):
    files = ics.build_calendars(catalogue(team), fold(*events), paths or {}, now, private)
    return {f.name: f.to_ics() for f in files}


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vevents(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in parse(data).walk("VEVENT")}


def test_files_are_valid_and_parse_back():
    files = build(booked())
    assert sorted(files) == ["camille", "equipe", "permanences-telephoniques", "samir"]
    for name, data in files.items():
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        assert all(len(line) <= 75 for line in data.split(b"\r\n")), name
        assert b"\n" not in data.replace(b"\r\n", b"")
        cal = parse(data)
        assert cal["METHOD"] == "PUBLISH" and cal["VERSION"] == "2.0"
        assert cal["X-WR-CALNAME"]
        timezones = cal.walk("VTIMEZONE")
        assert [str(t["TZID"]) for t in timezones] == ["Europe/Paris"]
        for event in cal.walk("VEVENT"):
            for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS"):
                assert prop in event, (name, prop)
        uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
        assert len(uids) == len(set(uids))


def test_phone_shifts_of_december_2026_by_hand():
    # mardi 09:30-12:00 and jeudi 14:00-16:30; closed 2026-12-24..2027-01-01.
    data = build()["permanences-telephoniques"]
    occurrences = recurring_ical_events.of(parse(data)).between(dt.date(2026, 12, 1),
                                                                dt.date(2027, 1, 1))
    got = sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in occurrences)
    expected = [
        (at("2026-12-01T09:30"), at("2026-12-01T12:00")),
        (at("2026-12-03T14:00"), at("2026-12-03T16:30")),
        (at("2026-12-08T09:30"), at("2026-12-08T12:00")),
        (at("2026-12-10T14:00"), at("2026-12-10T16:30")),
        (at("2026-12-15T09:30"), at("2026-12-15T12:00")),
        (at("2026-12-17T14:00"), at("2026-12-17T16:30")),
        (at("2026-12-22T09:30"), at("2026-12-22T12:00")),
        # jeudi 24, mardi 29, jeudi 31: closure; nothing on the 25th
    ]
    assert got == expected
    assert all(start.date() != dt.date(2026, 12, 25) for start, _ in got)
    for event in parse(data).walk("VEVENT"):
        assert event["SUMMARY"] == "Permanence téléphonique"
        assert event["TRANSP"] == "OPAQUE"


def test_public_holiday_on_a_shift_day_is_excluded():
    team = TEAM.replace("closures:\n  - {start: 2026-12-24, end: 2027-01-01, reason: "
                        "Fermeture de fin d'année}\n", "").replace(
        "{day: jeudi, start: \"14:00\", end: \"16:30\"}",
        "{day: vendredi, start: \"14:00\", end: \"16:30\"}")
    data = build(team=team)["permanences-telephoniques"]
    fridays = sorted(e["DTSTART"].dt.date() for e in recurring_ical_events.of(parse(data))
                     .between(dt.date(2026, 12, 1), dt.date(2027, 1, 1))
                     if e["DTSTART"].dt.weekday() == 4)
    assert fridays == [dt.date(2026, 12, d) for d in (4, 11, 18)]  # 25: Noël
    friday = vevents(data)["telephone-vendredi-1400-1630@mediatool"]
    assert {dt.date(2026, 12, 25), dt.date(2027, 1, 1)} <= exdates(friday)


def exdates(event: icalendar.Event) -> set[dt.date]:
    value = event.get("EXDATE")
    values = value if isinstance(value, list) else [value]
    return {d.dt.date() for v in values for d in v.dts}


def test_series_run_from_the_window_to_the_end_of_next_year():
    data = build()["permanences-telephoniques"]
    starts = [e["DTSTART"].dt for e in recurring_ical_events.of(parse(data))
              .between(dt.date(2026, 1, 1), dt.date(2029, 1, 1))]
    assert min(starts).date() == dt.date(2026, 11, 3)  # first mardi of the window's month
    assert max(starts).date() == dt.date(2027, 12, 30)


def test_dropins_are_weekly_series_with_location_in_the_team_calendar():
    team_events = vevents(build()["equipe"])
    dropin = team_events["permanence-centre-lundi-1400-1700@mediatool"]
    assert dropin["SUMMARY"] == "Permanence sans rendez-vous — Espace Centre"
    assert dropin["LOCATION"] == "Espace Centre, 1 place de l'Exemple"
    assert "RRULE" in dropin
    mondays = [e["DTSTART"].dt for e in recurring_ical_events.of(parse(build()["equipe"]))
               .between(dt.date(2026, 12, 21), dt.date(2027, 1, 5))
               if str(e["UID"]).startswith("permanence-")]
    assert mondays == [at("2026-12-21T14:00"), at("2027-01-04T14:00")]  # 28/12: closure


def test_appointment_event():
    event = vevents(build(booked())["camille"])["A-7K3QX2@mediatool"]
    assert event["SUMMARY"] == "RDV démarche — Demander la prime d'activité"
    assert event["DTSTART"].dt == at("2026-12-08T14:00")
    assert event["DTEND"].dt == at("2026-12-08T14:45")
    assert event["STATUS"] == "CONFIRMED" and event["TRANSP"] == "OPAQUE"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == at("2026-12-01T09:00")
    description = str(event["DESCRIPTION"])
    assert "Pièces à apporter :\n- Relevé d'identité bancaire" in description
    assert "Prérequis :\n- Adresse e-mail" in description
    assert event["LOCATION"] == "Espace Centre, 1 place de l'Exemple"
    team = vevents(build(booked())["equipe"])["A-7K3QX2@mediatool"]
    assert team["SUMMARY"] == "RDV démarche — Demander la prime d'activité (camille)"
    assert "A-7K3QX2@mediatool" not in vevents(build(booked())["samir"])


def test_cancelled_keeps_uid_bumps_sequence_and_frees_time():
    first = build(booked())
    cancel = AppointmentCancelled(id="A-7K3QX2", event="cancelled", at=at("2026-12-05T16:20"),
                                  by="camille", by_person=True, reason="Malade")
    after = build(booked(), cancel)
    event = vevents(after["camille"])["A-7K3QX2@mediatool"]
    assert "A-7K3QX2@mediatool" in vevents(first["camille"])
    assert event["STATUS"] == "CANCELLED" and event["TRANSP"] == "TRANSPARENT"
    assert event["SEQUENCE"] == 1
    assert event["DTSTAMP"].dt == at("2026-12-05T16:20")
    assert str(event["SUMMARY"]).startswith("Annulé — RDV démarche")
    assert "Annulé par la personne le 05/12/2026 à 16:20" in str(event["DESCRIPTION"])
    assert b"Malade" not in after["camille"]  # a reason may be personal
    assert first["permanences-telephoniques"] == after["permanences-telephoniques"]


def test_attended_then_anonymised_counts_revisions():
    attended = AppointmentAttended(id="A-7K3QX2", event="attended", at=at("2026-12-08T15:00"),
                                   by="camille")
    event = vevents(build(booked(), attended)["camille"])["A-7K3QX2@mediatool"]
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CONFIRMED"
    assert "— venu" in str(event["DESCRIPTION"])


def test_same_data_same_bytes_and_no_clock():
    one = build(booked(), booked("A-2B3C4D", "2026-12-10T09:00", "samir"))
    two = build(booked("A-2B3C4D", "2026-12-10T09:00", "samir"), booked())
    assert one == two
    later_same_month = build(booked(), booked("A-2B3C4D", "2026-12-10T09:00", "samir"),
                             now=CLOCK + dt.timedelta(hours=5))
    assert later_same_month == one


def test_window_past_30_days_and_everything_ahead():
    files = build(booked("A-00000A", "2026-11-06T14:00"),  # ended 31 days before now
                  booked("A-00000B", "2026-11-08T14:00"),
                  booked("A-00000C", "2031-06-03T14:00"))
    uids = set(vevents(files["camille"]))
    assert "A-00000A@mediatool" not in uids
    assert {"A-00000B@mediatool", "A-00000C@mediatool"} <= uids
    tz = parse(files["camille"]).walk("VTIMEZONE")[0]
    assert "2031" in tz.to_ical().decode()  # the zone covers the far appointment


def test_default_files_hold_no_personal_data():
    files = build(booked(), private=False)
    for name, data in files.items():
        unfolded = data.replace(b"\r\n ", b"")
        for secret in ("Nadia Testperson", "06 39 98 12 34", "Vient avec sa fille",
                       "Camille Exemple", "Samir Modèle", "Opération chirurgicale"):
            assert secret.encode() not in unfolded, (name, secret)
        assert b"ATTENDEE" not in data and b"CONTACT" not in data


def test_private_adds_names_phone_and_notes():
    files = build(booked(), private=True)
    event = vevents(files["camille"])["A-7K3QX2@mediatool"]
    assert str(event["SUMMARY"]).endswith("— Nadia Testperson")
    assert event["CONTACT"] == "Nadia Testperson, 06 39 98 12 34"
    assert "Note : Vient avec sa fille" in str(event["DESCRIPTION"])
    assert parse(files["camille"])["X-WR-CALNAME"] == "Rendez-vous — Camille Exemple"
    absence = vevents(files["camille"])["absence-camille-20270215-20270219@mediatool"]
    assert "Opération chirurgicale" in str(absence["DESCRIPTION"])


def test_absences_are_busy_all_day_blocks():
    files = build()
    absence = vevents(files["camille"])["absence-camille-20270215-20270219@mediatool"]
    assert absence["TRANSP"] == "OPAQUE"
    assert absence["DTSTART"].dt == dt.date(2027, 2, 15)
    assert absence["DTEND"].dt == dt.date(2027, 2, 20)  # exclusive end: through the 19th
    assert absence["SUMMARY"] == "Absence — camille"
    assert "absence-camille-20270215-20270219@mediatool" in vevents(files["equipe"])
    assert "absence-camille-20270215-20270219@mediatool" not in vevents(files["samir"])
    closure = vevents(files["samir"])["fermeture-20261224-20270101@mediatool"]
    assert closure["SUMMARY"] == "Service fermé — Fermeture de fin d'année"


def test_usage_appointment_names_the_path_skills():
    opened = PathOpened(id="P-1K3MW0", event="opened", at=at("2026-10-01T10:00"),
                        by="camille", person="Nadia Testperson", mediator="camille",
                        skills=("2.1", "mail-creer"), sessions=4)
    paths, _ = fold_paths([Record(opened, "records/paths/2026-10.yaml", 1)])
    usage = booked(kind="usage", procedure=None, path="P-1K3MW0", duration_min=60)
    event = vevents(build(usage, paths=paths)["camille"])["A-7K3QX2@mediatool"]
    assert event["SUMMARY"] == "RDV usage — Interagir, Créer une adresse e-mail"
    assert "Parcours P-1K3MW0 (4 séances)" in str(event["DESCRIPTION"])
    assert event["CATEGORIES"].cats == ["Rendez-vous usage (apprentissage)"]


def test_caldav_object_has_no_method_and_a_fingerprint():
    calendar = ics.build_calendars(catalogue(), fold(booked()), {}, CLOCK)[0]
    event = calendar.events[-1]
    obj = parse(calendar.object_ics(event))
    assert "METHOD" not in obj
    (vevent,) = obj.walk("VEVENT")
    assert vevent[ics.FINGERPRINT_PROPERTY] == ics.fingerprint(event)


@given(st.text(min_size=0, max_size=300))
@example("\\,")  # found by the lower-bound run: icalendar 6.2 misreads it
@example("%2C")  # likewise: icalendar 6.2 reads %2C and %3B in a text as "," and ";"
def test_any_text_round_trips_through_escaping_and_folding(text):
    line = ics.fold("SUMMARY:" + ics.escape_text(text))
    assert all(len(part) <= 75 for part in line.split(b"\r\n"))
    line.decode("utf-8")  # folding never splits a character
    event = icalendar.Event.from_ical(b"BEGIN:VEVENT\r\n" + line + b"END:VEVENT\r\n")
    expected = "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n")
                       if c in "\t\n" or (ord(c) >= 32 and c != "\x7f"))
    # Read back by RFC 5545 §3.3.11 itself: icalendar 6.2 (our lower bound) turns an
    # escaped backslash followed by an escaped comma into a bare comma, and unquotes
    # %2C and %3B — its bugs (mediatool reads only UIDs and fingerprints with it).
    value = line.replace(b"\r\n ", b"").decode("utf-8").removeprefix("SUMMARY:")
    assert _unescaped(value.rstrip("\r\n")) == expected
    if "\\" not in text and "%" not in text:
        assert str(event.get("SUMMARY", "")) == expected


def _unescaped(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1),
                  value)


@pytest.mark.parametrize("zone", ["America/Cayenne", "Indian/Reunion"])
def test_overseas_teams_get_their_own_zone(zone):
    team = TEAM.replace("timezone: Europe/Paris", f"timezone: {zone}")
    data = build(team=team)["permanences-telephoniques"]
    cal = parse(data)
    assert [str(t["TZID"]) for t in cal.walk("VTIMEZONE")] == [zone]
    first = min(e["DTSTART"].dt for e in recurring_ical_events.of(cal)
                .between(dt.date(2026, 12, 1), dt.date(2026, 12, 8)))
    assert first == dt.datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo(zone))


def test_a_team_without_phone_line_still_gets_a_valid_empty_calendar():
    team = TEAM.replace("""phone_line:
  number: "01 99 00 00 00"
  shifts:
    - {day: mardi, start: "09:30", end: "12:00"}
    - {day: jeudi, start: "14:00", end: "16:30"}
""", "")
    data = build(team=team)["permanences-telephoniques"]
    assert parse(data).walk("VEVENT") == []
    assert parse(data)["METHOD"] == "PUBLISH"


def test_a_drop_in_written_twice_in_team_yaml_is_one_event():
    team = TEAM.replace("""dropins:
  - {site: centre, day: lundi, start: "14:00", end: "17:00"}
""", """dropins:
  - {site: centre, day: lundi, start: "14:00", end: "17:00"}
  - {site: centre, day: lundi, start: "14:00", end: "17:00"}
""")
    uids = [str(e["UID"]) for e in parse(build(team=team)["equipe"]).walk("VEVENT")]
    assert uids.count("permanence-centre-lundi-1400-1700@mediatool") == 1
