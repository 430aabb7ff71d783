"""Reminder texts: one SMS segment saying who, when, where, what to bring, how to cancel.

What must be said always fits (when, with whom, where, the number to call and
the appointment's reference); what to bring takes the room that is left,
document by document, the last one shortened; the site's address and the
person's name come after, when there is still room. Everything is in the GSM
03.38 alphabet, so one segment holds 160 characters.
"""

from __future__ import annotations

from mediatool.core.model import WEEKDAYS, Procedure, Team
from mediatool.core.scheduling import local
from mediatool.core.state import Appointment
from mediatool.formats.sms import SINGLE_SEGMENT_GSM7, septets, to_gsm7

# Below this many characters a shortened document name says nothing useful.
MIN_DOCUMENT_ROOM = 12


def when_label(team: Team, appointment: Appointment) -> str:
    """« mar. 8/12 à 14h00 »: short, and unambiguous within the coming days."""
    start = local(team, appointment.start)
    return f"{WEEKDAYS[start.weekday()][:3]}. {start.day}/{start.month} à {start:%H}h{start:%M}"


def _shorten(text: str, room: int) -> str:
    """`text` cut at a word boundary to at most `room` septets, marked with « ... »."""
    if septets(text) <= room:
        return text
    cut = text[: max(0, room - 3)]
    while cut and septets(cut) > room - 3:
        cut = cut[:-1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    if cut.count("(") > cut.count(")"):
        # « Passeport (si vous en... » reads worse than « Passeport... ».
        cut = cut[: cut.rfind("(")]
    return cut.rstrip(" ,;:") + "..."


def _documents(documents: tuple[str, ...], room: int) -> str:
    """As many whole documents as fit, then the next one shortened; "" when none fits."""
    prefix = ". Apportez : "
    room -= septets(prefix)
    if not documents or room < MIN_DOCUMENT_ROOM:
        return ""
    chosen: list[str] = []
    used = 0
    for doc in documents:
        left = room - used - (2 if chosen else 0)
        if septets(doc) <= left:
            chosen.append(doc)
        elif left >= MIN_DOCUMENT_ROOM:
            chosen.append(_shorten(doc, left))
            break
        else:
            break
        used = septets(", ".join(chosen))
    return prefix + ", ".join(chosen) if chosen else ""


def reminder_text(team: Team, appointment: Appointment, procedure: Procedure | None,
                  limit: int = SINGLE_SEGMENT_GSM7) -> str:
    """The reminder of `appointment`, in GSM 03.38, at most `limit` septets when it can be."""
    mediator = team.mediator(appointment.mediator)
    site = team.site(appointment.site)
    who = mediator.name if mediator else appointment.mediator
    what = "Séance" if appointment.kind == "usage" else "RDV"
    head = to_gsm7(f"{what} {when_label(team, appointment)} avec {who}")
    place = to_gsm7(f", {site.name}") if site else ""
    address = to_gsm7(f", {site.address}") if site and site.address else ""
    line = team.phone_line
    cancel = to_gsm7(f". Pour annuler : {line.number}, réf. {appointment.id}" if line
                     else f". Pour annuler, prévenez-nous, réf. {appointment.id}")
    greeting = (to_gsm7(f"Rappel {appointment.person.split()[0].rstrip(',;:.')} : ") if appointment.person
                else "")
    documents = tuple(to_gsm7(d) for d in procedure.documents) if procedure else ()

    def compose(bring: str, with_address: bool, with_greeting: bool) -> str:
        # A shortened list already ends with its own dots.
        ending = cancel[1:] if bring.endswith("...") else cancel
        return ((greeting if with_greeting else "") + head + place
                + (address if with_address else "") + bring + ending)

    essential = septets(compose("", False, False))
    bring = _documents(documents, limit - essential)
    with_address = septets(compose(bring, True, False)) <= limit
    with_greeting = septets(compose(bring, with_address, True)) <= limit
    return compose(bring, with_address, with_greeting)
