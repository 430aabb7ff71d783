"""A `Report` as text: table, markdown, csv, json, html; `--detail` rows as csv (pure).

Table, markdown and html show the same blocks (`blocks`); csv is the long
format (section, metric, dimension, value) of `rows`; json is the report's
dataclasses as they are, keys in field order.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from mediatool.core.catalogue import Catalogue
from mediatool.core.fields import to_plain
from mediatool.core.labels import (
    DETAIL_LABELS,
    KIND_LABELS,
    METRIC_LABELS,
    OUTCOME_LABELS,
    SECTION_LABELS,
    SIDE_LABELS,
    STATUS_LABELS,
    THEME_LABELS,
)
from mediatool.core.report import (
    SITUATIONS,
    Breakdown,
    Count,
    DetailRow,
    DropinFigures,
    Report,
)
from mediatool.core.values import frozen

if TYPE_CHECKING:
    from mediatool.core.experiment import ExperimentSection

FORMATS = ("table", "markdown", "csv", "json", "html")
CSV_DIALECTS = ("excel", "excel-fr")
JSON_VERSION = 1
ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d.*)?$")
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")


def month_words(key: str) -> str:
    """"2026-11" → "novembre 2026"; other labels unchanged."""
    if len(key) == 7 and key[4] == "-" and key[5:].isdigit() and 1 <= int(key[5:]) <= 12:
        return f"{MONTH_NAMES[int(key[5:]) - 1]} {key[:4]}"
    return key


def week_words(monday: dt.date) -> str:
    """The week starting on 2026-11-09 → "semaine du 9 novembre"."""
    return f"semaine du {monday.day} {MONTH_NAMES[monday.month - 1]}"


@frozen
class Block:
    """A titled table: what table, markdown and html all show."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@frozen
class Section:
    title: str
    blocks: tuple[Block, ...]


# ---- numbers in French --------------------------------------------------------

def number(value: float | int | None, decimals: int = 1) -> str:
    """12.5 → "12,5"; whole numbers without decimals; None → "–"."""
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):d}"
    return f"{value:.{decimals}f}".replace(".", ",")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{number(round(value * 100, 1))} %"


def _share(part: int, whole: int) -> str:
    return percent(part / whole if whole else None)


# ---- blocks shared by table, markdown and html ---------------------------------

def _counts(title: str, header: str, counts: Sequence[Count], total: int | None = None,
            unit: str = "Nombre") -> Block:
    headers: tuple[str, ...] = (header, unit) + (("Part",) if total is not None else ())
    rows = []
    for count in counts:
        row: tuple[str, ...] = (count.label, str(count.value))
        if total is not None:
            row += (_share(count.value, total),)
        rows.append(row)
    return Block(title, headers, tuple(rows))


def _facts(title: str, facts: Sequence[tuple[str, str]]) -> Block:
    return Block(title, ("Indicateur", "Valeur"), tuple(facts))


def _breakdowns(title: str, header: str, items: Sequence[Breakdown]) -> Block:
    headers = (header, "Total", *(STATUS_LABELS[s] for s in SITUATIONS))
    rows = tuple((b.label, str(b.total), *(str(c.value) for c in b.situations)) for b in items)
    return Block(title, headers, rows)


def _dropin_rows(items: Sequence[DropinFigures]) -> tuple[tuple[str, ...], ...]:
    return tuple((month_words(f.label), str(f.sessions), str(f.seen), str(f.refused),
                  percent(f.refusal_rate) if f.sessions else "sans bilan") for f in items)


def half_day_grid(report: Report, long: bool = False
                  ) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Weeks (columns) and, per mediator, the half-days used each week.

    Weeks read « semaine du 9 novembre » (`long`, html) or « sem. 9 nov. » so that
    the screen table stays within 80 columns.
    """
    weeks: list[str] = []
    grid: dict[str, tuple[str, list[int]]] = {}
    for row in report.appointments.half_days:
        name = week_words(row.week_start) if long else (
            f"sem. {row.week_start.day} {MONTHS[row.week_start.month - 1]}")
        if name not in weeks:
            weeks.append(name)
        grid.setdefault(row.mediator, (row.label, []))[1].append(row.used)
    return weeks, list(grid.values())


def sections(report: Report, long: bool = False) -> list[Section]:
    """Every figure of the report, as French titled tables (`long`: html's wording)."""
    phone, appts, paths, drops = (report.phone, report.appointments, report.paths,
                                  report.dropins)
    weeks, grid = half_day_grid(report, long)
    cap = appts.cap
    half_day_rows = tuple(
        (label, *(f"{n} > plafond" if n > cap else str(n) for n in used)) for label, used in grid)
    return [
        Section("Ligne téléphonique", (
            _facts("Appels", (
                ("Appels", str(phone.calls)),
                ("pendant les permanences", str(phone.in_shift)),
                ("hors permanences", str(phone.outside_shift)),
                ("Durée moyenne (min)", number(phone.duration_mean_min)),
                ("Durée médiane (min)", number(phone.duration_median_min)),
                ("Appels devenus rendez-vous", f"{phone.became_appointments} "
                 f"({percent(phone.became_appointments_rate)})"),
                ("… dont honorés", str(phone.appointments_attended)),
                ("… dont encore à venir", str(phone.appointments_ahead)))),
            _counts("Appels par permanence", "Permanence", phone.by_shift, unit="Appels"),
            _counts("Suites données", "Suite", phone.outcomes, phone.calls, "Appels"),
            _counts("Durée des appels", "Durée", phone.duration_buckets, phone.durations_known,
                    "Appels"),
            _counts("Démarches les plus demandées", "Démarche", phone.top_procedures,
                    unit="Appels"),
            _counts("Thèmes", "Thème", phone.themes, phone.calls, "Appels"),
            _counts("Réorientations", "Organisation", phone.redirections, unit="Appels"))),
        Section("Rendez-vous", (
            _counts("Rendez-vous de la période (par date du rendez-vous)", "Situation",
                    (Count("booked", "Rendez-vous", appts.booked), *appts.situations)),
            _breakdowns("Par type", "Type", appts.by_kind),
            _breakdowns("Par médiateur", "Médiateur", appts.by_mediator),
            _counts("Durée des rendez-vous honorés", "Durée", appts.attended_duration_buckets),
            Block(f"Demi-journées de rendez-vous par semaine (plafond : {cap}, pas de minimum)",
                  ("Médiateur", *weeks), half_day_rows))),
        Section("Parcours d'apprentissage (usage)", (
            _facts("Parcours", (
                ("Parcours ouverts", str(paths.opened)),
                ("Séances convenues (parcours ouverts)", str(paths.sessions_agreed)),
                ("Parcours clos", str(paths.closed)),
                ("Séances réalisées", str(paths.sessions_done)))),
            _counts("Compétences atteintes", "Compétence", paths.skills_reached),
            _counts("Compétences par domaine Pix", "Domaine", paths.skills_by_area))),
        Section("Permanences sans rendez-vous", (
            _facts("Permanences", (
                ("Permanences", str(drops.sessions)),
                ("Personnes reçues", str(drops.seen)),
                ("Personnes refusées", str(drops.refused)),
                ("Taux de refus", percent(drops.refusal_rate)))),
            Block("Par lieu", ("Lieu", "Permanences", "Reçues", "Refusées", "Taux de refus"),
                  _dropin_rows(drops.by_site)),
            Block("Évolution mois par mois (indicateur clé de l'expérimentation)",
                  ("Mois", "Permanences", "Reçues", "Refusées", "Taux de refus"),
                  _dropin_rows(drops.trend)))),
    ]


def _heading(report: Report) -> str:
    return f"{report.service} — statistiques {_period_words(report)}"


def _period_words(report: Report) -> str:
    """« de novembre 2026 », « de 2026 », « du 2026-11-02 au 2026-11-15 »."""
    label = report.period.label
    return label if label.startswith("du ") else f"de {month_words(label)}"


# ---- table and markdown --------------------------------------------------------------

def _tabulate(block: Block, tablefmt: str, width: int | None = None) -> str:
    """`width` (a terminal's, for the plain table): long cells cut to fit (formats/table,
    which draws plain text without importing tabulate)."""
    if not block.rows:
        return "(aucun)"
    if tablefmt == "simple":
        from mediatool.formats.table import render_table as fitted

        return fitted(block.rows, block.headers, width)
    from tabulate import tabulate

    return tabulate(block.rows, headers=block.headers, tablefmt=tablefmt,
                    disable_numparse=True)


def render_table(report: Report, width: int | None = None) -> str:
    from mediatool.formats.table import wrap_to

    out = [wrap_to(_heading(report), width), "=" * min(len(_heading(report)), width or len(_heading(report)))]
    for section in sections(report):
        out += ["", section.title.upper()]
        for block in section.blocks:
            out += ["", wrap_to(block.title, width), _tabulate(block, "simple", width)]
    out += ["", f"Édité le {report.generated_at:%Y-%m-%d %H:%M}."]
    return "\n".join(out) + "\n"


_MARKDOWN_ESCAPES = {"&": "&amp;", "<": "&lt;", "|": "\\|", "\\": "\\\\",
                     "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
                     "\n": " ", "\r": " "}
_MARKDOWN_SPECIAL = re.compile("|".join(re.escape(c) for c in _MARKDOWN_ESCAPES))


def markdown_text(text: str) -> str:
    """A text (catalogue name, service, label) that markdown shows as written.

    HTML is written as entities (no `<script>`, `<img onerror>`, `<svg onload>`
    reaches a renderer), `|` cannot end a table cell, and emphasis, code and link
    brackets are escaped; a line break cannot start a new block.
    """
    return _MARKDOWN_SPECIAL.sub(lambda m: _MARKDOWN_ESCAPES[m.group()], text)


def markdown_block(block: Block) -> str:
    """A block as a GitHub table, every cell escaped."""
    return _tabulate(Block(block.title, tuple(markdown_text(h) for h in block.headers),
                           tuple(tuple(markdown_text(c) for c in row) for row in block.rows)),
                     "github")


def render_markdown(report: Report) -> str:
    out = [f"# {markdown_text(_heading(report))}"]
    for section in sections(report):
        out += ["", f"## {markdown_text(section.title)}"]
        for block in section.blocks:
            out += ["", f"### {markdown_text(block.title)}", "", markdown_block(block)]
    out += ["", f"_Édité le {report.generated_at:%Y-%m-%d %H:%M}._"]
    return "\n".join(out) + "\n"


# ---- csv (long format) ------------------------------------------------------------------

Value = int | float | str | None


Row = tuple[str, str, str, Value]
LabelledRow = tuple[str, str, str, Value, str]  # + the dimension's French label


def _count_rows(section: str, metric: str, counts: Sequence[Count]) -> Iterator[LabelledRow]:
    for count in counts:
        yield section, metric, count.key, count.value, count.label


def _record_rows(section: str, metric: str, item: Any, key: str, label: str
                 ) -> Iterator[LabelledRow]:
    """Each numeric field of a breakdown item as its own row, dimension = its key."""
    for f in fields(item):
        value = getattr(item, f.name)
        if f.name in ("key", "label", "mediator", "week", "week_start"):
            continue
        if isinstance(value, tuple):
            for count in value:
                yield section, f"{metric}.{count.key}", key, count.value, label
        else:
            yield section, f"{metric}.{f.name}", key, value, label


def labelled_rows(report: Report) -> list[LabelledRow]:
    """`rows`, each with the French label of its dimension."""
    out: list[LabelledRow] = [
        ("report", "service", "", report.service, ""),
        ("report", "period_first", "", report.period.first.isoformat(), ""),
        ("report", "period_last", "", report.period.last.isoformat(), ""),
        ("report", "generated_at", "", report.generated_at.isoformat(timespec="seconds"), "")]
    for name in ("phone", "appointments", "paths", "dropins"):
        section = getattr(report, name)
        for f in fields(section):
            value = getattr(section, f.name)
            if not isinstance(value, tuple):
                out.append((name, f.name, "", value, ""))
            elif f.name == "half_days":
                out.extend((name, "half_days_used", f"{h.mediator}/{h.week}", h.used,
                            f"{h.label}, {week_words(h.week_start)}") for h in value)
            elif value and isinstance(value[0], Count):
                out.extend(_count_rows(name, f.name, value))
            else:
                for item in value:
                    label = (month_words(item.key) if f.name == "trend" else item.label)
                    out.extend(_record_rows(name, f.name, item, item.key, label))
    return out


def rows(report: Report) -> list[Row]:
    """The whole report as (section, metric, dimension, value) rows."""
    return [row[:4] for row in labelled_rows(report)]


def _csv_text(header: Sequence[str], data: Sequence[Sequence[Value]], dialect: str) -> str:
    import csv  # here, as html below: a table report (the usual one) imports neither

    french = dialect == "excel-fr"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow([neutralise_cell(h) for h in header])
    for row in data:
        writer.writerow([_csv_value(v, french) for v in row])
    return ("\ufeff" if french else "") + buffer.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP CSV injection).

    A cell starting with = + - @, a tab or a carriage return gets a leading
    apostrophe: Excel and LibreOffice then show it as text. Numbers are not
    texts here and are never touched.
    """
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_value(value: Value, french: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if french else text
    if isinstance(value, int):
        return str(value)
    return neutralise_cell(str(value))


def metric_label(metric: str) -> str:
    """"by_site.refusal_rate" → "Par lieu — taux de refus" (labels.METRIC_LABELS)."""
    parts = metric.split(".")
    suffix = ""
    for bound in ("_low", "_high"):
        if parts[-1].endswith(bound) and parts[-1][:-len(bound)] in METRIC_LABELS:
            parts[-1] = parts[-1][:-len(bound)]
            suffix = f" ({METRIC_LABELS[bound[1:]]})"
    words = [METRIC_LABELS.get(parts[0], parts[0])]
    for part in parts[1:]:
        sub = STATUS_LABELS.get(part) or METRIC_LABELS.get(part, part)
        words.append(sub[:1].lower() + sub[1:])
    return " — ".join(words) + suffix


def is_share(metric: str) -> bool:
    last = metric.split(".")[-1]
    return any(word in last for word in ("rate", "share"))


def french_value(metric: str, value: Value) -> str:
    """A value as a French spreadsheet reads it: 16,79 %, 12,5, 30/11/2026, oui."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and is_share(metric):
        return f"{value * 100:.2f}".replace(".", ",") + " %"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, str) and ISO_DAY.match(value):
        day = dt.date.fromisoformat(value[:10])
        rest = f" {value[11:16]}" if len(value) > 10 else ""
        return f"{day:%d/%m/%Y}{rest}"
    return str(value)


FRENCH_HEADER = ("Rubrique", "Indicateur", "Précision", "Valeur")
KEY_HEADER = ("section", "metric", "dimension")


def french_csv(items: Sequence[LabelledRow], keys: bool) -> str:
    """Long format in French: labels from core/labels.py, values as a French spreadsheet
    reads them; `keys` adds the stable keys as three last columns."""
    data = []
    for section, metric, dimension, value, label in items:
        row: list[Value] = [SECTION_LABELS.get(section, section), metric_label(metric),
                            label or SIDE_LABELS.get(dimension, dimension),
                            french_value(metric, value)]
        if keys:
            row += [section, metric, dimension]
        data.append(row)
    return _csv_text(FRENCH_HEADER + (KEY_HEADER if keys else ()), data, "excel-fr")


def render_csv(report: Report, dialect: str = "excel", keys: bool = False) -> str:
    if dialect == "excel-fr":
        return french_csv(labelled_rows(report), keys)
    return _csv_text(("section", "metric", "dimension", "value"), rows(report), dialect)


DETAIL_VALUE_LABELS = {"kind": KIND_LABELS, "status": {**STATUS_LABELS, **OUTCOME_LABELS}}
DETAIL_KEYED = ("kind", "status")  # columns whose French values get a key column (--keys)


def detail_table(detail: Sequence[DetailRow], french: bool, keys: bool = False,
                 catalogue: Catalogue | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of `--detail`: keys as they are, or French labels and values."""
    names = [f.name for f in fields(DetailRow)]
    if not french:
        return names, [[getattr(r, h) for h in names] for r in detail]
    header = [DETAIL_LABELS[n] for n in names] + (list(DETAIL_KEYED) if keys else [])
    titles = {k: p.title for k, p in catalogue.procedures.items()} if catalogue else {}
    organisations = {k: o.name for k, o in catalogue.organisations.items()} if catalogue else {}
    mediators = {m.id: m.name for m in catalogue.team.mediators} if catalogue else {}
    out = []
    for r in detail:
        row = []
        for name in names:
            value = getattr(r, name)
            if name in DETAIL_VALUE_LABELS:
                value = DETAIL_VALUE_LABELS[name].get(value, value)
            elif name == "theme":
                value = THEME_LABELS.get(value, value)
            elif name == "procedure":
                value = titles.get(value, value)
            elif name == "redirect_to":
                value = organisations.get(value, value)
            elif name == "mediator":
                value = mediators.get(value, value)
            elif name == "date" and value:
                value = f"{dt.date.fromisoformat(value):%d/%m/%Y}"
            row.append(value)
        if keys:
            row += [getattr(r, name) for name in DETAIL_KEYED]
        out.append(row)
    return header, out


def render_detail(detail: Sequence[DetailRow], dialect: str = "excel", keys: bool = False,
                  catalogue: Catalogue | None = None) -> str:
    """One row per call or appointment (`--detail`), without personal data."""
    header, data = detail_table(detail, dialect == "excel-fr", keys, catalogue)
    return _csv_text(header, data, dialect)


# ---- json -----------------------------------------------------------------------------------

def render_json(report: Report) -> str:
    document = {"format_version": JSON_VERSION, **to_plain(report)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# ---- html -----------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d2733; --muted: #5b6776; --accent: #1f5fa8; --warn: #b3261e;
        --soft: #e3ebf5; --line: #d5dbe3; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 8px; padding-bottom: 4px;
     border-bottom: 2px solid var(--accent); }
h3 { font-size: 1em; margin: 18px 0 6px; color: var(--muted); }
.sub { color: var(--muted); margin: 0 0 20px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
         gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .value { font-size: 1.7em; font-weight: 700; }
.card .label { color: var(--muted); font-size: .9em; }
.card.key { border-color: var(--accent); background: var(--soft); }
.charts { display: grid; grid-template-columns: 1fr; gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg { width: 100%; max-width: 860px; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
table { border-collapse: collapse; margin: 4px 0 12px; font-size: .92em; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: var(--soft); }
.over { color: var(--warn); font-weight: 700; }
.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: .85em; margin-top: 32px; }
dl { margin: 0; } dt { font-weight: 600; margin-top: 6px; } dd { margin: 0 0 0 16px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  section, figure, table { break-inside: avoid; }
  .card.key, th { background: none; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 15mm; }
}
"""


DEFINITIONS = (
    ("Taux de refus", "personnes refusées / (personnes reçues + personnes refusées) aux "
     "permanences sans rendez-vous, bilans de la période additionnés ; un mois sans aucun "
     "bilan n'a pas de taux (« sans bilan »), ce n'est pas un mois sans refus."),
    ("Demi-journée", "matin ou après-midi (séparés à l'heure halfday_boundary de team.yaml) "
     "où un médiateur a au moins un rendez-vous actif ; plafonnées par semaine, pas de "
     "minimum. Une semaine appartient au mois qui contient son jeudi."),
    ("Venus / prévus", "rendez-vous honorés / rendez-vous de la période hors annulés (les "
     "annulations sont comptées à part)."),
    ("À renseigner", "rendez-vous passé dont on n'a pas encore noté s'il a été honoré ou "
     "non (mediatool attended / no-show)."),
    ("Appels devenus rendez-vous", "appels liés à un rendez-vous ; « dont honorés » : "
     "rendez-vous venus ; « dont encore à venir » : rendez-vous pas encore passés."),
    ("Réorientation", "appel adressé à l'organisation compétente (Caf, ANTS…)."),
)


def _esc(text: object) -> str:
    import html

    return html.escape(str(text), quote=True)


def _html_table(block: Block) -> str:
    if not block.rows:
        return f"<h3>{_esc(block.title)}</h3><p class=\"empty\">aucun</p>"

    def cell(tag: str, text: str, index: int) -> str:
        numeric = index > 0 and (text[:1].isdigit() or text in ("–",))
        css = ' class="n"' if numeric else ""
        if text.endswith("> plafond"):
            css = ' class="n over"'
        return f"<{tag}{css}>{_esc(text)}</{tag}>"

    numeric_head = ' class="n"'
    head = "".join(f"<th{numeric_head if i else ''}>{_esc(h)}</th>"
                   for i, h in enumerate(block.headers))
    body = "".join("<tr>" + "".join(cell("td", v, i) for i, v in enumerate(row)) + "</tr>"
                   for row in block.rows)
    return (f"<h3>{_esc(block.title)}</h3><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc.")


def month_label(key: str) -> str:
    """"2026-08" → "août 26"; other labels unchanged."""
    if len(key) == 7 and key[4] == "-" and key[5:].isdigit() and 1 <= int(key[5:]) <= 12:
        return f"{MONTHS[int(key[5:]) - 1]} {key[2:4]}"
    return key


def _rate_columns(labels: Sequence[str], counts: Sequence[tuple[int, int]],
                  rates: Sequence[float | None], title: str) -> str:
    """Column chart of the refusal RATE per month on a labelled 0–100 % axis.

    A month without any tally has no column and says so: it is not a month with
    nobody turned away. Counts are in each column's tooltip and in the table.
    """
    width, height, left, bottom, top = 660, 250, 56, 44, 20
    step = (width - left - 10) / max(len(labels), 1)
    bar = step * 0.62
    plot = height - bottom - top
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}">']
    for tick in (0, 25, 50, 75, 100):
        y = top + plot - plot * tick / 100
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
                     'stroke="#d5dbe3"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick} %</text>')
    parts.append(f'<text transform="translate(12 {top + plot / 2:.0f}) rotate(-90)" '
                 'text-anchor="middle">Taux de refus</text>')
    for i, (label, (seen, refused), share) in enumerate(zip(labels, counts, rates,
                                                           strict=True)):
        x = left + i * step + (step - bar) / 2
        if share is None:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot - 4:.1f}" '
                         'text-anchor="middle" fill="#5b6776">sans bilan</text>')
        else:
            h = plot * share
            y = top + plot - h
            colour = "#1f5fa8" if i == len(labels) - 1 else "#8fb0d6"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{_esc(month_words(label))} : {refused} '
                         f'refusée(s), {seen} reçue(s), taux {_esc(percent(share))}</title>'
                         '</rect>')
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                         f'{_esc(percent(share))}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" '
                     f'text-anchor="middle">{_esc(month_label(label))}</text>')
    parts.append(f'<text x="{left}" y="{height - 6}">Mois (le dernier en foncé)</text></svg>')
    return "".join(parts)


def _bars_horizontal(items: Sequence[tuple[str, int, int | None]], title: str,
                     value_text: Callable[[int, int | None], str]) -> str:
    """Horizontal bars; an optional second number draws a lighter bar behind (capacity)."""
    width, row, left = 640, 26, 200
    height = max(len(items), 1) * row + 12
    top_value = max([1, *(max(v, c or 0) for _, v, c in items)])
    scale = (width - left - 90) / top_value
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}">']
    for i, (label, value, capacity) in enumerate(items):
        y = 6 + i * row
        if capacity is not None:
            parts.append(f'<rect x="{left}" y="{y}" width="{capacity * scale:.1f}" '
                         f'height="{row - 8}" fill="#e3ebf5"/>')
        colour = "#b3261e" if capacity is not None and value > capacity else "#1f5fa8"
        parts.append(f'<rect x="{left}" y="{y}" width="{value * scale:.1f}" '
                     f'height="{row - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + row / 2:.1f}" text-anchor="end">'
                     f'{_esc(label[:30])}</text>')
        end = left + max(value, capacity or 0) * scale + 6
        parts.append(f'<text x="{end:.1f}" y="{y + row / 2:.1f}">'
                     f'{_esc(value_text(value, capacity))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def charts(report: Report) -> list[tuple[str, str]]:
    """(caption, inline SVG) for the html report."""
    trend = report.dropins.trend
    weeks, grid = half_day_grid(report)
    capacity = report.appointments.cap * len(weeks)
    phone = report.phone
    return [
        ("Permanences : taux de refus, mois par mois (refusées / (reçues + refusées))",
         _rate_columns([f.label for f in trend], [(f.seen, f.refused) for f in trend],
                       [f.refusal_rate if f.sessions else None for f in trend],
                       "Taux de refus par mois")),
        ("Ligne téléphonique : suites données aux appels",
         _bars_horizontal([(c.label, c.value, None) for c in phone.outcomes], "Suites",
                          lambda v, _: f"{v} ({_share(v, phone.calls)})")),
        (f"Demi-journées de rendez-vous par médiateur ({len(weeks)} semaine(s), "
         f"plafond {report.appointments.cap} par semaine)",
         _bars_horizontal([(label, sum(used), capacity) for label, used in grid],
                          "Demi-journées", lambda v, c: f"{v} / {c}")),
    ]


def render_html(report: Report, experiment: ExperimentSection | str | None = None) -> str:
    """One self-contained page: inline CSS and SVG, no script, no external asset.

    With the team's experiment set, the page carries its before / since section (or, when
    it cannot be measured yet, the reason in one line).
    """
    drops, phone, appts = report.dropins, report.phone, report.appointments
    situation = {c.key: c.value for c in appts.situations}
    cancelled = situation["excused"] + situation["revoked"]
    cards = [("Taux de refus aux permanences", percent(drops.refusal_rate), True),
             ("Personnes refusées", str(drops.refused), False),
             ("Personnes reçues en permanence", str(drops.seen), False),
             ("Appels", str(phone.calls), False),
             ("Rendez-vous (venus / prévus, hors annulés)",
              f"{situation['attended']} / {appts.booked - cancelled}", False),
             ("Rendez-vous annulés", str(cancelled), False),
             ("Parcours ouverts", str(report.paths.opened), False)]
    out = ["<!DOCTYPE html>", '<html lang="fr"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_esc(_heading(report))}</title><style>{_CSS}</style></head><body>",
           f"<header><h1>{_esc(report.service)}</h1>",
           f'<p class="sub">Statistiques {_esc(_period_words(report))} '
           f"({report.period.first:%d/%m/%Y} – {report.period.last:%d/%m/%Y})</p></header>",
           '<div class="cards">']
    for label, value, key in cards:
        out.append(f'<div class="card{" key" if key else ""}"><div class="value">'
                   f'{_esc(value)}</div><div class="label">{_esc(label)}</div></div>')
    out.append('</div><div class="charts">')
    for caption, svg in charts(report):
        out.append(f"<figure><figcaption>{_esc(caption)}</figcaption>{svg}</figure>")
    out.append("</div>")
    if isinstance(experiment, str):
        out.append(f'<section class="experiment"><h2>Expérimentation : avant / depuis</h2>'
                   f'<p class="sub">{_esc(experiment)}</p></section>')
    elif experiment is not None:
        from mediatool.formats.experiment import html_body

        out.extend(html_body(experiment))
    for section in sections(report, long=True):
        out.append(f"<section><h2>{_esc(section.title)}</h2>")
        out.extend(_html_table(block) for block in section.blocks)
        out.append("</section>")
    out.append('<section class="definitions"><h2>Définitions</h2><dl>')
    out.extend(f"<dt>{_esc(term)}</dt><dd>{_esc(text)}</dd>" for term, text in DEFINITIONS)
    out.append("</dl></section>")
    out.append(f"<footer>Édité par mediatool le {report.generated_at:%d/%m/%Y à %H:%M}. "
               "Rendez-vous comptés à la date du rendez-vous ; appels et permanences à leur "
               "date.</footer></body></html>")
    return "\n".join(out) + "\n"


def render(report: Report, fmt: str, dialect: str = "excel", keys: bool = False,
           experiment: ExperimentSection | str | None = None, width: int | None = None) -> str:
    """The report in one of FORMATS (xlsx: formats/xlsx.py); `experiment` goes in html;
    `width`: the terminal's, for the table shown on screen."""
    if fmt == "table":
        return render_table(report, width)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "csv":
        return render_csv(report, dialect, keys)
    if fmt == "json":
        return render_json(report)
    if fmt == "html":
        return render_html(report, experiment)
    raise ValueError(fmt)


def coop_csv(header: Sequence[str], data: Sequence[Sequence[object]]) -> str:
    """La Coop's layout as a French spreadsheet CSV: « ; », BOM, dates as 30/11/2026."""
    rows = [[f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v for v in row] for row in data]
    return _csv_text(header, rows, "excel-fr")  # type: ignore[arg-type]
