"""Reports as XLSX workbooks a person reads (pure: values in, bytes out).

Numbers stay numbers, rates are numbers formatted as percentages, days are
dates; every text cell is typed as text, so a note typed as "=HYPERLINK(…)"
stays inert text and no cell is ever a formula. openpyxl is imported only
here, only when a workbook is asked for.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mediatool.core.catalogue import Catalogue
from mediatool.core.experiment import Estimate, ExperimentSection
from mediatool.core.period import Month
from mediatool.core.report import DetailRow, Report
from mediatool.core.values import frozen
from mediatool.formats.experiment import DEFINITIONS as EXPERIMENT_DEFINITIONS
from mediatool.formats.report import (
    DEFINITIONS,
    LabelledRow,
    detail_table,
    is_share,
    labelled_rows,
    metric_label,
    month_words,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

PERCENT = "0.0 %"
DECIMAL = "0.0"
DAY = "dd/mm/yyyy"
MONTH = "mmmm yyyy"
MAX_WIDTH = 60


@frozen
class Percent:
    """A share (0.1679) shown as a percentage (16,8 %)."""

    value: float | None


@frozen
class Sheet:
    title: str
    headers: tuple[str, ...]
    rows: Sequence[Sequence[Any]]


def _write(sheet: Worksheet, spec: Sheet) -> None:
    from openpyxl.styles import Font

    widths = [len(h) for h in spec.headers]
    for column, header in enumerate(spec.headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
    for row_number, row in enumerate(spec.rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            shown = _set(cell, value)
            widths[column - 1] = max(widths[column - 1], shown)
    sheet.freeze_panes = "A2"
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)


def _set(cell: Any, value: Any) -> int:
    """Put a typed value in a cell; returns about how many characters it shows."""
    if isinstance(value, Percent):
        cell.value = value.value
        cell.number_format = PERCENT
        return 8
    if value is None:
        return 0
    if isinstance(value, bool):
        cell.value = "oui" if value else "non"
        cell.data_type = "s"
        return 3
    if isinstance(value, int | float):
        cell.value = value
        if isinstance(value, float):
            cell.number_format = DECIMAL
        return len(str(value))
    if isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "dd/mm/yyyy hh:mm"
        return 16
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DAY
        return 10
    if isinstance(value, Month):
        cell.value = value.first_day
        cell.number_format = MONTH
        return 14
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return max((len(line) for line in text.splitlines()), default=0)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for spec in sheets:
        _write(book.create_sheet(spec.title[:31]), spec)
    book.properties.creator = "mediatool"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _typed(metric: str, value: Any) -> Any:
    if isinstance(value, float) and is_share(metric):
        return Percent(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and len(value) > 10 and value[10] == "T":
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


SECTION_SHEETS = (("report", "Rapport"), ("phone", "Ligne téléphonique"),
                  ("appointments", "Rendez-vous"), ("paths", "Parcours"),
                  ("dropins", "Permanences"))


def _section_sheet(title: str, items: Sequence[LabelledRow]) -> Sheet:
    return Sheet(title, ("Indicateur", "Précision", "Valeur"),
                 [(metric_label(metric), label, _typed(metric, value))
                  for _, metric, _, value, label in items])


def detail_sheet(detail: Sequence[DetailRow], catalogue: Catalogue | None) -> Sheet:
    header, data = detail_table(detail, True, False, catalogue)
    names = list(DetailRow.__dataclass_fields__)
    rows = []
    for source, row in zip(detail, data, strict=True):
        typed: list[Any] = list(row)
        typed[names.index("date")] = dt.date.fromisoformat(source.date)
        if source.duration_min:
            typed[names.index("duration_min")] = int(source.duration_min)
        rows.append(typed)
    return Sheet("Détail", tuple(header), rows)


def report_workbook(report: Report, detail: Sequence[DetailRow] | None,
                    catalogue: Catalogue | None = None) -> bytes:
    """One sheet per section, the drop-ins month by month, definitions, and the detail."""
    items = labelled_rows(report)
    sheets = [_section_sheet(title, [r for r in items if r[0] == key])
              for key, title in SECTION_SHEETS]
    sheets.append(Sheet("Permanences par mois",
                        ("Mois", "Permanences", "Personnes reçues", "Personnes refusées",
                         "Taux de refus"),
                        [(Month.parse(f.key), f.sessions, f.seen, f.refused,
                          Percent(f.refusal_rate)) for f in report.dropins.trend]))
    sheets.append(Sheet("Définitions", ("Terme", "Définition"), DEFINITIONS))
    if detail is not None:
        sheets.append(detail_sheet(detail, catalogue))
    return workbook(sheets)


def _bounds(estimate: Estimate, share: bool) -> list[Any]:
    wrap = Percent if share else (lambda v: None if v is None else round(v, 2))
    return [wrap(estimate.value), wrap(estimate.low), wrap(estimate.high)]


def experiment_workbook(service: str, exp: ExperimentSection, now: dt.datetime) -> bytes:
    before, since = exp.before, exp.since
    comparison = [
        ("Premier jour", before.first, None, None, since.first, None, None),
        ("Dernier jour", before.last, None, None, since.last, None, None),
        ("Mois", before.months, None, None, since.months, None, None),
        ("Mois renseignés", before.months_with_tallies, None, None,
         since.months_with_tallies, None, None),
        ("Permanences", before.sessions, None, None, since.sessions, None, None),
        ("Personnes reçues", before.seen, None, None, since.seen, None, None),
        ("Personnes refusées", before.refused, None, None, since.refused, None, None),
        ("Taux de refus", *_bounds(before.refusal_rate, True),
         *_bounds(since.refusal_rate, True)),
        ("Personnes reçues par permanence", *_bounds(before.seen_per_session, False),
         *_bounds(since.seen_per_session, False)),
        ("Refus par permanence", *_bounds(before.refused_per_session, False),
         *_bounds(since.refused_per_session, False)),
    ]
    phone = exp.phone
    services: list[tuple[Any, ...]] = [
        ("Appels", phone.calls),
        ("Réglés ou réorientés au téléphone", phone.handled_by_phone,
         *_bounds(phone.handled_by_phone_rate, True)),
        ("Orientés vers un rendez-vous", phone.to_appointment,
         *_bounds(phone.to_appointment_rate, True)),
        ("Rendez-vous pris depuis un appel", phone.appointments_from_calls),
        ("… dont honorés", phone.appointments_attended),
        ("… dont encore à venir", phone.appointments_ahead),
        ("Accompagnements depuis l'ouverture", exp.accompaniments),
        ("… dont rendez-vous honorés", exp.appointments_attended,
         *_bounds(exp.appointments_share, True)),
    ]
    summary = [("Service", service), ("Ouverture des nouveaux services", exp.start),
               ("Verdict", exp.verdict),
               ("Écart du taux de refus (depuis − avant)", Percent(exp.difference.value)),
               ("IC 95 % de l'écart, borne basse", Percent(exp.difference.low)),
               ("IC 95 % de l'écart, borne haute", Percent(exp.difference.high)),
               ("Saisonnalité", exp.seasonality_warning or "mêmes mois de l'année"),
               ("Méthode", exp.method), ("Édité le", now)]
    months = [(Month.parse(f.month), side.label, f.sessions, f.seen, f.refused,
               Percent(f.refusal_rate)) for side in (before, since) for f in side.by_month]
    missing = [(side.label, month_words(m)) for side in (before, since)
               for m in side.months_without_tally]
    sheets = [
        Sheet("Synthèse", ("Indicateur", "Valeur"), summary),
        Sheet("Avant - depuis", ("Indicateur", "Avant", "Avant IC 95 % bas",
                                 "Avant IC 95 % haut", "Depuis", "Depuis IC 95 % bas",
                                 "Depuis IC 95 % haut"), comparison),
        Sheet("Par mois", ("Mois", "Côté", "Permanences", "Personnes reçues",
                           "Personnes refusées", "Taux de refus"), months),
        Sheet("Nouveaux services", ("Indicateur", "Nombre", "Part", "Part IC 95 % bas",
                                    "Part IC 95 % haut"), services),
        Sheet("Définitions", ("Terme", "Définition"), EXPERIMENT_DEFINITIONS),
    ]
    if missing:
        sheets.insert(3, Sheet("Mois sans bilan", ("Côté", "Mois"), missing))
    return workbook(sheets)
