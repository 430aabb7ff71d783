"""Phone-line triage (SPEC §3.3): recommendation, next drop-ins, phone shifts (pure).

The recommendation is advice shown to the mediator, who decides: out of
scope → redirect to the competent organisation; longer than the drop-in
limit → démarche appointment; very short → a short appointment spares the
person the drop-in queue (or the drop-in); otherwise → drop-in. Missing
prerequisites (no e-mail, no account) add a usage learning path with the
procedure's practical skills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from mediatool.core.days import service_open, weekly_occurrences
from mediatool.core.fields import field_bounds
from mediatool.core.model import (
    DropinSession,
    Organisation,
    Outcome,
    PathOpened,
    Procedure,
    Site,
    Skill,
    Team,
    WeeklySlot,
)
from mediatool.core.values import frozen

DROPIN_HORIZON_DAYS = 62  # two months covers the end-of-year closure and then some


@frozen
class Recommendation:
    """What the phone line suggests for one procedure; the mediator decides."""

    outcome: Outcome
    reason: str
    duration_min: int
    alternatives: tuple[Outcome, ...] = ()
    short: bool = False
    appointment_duration_min: int | None = None
    redirect_to: str | None = None
    usage_path: bool = False
    usage_skills: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # the prerequisites the caller lacks

    def to_plain(self) -> dict[str, object]:
        """JSON-friendly form (for `call --format json`)."""
        return {"outcome": self.outcome, "reason": self.reason,
                "duration_min": self.duration_min, "alternatives": list(self.alternatives),
                "short": self.short, "appointment_duration_min": self.appointment_duration_min,
                "redirect_to": self.redirect_to, "usage_path": self.usage_path,
                "usage_skills": list(self.usage_skills), "missing": list(self.missing)}


def _round_up(minutes: int, step: int) -> int:
    return -(-minutes // step) * step


def asks_prerequisites(procedure: Procedure) -> bool:
    """Prerequisites matter only for a procedure the service helps with."""
    return procedure.in_scope and bool(procedure.prerequisites)


def books_here(procedure: Procedure | None) -> bool:
    """An appointment can be booked during the call only for an in-scope procedure."""
    return procedure is not None and procedure.in_scope


def missing_of(procedure: Procedure, missing: bool | Sequence[str]) -> tuple[str, ...]:
    """The procedure's prerequisites the caller lacks: all of them (True), or those named."""
    if missing is True:
        return procedure.prerequisites
    if not missing:
        return ()
    return tuple(p for p in procedure.prerequisites if p in set(missing))


def first_path_sessions(procedure: Procedure) -> int:
    """Sessions planned for the path a usage need opens during a call: one per skill it
    aims at (the mediator agrees the real number with the person at the first session)."""
    least, most = field_bounds(PathOpened, "sessions")
    return int(min(max(len(procedure.skills), least or 1), most or 50))


def recommend(procedure: Procedure, team: Team,
              missing_prerequisites: bool | Sequence[str] = False,
              organisation: Organisation | None = None,
              skills: Mapping[str, Skill] | None = None) -> Recommendation:
    """The suggested outcome for `procedure`, with its reason in French.

    `missing_prerequisites`: what the caller lacks of what the procedure needs
    first (e-mail, account…): True for all, or the prerequisites named; a usage path is then suggested with the procedure's
    `prerequisite_skills`. Out-of-scope procedures always redirect.
    """
    duration = procedure.typical_duration_min
    limits = team.triage
    if not procedure.in_scope:
        who = organisation.name if organisation else procedure.organisation
        return Recommendation(
            "redirect", f"Hors mission du service : réorienter vers {who}.", duration,
            redirect_to=procedure.organisation)
    if procedure.kind == "usage":
        # A learning need is taught over sessions, not dealt with at a drop-in.
        titles = [skills[s].title if skills and s in skills else s for s in procedure.skills]
        reason = ("Besoin d'apprentissage (usage) : proposer un rendez-vous usage, premier "
                  "d'un parcours")
        reason += f" : {', '.join(titles)}." if titles else "."
        return Recommendation("appointment", reason, duration,
                              appointment_duration_min=max(
                                  _round_up(duration, team.slot_step_min), 5),
                              usage_path=True, usage_skills=procedure.skills)
    if duration > limits.dropin_max_min:
        outcome: Outcome = "appointment"
        reason = (f"Démarche longue ({duration} min, plus que les {limits.dropin_max_min} min "
                  "d'une permanence) : proposer un rendez-vous démarche.")
        alternatives: tuple[Outcome, ...] = ()
        short = False
        appointment = max(_round_up(duration, team.slot_step_min), 5)
    elif duration <= limits.short_max_min:
        outcome = "appointment"
        reason = (f"Démarche courte ({duration} min, au plus {limits.short_max_min} min) : "
                  "un rendez-vous court évite l'attente de la permanence ; la permanence "
                  "reste possible.")
        alternatives = ("dropin",)
        short = True
        appointment = max(_round_up(duration, team.slot_step_min), 5)
    else:
        outcome = "dropin"
        reason = (f"Démarche de {duration} min : possible en permanence sans rendez-vous "
                  f"(jusqu'à {limits.dropin_max_min} min).")
        alternatives = ("appointment",)
        short = False
        appointment = None
    usage = False
    usage_skills: tuple[str, ...] = ()
    missing = missing_of(procedure, missing_prerequisites)
    if missing or (missing_prerequisites is True):
        usage = True
        usage_skills = procedure.prerequisite_skills
        needed = ", ".join(missing) or "les prérequis de la démarche"
        titles = [skills[s].title if skills and s in skills else s for s in usage_skills]
        reason += f" Prérequis manquants ({needed}) : proposer un parcours d'apprentissage"
        reason += f" (usage) : {', '.join(titles)}." if titles else " (usage)."
    return Recommendation(outcome, reason, duration, alternatives, short, appointment,
                          usage_path=usage, usage_skills=usage_skills, missing=missing)


# ---- drop-ins and phone shifts ---------------------------------------------

@frozen
class DropinOccurrence:
    """One dated drop-in session, with its site when the team names it."""

    start: dt.datetime
    end: dt.datetime
    session: DropinSession
    site: Site | None


def next_dropins(team: Team, now: dt.datetime, count: int = 3,
                 horizon_days: int = DROPIN_HORIZON_DAYS) -> list[DropinOccurrence]:
    """The next drop-in sessions not yet over at `now` (holidays and closures skipped)."""
    zone = now.tzinfo
    found: list[DropinOccurrence] = []
    last = now.date() + dt.timedelta(days=horizon_days)
    for day, session in weekly_occurrences(team, team.dropins, now.date(), last):
        start = dt.datetime.combine(day, session.start, zone)
        end = dt.datetime.combine(day, session.end, zone)
        if end <= now:
            continue
        found.append(DropinOccurrence(start, end, session, team.site(session.site)))
    found.sort(key=lambda o: (o.start, o.session.site))
    return found[:count]


def phone_shift(team: Team, start: dt.datetime, end: dt.datetime | None = None
                ) -> WeeklySlot | None:
    """The phone shift a call from `start` to `end` (local times) overlaps, if any.

    A call that starts a little before a shift or runs past its end still
    belongs to it; a shift falling on a holiday or closure does not exist.
    """
    if team.phone_line is None:
        return None
    end = end or start
    for shift in team.phone_line.shifts:
        if shift.weekday not in (start.weekday(), end.weekday()):
            continue
        day = start.date() if shift.weekday == start.weekday() else end.date()
        shift_start = dt.datetime.combine(day, shift.start, start.tzinfo)
        shift_end = dt.datetime.combine(day, shift.end, start.tzinfo)
        if start <= shift_end and end >= shift_start and service_open(team, day):
            return shift
    return None

