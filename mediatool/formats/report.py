"""A `Report` as text: table, markdown, csv, json, html; `--detail` rows as csv (pure).

Table, markdown and html show the same blocks (`blocks`); csv is the long
format (section, metric, dimension, value) of `rows`; json is the report's
dataclasses as they are, keys in field order.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

from mediatool.core.fields import to_plain
from mediatool.core.labels import STATUS_LABELS
from mediatool.core.report import (
    SITUATIONS,
    Breakdown,
    Count,
    DetailRow,
    DropinFigures,
    Report,
)

FORMATS = ("table", "markdown", "csv", "json", "html")
CSV_DIALECTS = ("excel", "excel-fr")
JSON_VERSION = 1


@dataclass(frozen=True)
class Block:
    """A titled table: what table, markdown and html all show."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
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
    return tuple((f.label, str(f.sessions), str(f.seen), str(f.refused),
                  percent(f.refusal_rate)) for f in items)


def half_day_grid(report: Report) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Weeks (columns) and, per mediator, the half-days used each week."""
    weeks: list[str] = []
    grid: dict[str, tuple[str, list[int]]] = {}
    for row in report.appointments.half_days:
        if row.week not in weeks:
            weeks.append(row.week)
        grid.setdefault(row.mediator, (row.label, []))[1].append(row.used)
    return weeks, list(grid.values())


def sections(report: Report) -> list[Section]:
    """Every figure of the report, as French titled tables."""
    phone, appts, paths, drops = (report.phone, report.appointments, report.paths,
                                  report.dropins)
    weeks, grid = half_day_grid(report)
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
                ("… dont rendez-vous honoré", str(phone.appointments_attended)))),
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
    label = report.period.label
    return label if label.startswith("du ") else f"de {label}"


# ---- table and markdown --------------------------------------------------------------

def _tabulate(block: Block, tablefmt: str) -> str:
    from tabulate import tabulate

    if not block.rows:
        return "(aucun)"
    return tabulate(block.rows, headers=block.headers, tablefmt=tablefmt,
                    disable_numparse=True)


def render_table(report: Report) -> str:
    out = [_heading(report), "=" * len(_heading(report))]
    for section in sections(report):
        out += ["", section.title.upper()]
        for block in section.blocks:
            out += ["", f"{block.title}", _tabulate(block, "simple")]
    out += ["", f"Édité le {report.generated_at:%Y-%m-%d %H:%M}."]
    return "\n".join(out) + "\n"


def render_markdown(report: Report) -> str:
    out = [f"# {_heading(report)}"]
    for section in sections(report):
        out += ["", f"## {section.title}"]
        for block in section.blocks:
            out += ["", f"### {block.title}", "", _tabulate(block, "github")]
    out += ["", f"_Édité le {report.generated_at:%Y-%m-%d %H:%M}._"]
    return "\n".join(out) + "\n"


# ---- csv (long format) ------------------------------------------------------------------

Value = int | float | str | None


def _count_rows(section: str, metric: str, counts: Sequence[Count]
                ) -> Iterator[tuple[str, str, str, Value]]:
    for count in counts:
        yield section, metric, count.key, count.value


def _record_rows(section: str, metric: str, item: Any, key: str
                 ) -> Iterator[tuple[str, str, str, Value]]:
    """Each numeric field of a breakdown item as its own row, dimension = its key."""
    for f in fields(item):
        value = getattr(item, f.name)
        if f.name in ("key", "label", "mediator", "week", "week_start"):
            continue
        if isinstance(value, tuple):
            for count in value:
                yield section, f"{metric}.{count.key}", key, count.value
        else:
            yield section, f"{metric}.{f.name}", key, value


def rows(report: Report) -> list[tuple[str, str, str, Value]]:
    """The whole report as (section, metric, dimension, value) rows."""
    out: list[tuple[str, str, str, Value]] = [
        ("report", "service", "", report.service),
        ("report", "period_first", "", report.period.first.isoformat()),
        ("report", "period_last", "", report.period.last.isoformat()),
        ("report", "generated_at", "", report.generated_at.isoformat(timespec="seconds"))]
    for name in ("phone", "appointments", "paths", "dropins"):
        section = getattr(report, name)
        for f in fields(section):
            value = getattr(section, f.name)
            if not isinstance(value, tuple):
                out.append((name, f.name, "", value))
            elif f.name == "half_days":
                out.extend((name, "half_days_used", f"{h.mediator}/{h.week}", h.used)
                           for h in value)
            elif value and isinstance(value[0], Count):
                out.extend(_count_rows(name, f.name, value))
            else:
                for item in value:
                    out.extend(_record_rows(name, f.name, item, item.key))
    return out


def _csv_text(header: Sequence[str], data: Sequence[Sequence[Value]], dialect: str) -> str:
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


def render_csv(report: Report, dialect: str = "excel") -> str:
    return _csv_text(("section", "metric", "dimension", "value"), rows(report), dialect)


def render_detail(detail: Sequence[DetailRow], dialect: str = "excel") -> str:
    """One row per call or appointment (`--detail`), without personal data."""
    header = [f.name for f in fields(DetailRow)]
    return _csv_text(header, [[getattr(r, h) for h in header] for r in detail], dialect)


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
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  section, figure, table { break-inside: avoid; }
  .card.key, th { background: none; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 15mm; }
}
"""


def _esc(text: object) -> str:
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


def _bars_vertical(labels: Sequence[str], values: Sequence[int], rates: Sequence[float | None],
                   title: str) -> str:
    """Column chart (refused per month) with each month's refusal rate above its bar."""
    width, height, left, bottom, top = 640, 240, 36, 40, 24
    top_value = max([*values, 1])
    step = (width - left - 10) / max(len(values), 1)
    bar = step * 0.62
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}">']
    plot = height - bottom - top
    for tick in (0, top_value):
        y = top + plot - plot * tick / top_value
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
                     'stroke="#d5dbe3"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, (label, value, share) in enumerate(zip(labels, values, rates, strict=True)):
        x = left + i * step + (step - bar) / 2
        h = plot * value / top_value
        y = top + plot - h
        last = i == len(values) - 1
        colour = "#1f5fa8" if last else "#8fb0d6"
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                     f'fill="{colour}"><title>{_esc(label)} : {value} refusées, '
                     f'{_esc(percent(share))}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                     f'{_esc(percent(share)) if share is not None else ""}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" '
                     f'text-anchor="middle">{_esc(month_label(label))}</text>')
    parts.append(f'<text x="{left}" y="{height - 6}">Personnes refusées par mois '
                 '(au-dessus : taux de refus)</text></svg>')
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
        ("Permanences : personnes refusées, mois par mois",
         _bars_vertical([f.label for f in trend], [f.refused for f in trend],
                        [f.refusal_rate for f in trend], "Refus par mois")),
        ("Ligne téléphonique : suites données aux appels",
         _bars_horizontal([(c.label, c.value, None) for c in phone.outcomes], "Suites",
                          lambda v, _: f"{v} ({_share(v, phone.calls)})")),
        (f"Demi-journées de rendez-vous par médiateur ({len(weeks)} semaine(s), "
         f"plafond {report.appointments.cap} par semaine)",
         _bars_horizontal([(label, sum(used), capacity) for label, used in grid],
                          "Demi-journées", lambda v, c: f"{v} / {c}")),
    ]


def render_html(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, no script, no external asset."""
    drops, phone, appts = report.dropins, report.phone, report.appointments
    attended = next(c.value for c in appts.situations if c.key == "attended")
    cards = [("Taux de refus aux permanences", percent(drops.refusal_rate), True),
             ("Personnes refusées", str(drops.refused), False),
             ("Personnes reçues en permanence", str(drops.seen), False),
             ("Appels", str(phone.calls), False),
             ("Rendez-vous (venus / prévus)", f"{attended} / {appts.booked}", False),
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
    for section in sections(report):
        out.append(f"<section><h2>{_esc(section.title)}</h2>")
        out.extend(_html_table(block) for block in section.blocks)
        out.append("</section>")
    out.append(f"<footer>Édité par mediatool le {report.generated_at:%d/%m/%Y à %H:%M}. "
               "Rendez-vous comptés à la date du rendez-vous ; appels et permanences à leur "
               "date.</footer></body></html>")
    return "\n".join(out) + "\n"


def render(report: Report, fmt: str, dialect: str = "excel") -> str:
    """The report in one of FORMATS."""
    if fmt == "table":
        return render_table(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "csv":
        return render_csv(report, dialect)
    if fmt == "json":
        return render_json(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(fmt)
