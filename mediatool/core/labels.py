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

# What purge lists for the `.broken-…` fragments it cleaned (they are no record kind).
FRAGMENTS = "fragments"
RECORD_KIND_LABELS = {"appointments": "rendez-vous", "paths": "parcours",
                      "waitlist": "liste d'attente", FRAGMENTS: "fragment mis de côté (.broken-…)"}

# The scheduling rule that refused a slot.
RULE_LABELS = {
    "past": "date passée",
    "horizon": "trop loin à l'avance",
    "holiday": "jour férié",
    "closure": "fermeture du service",
    "absence": "absence du médiateur",
    "hours": "en dehors des heures de rendez-vous",
    "overlap": "chevauchement avec un autre rendez-vous",
    "cap": "plafond de demi-journées par semaine",
}

# Report sections and figures in French spreadsheets (`--csv-dialect excel-fr`, xlsx); the
# stable keys stay in JSON and in the plain CSV (docs/formats.md).
SECTION_LABELS = {
    "report": "Rapport", "phone": "Ligne téléphonique", "appointments": "Rendez-vous",
    "paths": "Parcours d'apprentissage", "dropins": "Permanences sans rendez-vous",
    "experiment": "Expérimentation",
}
METRIC_LABELS = {
    "service": "Service", "period_first": "Premier jour", "period_last": "Dernier jour",
    "generated_at": "Édité le",
    "calls": "Appels", "in_shift": "Pendant les permanences téléphoniques",
    "outside_shift": "Hors permanences téléphoniques", "by_shift": "Appels par permanence",
    "durations_known": "Appels de durée connue", "duration_mean_min": "Durée moyenne (min)",
    "duration_median_min": "Durée médiane (min)", "duration_buckets": "Durée des appels",
    "outcomes": "Suites données", "top_procedures": "Démarches les plus demandées",
    "themes": "Thèmes", "redirections": "Réorientations",
    "became_appointments": "Appels devenus rendez-vous",
    "became_appointments_rate": "Part des appels devenus rendez-vous",
    "appointments_attended": "Rendez-vous honorés (pris depuis un appel)",
    "booked": "Rendez-vous de la période", "situations": "Situation des rendez-vous",
    "by_kind": "Par type", "by_mediator": "Par médiateur", "total": "total",
    "attended_duration_buckets": "Durée des rendez-vous honorés",
    "reminded_outcomes": "Rendez-vous rappelés par SMS (venus ou absents)",
    "reminded_no_show_rate": "Taux d'absence des rendez-vous rappelés",
    "not_reminded_outcomes": "Rendez-vous non rappelés (venus ou absents)",
    "not_reminded_no_show_rate": "Taux d'absence des rendez-vous non rappelés",
    "cap": "Plafond de demi-journées par semaine", "half_days_used": "Demi-journées utilisées",
    "opened": "Parcours ouverts", "sessions_agreed": "Séances convenues",
    "closed": "Parcours clos", "sessions_done": "Séances réalisées",
    "skills_reached": "Compétences atteintes", "skills_by_area": "Compétences par domaine Pix",
    "sessions": "Permanences", "seen": "Personnes reçues", "refused": "Personnes refusées",
    "refusal_rate": "Taux de refus", "by_site": "Par lieu", "trend": "Évolution mensuelle",
    "start": "Ouverture des nouveaux services", "verdict": "Verdict",
    "first": "Premier jour", "last": "Dernier jour", "months": "Mois",
    "months_with_tallies": "Mois renseignés", "month_without_tally": "Mois sans bilan",
    "seen_per_session": "Personnes reçues par permanence",
    "refused_per_session": "Refus par permanence",
    "refusal_rate_difference": "Écart du taux de refus (depuis − avant)",
    "handled_by_phone": "Réglés ou réorientés au téléphone",
    "handled_by_phone_rate": "Part réglée ou réorientée au téléphone",
    "to_appointment": "Orientés vers un rendez-vous",
    "to_appointment_rate": "Part orientée vers un rendez-vous",
    "appointments_from_calls": "Rendez-vous pris depuis un appel",
    "appointments_ahead": "Rendez-vous encore à venir",
    "accompaniments": "Accompagnements", "attended": "Rendez-vous honorés",
    "share_of_accompaniments": "Part des rendez-vous dans les accompagnements",
    "low": "borne basse IC 95 %", "high": "borne haute IC 95 %",
}
SIDE_LABELS = {"before": "avant", "since": "depuis", "difference": "écart"}
# Columns of `report --detail`, in order.
DETAIL_LABELS = {
    "type": "Type", "id": "Identifiant", "date": "Date", "time": "Heure",
    "mediator": "Médiateur", "kind": "Type de rendez-vous", "procedure": "Démarche",
    "theme": "Thème", "status": "Suite ou situation", "duration_min": "Durée (min)",
    "in_shift": "Pendant une permanence", "shift": "Permanence téléphonique",
    "redirect_to": "Réorienté vers", "link": "Lié à",
}
# Fields an import of local places writes, as the import's report names them.
PLACE_FIELD_LABELS = {
    "name": "nom", "kind": "type", "place_of": "antenne de", "address": "adresse",
    "commune": "commune", "insee": "code INSEE", "phone": "téléphone", "website": "site web",
    "hours": "horaires", "opening_hours": "horaires (OSM)", "notes": "remarques",
    "source": "source", "page_updated": "mise à jour de la source",
}
