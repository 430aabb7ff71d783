"""Did the experiment relieve the drop-ins? Before vs since its start (pure).

Rates are pooled proportions (refused / (seen + refused)) with Wilson score
intervals; the difference of two rates uses Newcombe's hybrid score interval
(Newcombe 1998, method 10), built from the two Wilson intervals. Per-session
means use Student's t. All intervals are at 95 %. People turned away at
successive sessions are not independent draws (the same person may come back),
so the verdict stays modest: it says what changed, not why.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from mediatool.core.errors import InvalidInput
from mediatool.core.localtime import in_zone
from mediatool.core.model import CallLinked, CallRecorded, DropinTally, Experiment, Record
from mediatool.core.period import Month, months_between
from mediatool.core.state import Appointment, current_tallies, fold_appointments
from mediatool.core.values import frozen

Z95 = 1.959963984540054
MIN_MONTHS = 3
METHOD = ("Intervalles de confiance à 95 % : Wilson pour les taux, Newcombe (score hybride, "
          "méthode 10) pour l'écart entre deux taux, Student pour les moyennes par permanence.")
# Student's t quantile at 0.975 for 1–30 degrees of freedom; beyond, the normal one is
# within 2 % of it (no statistics library needed for this one number).
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
         2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
         2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")
SERVICE_LABELS = {"phone_line": "ligne téléphonique", "appointments": "rendez-vous"}


@frozen
class Estimate:
    """A figure and its 95 % interval (None when there is nothing to estimate)."""

    value: float | None
    low: float | None
    high: float | None


@frozen
class MonthFigures:
    month: str
    sessions: int
    seen: int
    refused: int
    refusal_rate: float | None


@frozen
class Side:
    """Drop-in figures of one side of the comparison."""

    key: str
    label: str
    first: dt.date
    last: dt.date
    months: int
    months_with_tallies: int
    months_without_tally: tuple[str, ...]
    sessions: int
    seen: int
    refused: int
    refusal_rate: Estimate
    seen_per_session: Estimate
    refused_per_session: Estimate
    by_month: tuple[MonthFigures, ...]


@frozen
class PhoneContribution:
    """What the phone line did since the start (calls of the `since` side)."""

    calls: int
    handled_by_phone: int
    handled_by_phone_rate: Estimate
    to_appointment: int
    to_appointment_rate: Estimate
    appointments_from_calls: int
    appointments_attended: int
    appointments_ahead: int


@frozen
class ExperimentSection:
    start: dt.date
    services: tuple[str, ...]
    before: Side
    since: Side
    difference: Estimate
    method: str
    verdict: str
    seasonality_warning: str | None
    phone: PhoneContribution
    accompaniments: int
    appointments_attended: int
    appointments_share: Estimate


def wilson(part: int, whole: int, z: float = Z95) -> Estimate:
    """part/whole with its Wilson score interval."""
    if whole <= 0:
        return Estimate(None, None, None)
    p = part / whole
    denominator = 1 + z * z / whole
    centre = (p + z * z / (2 * whole)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole))
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half))


def newcombe(first: Estimate, second: Estimate) -> Estimate:
    """first − second with Newcombe's hybrid score interval from both Wilson intervals."""
    if None in (first.value, first.low, first.high, second.value, second.low, second.high):
        return Estimate(None, None, None)
    p1, l1, u1 = first.value, first.low, first.high
    p2, l2, u2 = second.value, second.low, second.high
    assert p1 is not None and l1 is not None and u1 is not None
    assert p2 is not None and l2 is not None and u2 is not None
    d = p1 - p2
    return Estimate(d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
                    d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def t975(degrees: int) -> float:
    return _T975[degrees - 1] if degrees <= len(_T975) else Z95


def mean_interval(values: Sequence[int]) -> Estimate:
    """Mean with its Student t interval; a single value has no interval."""
    if not values:
        return Estimate(None, None, None)
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Estimate(mean, None, None)
    half = t975(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return Estimate(mean, max(0.0, mean - half), mean + half)


def month_words(month: Month) -> str:
    """2026-11 → « novembre 2026 »."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def _side(key: str, label: str, first: dt.date, last: dt.date,
          tallies: Sequence[DropinTally]) -> Side:
    inside = [t for t in tallies if first <= t.date <= last]
    by_month: dict[Month, list[DropinTally]] = defaultdict(list)
    for tally in inside:
        by_month[Month.of(tally.date)].append(tally)
    months = months_between(first, last) if first <= last else []
    seen = sum(t.seen for t in inside)
    refused = sum(t.refused for t in inside)
    figures = []
    for month in months:
        items = by_month.get(month, [])
        if items:
            s, r = sum(t.seen for t in items), sum(t.refused for t in items)
            figures.append(MonthFigures(str(month), len(items), s, r,
                                        round(r / (s + r), 4) if s + r else None))
    return Side(
        key=key, label=label, first=first, last=last, months=len(months),
        months_with_tallies=len(by_month),
        months_without_tally=tuple(str(m) for m in months if m not in by_month),
        sessions=len(inside), seen=seen, refused=refused,
        refusal_rate=wilson(refused, seen + refused),
        seen_per_session=mean_interval([t.seen for t in inside]),
        refused_per_session=mean_interval([t.refused for t in inside]),
        by_month=tuple(figures))


def first_record_day(records: Iterable[Record], zone: ZoneInfo) -> dt.date | None:
    """The day of the earliest record (a tally counts on its session's date)."""
    days = []
    for record in records:
        event = record.event
        if isinstance(event, DropinTally):
            days.append(event.date)
        else:
            days.append(in_zone(event.at, zone).date())
    return min(days, default=None)


def check_start(experiment: Experiment, first_day: dt.date | None, today: dt.date) -> None:
    """A start that leaves nothing to compare is a mistake in team.yaml."""
    start = experiment.start
    if start > today:
        raise InvalidInput(
            f"l'expérimentation commence le {start:%d/%m/%Y}, une date à venir (team.yaml, "
            "experiment.start)", "indiquez le jour où la ligne et les rendez-vous ont ouvert")
    if first_day is None:
        raise InvalidInput("aucun enregistrement dans le dossier : rien à comparer",
                           "saisissez les bilans de permanence (mediatool dropin) d'abord")
    if start <= first_day:
        raise InvalidInput(
            f"l'expérimentation commence le {start:%d/%m/%Y}, avant le premier "
            f"enregistrement ({first_day:%d/%m/%Y}) : aucune période « avant » à comparer",
            "corrigez experiment.start dans team.yaml, ou saisissez les bilans des "
            "permanences d'avant (mediatool dropin --date …)")


def _points(value: float) -> str:
    return f"{value * 100:+.1f}".replace(".", ",").replace("-", "−") + " points"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def verdict(before: Side, since: Side, difference: Estimate) -> str:
    """One French sentence, never saying more than the figures allow."""
    if before.months_with_tallies < MIN_MONTHS or since.months_with_tallies < MIN_MONTHS:
        return ("Trop peu de données pour conclure : il faut au moins "
                f"{MIN_MONTHS} mois de bilans de permanence de chaque côté (avant : "
                f"{before.months_with_tallies}, depuis : {since.months_with_tallies}).")
    recul = f"{since.months_with_tallies} mois de recul"
    if difference.value is None or difference.low is None or difference.high is None:
        return f"Trop peu de données pour conclure : aucune personne comptée ({recul})."
    change = (f"de {_pct(before.refusal_rate.value)} à {_pct(since.refusal_rate.value)}, "
              f"écart {_points(difference.value)}, IC 95 % {_points(difference.low)} à "
              f"{_points(difference.high)}")
    if difference.high < 0:
        return (f"Baisse significative du taux de refus aux permanences ({change}) avec "
                f"{recul}, sans prouver à elle seule que les nouveaux services en sont "
                "la cause.")
    if difference.low > 0:
        return (f"Hausse significative du taux de refus aux permanences ({change}) avec "
                f"{recul}.")
    return f"Pas de différence mesurable avec {recul} ({change})."


def seasonality(before: Side, since: Side) -> str | None:
    """A warning when the two sides do not cover the same months of the year."""
    def calendar_months(side: Side) -> set[int]:
        return {int(f.month[5:]) for f in side.by_month}

    first, second = calendar_months(before), calendar_months(since)
    if not first or not second or first == second:
        return None
    only_before = sorted(first - second)
    only_since = sorted(second - first)
    parts = []
    if only_before:
        parts.append("avant seulement : " + ", ".join(MONTH_NAMES[m - 1] for m in only_before))
    if only_since:
        parts.append("depuis seulement : " + ", ".join(MONTH_NAMES[m - 1] for m in only_since))
    return ("Attention, saisonnalité : les deux périodes ne couvrent pas les mêmes mois de "
            f"l'année ({' ; '.join(parts)}) ; la fréquentation varie avec les saisons "
            "(rentrée, déclarations d'impôts, été).")


def build_experiment(experiment: Experiment, records_by_kind: Mapping[str, Sequence[Record]],
                     now: dt.datetime, zone: ZoneInfo) -> ExperimentSection:
    """Before vs since `experiment.start`, from every record of the folder."""
    every = [r for records in records_by_kind.values() for r in records]
    today = in_zone(now, zone).date()
    check_start(experiment, first_record_day(every, zone), today)
    start = experiment.start
    tallies = current_tallies(r.event for r in records_by_kind.get("dropins", ())
                              if isinstance(r.event, DropinTally))
    first_tally = min((t.date for t in tallies), default=start)
    first = min(Month.of(first_tally).first_day, start)
    before = _side("before", "avant", first, start - dt.timedelta(days=1), tallies)
    since = _side("since", "depuis", start, today, tallies)
    difference = newcombe(since.refusal_rate, before.refusal_rate)

    appointments, _ = fold_appointments(list(records_by_kind.get("appointments", ())))
    calls = [r.event for r in records_by_kind.get("calls", ())
             if isinstance(r.event, CallRecorded) and in_zone(r.event.at, zone).date() >= start]
    links: dict[str, set[str]] = defaultdict(set)
    for record in records_by_kind.get("calls", ()):
        event = record.event
        if isinstance(event, CallLinked | CallRecorded) and event.appointment:
            links[event.id].add(event.appointment)
    for appointment in appointments.values():
        if appointment.from_call:
            links[appointment.from_call].add(appointment.id)
    handled = sum(c.outcome in ("resolved", "redirect") for c in calls)
    to_appointment = [c for c in calls if c.outcome == "appointment" or links.get(c.id)]
    linked: list[Appointment] = [appointments[a] for c in calls for a in sorted(links.get(c.id, ()))
                                 if a in appointments]
    phone = PhoneContribution(
        calls=len(calls), handled_by_phone=handled,
        handled_by_phone_rate=wilson(handled, len(calls)),
        to_appointment=len(to_appointment),
        to_appointment_rate=wilson(len(to_appointment), len(calls)),
        appointments_from_calls=len(linked),
        appointments_attended=sum(a.status == "attended" for a in linked),
        appointments_ahead=sum(a.situation(now) == "booked" for a in linked))
    attended = sum(1 for a in appointments.values() if a.status == "attended"
                   and start <= in_zone(a.start, zone).date() <= today)
    accompaniments = attended + since.seen + handled
    return ExperimentSection(
        start=start, services=tuple(experiment.services), before=before, since=since,
        difference=difference, method=METHOD, verdict=verdict(before, since, difference),
        seasonality_warning=seasonality(before, since), phone=phone,
        accompaniments=accompaniments, appointments_attended=attended,
        appointments_share=wilson(attended, accompaniments))
