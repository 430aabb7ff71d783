"""Options shared by several commands: one spelling, one reading, bounds from the model."""

from __future__ import annotations

import json

import pytest

from mediatool.core.fields import field_bounds
from mediatool.core.model import AppointmentBooked, CallRecorded


@pytest.mark.parametrize("command", [("report",), ("dropins",), ("calls",),
                                     ("export", "coop", "--out", "x.csv")])
def test_every_month_option_reads_and_refuses_alike(run, command):
    result = run(*command, "--month", "2026-13")
    assert result.exit_code == 2
    assert "mois invalide pour --month : « 2026-13 » — écrivez-le AAAA-MM" in result.stderr


@pytest.mark.parametrize(("command", "model"), [
    (("slots",), AppointmentBooked),
    (("book", "--mediator", "camille", "--procedure", "ants-carte-grise", "--first-free",
      "--person", "X"), AppointmentBooked),
    (("call", "--procedure", "ants-carte-grise", "--outcome", "dropin", "--mediator",
      "camille"), CallRecorded),
])
def test_duration_bounds_are_the_stored_fields_bounds(run, folder, command, model):
    low, high = (int(b) for b in field_bounds(model, "duration_min"))
    assert run(*command, "--duration", str(high + 1)).exit_code == 2
    refused = run(*command, "--duration", str(low - 1))
    assert refused.exit_code == 2
    assert f"indiquez un nombre entier entre {low} et {high}" in refused.stderr
    assert not (folder / "records" / "appointments").exists() or not any(
        (folder / "records" / "appointments").iterdir())


def test_book_infers_the_kind_and_asks_for_what_is_missing(run):
    no_procedure = run("book", "--mediator", "camille", "--first-free", "--person", "X")
    assert no_procedure.exit_code == 2
    assert "demande la démarche (--procedure ID)" in no_procedure.stderr
    no_mediator = run("book", "--procedure", "ants-carte-grise", "--first-free", "--person", "X")
    assert no_mediator.exit_code == 2 and "indiquez le médiateur" in no_mediator.stderr


def test_a_path_booking_takes_its_referent_and_person(run):
    opened = run("path", "open", "--person", "Odette R.", "--mediator", "camille", "--skills",
                 "2.1", "--sessions", "2", "--format", "json")
    assert opened.exit_code == 0, opened.stderr
    path_id = json.loads(opened.output)["id"]
    booked = run("book", "--path", path_id, "--first-free", "--format", "json")
    assert booked.exit_code == 0, booked.stderr
    appointment = json.loads(booked.output)
    assert (appointment["kind"], appointment["mediator"], appointment["person"]) == (
        "usage", "camille", "Odette R.")
