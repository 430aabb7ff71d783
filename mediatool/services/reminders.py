"""`remind`: the reminders of one day's appointments, marked as sent once each.

Marking happens under the lock of the day's month file, after re-reading it:
two `remind --mark-sent` at once mark each appointment once, and with
`--send-with` each message is sent and marked inside that lock, so a second
run waiting for it finds the appointment already reminded and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import os

from mediatool.core.lookup import mediator_by_id
from mediatool.core.model import AppointmentReminded, Record
from mediatool.core.period import Month
from mediatool.core.state import Appointment, fold_appointments
from mediatool.core.values import frozen
from mediatool.formats.reminders import reminder_text
from mediatool.formats.sms import segments
from mediatool.host import sms_gateway
from mediatool.services.booking import appointments_between
from mediatool.store.folder import DataFolder


@frozen
class Reminder:
    """One appointment to remind, with its text (GSM 03.38) and its segment count."""

    appointment: Appointment
    text: str
    segments: int


@frozen
class DayReminders:
    """A day's reminders: those with a phone, and the appointments without one."""

    day: dt.date
    reminders: tuple[Reminder, ...]
    without_phone: tuple[Appointment, ...]


@frozen
class SendOutcome:
    reminder: Reminder
    ok: bool
    detail: str


def _due(appointment: Appointment, now: dt.datetime, again: bool) -> bool:
    if appointment.status != "booked" or appointment.end <= now:
        return False
    # --again is a person's explicit choice to send once more: two such runs at once
    # would both send, which is what each of them asked for.
    return appointment.reminded_at is None or again


def _reminder(data: DataFolder, appointment: Appointment) -> Reminder:
    catalogue = data.catalogue
    text = reminder_text(catalogue.team, appointment,
                         catalogue.procedures.get(appointment.procedure or ""))
    return Reminder(appointment, text, segments(text))


def day_reminders(data: DataFolder, day: dt.date, now: dt.datetime, *,
                  again: bool = False) -> DayReminders:
    """The active appointments of `day` not reminded yet (all of them with `again`)."""
    due = [a for a in appointments_between(data, day, day) if _due(a, now, again)]
    return DayReminders(day, tuple(_reminder(data, a) for a in due if a.phone),
                        tuple(a for a in due if not a.phone))


def _event(data: DataFolder, appointment: Appointment, now: dt.datetime, by: str | None,
           via: str | None) -> AppointmentReminded:
    who = mediator_by_id(data.catalogue, by).id if by else appointment.mediator
    return AppointmentReminded(id=appointment.id, event="reminded", at=now, by=who, via=via)


def _current(tx_records: list[Record], ids: set[str]) -> dict[str, Appointment]:
    return {k: v for k, v in fold_appointments(tx_records)[0].items() if k in ids}


def mark_sent(data: DataFolder, day: dt.date, now: dt.datetime, *, again: bool = False,
              by: str | None = None) -> list[Reminder]:
    """Append `reminded` to each of the day's reminders still due, once, under the lock."""
    if by:
        by = mediator_by_id(data.catalogue, by).id
    listed = day_reminders(data, day, now, again=again).reminders
    if not listed:
        return []
    month = Month.of(day)
    wanted = {r.appointment.id for r in listed}
    with data.store.transaction([("appointments", month)]) as tx:
        current = _current(tx.read("appointments", month), wanted)
        marked = [r for r in listed if r.appointment.id in current
                  and _due(current[r.appointment.id], now, again)]
        if marked:
            tx.append_many("appointments", month,
                           [_event(data, r.appointment, now, by, None) for r in marked])
    return marked


def send_all(data: DataFolder, day: dt.date, now: dt.datetime, command: str, *,
             again: bool = False, by: str | None = None,
             timeout_s: float = sms_gateway.DEFAULT_TIMEOUT_S) -> list[SendOutcome]:
    """Send each reminder through COMMAND; mark those it accepted (exit 0).

    The program is looked up first: missing, nothing is sent (InvalidInput).
    """
    argv = sms_gateway.parse_command(command)
    if by:
        by = mediator_by_id(data.catalogue, by).id
    listed = day_reminders(data, day, now, again=again).reminders
    month = Month.of(day)
    # The program's name only: a path or an argument may hold an account or a key.
    via = os.path.basename(argv[0])[:60]
    outcomes: list[SendOutcome] = []
    for reminder in listed:
        appointment = reminder.appointment
        with data.store.transaction([("appointments", month)]) as tx:
            current = _current(tx.read("appointments", month), {appointment.id})
            if appointment.id not in current or not _due(current[appointment.id], now, again):
                continue  # reminded meanwhile by another run, or cancelled
            result = sms_gateway.send(argv, appointment.phone or "", reminder.text, timeout_s)
            if result.ok:
                tx.append("appointments", month, _event(data, appointment, now, by, via))
        outcomes.append(SendOutcome(reminder, result.ok, result.detail))
    return outcomes
