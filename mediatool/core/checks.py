"""Whole-folder validations for `mediatool check` (pure).

Each check is a function `(FolderSnapshot) -> list[Problem]` listed in
CHECKS: adding a rule is one function, one entry, one test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mediatool.core.catalogue import Catalogue
from mediatool.core.errors import Problem
from mediatool.core.model import (
    AppointmentAttended,
    AppointmentBooked,
    CallRecorded,
    DropinTally,
    PathOpened,
    Record,
    WaitAdded,
)
from mediatool.core.period import FIRST_YEAR, LAST_YEAR, Month
from mediatool.core.retention import file_of, leftover_personal_data
from mediatool.core.state import fold_appointments, fold_paths, fold_waitlist


@dataclass(frozen=True)
class FolderSnapshot:
    """Everything a check may look at, already read."""

    catalogue: Catalogue
    records: Mapping[str, list[Record]]
    now: dt.datetime
    extra: Mapping[str, object] = field(default_factory=dict)


def _warn(record: Record, message: str, hint: str | None = None) -> Problem:
    return Problem(record.source, record.line, message, hint, severity="warning")


def check_references(snapshot: FolderSnapshot) -> list[Problem]:
    """Ids in records that the catalogue no longer knows (warnings: history stays valid)."""
    catalogue = snapshot.catalogue
    mediators = {m.id for m in catalogue.team.mediators}
    sites = {s.id for s in catalogue.team.sites}
    problems: list[Problem] = []
    for record in snapshot.records.get("calls", []):
        event = record.event
        if isinstance(event, CallRecorded):
            if event.procedure and event.procedure not in catalogue.procedures:
                problems.append(_warn(record, f"démarche inconnue « {event.procedure} »"))
            if event.redirect_to and event.redirect_to not in catalogue.organisations:
                problems.append(_warn(record, f"organisation inconnue « {event.redirect_to} »"))
            if event.by not in mediators:
                problems.append(_warn(record, f"médiateur inconnu « {event.by} »"))
    for record in snapshot.records.get("appointments", []):
        event = record.event
        if isinstance(event, AppointmentBooked):
            if event.mediator not in mediators:
                problems.append(_warn(record, f"médiateur inconnu « {event.mediator} »"))
            if event.procedure and event.procedure not in catalogue.procedures:
                problems.append(_warn(record, f"démarche inconnue « {event.procedure} »"))
        if isinstance(event, AppointmentAttended):
            for skill in event.skills:
                if skill not in catalogue.skills:
                    problems.append(_warn(record, f"compétence inconnue « {skill} »"))
    for record in snapshot.records.get("paths", []):
        event = record.event
        if isinstance(event, PathOpened):
            for skill in event.skills:
                if skill not in catalogue.skills:
                    problems.append(_warn(record, f"compétence inconnue « {skill} »"))
    tallies = {r.event.id: r.event for r in snapshot.records.get("dropins", [])
               if isinstance(r.event, DropinTally)}
    for record in snapshot.records.get("dropins", []):
        event = record.event
        if isinstance(event, DropinTally) and event.site not in sites:
            problems.append(_warn(record, f"lieu inconnu « {event.site} »"))
        for old in getattr(event, "replaces", ()):
            replaced = tallies.get(old)
            if replaced is None or (replaced.site, replaced.date) != (event.site, event.date):
                problems.append(_warn(record, f"le bilan {event.id} remplace {old}, "
                                      "qui n'est pas un bilan du même lieu et du même jour",
                                      "vérifiez le champ « replaces » (dropin --replace)"))
    for record in snapshot.records.get("waitlist", []):
        event = record.event
        if isinstance(event, WaitAdded):
            if event.mediator and event.mediator not in mediators:
                problems.append(_warn(record, f"médiateur inconnu « {event.mediator} »"))
            if event.procedure and event.procedure not in catalogue.procedures:
                problems.append(_warn(record, f"démarche inconnue « {event.procedure} »"))
    return problems


def check_event_sequences(snapshot: FolderSnapshot) -> list[Problem]:
    """Events that make no sense in order (cancel before booking, attended after cancel…)."""
    _, appointment_problems = fold_appointments(snapshot.records.get("appointments", []))
    _, path_problems = fold_paths(snapshot.records.get("paths", []))
    _, wait_problems = fold_waitlist(snapshot.records.get("waitlist", []))
    return appointment_problems + path_problems + wait_problems


def check_waiting_deadlines(snapshot: FolderSnapshot) -> list[Problem]:
    """Open waiting entries whose deadline has passed: the person is still to be called."""
    entries, _ = fold_waitlist(snapshot.records.get("waitlist", []))
    today = snapshot.now.date()
    return [Problem(e.source, e.line, f"entrée d'attente {e.id} : échéance du "
                    f"{e.before:%d/%m/%Y} dépassée, toujours en attente",
                    f"rappelez la personne, puis « mediatool wait remove {e.id} --reason … » "
                    "ou « mediatool book --from-wait »", severity="warning")
            for e in entries.values() if e.is_open and e.before is not None and e.before < today]


def check_duplicate_ids(snapshot: FolderSnapshot) -> list[Problem]:
    """Two calls or tallies with the same id (e.g. a file copied by hand)."""
    problems: list[Problem] = []
    for kind, event_name in (("calls", "call"), ("dropins", "tally")):
        seen: dict[str, Record] = {}
        for record in snapshot.records.get(kind, []):
            if record.event.event != event_name:
                continue
            first = seen.setdefault(record.event.id, record)
            if first is not record:
                problems.append(Problem(record.source, record.line,
                                        f"identifiant {record.event.id} déjà utilisé "
                                        f"({first.source}:{first.line})"))
    return problems


# French phone numbers: 0X XX XX XX XX, +33 X…, +33 (0)X…, with spaces, dots or dashes.
PHONE_PATTERN = re.compile(
    r"(?<![\d+])(?:\+33\s?(?:\(0\)\s?)?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _national_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    for prefix in ("0033", "33"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            return "0" + digits[len(prefix):]
    return digits


def check_calls_are_anonymous(snapshot: FolderSnapshot) -> list[Problem]:
    """Calls must hold no phone number nor e-mail address (SPEC §2.2).

    The public numbers of the catalogue (organisations, the team's own line)
    are not personal data: a note saying where the caller was sent is fine.
    """
    catalogue = snapshot.catalogue
    public = {_national_digits(o.phone) for o in catalogue.organisations.values() if o.phone}
    if catalogue.team.phone_line:
        public.add(_national_digits(catalogue.team.phone_line.number))
    problems: list[Problem] = []
    for record in snapshot.records.get("calls", []):
        event = record.event
        if isinstance(event, CallRecorded):
            texts = [t for t in (event.note, event.query) if t]
            if any(_national_digits(m.group()) not in public
                   for t in texts for m in PHONE_PATTERN.finditer(t)):
                problems.append(_warn(record, f"l'appel {event.id} semble contenir un "
                                      "numéro de téléphone", "les appels sont anonymes : "
                                      "retirez-le du fichier"))
            if any(EMAIL_PATTERN.search(t) for t in texts):
                problems.append(_warn(record, f"l'appel {event.id} semble contenir une "
                                      "adresse e-mail", "les appels sont anonymes : "
                                      "retirez-la du fichier"))
    return problems


def check_private_permissions(snapshot: FolderSnapshot) -> list[Problem]:
    """Records hold personal data: files and folders readable by their owner only."""
    problems: list[Problem] = []
    modes = snapshot.extra.get("file_modes", ())
    for path, mode, is_folder in modes:  # type: ignore[attr-defined]
        if mode & 0o077:
            what = "dossier" if is_folder else "fichier"
            problems.append(Problem(path, None, f"{what} accessible à d'autres utilisateurs "
                                    f"(droits {mode & 0o777:o} au lieu de "
                                    f"{'700' if is_folder else '600'})",
                                    "lancez « mediatool check --repair » (ou chmod -R go-rwx "
                                    "records)", severity="warning"))
    return problems


def check_anonymised_records_hold_no_personal_data(snapshot: FolderSnapshot) -> list[Problem]:
    """After `purge`, a name or phone back in an anonymised record (e.g. a git merge)."""
    problems: list[Problem] = []
    for kind in ("appointments", "paths", "waitlist"):
        for record in leftover_personal_data(snapshot.records.get(kind, [])):
            problems.append(_warn(record, f"{record.event.id} est anonymisé mais cet "
                                  "enregistrement contient encore des données personnelles",
                                  "relancez « mediatool purge --retention » (ou --before)"))
    return problems


def check_schedule(snapshot: FolderSnapshot) -> list[Problem]:
    """Cap breaches and overlaps, e.g. created by two copies of the folder then merged.

    Errors while the week is not over (something can still be cancelled or
    moved), warnings for weeks already past.
    """
    from mediatool.core.frenchdates import format_date, format_datetime
    from mediatool.core.scheduling import cap_breaches, half_days_of, local, overlaps, refusal

    team = snapshot.catalogue.team
    appointments, _ = fold_appointments(snapshot.records.get("appointments", []))
    names = {m.id: m.name for m in team.mediators}
    problems: list[Problem] = []

    def severity(last: dt.datetime) -> str:
        return "error" if local(team, last).date() >= snapshot.now.date() - dt.timedelta(
            days=snapshot.now.weekday()) else "warning"

    for breach in cap_breaches(team, appointments.values()):
        listed = ", ".join(
            f"{a.id} ({'/'.join(f'{format_date(d)} {h}' for d, h in half_days_of(team, a))})"
            for a in breach.appointments)
        latest = max(breach.appointments, key=lambda a: (a.booked_at, a.id))
        cap = team.caps.appointment_half_days_per_week
        problems.append(Problem(
            latest.source, latest.line,
            f"plafond dépassé : {names.get(breach.mediator, breach.mediator)} a "
            f"{len(breach.half_days)} demi-journées de rendez-vous la semaine {breach.week[1]} "
            f"de {breach.week[0]} (au plus {cap}) : {listed}",
            "annulez ou déplacez un de ces rendez-vous (mediatool cancel ID)",
            severity=severity(breach.appointments[-1].start)))
    for appointment in appointments.values():
        # team.yaml may have changed since booking (a new absence, closure, fewer hours):
        # the people concerned must be told.
        if appointment.status != "booked" or appointment.start < snapshot.now:
            continue
        changed = refusal(team, (), appointment.mediator, appointment.start,
                          appointment.duration_min, snapshot.now)
        if changed is not None:
            problems.append(Problem(
                appointment.source, appointment.line,
                f"le rendez-vous {appointment.id} ({appointment.person}) n'est plus possible "
                f"({changed.label}) : {changed.message}",
                "prévenez la personne et annulez-le (mediatool cancel ID --by-service)",
                severity="warning"))
    for first, second in overlaps(team, appointments.values()):
        problems.append(Problem(
            second.source, second.line,
            f"rendez-vous qui se chevauchent : {first.id} "
            f"({format_datetime(local(team, first.start))}, {first.duration_min} min) et "
            f"{second.id} ({format_datetime(local(team, second.start))}, "
            f"{second.duration_min} min) pour {names.get(first.mediator, first.mediator)}",
            "annulez ou déplacez l'un des deux (mediatool cancel ID)",
            severity=severity(second.start)))
    return problems


def check_git_merge_driver(snapshot: FolderSnapshot) -> list[Problem]:
    """A folder shared with git needs the record merge driver, not a line-by-line union."""
    problems: list[Problem] = []
    if snapshot.extra.get("git_union_records"):
        problems.append(Problem(".gitattributes", None, "les fichiers records/ fusionnent "
                                "ligne par ligne (merge=union) : deux enregistrements ajoutés "
                                "des deux côtés peuvent se mélanger",
                                "remplacez merge=union par merge=mediatool pour "
                                "records/**/*.yaml, puis lancez « mediatool git-setup »",
                                severity="warning"))
    if snapshot.extra.get("git_driver_missing"):
        problems.append(Problem(".gitattributes", None, "dossier partagé avec git, mais la "
                                "fusion des enregistrements n'est pas configurée sur ce poste",
                                "lancez « mediatool git-setup » une fois", severity="warning"))
    return problems


_CREATING = {"appointments": "booked", "calls": "call", "paths": "opened"}


def _home_month(record: Record, zone: dt.tzinfo | None) -> Month | None:
    """The month file a creating event belongs in (where every command looks for it)."""
    event = record.event
    if isinstance(event, AppointmentBooked):
        return Month.of(event.start.astimezone(zone).date())
    if isinstance(event, (CallRecorded, PathOpened)):
        return Month.of(event.at.astimezone(zone).date())
    if isinstance(event, DropinTally):
        return Month.of(event.date)
    return None


def check_misplaced_records(snapshot: FolderSnapshot) -> list[Problem]:
    """The one reading rule: an appointment lives in the month file of its start, a call or
    a path in that of its recording, a tally in that of its day, and every later event
    beside the event that created its id. Elsewhere, the weekly rules of `book` and the
    `agenda` do not see it."""
    problems: list[Problem] = []
    zone = snapshot.now.tzinfo
    for kind, records in snapshot.records.items():
        homes: dict[str, str] = {}
        for record in records:
            where = file_of(record.source)
            home = _home_month(record, zone)
            if where is None or home is None:
                continue
            expected = f"records/{kind}/{home}.yaml"
            if where[1] != home:
                problems.append(Problem(record.source, record.line,
                                        f"{record.event.id} est rangé dans le mauvais mois : "
                                        "agenda et réservations ne le voient pas ici",
                                        f"déplacez ce document dans {expected}"))
            if record.event.event == _CREATING.get(kind):
                homes.setdefault(record.event.id, expected)
        for record in records:
            home_file = homes.get(record.event.id)
            if (record.event.event != _CREATING.get(kind) and home_file is not None
                    and record.source != home_file and file_of(record.source) is not None):
                problems.append(Problem(record.source, record.line,
                                        f"évènement « {record.event.event} » de "
                                        f"{record.event.id} rangé loin de son dossier",
                                        f"déplacez ce document dans {home_file}"))
    return problems


def check_record_files(snapshot: FolderSnapshot) -> list[Problem]:
    """Files under records/ that no command reads (`extra["odd_files"]`: source, what, and
    whether a fragment holds personal data)."""
    problems: list[Problem] = []
    odd = snapshot.extra.get("odd_files") or []
    assert isinstance(odd, list)
    for source, what, personal in odd:
        if what == "fragment":
            message = "fragment mis de côté par « check --repair » : aucune commande ne le lit"
            hint = "relisez-le (un enregistrement à ressaisir ?) puis supprimez-le"
            if personal:
                message += " ; il contient des données personnelles (nom, téléphone, note…)"
                hint += " ; « purge » le nettoie une fois son mois passé la conservation"
            problems.append(Problem(source, None, message, hint, severity="warning"))
        else:
            problems.append(Problem(source, None, "fichier ignoré : aucune commande ne lit "
                                    "un fichier de ce nom",
                                    "renommez-le AAAA-MM.yaml (un mois réel, de "
                                    f"{FIRST_YEAR} à {LAST_YEAR}) ou déplacez ses "
                                    "enregistrements dans le fichier de leur mois"))
    return problems


Check = Callable[[FolderSnapshot], list[Problem]]
CHECKS: list[Check] = [
    check_references,
    check_event_sequences,
    check_waiting_deadlines,
    check_duplicate_ids,
    check_calls_are_anonymous,
    check_private_permissions,
    check_anonymised_records_hold_no_personal_data,
    check_git_merge_driver,
    check_schedule,
    check_misplaced_records,
    check_record_files,
]


def run_checks(snapshot: FolderSnapshot) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(snapshot))
    return problems
