"""French dates read over the phone, and the forms people type."""

import datetime as dt

import pytest
from conftest import PARIS

from mediatool.core.errors import InvalidInput
from mediatool.core.frenchdates import (
    format_date,
    format_datetime,
    format_short,
    format_time,
    parse_date,
    parse_datetime,
)


def test_formats():
    moment = dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)
    assert format_datetime(moment) == "mardi 8 décembre 2026, 14 h 00"
    assert format_date(dt.date(2027, 1, 1)) == "vendredi 1er janvier 2027"
    assert format_date(dt.date(2026, 8, 15)) == "samedi 15 août 2026"
    assert format_time(dt.time(9, 5)) == "9 h 05"
    assert format_short(moment) == "mar. 08/12 14:00"


@pytest.mark.parametrize("text", ["2026-12-08T14:00", "2026-12-08 14:00", "08/12/2026 14:00",
                                  "8/12/2026 14h00", "08/12/2026 14h", "08/12/2026 à 14h00",
                                  "2026-12-08T14:00:00+01:00", "2026-12-08T13:00:00+00:00",
                                  "  08/12/2026   14:00 "])
def test_parse_datetime_accepts_iso_and_french_forms(text):
    assert parse_datetime(text, PARIS) == dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)


def test_parse_datetime_keeps_local_time_across_dst():
    summer = parse_datetime("2026-03-30 14:00", PARIS)
    assert summer.utcoffset() == dt.timedelta(hours=2) and summer.hour == 14


@pytest.mark.parametrize("text", ["demain 14h", "2026-12-08", "31/02/2026 14:00",
                                  "08/12/26 14:00", "2026-12-08 25:00", ""])
def test_parse_datetime_refuses_with_the_accepted_formats(text):
    with pytest.raises(InvalidInput) as error:
        parse_datetime(text, PARIS, "--at")
    assert "--at" in error.value.message
    assert "formats acceptés" in error.value.hint and "08/12/2026 14:00" in error.value.hint


def test_parse_date():
    assert parse_date("2026-12-08") == parse_date("08/12/2026") == dt.date(2026, 12, 8)
    today = dt.date(2026, 12, 7)
    assert parse_date("demain", today=today) == dt.date(2026, 12, 8)
    assert parse_date("Aujourd’hui", today=today) == today
    with pytest.raises(InvalidInput) as error:
        parse_date("lundi", "--day")
    assert "formats acceptés" in error.value.hint
