"""Reports and drop-in tallies: read what a period needs, then call the pure core.

Only the month files of the period are parsed in full (under their locks). Figures that need
other months (the drop-in trend, appointments a call led to later on, paths
closed after the month they were opened in, ISO weeks that straddle the
period) read those files through `Store.read_matching`, which parses only
the documents that matter, without taking locks (see `Store.read_texts`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import re
from collections.abc import Iterable
from pathlib import Path

from mediatool.core.days import service_open
from mediatool.core.errors import InvalidInput, OperationalError
from mediatool.core.experiment import ExperimentSection, build_experiment
from mediatool.core.lookup import mediator_by_id, site_by_id
from mediatool.core.model import RECORD_KINDS, CallLinked, CallRecorded, DropinTally, Record
from mediatool.core.period import CALL_LOOKBACK_MONTHS, DATE_RANGE_HINT, Month, year_in_range
from mediatool.core.report import (
    History,
    Period,
    Report,
    build_report,
    detail_rows,
    period_weeks,
    trend_months,
)
from mediatool.core.state import current_tallies
from mediatool.core.values import frozen
from mediatool.store.folder import DataFolder
from mediatool.store.records import Store

_QUOTE = "['\"]?"
# Look-up patterns start at a line break (`read_matching` searches "\n" + text): the
# leading literal lets the regex engine skip ahead. The values looked for are a set
# checked against each occurrence's value, not alternatives inside the pattern: a
# pattern of a month's hundreds of call ids took longer to compile than the look-up.
_VALUE = r"([\w-]+)"  # a whole id: the greedy run ends where the id does
_DAY = r"(\d{4}-\d\d-\d\d)"


@functools.cache
def _line(name: str, value: str) -> re.Pattern[str]:
    return re.compile(rf"\n{name}: {_QUOTE}{value}")


def field_in(name: str, values: Iterable[str]) -> tuple[re.Pattern[str], set[str]]:
    """`name: value` lines (quoted or not) for any of the ids `values`: the pattern and
    the set `read_matching` takes."""
    return _line(name, _VALUE), set(values)


def day_in(name: str, days: Iterable[str]) -> tuple[re.Pattern[str], set[str]]:
    """`name: value` lines whose value starts with one of `days` ("YYYY-MM-DD")."""
    return _line(name, _DAY), set(days)


# Written as id, event, at, by (`event_to_document` keeps the dataclass order); a file
# with more "closed" than this finds has all its "closed" documents parsed.
CLOSED_DAY = re.compile(rf"\nevent: {_QUOTE}closed{_QUOTE}[ \t]*\r?\nat: {_QUOTE}"
                        r"(\d{4}-\d\d-\d\d)")

# A drop-in tally exactly as `Store.append` writes it (see `event_to_document`).
_TALLY = re.compile(
    r"---\nid: D-[0-9A-Z]+\nevent: tally\nat: '[^'\n]*'\nby: [A-Za-z0-9][\w.-]*\n"
    r"site: [a-z0-9][a-z0-9-]*\ndate: '\d{4}-\d\d-\d\d'\nseen: (\d{1,4})\n"
    r"refused: (\d{1,4})\n"
    r"(?:note: (?:'(?:[^'\n]|'')*'|\"(?:[^\"\\\n]|\\.)*\"|[\w(][^\n:#]*)\n)?\.\.\.\n")
LINK_LOOKAHEAD_MONTHS = CALL_LOOKBACK_MONTHS + 12
MAX_TALLY_COUNT = 1000  # the model's bound; above it, the full parse reports the error
MAX_DROPIN_COUNT = 500  # above this, a tally is a typing mistake, not a drop-in session


@frozen
class ReportInput:
    """What the core needs: the period's records and the history around them."""

    records: dict[str, list[Record]]
    history: History


def _days(first: dt.date, last: dt.date) -> set[str]:
    days = set()
    while first <= last:
        days.add(first.isoformat())
        first += dt.timedelta(days=1)
    return days


def _after(store: Store, kind: str, period: Period) -> list[Month]:
    """Months after the period where a period call's appointment can be.

    `book --from-call` links only calls of the last CALL_LOOKBACK_MONTHS
    months, and appointments are booked weeks ahead, not years: looking
    LINK_LOOKAHEAD_MONTHS ahead finds them all while keeping the report of
    an old month as cheap as the last one's.
    """
    last = period.months[-1]
    horizon = last
    for _ in range(LINK_LOOKAHEAD_MONTHS):
        horizon = horizon.next()
    return [m for m in store.months(kind) if last < m <= horizon]


def read_period(store: Store, period: Period) -> ReportInput:
    """Read the period's month files in full and the history through targeted look-ups."""
    months = period.months
    records = {kind: store.read(kind, months) for kind in RECORD_KINDS}
    first_month = months[0]
    trend = [m for m in trend_months(period) if m < first_month]
    dropins: list[Record] = []
    dropin_totals: dict[str, tuple[int, int, int]] = {}
    for month, text in store.read_texts("dropins", trend, locked=False):
        totals = canonical_tally_totals(text)
        if totals is None:  # not in the layout mediatool writes: parse and validate it
            dropins.extend(store.read("dropins", [month]))
        else:
            dropin_totals[str(month)] = totals

    call_ids = {r.event.id for r in records["calls"] if isinstance(r.event, CallRecorded)}
    later_calls: list[Record] = []
    later_appointments = _after(store, "appointments", period)
    wanted: set[str] = set()
    if call_ids:
        later_calls = [r for r in store.read_matching("calls", _after(store, "calls", period),
                                                      *field_in("id", call_ids), locked=False)
                       if isinstance(r.event, CallLinked)]
        for record in [*records["calls"], *later_calls]:
            if isinstance(record.event, CallLinked | CallRecorded) and record.event.appointment:
                wanted.add(record.event.appointment)
        wanted |= {r.event.id for r in store.read_matching(
            "appointments", later_appointments, *field_in("from_call", call_ids),
            locked=False)}

    # ISO weeks that straddle the period: the cap is counted on the whole week.
    mondays = period_weeks(period)
    before = _days(mondays[0], period.first - dt.timedelta(days=1))
    after = _days(period.last + dt.timedelta(days=1), mondays[-1] + dt.timedelta(days=6))
    neighbours = sorted({Month.parse(d[:7]) for d in before | after})
    if before or after:
        wanted |= {r.event.id for r in store.read_matching(
            "appointments", neighbours, *day_in("start", before | after), locked=False)}
    in_period = {r.event.id for r in records["appointments"]}
    wanted -= in_period
    extra_months = sorted(set(later_appointments) | set(neighbours))
    appointments = store.read_matching("appointments", extra_months, *field_in("id", wanted),
                                       locked=False) if wanted else []

    earlier_paths = [m for m in store.months("paths") if m < first_month]
    closing_days = _days(period.first - dt.timedelta(days=1), period.last + dt.timedelta(days=1))
    paths = store.read_matching("paths", earlier_paths, CLOSED_DAY, closing_days, "closed",
                               locked=False)
    return ReportInput(records, History(dropins=dropins, dropin_totals=dropin_totals,
                                        appointments=appointments,
                                        calls=later_calls, paths=paths))


def canonical_tally_totals(text: str) -> tuple[int, int, int] | None:
    """(sessions, seen, refused) of a drop-in file in mediatool's own layout, else None.

    The trend needs only these sums for a year of earlier months: reading
    them with one regular expression instead of a YAML parse keeps a monthly
    report as fast as parsing its own month. Any document written otherwise
    (edited by hand, other key order, CRLF) makes the whole file go through
    the full, validating parse instead.
    """
    sessions = seen = refused = 0
    position = 0
    for match in _TALLY.finditer(text):
        if match.start() != position:
            return None
        position = match.end()
        people, turned_away = int(match.group(1)), int(match.group(2))
        if people > MAX_TALLY_COUNT or turned_away > MAX_TALLY_COUNT:
            return None
        sessions += 1
        seen += people
        refused += turned_away
    return (sessions, seen, refused) if position == len(text) else None


def make_report(data: DataFolder, period: Period, now: dt.datetime) -> tuple[Report, ReportInput]:
    """The report of a period (and what it was built from, for `--detail`)."""
    catalogue = data.catalogue
    # Reading a month builds ~10^5 small objects and no reference cycles: the cyclic
    # garbage collector would only walk them again and again (a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    data.store.remember_before = Month.of(now.date())  # past months parsed once, remembered
    try:
        found = read_period(data.store, period)
        return build_report(catalogue, found.records, period, now, found.history), found
    finally:
        if collecting:
            gc.enable()


def resolve_period(now: dt.datetime, month: Month | None = None, first: dt.date | None = None,
                   last: dt.date | None = None, year: int | None = None) -> Period:
    """The period asked for on the command line (default: the previous month)."""
    chosen = [name for name, value in (("--month", month), ("--from/--to", first or last),
                                       ("--year", year)) if value]
    if len(chosen) > 1:
        raise InvalidInput(f"options incompatibles : {' et '.join(chosen)}",
                           "choisissez un mois, une année, ou un intervalle --from/--to")
    if month:
        return Period.month(month)
    if year:
        if not year_in_range(year):
            raise InvalidInput(f"année invalide : {year} (hors des dates permises)",
                               f"{DATE_RANGE_HINT}, par exemple --year 2026")
        return Period.year(year)
    if first or last:
        if first is None:
            raise InvalidInput("--to sans --from", "indiquez aussi le premier jour : "
                               "--from AAAA-MM-JJ")
        last = last or now.date()
        if first > last:
            raise InvalidInput(f"--from ({first}) est après --to ({last})",
                               "inversez les deux dates")
        return Period.between(first, last)
    return Period.month(Month.of(now.date()).previous())


def record_dropin(data: DataFolder, site: str, day: dt.date, seen: int, refused: int,
                  note: str | None, by: str | None, now: dt.datetime, replace: bool = False
                  ) -> tuple[DropinTally, list[str]]:
    """Append one drop-in tally; returns it and what looks odd (French notes, not errors).

    One tally per site and day: a second one is refused (exit 2, naming the first)
    unless `replace`, which appends a tally naming the ones it supersedes.
    """
    # Imported here: its patterns cost a report (which never takes a note) a tenth of its run.
    from mediatool.core.personal_data import refuse_personal_data

    team = data.catalogue.team
    refuse_personal_data(note, "la note", data.catalogue)
    site = site_by_id(data.catalogue, site).id
    if by is not None:
        by = mediator_by_id(data.catalogue, by).id
    for label, value in (("--seen", seen), ("--refused", refused)):
        if value < 0:
            raise InvalidInput(f"{label} ne peut pas être négatif ({value})",
                               "indiquez un nombre de personnes, 0 ou plus")
        if value > MAX_DROPIN_COUNT:
            raise InvalidInput(f"{label} {value} : nombre improbable pour une permanence",
                               f"vérifiez la saisie (au plus {MAX_DROPIN_COUNT})")
    if day > now.date():
        raise InvalidInput(f"la permanence du {day} n'a pas encore eu lieu",
                           "saisissez le bilan le jour même ou après")
    month = Month.of(day)
    tally = DropinTally(id=data.store.new_id("dropins"), event="tally", at=now.replace(
        microsecond=0), by=by or "accueil", site=site.strip(), date=day, seen=seen,
        refused=refused, note=note or None)
    with data.store.transaction([("dropins", month)]) as tx:
        earlier = [t for t in current_tallies(r.event for r in tx.read("dropins", month)
                                              if isinstance(r.event, DropinTally))
                   if t.site == tally.site and t.date == day]
        _refuse_duplicate(data, tally, earlier, replace)
        tally = dataclasses.replace(tally, replaces=tuple(t.id for t in earlier))
        tx.append("dropins", month, tally)
    notes = []
    if not any(s.site == tally.site and s.weekday == day.weekday() for s in team.dropins):
        notes.append("aucune permanence n'est prévue ce jour de la semaine à ce lieu "
                     "(team.yaml, dropins) : vérifiez la date")
    elif not service_open(team, day):
        notes.append("le service est fermé ce jour-là (jour férié ou fermeture) : vérifiez "
                     "la date")
    return tally, notes


def _refuse_duplicate(data: DataFolder, tally: DropinTally, earlier: list[DropinTally],
                      replace: bool) -> None:
    site = data.catalogue.team.site(tally.site)
    where = f"{site.name if site else tally.site} le {tally.date:%d/%m/%Y}"
    if earlier and not replace:
        first = earlier[-1]
        raise InvalidInput(
            f"un bilan existe déjà pour {where} : {first.id} ({first.seen} reçue(s), "
            f"{first.refused} refusée(s), saisi le {first.at:%d/%m/%Y à %H:%M} par "
            f"{first.by}) ; rien n'a été enregistré",
            "pour le remplacer, relancez la même commande avec --replace")
    if replace and not earlier:
        raise InvalidInput(f"aucun bilan à remplacer pour {where} ; rien n'a été enregistré",
                           "vérifiez --site et --date, ou retirez --replace")


def list_dropins(data: DataFolder, months: Iterable[Month]) -> list[DropinTally]:
    """Tallies of these months that no later one replaces, by date then site."""
    tallies = current_tallies(r.event for r in data.store.read("dropins", months)
                              if isinstance(r.event, DropinTally))
    return sorted(tallies, key=lambda t: (t.date, t.site, t.at))


def make_experiment(data: DataFolder, now: dt.datetime) -> ExperimentSection:
    """Before vs since the experiment's start (team.yaml), from every record."""
    from zoneinfo import ZoneInfo

    team = data.catalogue.team
    if team.experiment is None:
        raise InvalidInput("aucune expérimentation dans team.yaml",
                           "ajoutez par exemple « experiment: {start: 2026-09-01, services: "
                           "[phone_line, appointments]} » à catalogue/team.yaml")
    store = data.store
    records = {kind: store.read(kind, store.months(kind)) for kind in RECORD_KINDS}
    return build_experiment(team.experiment, records, now, ZoneInfo(team.timezone))


OUTPUT_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".csv": "csv",
                  ".json": "json", ".xlsx": "xlsx", ".txt": "table"}


def format_for_output(out: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one `out`'s extension names; a mismatch is refused."""
    if out is None:
        return fmt or "table"
    suffix = out.suffix.lower()
    inferred = OUTPUT_FORMATS.get(suffix)
    if fmt is None:
        if inferred is None and suffix:
            raise InvalidInput(f"extension « {suffix} » inconnue pour {out}",
                               "choisissez .html, .md, .csv, .json, .xlsx ou .txt, ou "
                               "indiquez --format")
        return inferred or "table"
    if inferred is not None and inferred != fmt:
        raise InvalidInput(f"--format {fmt} ne correspond pas à l'extension de {out} "
                           f"({suffix} : {inferred})",
                           f"changez l'extension, ou retirez --format pour écrire du {inferred}")
    return fmt


def check_output_path(out: Path) -> None:
    """Refuse before any work an output file that cannot be written where it is asked."""
    from mediatool.store.records import refuse_special_target

    parent = out.parent if str(out.parent) else Path(".")
    refuse_special_target(out, "écrivez dans un nouveau fichier, ou sur la sortie standard "
                               "avec « --out - »")
    if out.exists() and out.suffix.lower() not in OUTPUT_FORMATS:
        # `report --out /etc/passwd` as root replaced the system file: mediatool replaces
        # only files named like what it writes.
        raise InvalidInput(f"{out} existe et n'est pas un fichier de rapport : mediatool "
                           "ne remplace que des fichiers .html, .md, .csv, .json, .xlsx ou "
                           ".txt", "choisissez un nouveau nom de fichier")
    if not parent.is_dir():
        raise InvalidInput(f"le dossier {parent} n'existe pas (--out {out})",
                           f"créez-le d'abord (mkdir -p {parent}) ou choisissez un autre "
                           "chemin")


def render_report(data: DataFolder, fmt: str, now: dt.datetime, dialect: str = "excel",
                  keys: bool = False, report: Report | None = None,
                  found: ReportInput | None = None,
                  experiment: ExperimentSection | None = None,
                  width: int | None = None) -> str | bytes:
    """The report (with its detail rows when `found` is given) or the experiment, rendered;
    `width`: the terminal's, for a table shown on screen."""
    from mediatool.formats import report as render

    service = data.catalogue.team.service
    if experiment is not None:
        if fmt == "xlsx":
            from mediatool.formats import xlsx

            return xlsx.experiment_workbook(service, experiment, now)
        from mediatool.formats import experiment as render_experiment

        return render_experiment.render(service, experiment, fmt, now, dialect, keys)
    assert report is not None
    detail = None
    if found is not None:
        detail = detail_rows(data.catalogue, found.records, report.period, now, found.history)
    if fmt == "xlsx":
        from mediatool.formats import xlsx

        return xlsx.report_workbook(report, detail, data.catalogue)
    if detail is not None:
        return render.render_detail(detail, dialect, keys, data.catalogue)
    section: ExperimentSection | str | None = None
    if fmt == "html" and data.catalogue.team.experiment is not None:
        try:
            section = make_experiment(data, now)
        except InvalidInput as why:  # not measurable yet: the monthly page says why
            section = f"{why.message} — {why.hint}" if why.hint else why.message
    return render.render(report, fmt, dialect, keys, section, width)


def write_report(out: Path, content: str | bytes) -> None:
    """Write a report file in one step; a reader never sees half of it."""
    from mediatool.store import records as record_files

    payload = content.encode("utf-8") if isinstance(content, str) else content
    try:
        record_files.write_atomic(out, payload)
    except OSError as exc:
        raise OperationalError(f"écriture impossible de {out} : "
                               f"{record_files.french_os_error(exc)}",
                               "vérifiez le dossier et les droits") from None


def coop_export(data: DataFolder, period: Period, fmt: str) -> str | bytes:
    """The period's accompaniments in La Coop's layout (core/coop.py), as csv or xlsx."""
    from mediatool.core.coop import HEADER, coop_rows

    store = data.store
    records = {kind: store.read(kind, period.months) for kind in ("calls", "appointments")}
    rows = coop_rows(data.catalogue, records, period)
    if fmt == "xlsx":
        from mediatool.formats import xlsx

        return xlsx.workbook([xlsx.Sheet("Activités", HEADER, rows)])
    from mediatool.formats.report import coop_csv

    return coop_csv(HEADER, rows)
