"""Accompaniments in La Coop de la médiation numérique's own export layout (pure).

The columns are those of the Coop's "accompagnements" worksheet as a mediator
exports their own activity (isSelfExport, no V1 data), in its order and with its
labels, from inclusion-numerique/coop-mediation-numerique,
apps/web/src/features/activites/use-cases/list/export/buildAccompagnementsWorksheet.ts
(tests/data/coop_accompagnements_header.json keeps the list and its commit).
Downstream users read by position: a change of the Coop's layout is a new
LAYOUT version, never an edit of an existing one. No personal data: the
person's name, notes and the beneficiary columns stay empty.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from mediatool.core.catalogue import Catalogue
from mediatool.core.localtime import in_zone
from mediatool.core.model import CallRecorded, Organisation, Record
from mediatool.core.report import Period
from mediatool.core.state import fold_appointments

LAYOUT = "coop-accompagnements-2025"
HEADER = (
    "Date", "Enregistré le", "Dernière modification le", "Type", "Participants",
    "Bénéficiaire", "Canaux d’accompagnement", "Nom du lieu", "Adresse", "Commune",
    "Code postal", "Code Insee", "Durée (min)", "Nom de l’atelier",
    "Matériel numérique utilisé", "Thématique(s) d’accompagnement", "Tags",
    "Nom de la démarche administrative", "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté", "Structure de redirection", "Commune du bénéficiaire",
    "Code postal du bénéficiaire", "Code Insee du bénéficiaire", "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "Notes supplémentaires",
    "ID CRA",
)
TYPE_INDIVIDUEL = "Accompagnement individuel"
A_DISTANCE = "À distance"
LIEU_ACTIVITE = "Lieu d’activité"
TELEPHONE = "Téléphone"
AIDE_DEMARCHES = "Aide aux démarches administratives"
NON_COMMUNIQUE = "Non communiqué"
# thematiquesAdministrativesLabels: mediatool's themes are the same eleven.
ADMIN_THEMES = {
    "papiers-elections-citoyennete": "Papiers - Élections - Citoyenneté",
    "famille-scolarite": "Famille - Scolarité",
    "social-sante": "Social - Santé",
    "travail-formation": "Travail - Formation - Entreprise",
    "logement": "Logement",
    "transports-mobilite": "Transports - Mobilité",
    "argent-impots": "Argent - Impôts",
    "justice": "Justice",
    "etrangers-europe": "Étrangers - Europe",
    "loisirs-sports-culture": "Loisirs - Sports - Culture",
    "associations": "Associations",
}
# A learning session's non-administrative theme, from the Pix area of its skills.
AREA_THEMES = {
    "Informations et données": "Navigation sur internet",
    "Communication et collaboration": "E-mail",
    "Création de contenu": "Créer avec le numérique",
    "Protection et sécurité": "Prévention en sécurité numérique",
    "Environnement numérique": "Prendre en main du matériel",
}
# structuresRedirectionLabels: the Coop's seven values.
REDIRECTIONS = {
    "operateur": "Opérateur ou organisme en charge de la démarche administrative",
    "aide-demarches": "Structure d’aide aux démarches administratives (France Services…)",
    "administration": "Administration (mairie, préfecture…)",
    "mediation-numerique": "Autre structure de médiation numérique",
    "aide-sociale": "Structure d’aide sociale (maison des solidarités, centre social…)",
    "insertion-professionnelle": "Structure d’insertion professionnelle (France Travail, "
                                 "mission locale, chambre de commerce…)",
    "autre": "Autre",
}
# Until organisations carry a `kind`, the default catalogue's ids say which one they are.
KIND_BY_ORGANISATION = {
    "caf": "operateur", "assurance-maladie": "operateur", "ants": "operateur",
    "dgfip": "operateur", "assurance-retraite": "operateur", "info-retraite": "operateur",
    "anef": "operateur", "msa": "operateur", "crous": "operateur", "parcoursup": "operateur",
    "casier-judiciaire-national": "operateur", "pass-culture": "operateur",
    "banque-de-france": "operateur", "cheque-energie": "operateur",
    "france-renov": "operateur", "la-poste-identite-numerique": "operateur",
    "centre-finances-publiques": "operateur", "mdph": "operateur",
    "greffe-associations": "operateur", "logement-social": "operateur",
    "france-travail": "insertion-professionnelle", "mission-locale": "insertion-professionnelle",
    "mairie": "administration", "prefecture": "administration",
    "ministere-justice": "administration", "etablissement-scolaire": "administration",
    "commissariat-gendarmerie": "administration",
    "france-services": "aide-demarches", "service-public": "aide-demarches",
    "point-justice": "aide-demarches",
    "ccas": "aide-sociale", "maison-des-solidarites": "aide-sociale",
    "centre-social": "aide-sociale", "violences-femmes-info": "aide-sociale",
}
POSTCODE = re.compile(r"(?:^|,\s*)(\d{5})\s+([^,(]+?)\s*(?:\(.*\))?$")


def redirection(organisation: Organisation | None, organisation_id: str) -> str:
    """The Coop's redirection value for an organisation (its `kind` when it has one)."""
    kind = getattr(organisation, "kind", None) or KIND_BY_ORGANISATION.get(organisation_id)
    return REDIRECTIONS.get(kind or "autre", REDIRECTIONS["autre"])


def _stamp(moment: dt.datetime, zone: ZoneInfo) -> str:
    return f"{in_zone(moment, zone):%d/%m/%Y à %H:%M}"


def _place(address: str | None) -> tuple[str, str]:
    """(commune, code postal) read from a French address's end, else empty."""
    match = POSTCODE.search(address or "")
    return (match.group(2).strip(), match.group(1)) if match else ("", "")


def coop_rows(catalogue: Catalogue, records_by_kind: Mapping[str, Sequence[Record]],
              period: Period) -> list[tuple[object, ...]]:
    """One row per accompaniment of the period, in HEADER's order.

    Accompaniments: calls settled or redirected on the phone (« À distance »), and
    appointments the person came to (« Lieu d’activité »). Drop-in sessions are
    tallies without individual rows, so they are not exported.
    """
    team = catalogue.team
    zone = ZoneInfo(team.timezone)
    rows: list[tuple[dt.date, str, tuple[object, ...]]] = []
    organisations = catalogue.organisations
    for record in records_by_kind.get("calls", ()):
        call = record.event
        if not isinstance(call, CallRecorded) or call.outcome not in ("resolved", "redirect"):
            continue
        day = in_zone(call.at, zone).date()
        if day not in period:
            continue
        procedure = catalogue.procedures.get(call.procedure or "")
        theme = call.theme or (procedure.theme if procedure else None)
        redirect = call.outcome == "redirect"
        target = call.redirect_to or (procedure.organisation if procedure and redirect else "")
        rows.append((day, call.id, _row(
            day, _stamp(call.at, zone), A_DISTANCE, "", "", "", "", call.duration_min,
            TELEPHONE, _themes(theme, None), procedure.title if procedure else "", "",
            "Oui" if redirect else "Non",
            redirection(organisations.get(target), target) if redirect and target else "",
            call.id)))
    appointments, _ = fold_appointments(list(records_by_kind.get("appointments", ())))
    for appointment in appointments.values():
        day = in_zone(appointment.start, zone).date()
        if appointment.status != "attended" or day not in period:
            continue
        site = team.site(appointment.site) if appointment.site else None
        commune, postcode = _place(site.address if site else None)
        procedure = catalogue.procedures.get(appointment.procedure or "")
        area_theme = None
        if appointment.kind == "usage":
            areas = [_area(catalogue, s) for s in appointment.skills]
            area_theme = next((AREA_THEMES[a] for a in areas if a in AREA_THEMES), None)
        autonomy = getattr(appointment, "autonomy", None)
        rows.append((day, appointment.id, _row(
            day, _stamp(appointment.booked_at, zone), LIEU_ACTIVITE,
            site.name if site else "", site.address or "" if site else "", commune,
            postcode, appointment.duration_min, "",
            _themes(procedure.theme if procedure else None, area_theme),
            procedure.title if procedure else "", f"{autonomy}/3" if autonomy else "",
            "Non", "", appointment.id)))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [row for _, _, row in rows]


def _area(catalogue: Catalogue, skill_id: str) -> str:
    skill = catalogue.skills.get(skill_id)
    if skill is None:
        return ""
    if skill.pix and skill.pix in catalogue.skills:
        return catalogue.skills[skill.pix].area
    return skill.area


def _themes(admin_theme: str | None, other_theme: str | None) -> str:
    if admin_theme:
        return "\n".join([AIDE_DEMARCHES, ADMIN_THEMES.get(admin_theme, admin_theme)])
    return other_theme or ""


def _row(day: dt.date, recorded: str, channel: str, place: str, address: str, commune: str,
         postcode: str, duration: int | None, material: str, themes: str, procedure: str,
         autonomy: str, redirected: str, structure: str, record_id: str
         ) -> tuple[object, ...]:
    return (day, recorded, "", TYPE_INDIVIDUEL, 1, "", channel, place, address, commune,
            postcode, "", duration, "", material, themes, "", procedure, autonomy,
            redirected, structure, "", "", "", NON_COMMUNIQUE, NON_COMMUNIQUE, NON_COMMUNIQUE,
            "", record_id)
