"""A procedure's fiche as French text lines (pure)."""

from __future__ import annotations

from mediatool.core.labels import THEME_LABELS
from mediatool.core.model import Organisation, Procedure


def organisation_contact(organisation: Organisation) -> str:
    parts = [organisation.name]
    if organisation.phone:
        cost = f" ({organisation.phone_cost})" if organisation.phone_cost else ""
        parts.append(f"tél. {organisation.phone}{cost}")
    if organisation.website:
        parts.append(organisation.website)
    return " — ".join(parts)


def danger_lines(procedure: Procedure, organisation: Organisation | None) -> list[str]:
    """Said before anything else when a caller's words signal danger: the emergency
    numbers, then who listens (hours included: "24 h/24" tells it can be called now)."""
    if procedure.danger is None:
        return []
    lines = [f"DANGER POSSIBLE — {procedure.danger.emergency}"]
    if organisation:
        hours = f" ({organisation.hours})" if organisation.hours else ""
        lines.append(f"Écoute et orientation : {organisation_contact(organisation)}{hours}")
    return lines


def fiche_lines(procedure: Procedure, organisation: Organisation | None) -> list[str]:
    """The full fiche, as shown by `catalogue show` and during a call."""
    lines = [f"{procedure.title}  [{procedure.id}]"]
    if procedure.theme is not None:
        lines.append(f"Thème : {THEME_LABELS[procedure.theme]}")
    else:
        lines.append(f"Besoin d'usage (apprentissage) : {', '.join(procedure.coop_themes)}")
    if not procedure.in_scope:
        lines.append("HORS MISSION : réorienter vers l'organisation compétente.")
    if procedure.danger is not None:
        lines.append(procedure.danger.emergency)
    lines.append(f"Durée d'accompagnement estimée : {procedure.typical_duration_min} min")
    if procedure.processing_delay:
        lines.append(f"Délai de l'administration : {procedure.processing_delay}")
    if procedure.documents:
        lines.append("Documents à apporter :")
        lines.extend(f"  - {doc}" for doc in procedure.documents)
    if procedure.prerequisites:
        lines.append("Prérequis :")
        lines.extend(f"  - {item}" for item in procedure.prerequisites)
    if organisation:
        lines.append(f"Organisation : {organisation_contact(organisation)}")
        if organisation.hours:
            lines.append(f"  Horaires : {organisation.hours}")
    if procedure.online_service:
        lines.append(f"En ligne : {procedure.online_service}")
    if procedure.notes:
        lines.append(f"Notes : {procedure.notes}")
    lines.append(f"Source : {procedure.source} (vérifiée le {procedure.reviewed:%d/%m/%Y})")
    return lines
