"""Build and check the catalogue and the team (pure: parsed files in, values out)."""

from __future__ import annotations

import datetime as dt
import difflib
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import Any

from mediatool.core.errors import InvalidInput, Problem
from mediatool.core.fields import INVALID, Context, Positioned, build, field_bounds, schema_for
from mediatool.core.model import (
    COOP_THEMES,
    THEMES,
    DateRange,
    Organisation,
    OrganisationsFile,
    Procedure,
    ProceduresFile,
    Skill,
    SkillsFile,
    Synonym,
    Team,
    WeeklySlot,
)
from mediatool.core.values import frozen

FILE_MODELS: dict[str, type] = {
    "procedures.yaml": ProceduresFile,
    "organisations.yaml": OrganisationsFile,
    "skills.yaml": SkillsFile,
    "team.yaml": Team,
}
REVIEW_MAX_AGE = dt.timedelta(days=365)
PAGE_MAX_AGE = dt.timedelta(days=2 * 365)
# Where the catalogue's facts may come from: the State's sites and the operators' own.
OFFICIAL_DOMAINS = (
    "gouv.fr", "service-public.fr", "legifrance.gouv.fr", "ameli.fr", "caf.fr",
    "francetravail.fr", "lassuranceretraite.fr", "info-retraite.fr", "msa.fr", "urssaf.fr",
    "banque-france.fr", "laposte.fr", "agirc-arrco.fr", "defenseurdesdroits.fr", "justice.fr",
    "anil.org", "pix.fr", "monespacesante.fr", "moncompteformation.gouv.fr", "pass.culture.fr",
    "parcoursup.fr", "ants.gouv.fr", "antai.gouv.fr", "cybermalveillance.gouv.fr",
    "france-renov.gouv.fr", "chequeenergie.gouv.fr", "mesdroitssociaux.gouv.fr",
    "monparcourshandicap.gouv.fr", "mdphenligne.cnsa.fr", "cnsa.fr", "franceconnect.gouv.fr",
    "lidentitenumerique.laposte.fr", "impots.gouv.fr", "service-civique.gouv.fr",
    "associations.gouv.fr", "education.gouv.fr", "etudiant.gouv.fr",
)


def _domain(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].split(":")[0]
    return host.lower().removeprefix("www.")


def _official(domain: str) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in OFFICIAL_DOMAINS)


class ProcedureTable(Mapping[str, Procedure]):
    """The procedures by id, where a renamed procedure's old ids (`aliases`) still find it.

    Iterating gives current ids only; looking up an old id gives the current entry, so
    every place that takes an id (commands, records written before a rename, reports)
    agrees without knowing about renames. An id always wins over an alias.
    """

    def __init__(self, procedures: Mapping[str, Procedure]) -> None:
        self._by_id = dict(procedures)
        self._aliases: dict[str, str] = {}
        for procedure in self._by_id.values():
            for alias in procedure.aliases:
                if alias not in self._by_id:
                    self._aliases.setdefault(alias, procedure.id)

    def __getitem__(self, key: str) -> Procedure:
        return self._by_id[self._aliases.get(key, key)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def known_ids(self) -> frozenset[str]:
        """Every id a record may hold for an entry: current ids and old ones (a set: a
        check looks up hundreds of thousands of references)."""
        return frozenset(self._by_id).union(self._aliases)

    def current_id(self, key: str) -> str:
        """The id a procedure has now (an unknown id is returned as it is)."""
        return self._aliases.get(key, key)


@frozen
class Catalogue:
    """Everything in `catalogue/`: procedures, organisations, skills, team."""

    procedures: ProcedureTable
    organisations: Mapping[str, Organisation]
    skills: Mapping[str, Skill]
    team: Team
    synonyms: tuple[Synonym, ...] = ()

    def organisation_of(self, procedure: Procedure) -> Organisation | None:
        return self.organisations.get(procedure.organisation)


def select_procedures(catalogue: Catalogue, theme: str | None = None,
                      kind: str | None = None) -> list[Procedure]:
    """The procedures of one theme (administrative, or a Coop thématique for usage needs)
    and/or one kind, in catalogue order; InvalidInput for a theme that does not exist."""
    if theme is not None and theme not in THEMES and theme not in COOP_THEMES:
        raise InvalidInput(f"thème inconnu : « {theme} »",
                           "thèmes possibles : " + ", ".join(THEMES)
                           + " ; pour les usages : " + ", ".join(COOP_THEMES))
    return [p for p in catalogue.procedures.values()
            if (theme is None or p.theme == theme or theme in p.coop_themes)
            and (kind is None or p.kind == kind)]


def schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of each catalogue file, generated from the models."""
    return {name: schema_for(model, f"catalogue/{name}") for name, model in FILE_MODELS.items()}


def build_file(name: str, parsed: Positioned | Problem | None) -> tuple[Any, list[Problem]]:
    """Build one parsed catalogue file; (value and its positions, or None; problems)."""
    source = f"catalogue/{name}"
    if parsed is None:
        return None, [Problem(source, None, "fichier manquant",
                              "recréez-le avec « mediatool init » ou restaurez-le")]
    if isinstance(parsed, Problem):
        return None, [parsed]
    if parsed.value is None:
        return None, [Problem(source, 1, "fichier vide",
                              "il doit contenir les données décrites par « mediatool catalogue "
                              f"schema {name} »")]
    ctx = Context(source, parsed.position, parsed.plain_scalars)
    value = build(FILE_MODELS[name], parsed.value, (), ctx)
    if value is INVALID:
        return None, ctx.problems
    return (value, parsed), ctx.problems


def build_catalogue(files: Mapping[str, Positioned | Problem | None], today: dt.date,
                    checked: bool = False) -> tuple[Catalogue | None, list[Problem]]:
    """Build the catalogue from its parsed files (a Problem for one that could not be
    parsed, None for a missing one); every problem found is returned.

    `checked`: these very files were checked already today (a saved parse, whose problems
    the caller has): the values are built, the cross-entry checks not run again."""
    problems: list[Problem] = []
    built: dict[str, Any] = {}
    for name in FILE_MODELS:
        value, found = build_file(name, files.get(name))
        problems.extend(found)
        if value is not None:
            built[name] = value

    def at(source: str, positions: Any, path: tuple[Any, ...], message: str,
           hint: str | None = None, severity: str = "error", blocking: bool = True) -> None:
        line, column = positions.position(path)
        problems.append(Problem(f"catalogue/{source}", line, message, hint, column, severity,
                                blocking))

    def check(rule: Any, *args: Any) -> None:
        if not checked:
            rule(*args)

    # Each check runs as soon as the files it needs are readable, so one run
    # shows every problem even when another file is broken.
    team = None
    if "team.yaml" in built:
        team, team_pos = built["team.yaml"]
        check(_check_team, team, team_pos, at)
        check(_check_far_ranges, team, team_pos, today, at)
    organisations = skills = procedures = None
    if "organisations.yaml" in built:
        organisations_file, organisations_pos = built["organisations.yaml"]
        organisations = _unique(organisations_file.organisations, "organisations",
                                organisations_pos, at)
        check(_check_organisations, organisations_file, organisations_pos, at)
    if "skills.yaml" in built:
        skills_file, skills_pos = built["skills.yaml"]
        skills = _unique(skills_file.skills, "skills", skills_pos, at)
        check(_check_pix, skills_file, skills, skills_pos, at)
    if "procedures.yaml" in built:
        procedures_file, procedures_pos = built["procedures.yaml"]
        procedures = _unique(procedures_file.procedures, "procedures", procedures_pos, at)
        check(_check_procedures, procedures_file, procedures_pos, organisations, skills, today,
              at)
    if (any(p.is_error and p.blocking for p in problems) or team is None or organisations is None
            or skills is None or procedures is None):
        return None, problems
    return Catalogue(ProcedureTable(procedures), organisations, skills, team,
                     procedures_file.synonyms), problems


def _check_pix(skills_file: SkillsFile, skills: Mapping[str, Skill], pos: Any, at: Any
               ) -> None:
    for index, skill in enumerate(skills_file.skills):
        if skill.pix and skill.pix not in skills:
            at("skills.yaml", pos, ("skills", index, "pix"),
               f"compétence Pix « {skill.pix} » inconnue")


def _check_procedures(procedures_file: ProceduresFile, pos: Any,
                      organisations: Mapping[str, Organisation] | None,
                      skills: Mapping[str, Skill] | None, today: dt.date, at: Any) -> None:
    keyword_sets: dict[frozenset[str], str] = {}
    ids = {p.id for p in procedures_file.procedures}
    alias_of: dict[str, str] = {}
    for index, proc in enumerate(procedures_file.procedures):
        path = ("procedures", index)
        for j, alias in enumerate(proc.aliases):
            # Not blocking: the lookup stays defined (an id wins, then the first alias).
            if alias in ids:
                at("procedures.yaml", pos, (*path, "aliases", j),
                   f"ancien identifiant « {alias} » de « {proc.id} » : c'est l'identifiant "
                   "d'une démarche", "un ancien identifiant ne peut pas servir à nouveau : "
                   "retirez-le des aliases ou renommez l'autre démarche", blocking=False)
            elif alias in alias_of:
                at("procedures.yaml", pos, (*path, "aliases", j),
                   f"ancien identifiant « {alias} » en double (déjà celui de "
                   f"« {alias_of[alias]} »)", "gardez-le sur une seule démarche",
                   blocking=False)
            alias_of.setdefault(alias, proc.id)
        if organisations is not None and proc.organisation not in organisations:
            at("procedures.yaml", pos, (*path, "organisation"),
               f"organisation « {proc.organisation} » inconnue",
               "ajoutez-la dans organisations.yaml ou corrigez l'identifiant")
        for j, skill_id in enumerate(proc.prerequisite_skills):
            if skills is not None and skill_id not in skills:
                at("procedures.yaml", pos, (*path, "prerequisite_skills", j),
                   f"compétence « {skill_id} » inconnue")
        if proc.kind == "demarche" and proc.theme is None:
            at("procedures.yaml", pos, path, f"démarche « {proc.id} » sans thème",
               f"ajoutez « theme: » (un de : {', '.join(THEMES)})", blocking=False)
        if proc.kind == "usage":
            if not proc.coop_themes:
                at("procedures.yaml", pos, path, f"besoin d'usage « {proc.id} » sans coop_themes",
                   "ajoutez au moins une thématique de La Coop (ex. email, "
                   "prendre_en_main_du_materiel)", blocking=False)
            if not proc.skills:
                at("procedures.yaml", pos, path, f"besoin d'usage « {proc.id} » sans compétences",
                   "ajoutez « skills: » : les compétences que le parcours fera acquérir",
                   blocking=False)
        signals = proc.danger
        if signals is not None and not (signals.phrases or signals.harms or signals.pressures
                                        or signals.fears):
            at("procedures.yaml", pos, (*path, "danger"),
               f"« {proc.id} » : signaux de danger vides", "ajoutez des phrases, harms, "
               "pressures ou fears : sans eux l'entrée ne viendra jamais en urgence",
               blocking=False)
        for j, skill_id in enumerate(proc.skills):
            if skills is not None and skill_id not in skills:
                at("procedures.yaml", pos, (*path, "skills", j),
                   f"compétence « {skill_id} » inconnue")
        if proc.in_scope and not proc.documents:
            at("procedures.yaml", pos, path, f"« {proc.id} » ne dit pas quoi apporter",
               "ajoutez « documents: » (pour une démarche en ligne : identifiants, téléphone "
               "pour le code, numéro allocataire ou fiscal…)", blocking=False)
        for key in ("source", "online_service"):
            url = getattr(proc, key)
            domain = _domain(url) if url else None
            if domain and not _official(domain):
                at("procedures.yaml", pos, (*path, key),
                   f"« {proc.id} » : {key} hors des sites officiels ({domain})",
                   "citez service-public.fr, un site en .gouv.fr ou le site de l'organisme",
                   "warning")
        if proc.page_updated is not None and today - proc.page_updated > PAGE_MAX_AGE:
            at("procedures.yaml", pos, (*path, "page_updated"),
               f"« {proc.id} » : page officielle datée du {proc.page_updated}",
               "vérifiez qu'elle est toujours à jour (plus de deux ans)", "warning")
        if today - proc.reviewed > REVIEW_MAX_AGE:
            at("procedures.yaml", pos, (*path, "reviewed"),
               f"fiche « {proc.id} » vérifiée il y a plus d'un an ({proc.reviewed})",
               "relisez la page officielle et mettez à jour la date", "warning")
        if proc.reviewed > today:
            at("procedures.yaml", pos, (*path, "reviewed"),
               f"date de vérification dans le futur ({proc.reviewed})",
               "corrigez la date (AAAA-MM-JJ) : elle dit quand les faits ont été vérifiés",
               "warning")
        words = frozenset(k.casefold() for k in proc.keywords)
        if words and words in keyword_sets:
            at("procedures.yaml", pos, (*path, "keywords"),
               f"mêmes mots-clés que « {keyword_sets[words]} » : la recherche ne peut pas "
               "les distinguer", "ajoutez des mots-clés propres à chaque démarche", "warning")
        keyword_sets.setdefault(words, proc.id)


def _check_organisations(organisations_file: OrganisationsFile, pos: Any, at: Any) -> None:
    from mediatool.core import opening_hours

    ids = {org.id for org in organisations_file.organisations}
    for index, org in enumerate(organisations_file.organisations):
        if org.place_of is not None and org.place_of not in ids:
            at("organisations.yaml", pos, ("organisations", index, "place_of"),
               f"organisation « {org.place_of} » inconnue",
               "place_of nomme l'organisation dont ce lieu est l'antenne locale",
               blocking=False)
        if org.opening_hours is not None:
            try:
                opening_hours.parse(org.opening_hours)
            except opening_hours.Unreadable as exc:
                at("organisations.yaml", pos, ("organisations", index, "opening_hours"),
                   f"horaires illisibles (colonne {exc.column} : {exc.message})",
                   "syntaxe OpenStreetMap, ex. « Mo-Fr 09:00-12:00,14:00-17:00 »",
                   blocking=False)
        missing = [label for label, value in (("téléphone", org.phone), ("site web", org.website))
                   if not value]
        if org.place_of is not None and org.has_contact and org.address:
            continue  # a local place: its phone and address are what a caller needs
        if org.local and (missing or not org.address):
            at("organisations.yaml", pos, ("organisations", index),
               f"structure locale « {org.id} » à compléter par l'équipe "
               f"({', '.join(missing + ([] if org.address else ['adresse']))})",
               severity="warning")
        elif missing:
            at("organisations.yaml", pos, ("organisations", index),
               f"organisation « {org.id} » sans {' ni '.join(missing)}", severity="warning")


def _unique(items: Any, key: str, positions: Any, at: Any) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            at(f"{key}.yaml", positions,
               (key, index, "id"), f"identifiant « {item.id} » en double")
        seen.setdefault(item.id, item)
    return seen


def _check_team(team: Team, pos: Any, at: Any) -> None:
    def err(path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        at("team.yaml", pos, path, message, hint)

    try:
        zoneinfo.ZoneInfo(team.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # "Europe" names a folder of the zone database: IsADirectoryError, not NotFound.
        zones = sorted(zoneinfo.available_timezones())
        close = ([z for z in zones if z.startswith(team.timezone + "/")][:8]
                 or difflib.get_close_matches(team.timezone, zones, n=5))
        err(("timezone",), f"fuseau horaire inconnu « {team.timezone} »",
            "valeurs permises : les noms de la base des fuseaux horaires (IANA), par exemple "
            "Europe/Paris, America/Cayenne, Indian/Reunion"
            + (f" ; proches : {', '.join(close)}" if close else ""))
    if team.triage.short_max_min > team.triage.dropin_max_min:
        err(("triage", "short_max_min"), "short_max_min dépasse dropin_max_min")
    site_ids = {s.id for s in team.sites}
    if len(site_ids) != len(team.sites):
        err(("sites",), "deux lieux ont le même identifiant")
    if team.phone_line:
        _check_slots(team.phone_line.shifts, ("phone_line", "shifts"), err)
    for i, session in enumerate(team.dropins):
        if session.site not in site_ids:
            err(("dropins", i, "site"), f"lieu « {session.site} » inconnu",
                "déclarez-le dans « sites »")
        if session.end <= session.start:
            err(("dropins", i, "end"), "la fin est avant le début")
    _check_ranges(team.closures, ("closures",), err)
    seen: set[str] = set()
    for i, mediator in enumerate(team.mediators):
        if mediator.id in seen:
            err(("mediators", i, "id"), f"identifiant « {mediator.id} » en double")
        seen.add(mediator.id)
        if mediator.site and mediator.site not in site_ids:
            err(("mediators", i, "site"), f"lieu « {mediator.site} » inconnu")
        _check_slots(mediator.hours, ("mediators", i, "hours"), err)
        _check_ranges(mediator.absences, ("mediators", i, "absences"), err)
    if not team.mediators:
        err(("mediators",), "aucun médiateur déclaré")


def _check_slots(slots: tuple[WeeklySlot, ...], path: tuple[Any, ...], err: Any) -> None:
    for i, slot in enumerate(slots):
        if slot.end <= slot.start:
            err((*path, i, "end"), f"créneau {slot.label()} : la fin est avant le début")
    for i, a in enumerate(slots):
        for b in slots[i + 1:]:
            if a.day == b.day and a.start < b.end and b.start < a.end:
                err((*path, i), f"créneaux qui se chevauchent : {a.label()} et {b.label()}")


def _check_far_ranges(team: Team, pos: Any, today: dt.date, at: Any) -> None:
    """A closure or absence ending beyond the longest booking horizon is likely a typo
    (9999-12-31 for « until further notice »): a warning, the dates stay valid."""
    longest = int(field_bounds(Team, "booking_horizon_days")[1] or 0)
    limit = today + dt.timedelta(days=longest)
    ranges: list[tuple[tuple[Any, ...], DateRange]] = [
        (("closures", i, "end"), r) for i, r in enumerate(team.closures)]
    ranges += [(("mediators", m, "absences", i, "end"), r)
               for m, mediator in enumerate(team.mediators)
               for i, r in enumerate(mediator.absences)]
    for path, period in ranges:
        if period.end > limit:
            at("team.yaml", pos, path, f"période qui finit le {period.end}, à plus de "
               f"{longest} jours", "vérifiez la date : aucun rendez-vous ne se prend si loin",
               "warning")


def _check_ranges(ranges: tuple[DateRange, ...], path: tuple[Any, ...], err: Any) -> None:
    for i, period in enumerate(ranges):
        if period.end < period.start:
            err((*path, i, "end"), f"période du {period.start} au {period.end} : la fin est "
                "avant le début")
