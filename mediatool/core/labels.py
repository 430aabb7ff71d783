"""Every French label of a domain value, once: what a person reads for each id.

Screens, reports, calendars and recaps all take their words from here, so one
concept has one name wherever it shows.
"""

from __future__ import annotations

THEME_LABELS = {
    "papiers-elections-citoyennete": "Papiers, élections, citoyenneté",
    "famille-scolarite": "Famille, scolarité",
    "social-sante": "Social, santé",
    "travail-formation": "Travail, formation",
    "logement": "Logement",
    "transports-mobilite": "Transports, mobilité",
    "argent-impots": "Argent, impôts",
    "justice": "Justice",
    "etrangers-europe": "Étrangers, Europe",
    "loisirs-sports-culture": "Loisirs, sports, culture",
    "associations": "Associations",
}

# What a call leads to: nouns, so that they read as well after "Recommandation :" on the
# call screen as after "Suite donnée :" and in the report's breakdown of calls.
OUTCOME_LABELS = {
    "dropin": "permanence sans rendez-vous",
    "appointment": "rendez-vous",
    "redirect": "réorientation",
    "resolved": "réglé au téléphone",
    "other": "autre",
}

KIND_LABELS = {"demarche": "démarche", "usage": "usage (apprentissage)"}

# An appointment's situation, in the agenda, the report and the calendars.
STATUS_LABELS = {
    "booked": "à venir",
    "attended": "venu",
    "excused": "annulé (excusé)",
    "revoked": "annulé (par le service)",
    "no_show": "absent",
    "to_fill": "à renseigner",
    "rescheduled": "reporté",
}

RECORD_KIND_LABELS = {"appointments": "rendez-vous", "paths": "parcours"}

# The scheduling rule that refused a slot.
RULE_LABELS = {
    "past": "date passée",
    "holiday": "jour férié",
    "closure": "fermeture du service",
    "absence": "absence du médiateur",
    "hours": "en dehors des heures de rendez-vous",
    "overlap": "chevauchement avec un autre rendez-vous",
    "cap": "plafond de demi-journées par semaine",
}
