"""Domain values: catalogue, team and record events, as frozen dataclasses.

Field specs are the validation rules (see `fields.py`); the JSON Schemas of
`mediatool catalogue schema` are generated from these definitions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal

from mediatool.core.fields import SLUG_PATTERN, spec
from mediatool.core.ids import id_pattern
from mediatool.core.values import frozen

THEMES = (
    "papiers-elections-citoyennete", "famille-scolarite", "social-sante",
    "travail-formation", "logement", "transports-mobilite", "argent-impots", "justice",
    "etrangers-europe", "loisirs-sports-culture", "associations",
)
Theme = Literal[
    "papiers-elections-citoyennete", "famille-scolarite", "social-sante",
    "travail-formation", "logement", "transports-mobilite", "argent-impots", "justice",
    "etrangers-europe", "loisirs-sports-culture", "associations",
]
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
Weekday = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
Kind = Literal["demarche", "usage"]
KINDS_OF_NEED: tuple[Kind, ...] = ("demarche", "usage")
# La Coop de la médiation numérique: its non-administrative thématiques (usage needs).
COOP_THEMES = (
    "diagnostic_numerique", "prendre_en_main_du_materiel", "maintenance_de_materiel",
    "gere_ses_contenus_numeriques", "navigation_sur_internet", "email", "bureautique",
    "reseaux_sociaux", "sante", "banque_et_achats_en_ligne", "entrepreneuriat",
    "insertion_professionnelle", "securite_numerique", "parentalite", "scolarite_et_numerique",
    "creer_avec_le_numerique", "culture_numerique", "intelligence_artificielle",
)
CoopTheme = Literal[
    "diagnostic_numerique", "prendre_en_main_du_materiel", "maintenance_de_materiel",
    "gere_ses_contenus_numeriques", "navigation_sur_internet", "email", "bureautique",
    "reseaux_sociaux", "sante", "banque_et_achats_en_ligne", "entrepreneuriat",
    "insertion_professionnelle", "securite_numerique", "parentalite", "scolarite_et_numerique",
    "creer_avec_le_numerique", "culture_numerique", "intelligence_artificielle",
]
ORGANISATION_KINDS = (
    "operateur", "administration", "aide-demarches", "mediation-numerique", "aide-sociale",
    "insertion-professionnelle", "autre",
)
OrganisationKind = Literal[
    "operateur", "administration", "aide-demarches", "mediation-numerique", "aide-sociale",
    "insertion-professionnelle", "autre",
]
VDD_ID = r"^[FN][0-9]+$"
Outcome = Literal["dropin", "appointment", "redirect", "resolved", "other"]
OUTCOMES: tuple[Outcome, ...] = ("dropin", "appointment", "redirect", "resolved", "other")

URL = r"^https?://[^\s]+$"
SLUG_HINT = "un identifiant en minuscules, chiffres et tirets (ex. caf-prime-activite)"
SKILL_ID = r"^([1-5]\.[1-4]|[a-z0-9][a-z0-9-]*)$"
PERSON_ID = id_pattern("A-Z")
# The most characters a person may type for a text (the command line reads these
# bounds through `fields.text_bound`; files written by earlier versions stay readable).
NAME_MAX = 100
PHONE_MAX = 30
NOTE_MAX = 1000
REASON_MAX = 300
QUERY_MAX = 200
SLUG_MAX = 80
ID_MAX = 40  # an id as typed, spaces included ("a 7k3 qx2 mp9")


# ---- catalogue -----------------------------------------------------------

@frozen
class DangerSignals:
    """What tells that a caller may be in danger: the entry then comes first, with its
    emergency numbers, whatever else was said. Words are matched by their stem, so one
    form of each is enough (« frapper » also finds « frappe », « frappée »)."""

    emergency: str = spec("Numéros à donner tout de suite, tels que la page officielle "
                          "les écrit (ex. « Danger immédiat : 17 ou 112 »)")
    phrases: tuple[str, ...] = spec("Expressions qui suffisent, dites en entier "
                                    "(« violences conjugales »)", default=())
    harms: tuple[str, ...] = spec("Coups, violences : un signal quand ils visent la "
                                  "personne (« il me frappe ») ou viennent d'un proche",
                                  default=())
    pressures: tuple[str, ...] = spec("Menaces, emprise : un signal quand elles viennent "
                                      "d'un proche ou de « il / elle me … »", default=())
    fears: tuple[str, ...] = spec("Peur : un signal quand elle porte sur un proche ou "
                                  "sur « lui » / « elle »", default=())
    partners: tuple[str, ...] = spec("Conjoints et partenaires (mari, copine, ex…)",
                                     default=())
    family: tuple[str, ...] = spec("Autres proches (père, fils…) : pour les coups et "
                                   "les menaces, pas pour la peur", default=())


@frozen
class Procedure:
    """A need callers phone about: an online administrative procedure (démarche) or a
    learning need (usage)."""

    id: str = spec("Identifiant court", pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT,
                    max_length=SLUG_MAX)
    title: str = spec("Intitulé, tel que la personne le dirait")
    organisation: str = spec("Organisation compétente (id de organisations.yaml)",
                             pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT)
    typical_duration_min: int = spec("Temps d'accompagnement estimé, en minutes",
                                     minimum=5, maximum=240)
    source: str = spec("Page officielle d'où viennent les informations", pattern=URL,
                       pattern_hint="une adresse web commençant par https://")
    reviewed: dt.date = spec("Date de dernière vérification des faits (AAAA-MM-JJ)")
    kind: Kind = spec("demarche (démarche administrative) ou usage (besoin d'apprentissage)",
                      default="demarche")
    # Required for a démarche (checked by `catalogue check`); a usage need has none.
    theme: Theme | None = spec("Thème administratif (obligatoire pour une démarche)",
                               default=None)
    coop_themes: tuple[CoopTheme, ...] = spec(
        "Thématiques non administratives de La Coop (obligatoire pour un usage)", default=())
    keywords: tuple[str, ...] = spec("Mots que les gens disent au téléphone", default=())
    online_service: str | None = spec("Téléservice officiel", default=None, pattern=URL,
                                      pattern_hint="une adresse web commençant par https://")
    processing_delay: str | None = spec("Délai de traitement annoncé par l'administration",
                                        default=None)
    documents: tuple[str, ...] = spec("Pièces à apporter", default=())
    prerequisites: tuple[str, ...] = spec("Prérequis (compte, e-mail, FranceConnect…)",
                                          default=())
    prerequisite_skills: tuple[str, ...] = spec(
        "Compétences pratiques à acquérir quand les prérequis manquent (ids de skills.yaml)",
        default=(), pattern=SKILL_ID)
    skills: tuple[str, ...] = spec(
        "Usage : compétences visées par le parcours (ids de skills.yaml)",
        default=(), pattern=SKILL_ID)
    in_scope: bool = spec("false : hors mission, toujours réorienter", default=True)
    notes: str | None = spec("Remarques", default=None)
    vdd_id: str | None = spec("Identifiant de la fiche service-public.fr (ex. F12006)",
                              default=None, pattern=VDD_ID,
                              pattern_hint="F ou N suivi de chiffres (ex. F12006)")
    page_updated: dt.date | None = spec("Date de mise à jour affichée par la page officielle",
                                        default=None)
    aliases: tuple[str, ...] = spec("Anciens identifiants, toujours reconnus", default=(),
                                    pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT)
    danger: DangerSignals | None = spec(
        "Signaux de danger : l'entrée vient en premier et l'écran d'appel affiche les "
        "numéros d'urgence", default=None)

    @property
    def is_usage(self) -> bool:
        return self.kind == "usage"


ImportedDataset = Literal["lieux-mediation-numerique", "annuaire-administration"]


@frozen
class Imported:
    """Where `catalogue import-places` took an organisation from."""

    dataset: ImportedDataset = spec("Jeu de données : lieux-mediation-numerique ou "
                                    "annuaire-administration")
    id: str = spec("Identifiant de l'entrée dans le jeu de données")
    date: dt.date = spec("Date de l'import")
    checksum: str = spec("Empreinte des champs importés : une différence veut dire modifié "
                         "à la main (jamais écrasé)", pattern=r"^[0-9a-f]{16}$")


@frozen
class Organisation:
    """A competent organisation, for redirections."""

    id: str = spec("Identifiant court", pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT,
                    max_length=SLUG_MAX)
    name: str = spec("Nom")
    kind: OrganisationKind = spec("Type de structure", default="autre")
    phone: str | None = spec("Téléphone, entre guillemets", default=None)
    phone_cost: str | None = spec("Coût de l'appel, tel que la page officielle l'écrit",
                                  default=None)
    website: str | None = spec("Site web", default=None, pattern=URL,
                               pattern_hint="une adresse web commençant par https://")
    address: str | None = spec("Adresse", default=None)
    hours: str | None = spec("Horaires", default=None)
    notes: str | None = spec("Remarques (coût de l'appel, aide apportée)", default=None)
    local: bool = spec("Structure locale à compléter par l'équipe", default=False)
    source: str | None = spec("Page officielle", default=None, pattern=URL)
    page_updated: dt.date | None = spec("Date de mise à jour affichée par la page officielle",
                                        default=None)
    reviewed: dt.date | None = spec("Date de vérification", default=None)
    place_of: str | None = spec("Lieu local de cette organisation (son id), pour les "
                                "réorientations", default=None, pattern=SLUG_PATTERN,
                                pattern_hint=SLUG_HINT)
    commune: str | None = spec("Commune du lieu", default=None)
    insee: str | None = spec("Code INSEE de la commune", default=None,
                             pattern=r"^[0-9][0-9AB][0-9]{3}$",
                             pattern_hint="cinq caractères, ex. 35238 (2A/2B en Corse)")
    opening_hours: str | None = spec("Horaires au format OpenStreetMap (ex. « Mo-Fr "
                                     "09:00-12:00,14:00-17:00 »)", default=None)
    imported: Imported | None = spec("Import des annuaires (catalogue import-places)",
                                     default=None)

    @property
    def has_contact(self) -> bool:
        """Whether a caller can be given a way to reach it (phone or website)."""
        return bool(self.phone or self.website)


@frozen
class Skill:
    """A digital skill: a Pix competence (1.1…5.2) or a practical skill."""

    id: str = spec("Identifiant : 1.1…5.2 pour Pix, sinon un identifiant court",
                   pattern=SKILL_ID)
    title: str = spec("Intitulé")
    area: str = spec("Domaine")
    pix: str | None = spec("Compétence Pix de rattachement (compétences pratiques)",
                           default=None, pattern=r"^[1-5]\.[1-4]$")


@frozen
class Synonym:
    """How callers say a thing the catalogue names otherwise: a search for « le chômage »
    also looks for « France Travail »."""

    said: tuple[str, ...] = spec("Ce que disent les appelants (« chômage », « la sécu »)")
    means: str = spec("Les mots du catalogue que cela désigne (« France Travail »)")


@frozen
class ProceduresFile:
    """catalogue/procedures.yaml"""

    procedures: tuple[Procedure, ...] = spec("Les démarches")
    synonyms: tuple[Synonym, ...] = spec(
        "Mots de tous les jours et les mots administratifs qu'ils désignent, pour la "
        "recherche", default=())


@frozen
class OrganisationsFile:
    """catalogue/organisations.yaml"""

    organisations: tuple[Organisation, ...] = spec("Les organisations")


@frozen
class SkillsFile:
    """catalogue/skills.yaml"""

    skills: tuple[Skill, ...] = spec("Les compétences numériques")


# ---- team ----------------------------------------------------------------

@frozen
class WeeklySlot:
    """A weekly time range, e.g. every Tuesday 09:00–12:00."""

    day: Weekday = spec("Jour de la semaine")
    start: dt.time = spec("Début, « HH:MM » entre guillemets")
    end: dt.time = spec("Fin, « HH:MM » entre guillemets")

    @property
    def weekday(self) -> int:
        return WEEKDAYS.index(self.day)

    def label(self) -> str:
        return f"{self.day} {self.start:%H:%M}-{self.end:%H:%M}"


@frozen
class DateRange:
    """Dates from `start` to `end`, both included."""

    start: dt.date = spec("Premier jour")
    end: dt.date = spec("Dernier jour (inclus)")
    reason: str | None = spec("Motif", default=None, max_length=REASON_MAX)

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@frozen
class Site:
    """A public digital space where people are received."""

    id: str = spec("Identifiant court", pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT,
                    max_length=SLUG_MAX)
    name: str = spec("Nom")
    address: str | None = spec("Adresse", default=None)

    def label(self, with_address: bool = True) -> str:
        """« Espace numérique du Centre, 1 place … », as read to a caller."""
        return f"{self.name}, {self.address}" if with_address and self.address else self.name


@frozen
class DropinSession:
    """A weekly drop-in session (permanence) at a site."""

    site: str = spec("Lieu (id de sites)", pattern=SLUG_PATTERN)
    day: Weekday = spec("Jour de la semaine")
    start: dt.time = spec("Début")
    end: dt.time = spec("Fin")

    @property
    def weekday(self) -> int:
        return WEEKDAYS.index(self.day)


@frozen
class PhoneLine:
    """The phone line: its number and weekly shifts."""

    number: str = spec("Numéro affiché aux usagers")
    shifts: tuple[WeeklySlot, ...] = spec("Créneaux hebdomadaires de permanence téléphonique")


@frozen
class Mediator:
    """A mediator: hours open to appointments, absences."""

    id: str = spec("Identifiant court", pattern=SLUG_PATTERN, pattern_hint=SLUG_HINT,
                    max_length=SLUG_MAX)
    name: str = spec("Nom affiché")
    site: str | None = spec("Lieu habituel des rendez-vous (id de sites)", default=None)
    hours: tuple[WeeklySlot, ...] = spec("Heures ouvertes aux rendez-vous", default=())
    absences: tuple[DateRange, ...] = spec("Absences (congés, formation…)", default=())


@frozen
class Caps:
    """Caps on appointments."""

    appointment_half_days_per_week: int = spec(
        "Demi-journées de rendez-vous au plus par médiateur et par semaine",
        default=2, minimum=0, maximum=14)


@frozen
class Triage:
    """Thresholds for the phone-line recommendation."""

    dropin_max_min: int = spec("Au-delà : rendez-vous plutôt que permanence", default=30,
                               minimum=5, maximum=240)
    short_max_min: int = spec("Jusque-là : démarche courte, rendez-vous court possible",
                              default=15, minimum=0, maximum=240)


@frozen
class Durations:
    """Default appointment durations per kind, in minutes."""

    demarche: int = spec("Rendez-vous démarche", default=45, minimum=5, maximum=240)
    usage: int = spec("Séance d'apprentissage (usage)", default=60, minimum=5, maximum=240)


ExperimentService = Literal["phone_line", "appointments"]


@frozen
class Experiment:
    """The experiment the team runs: since when its new services are open."""

    start: dt.date = spec("Ouverture des nouveaux services (AAAA-MM-JJ) : avant / depuis")
    services: tuple[ExperimentService, ...] = spec(
        "Services ouverts à cette date : phone_line (ligne téléphonique), appointments "
        "(rendez-vous)", default=("phone_line", "appointments"))


@frozen
class Team:
    """catalogue/team.yaml: the service."""

    service: str = spec("Nom du service")
    mediators: tuple[Mediator, ...] = spec("Les médiateurs")
    timezone: str = spec("Fuseau horaire", default="Europe/Paris")
    halfday_boundary: dt.time = spec("Heure qui sépare matin et après-midi",
                                     default=dt.time(13, 0))
    caps: Caps = spec("Plafonds", default_factory=Caps)
    triage: Triage = spec("Seuils d'orientation", default_factory=Triage)
    durations: Durations = spec("Durées par défaut", default_factory=Durations)
    slot_step_min: int = spec("Pas des créneaux proposés, en minutes", default=15,
                              minimum=5, maximum=120)
    booking_horizon_days: int = spec(
        "Jusqu'à combien de jours à l'avance un rendez-vous peut être pris", default=365,
        minimum=1, maximum=730)
    phone_line: PhoneLine | None = spec("Ligne téléphonique", default=None)
    sites: tuple[Site, ...] = spec("Lieux d'accueil", default=())
    dropins: tuple[DropinSession, ...] = spec("Permanences hebdomadaires", default=())
    closures: tuple[DateRange, ...] = spec("Fermetures du service", default=())
    holidays: str = spec("Pays des jours fériés (code ISO)", default="FR",
                         pattern=r"^[A-Z]{2}$")
    holidays_subdivision: str | None = spec("Subdivision (ex. 57 pour la Moselle)",
                                            default=None)
    retention: int = spec("Mois de conservation des données personnelles", default=12,
                          minimum=1, maximum=120)
    experiment: Experiment | None = spec("L'expérimentation mesurée par report --experiment",
                                         default=None)

    def mediator(self, mediator_id: str) -> Mediator | None:
        return next((m for m in self.mediators if m.id == mediator_id), None)

    def site(self, site_id: str | None) -> Site | None:
        return next((s for s in self.sites if s.id == site_id), None)


# ---- records: one event per YAML document --------------------------------

@frozen
class Record:
    """An event read from a record file, with where it was read."""

    event: Any
    source: str
    line: int


@frozen
class CallRecorded:
    """A phone call, anonymous: no name, no phone number."""

    id: str = spec("Identifiant", pattern=id_pattern("C"), max_length=ID_MAX)
    event: Literal["call"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure de l'appel")
    by: str = spec("Médiateur")
    outcome: Outcome = spec("Suite donnée")
    in_shift: bool = spec("Pendant une permanence téléphonique")
    duration_min: int | None = spec("Durée de l'appel", default=None, minimum=0, maximum=240)
    procedure: str | None = spec("Démarche", default=None)
    theme: Theme | None = spec("Thème", default=None)
    query: str | None = spec("Mots saisis quand aucune démarche ne convient", default=None,
                             max_length=QUERY_MAX)
    redirect_to: str | None = spec("Organisation vers laquelle réorienter", default=None)
    shift: str | None = spec("Permanence téléphonique concernée", default=None)
    appointment: str | None = spec("Rendez-vous pris pendant l'appel", default=None)
    note: str | None = spec("Note", default=None, max_length=NOTE_MAX)
    # The caller's name and phone live in the waiting entry only: the call stays anonymous.
    wait: str | None = spec("Entrée de liste d'attente ouverte pendant l'appel", default=None,
                            pattern=id_pattern("W"))


@frozen
class CallLinked:
    """An appointment booked later from a call (`book --from-call`)."""

    id: str = spec("Appel", pattern=id_pattern("C"))
    event: Literal["linked"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Médiateur")
    appointment: str = spec("Rendez-vous", pattern=id_pattern("A"))


@frozen
class AppointmentBooked:
    """An appointment is booked."""

    id: str = spec("Identifiant", pattern=id_pattern("A"), max_length=ID_MAX)
    event: Literal["booked"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure d'enregistrement")
    by: str = spec("Qui a enregistré")
    mediator: str = spec("Médiateur")
    kind: Kind = spec("demarche ou usage")
    start: dt.datetime = spec("Début du rendez-vous")
    duration_min: int = spec("Durée", minimum=5, maximum=480)
    person: str = spec("Nom de la personne", max_length=NAME_MAX)
    phone: str | None = spec("Téléphone de contact", default=None, max_length=PHONE_MAX)
    procedure: str | None = spec("Démarche", default=None)
    path: str | None = spec("Parcours d'apprentissage", default=None)
    site: str | None = spec("Lieu", default=None)
    from_call: str | None = spec("Appel d'origine", default=None)
    note: str | None = spec("Note", default=None, max_length=NOTE_MAX)
    rescheduled_from: str | None = spec("Rendez-vous reporté que celui-ci remplace",
                                        default=None, pattern=id_pattern("A"))


@frozen
class AppointmentCancelled:
    """An appointment is cancelled: excused by the person, or revoked by the service."""

    id: str = spec("Rendez-vous", pattern=id_pattern("A"))
    event: Literal["cancelled"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")
    by_person: bool = spec("true : excusé par la personne ; false : annulé par le service")
    reason: str | None = spec("Motif", default=None, max_length=REASON_MAX)
    rescheduled_to: str | None = spec("Nouveau rendez-vous (report)", default=None,
                                      pattern=id_pattern("A"))


@frozen
class AppointmentAttended:
    """The person came; optionally the skills reached (usage)."""

    id: str = spec("Rendez-vous", pattern=id_pattern("A"))
    event: Literal["attended"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")
    skills: tuple[str, ...] = spec("Compétences acquises", default=(), pattern=SKILL_ID)
    note: str | None = spec("Note", default=None, max_length=NOTE_MAX)
    autonomy: int | None = spec(
        "Niveau d'autonomie de La Coop : 1 avec guidage, 2 autonome avec guidage si besoin, "
        "3 autonome", default=None, minimum=1, maximum=3)


@frozen
class AppointmentNoShow:
    """The person did not come and did not warn."""

    id: str = spec("Rendez-vous", pattern=id_pattern("A"))
    event: Literal["no_show"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")


@frozen
class AppointmentReminded:
    """A reminder was sent (or handed to the team to send) for an appointment."""

    id: str = spec("Rendez-vous", pattern=id_pattern("A"))
    event: Literal["reminded"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")
    via: str | None = spec("Programme d'envoi utilisé (--send-with)", default=None,
                           max_length=NOTE_MAX)


@frozen
class AppointmentCorrected:
    """A wrong outcome is turned into the other one (venu ↔ absent), with its reason."""

    id: str = spec("Rendez-vous", pattern=id_pattern("A"))
    event: Literal["corrected"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")
    to: Literal["attended", "no_show"] = spec("Suite corrigée : attended ou no_show")
    reason: str = spec("Motif de la correction", max_length=REASON_MAX)
    skills: tuple[str, ...] = spec("Compétences acquises", default=(), pattern=SKILL_ID)


@frozen
class Anonymised:
    """Personal data of an appointment, path or waiting entry was erased (retention)."""

    id: str = spec("Rendez-vous, parcours ou entrée d'attente", pattern=id_pattern("APW"))
    event: Literal["anonymised"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")


@frozen
class PathOpened:
    """A usage learning path is opened: target skills and number of sessions."""

    id: str = spec("Identifiant", pattern=id_pattern("P"), max_length=ID_MAX)
    event: Literal["opened"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")
    person: str = spec("Nom de la personne", max_length=NAME_MAX)
    mediator: str = spec("Médiateur référent")
    skills: tuple[str, ...] = spec("Compétences visées", pattern=SKILL_ID)
    sessions: int = spec("Nombre de séances convenu", minimum=1, maximum=50)
    phone: str | None = spec("Téléphone de contact", default=None, max_length=PHONE_MAX)
    note: str | None = spec("Note", default=None, max_length=NOTE_MAX)


@frozen
class PathClosed:
    """A usage learning path is closed."""

    id: str = spec("Parcours", pattern=id_pattern("P"))
    event: Literal["closed"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")
    reason: str | None = spec("Motif", default=None, max_length=REASON_MAX)


@frozen
class DropinTally:
    """One drop-in session's tally: people seen and people turned away."""

    id: str = spec("Identifiant", pattern=id_pattern("D"))
    event: Literal["tally"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure d'enregistrement")
    by: str = spec("Qui")
    site: str = spec("Lieu")
    date: dt.date = spec("Jour de la permanence")
    seen: int = spec("Personnes reçues", minimum=0, maximum=1000)
    refused: int = spec("Personnes refusées faute de place", minimum=0, maximum=1000)
    note: str | None = spec("Note", default=None, max_length=NOTE_MAX)
    replaces: tuple[str, ...] = spec("Bilans du même lieu et du même jour que celui-ci "
                                     "remplace (--replace)", default=(),
                                     pattern=id_pattern("D"))


# ---- waiting list ----------------------------------------------------------

@frozen
class WaitAdded:
    """A person waits for an appointment that no free slot could give yet."""

    id: str = spec("Identifiant", pattern=id_pattern("W"), max_length=ID_MAX)
    event: Literal["added"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure d'inscription")
    by: str = spec("Qui a inscrit")
    person: str = spec("Nom de la personne", max_length=NAME_MAX)
    kind: Kind = spec("demarche ou usage")
    phone: str | None = spec("Téléphone de contact", default=None, max_length=PHONE_MAX)
    procedure: str | None = spec("Démarche", default=None)
    path: str | None = spec("Parcours d'apprentissage (usage)", default=None,
                            pattern=id_pattern("P"))
    mediator: str | None = spec("Médiateur souhaité (absent : n'importe lequel)", default=None)
    before: dt.date | None = spec("Échéance : rendez-vous au plus tard ce jour-là", default=None)
    from_call: str | None = spec("Appel d'origine", default=None, pattern=id_pattern("C"))
    note: str | None = spec("Note", default=None, max_length=NOTE_MAX)


@frozen
class WaitOffered:
    """A freed slot was offered to the person by phone."""

    id: str = spec("Entrée d'attente", pattern=id_pattern("W"))
    event: Literal["offered"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure de la proposition")
    by: str = spec("Qui a proposé")
    slot: dt.datetime = spec("Créneau proposé")


@frozen
class WaitClosed:
    """A waiting entry is closed: booked from the list, or removed with a reason."""

    id: str = spec("Entrée d'attente", pattern=id_pattern("W"))
    event: Literal["closed"] = spec("Type d'évènement")
    at: dt.datetime = spec("Heure")
    by: str = spec("Qui")
    reason: str | None = spec("Motif", default=None, max_length=REASON_MAX)
    appointment: str | None = spec("Rendez-vous pris depuis la liste (book --from-wait)",
                                   default=None, pattern=id_pattern("A"))


# Record kinds: folder name → id letter and event classes by `event` value.
RECORD_KINDS: dict[str, tuple[str, dict[str, type]]] = {
    "calls": ("C", {"call": CallRecorded, "linked": CallLinked}),
    "appointments": ("A", {"booked": AppointmentBooked, "cancelled": AppointmentCancelled,
                           "attended": AppointmentAttended, "no_show": AppointmentNoShow,
                           "anonymised": Anonymised, "reminded": AppointmentReminded,
                           "corrected": AppointmentCorrected}),
    "paths": ("P", {"opened": PathOpened, "closed": PathClosed, "anonymised": Anonymised}),
    "dropins": ("D", {"tally": DropinTally}),
    "waitlist": ("W", {"added": WaitAdded, "offered": WaitOffered, "closed": WaitClosed,
                       "anonymised": Anonymised}),
}


def event_to_document(event: Any) -> dict[str, Any]:
    """Event dataclass → the mapping written to disk (empty optional fields left out)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if value is None or value == ():
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.datetime):
            value = value.isoformat(timespec="seconds")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[f.name] = value
    return out
