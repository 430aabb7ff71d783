"""An appointment as read by a person (recap, agenda rows) and by a tool (`--format json`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mediatool.core.catalogue import Catalogue
from mediatool.core.frenchdates import format_datetime
from mediatool.core.labels import STATUS_LABELS
from mediatool.core.model import Team
from mediatool.core.scheduling import local
from mediatool.core.state import RDV_SERVICE_PUBLIC_STATUS, Appointment


def mediator_name(team: Team, mediator_id: str) -> str:
    mediator = team.mediator(mediator_id)
    return mediator.name if mediator else mediator_id


def subject(catalogue: Catalogue, appointment: Appointment) -> str:
    """What the appointment is for: the procedure's title, or its learning path."""
    if appointment.procedure:
        procedure = catalogue.procedures.get(appointment.procedure)
        return procedure.title if procedure else appointment.procedure
    if appointment.path:
        return f"parcours {appointment.path}"
    return ""


def place_label(team: Team, appointment: Appointment) -> str:
    """Where and with whom, in French: « Camille — Espace numérique du Centre, 1 place … »."""
    site = team.site(appointment.site)
    parts = [mediator_name(team, appointment.mediator)]
    if site:
        parts.append(site.label())
    return " — ".join(parts)


def appointment_json(catalogue: Catalogue, appointment: Appointment,
                     now: dt.datetime) -> dict[str, Any]:
    """An appointment for `--format json`: stored values plus what a reader needs."""
    team = catalogue.team
    site = team.site(appointment.site)
    procedure = catalogue.procedures.get(appointment.procedure or "")
    situation = appointment.situation(now)
    start = local(team, appointment.start)
    return {
        "id": appointment.id, "kind": appointment.kind,
        "mediator": appointment.mediator,
        "mediator_name": mediator_name(team, appointment.mediator),
        "start": start.isoformat(timespec="minutes"),
        "end": local(team, appointment.end).isoformat(timespec="minutes"),
        "duration_min": appointment.duration_min, "when": format_datetime(start),
        "person": appointment.person, "phone": appointment.phone,
        "procedure": appointment.procedure,
        "procedure_title": procedure.title if procedure else None,
        "documents": list(procedure.documents) if procedure else [],
        "path": appointment.path, "site": appointment.site,
        "site_name": site.name if site else None,
        "site_address": site.address if site else None,
        "from_call": appointment.from_call, "note": appointment.note,
        "status": appointment.status, "situation": situation,
        "situation_label": STATUS_LABELS[situation],
        "rdv_service_public_status": RDV_SERVICE_PUBLIC_STATUS[situation],
        "skills": list(appointment.skills),
    }


def recap_lines(catalogue: Catalogue, appointment: Appointment) -> list[str]:
    """What to read to the caller: when, with whom, where, what to bring."""
    team = catalogue.team
    lines = [f"Quand : {format_datetime(local(team, appointment.start))} "
             f"({appointment.duration_min} min)",
             f"Avec et où : {place_label(team, appointment)}",
             f"Pour : {appointment.person}" + (f" (tél. {appointment.phone})"
                                                if appointment.phone else "")]
    procedure = catalogue.procedures.get(appointment.procedure or "")
    if procedure:
        lines.append(f"Démarche : {procedure.title}")
        if procedure.documents:
            lines.append("Documents à apporter :")
            lines.extend(f"  - {doc}" for doc in procedure.documents)
        if procedure.prerequisites:
            lines.append("À avoir si possible : " + " ; ".join(procedure.prerequisites))
    if appointment.path:
        lines.append(f"Séance du parcours d'apprentissage {appointment.path}")
    return lines
