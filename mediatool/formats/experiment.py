"""`report --experiment` as text: table, markdown, csv, json, html (pure)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from mediatool.core.experiment import (
    SERVICE_LABELS,
    Estimate,
    ExperimentSection,
    Side,
    month_words,
)
from mediatool.core.fields import to_plain
from mediatool.core.period import Month
from mediatool.formats.report import (
    _CSS,
    JSON_VERSION,
    Block,
    Section,
    Value,
    _csv_text,
    _esc,
    _html_table,
    _tabulate,
    french_csv,
    markdown_block,
    markdown_text,
    month_label,
    number,
    percent,
)

DEFINITIONS = (
    ("Taux de refus", "personnes refusées / (personnes reçues + personnes refusées), toutes "
     "permanences de la période additionnées."),
    ("Avant / depuis", "avant : du premier bilan de permanence à la veille de l'ouverture ; "
     "depuis : du jour de l'ouverture (team.yaml, experiment.start) à aujourd'hui."),
    ("Mois renseignés", "mois ayant au moins un bilan de permanence ; un mois sans aucun bilan "
     "est signalé et n'est jamais compté comme zéro refus."),
    ("Réglés ou réorientés au téléphone", "appels dont la suite est « réglé au téléphone » ou "
     "« réorientation » : autant de venues en permanence évitées."),
    ("Accompagnements", "personnes reçues en permanence + rendez-vous honorés + appels réglés "
     "ou réorientés au téléphone, depuis l'ouverture."),
    ("IC 95 %", "intervalle de confiance à 95 % : Wilson pour un taux, Newcombe (score "
     "hybride) pour l'écart entre deux taux, Student pour une moyenne par permanence."),
)


def interval(estimate: Estimate, as_percent: bool) -> str:
    if estimate.low is None or estimate.high is None:
        return "–"
    if as_percent:
        return f"{percent(estimate.low)} à {percent(estimate.high)}"
    return f"{number(round(estimate.low, 1))} à {number(round(estimate.high, 1))}"


def _value(estimate: Estimate, as_percent: bool) -> str:
    if estimate.value is None:
        return "–"
    return percent(estimate.value) if as_percent else number(round(estimate.value, 1))


def points(estimate: Estimate) -> tuple[str, str]:
    def pts(value: float) -> str:
        return f"{number(round(value * 100, 1))} points".replace("-", "−")

    if estimate.value is None or estimate.low is None or estimate.high is None:
        return "–", "–"
    return pts(estimate.value), f"{pts(estimate.low)} à {pts(estimate.high)}"


def side_words(side: Side) -> str:
    return f"{side.first:%d/%m/%Y} – {side.last:%d/%m/%Y}"


def sections(exp: ExperimentSection) -> list[Section]:
    before, since = exp.before, exp.since
    diff_value, diff_interval = points(exp.difference)
    comparison = Block(
        "Permanences sans rendez-vous : avant / depuis",
        ("Indicateur", "Avant", "IC 95 % avant", "Depuis", "IC 95 % depuis"),
        (("Période", side_words(before), "", side_words(since), ""),
         ("Mois (renseignés)", f"{before.months} ({before.months_with_tallies})", "",
          f"{since.months} ({since.months_with_tallies})", ""),
         ("Permanences", str(before.sessions), "", str(since.sessions), ""),
         ("Personnes reçues", str(before.seen), "", str(since.seen), ""),
         ("Personnes refusées", str(before.refused), "", str(since.refused), ""),
         ("Taux de refus", _value(before.refusal_rate, True),
          interval(before.refusal_rate, True), _value(since.refusal_rate, True),
          interval(since.refusal_rate, True)),
         ("Personnes reçues par permanence", _value(before.seen_per_session, False),
          interval(before.seen_per_session, False), _value(since.seen_per_session, False),
          interval(since.seen_per_session, False)),
         ("Refus par permanence", _value(before.refused_per_session, False),
          interval(before.refused_per_session, False),
          _value(since.refused_per_session, False),
          interval(since.refused_per_session, False))))
    difference = Block("Écart du taux de refus (depuis − avant)",
                       ("Indicateur", "Valeur"),
                       (("Écart", diff_value), ("IC 95 % (Newcombe)", diff_interval)))
    missing = [(side.label, month_words(Month.parse(m))) for side in (before, since)
               for m in side.months_without_tally]
    months = Block("Mois par mois", ("Mois", "Côté", "Permanences", "Reçues", "Refusées",
                                     "Taux de refus"),
                   tuple((month_words(Month.parse(f.month)), side.label, str(f.sessions),
                          str(f.seen), str(f.refused), percent(f.refusal_rate))
                         for side in (before, since) for f in side.by_month))
    phone = exp.phone
    contribution = Block(
        "Ligne téléphonique depuis l'ouverture", ("Indicateur", "Valeur", "IC 95 %"),
        (("Appels", str(phone.calls), ""),
         ("Réglés ou réorientés au téléphone (venues évitées)",
          f"{phone.handled_by_phone} ({_value(phone.handled_by_phone_rate, True)})",
          interval(phone.handled_by_phone_rate, True)),
         ("Orientés vers un rendez-vous",
          f"{phone.to_appointment} ({_value(phone.to_appointment_rate, True)})",
          interval(phone.to_appointment_rate, True)),
         ("Rendez-vous pris depuis un appel", str(phone.appointments_from_calls), ""),
         ("… dont honorés", str(phone.appointments_attended), ""),
         ("… dont encore à venir", str(phone.appointments_ahead), ""),
         ("Accompagnements depuis l'ouverture", str(exp.accompaniments), ""),
         ("… dont rendez-vous honorés",
          f"{exp.appointments_attended} ({_value(exp.appointments_share, True)})",
          interval(exp.appointments_share, True))))
    blocks = [comparison, difference, months]
    if missing:
        blocks.append(Block("Mois sans aucun bilan de permanence (non comptés)",
                            ("Côté", "Mois"), tuple(missing)))
    return [Section("Permanences", tuple(blocks)),
            Section("Nouveaux services", (contribution,)),
            Section("Définitions", (Block("", ("Terme", "Définition"), DEFINITIONS),))]


def heading(service: str, exp: ExperimentSection) -> str:
    services = " et ".join(SERVICE_LABELS.get(s, s) for s in exp.services)
    return (f"{service} — expérimentation ({services}) ouverte le "
            f"{exp.start.day} {month_words(Month.of(exp.start))}")


def _notes(exp: ExperimentSection) -> list[str]:
    notes = [f"Verdict : {exp.verdict}"]
    if exp.seasonality_warning:
        notes.append(exp.seasonality_warning)
    notes.append(exp.method)
    return notes


def render_table(service: str, exp: ExperimentSection, now: dt.datetime) -> str:
    title = heading(service, exp)
    out = [title, "=" * min(len(title), 80), ""]
    out += [textwrap.fill(note, 80) for note in _notes(exp)]
    for section in sections(exp):
        out += ["", section.title.upper()]
        for block in section.blocks:
            out += ["", block.title, _tabulate(block, "simple")] if block.title else [
                "", _tabulate(block, "simple")]
    out += ["", f"Édité le {now:%Y-%m-%d %H:%M}."]
    return "\n".join(out) + "\n"


def render_markdown(service: str, exp: ExperimentSection, now: dt.datetime) -> str:
    out = [f"# {markdown_text(heading(service, exp))}", ""]
    out += [f"> {markdown_text(note)}\n" for note in _notes(exp)]
    for section in sections(exp):
        out += [f"## {markdown_text(section.title)}"]
        for block in section.blocks:
            if block.title:
                out += ["", f"### {markdown_text(block.title)}"]
            out += ["", markdown_block(block), ""]
    out += [f"_Édité le {now:%Y-%m-%d %H:%M}._"]
    return "\n".join(out) + "\n"


def rows(exp: ExperimentSection) -> list[tuple[str, str, str, Value]]:
    """(section, metric, dimension, value): dimension is before, since or difference."""
    out: list[tuple[str, str, str, Value]] = [
        ("experiment", "start", "", exp.start.isoformat()),
        ("experiment", "verdict", "", exp.verdict)]
    for side in (exp.before, exp.since):
        for name in ("first", "last"):
            out.append(("dropins", name, side.key, getattr(side, name).isoformat()))
        for name in ("months", "months_with_tallies", "sessions", "seen", "refused"):
            out.append(("dropins", name, side.key, getattr(side, name)))
        for name in ("refusal_rate", "seen_per_session", "refused_per_session"):
            estimate = getattr(side, name)
            out += [("dropins", name, side.key, estimate.value),
                    ("dropins", f"{name}_low", side.key, estimate.low),
                    ("dropins", f"{name}_high", side.key, estimate.high)]
        out += [("dropins", "month_without_tally", side.key, m)
                for m in side.months_without_tally]
    d = exp.difference
    out += [("dropins", "refusal_rate_difference", "difference", d.value),
            ("dropins", "refusal_rate_difference_low", "difference", d.low),
            ("dropins", "refusal_rate_difference_high", "difference", d.high)]
    phone = exp.phone
    for name in ("calls", "handled_by_phone", "to_appointment", "appointments_from_calls",
                 "appointments_attended", "appointments_ahead"):
        out.append(("phone", name, "since", getattr(phone, name)))
    for name in ("handled_by_phone_rate", "to_appointment_rate"):
        estimate = getattr(phone, name)
        out += [("phone", name, "since", estimate.value),
                ("phone", f"{name}_low", "since", estimate.low),
                ("phone", f"{name}_high", "since", estimate.high)]
    out += [("appointments", "accompaniments", "since", exp.accompaniments),
            ("appointments", "attended", "since", exp.appointments_attended),
            ("appointments", "share_of_accompaniments", "since", exp.appointments_share.value)]
    return out


def render_csv(exp: ExperimentSection, dialect: str = "excel", keys: bool = False) -> str:
    if dialect == "excel-fr":
        return french_csv([(*row, "") for row in rows(exp)], keys)
    return _csv_text(("section", "metric", "dimension", "value"), rows(exp), dialect)


def render_json(service: str, exp: ExperimentSection, now: dt.datetime) -> str:
    document = {"format_version": JSON_VERSION, "service": service,
                "generated_at": now.isoformat(timespec="seconds"), "experiment": to_plain(exp)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def before_after_chart(exp: ExperimentSection) -> str:
    """Refusal rate per month, before (grey) and since (blue), with a labelled 0–100 % axis."""
    items = [(f, "before") for f in exp.before.by_month] + [
        (f, "since") for f in exp.since.by_month]
    width, height, left, bottom, top = 680, 260, 56, 48, 20
    plot = height - bottom - top
    step = (width - left - 10) / max(len(items), 1)
    bar = step * 0.62
    top_rate = 1.0
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" '
             'aria-label="Taux de refus par mois, avant et depuis">']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot - plot * tick / top_rate
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
                     'stroke="#d5dbe3"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{int(tick * 100)} %</text>')
    parts.append(f'<text transform="translate(12 {top + plot / 2:.0f}) rotate(-90)" '
                 'text-anchor="middle">Taux de refus</text>')
    for i, (figures, side) in enumerate(items):
        share = figures.refusal_rate or 0.0
        x = left + i * step + (step - bar) / 2
        h = plot * share / top_rate
        y = top + plot - h
        colour = "#9aa5b1" if side == "before" else "#1f5fa8"
        label = month_words(Month.parse(figures.month))
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                     f'fill="{colour}"><title>{_esc(label)} : {figures.refused} refusées, '
                     f'{figures.seen} reçues, {_esc(percent(figures.refusal_rate))}</title>'
                     '</rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                     f'{_esc(percent(figures.refusal_rate))}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" '
                     f'text-anchor="middle">{_esc(month_label(figures.month))}</text>')
    if exp.before.by_month and exp.since.by_month:
        x = left + len(exp.before.by_month) * step
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot}" '
                     'stroke="#b3261e" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x + 4:.1f}" y="{top + 10}">ouverture</text>')
    parts.append(f'<text x="{left}" y="{height - 8}">Mois (gris : avant ; bleu : depuis '
                 "l'ouverture)</text></svg>")
    return "".join(parts)


def html_body(exp: ExperimentSection) -> list[str]:
    """The experiment's part of an html page (cards, verdict, chart, tables)."""
    out = ['<section class="experiment"><h2>Expérimentation : avant / depuis</h2>',
           f'<p class="verdict"><strong>Verdict :</strong> {_esc(exp.verdict)}</p>']
    if exp.seasonality_warning:
        out.append(f'<p class="warning">{_esc(exp.seasonality_warning)}</p>')
    out.append("<figure><figcaption>Taux de refus aux permanences, mois par mois</figcaption>"
               f"{before_after_chart(exp)}</figure>")
    for section in sections(exp):
        out.append(f"<h2>{_esc(section.title)}</h2>")
        out.extend(_html_table(block) for block in section.blocks)
    out.append(f'<p class="sub">{_esc(exp.method)}</p></section>')
    return out


def render_html(service: str, exp: ExperimentSection, now: dt.datetime) -> str:
    title = heading(service, exp)
    css = _CSS + (".verdict { font-size: 1.1em; padding: 10px 14px; border-left: 4px solid "
                  "var(--accent); background: var(--soft); }\n"
                  ".warning { color: var(--warn); }\n")
    out = ["<!DOCTYPE html>", '<html lang="fr"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_esc(title)}</title><style>{css}</style></head><body>",
           f"<header><h1>{_esc(title)}</h1></header>", *html_body(exp),
           f"<footer>Édité par mediatool le {now:%d/%m/%Y à %H:%M}.</footer></body></html>"]
    return "\n".join(out) + "\n"


def render(service: str, exp: ExperimentSection, fmt: str, now: dt.datetime,
           dialect: str = "excel", keys: bool = False) -> str:
    if fmt == "table":
        return render_table(service, exp, now)
    if fmt == "markdown":
        return render_markdown(service, exp, now)
    if fmt == "csv":
        return render_csv(exp, dialect, keys)
    if fmt == "json":
        return render_json(service, exp, now)
    if fmt == "html":
        return render_html(service, exp, now)
    raise ValueError(fmt)


__all__ = ["render", "sections", "rows", "html_body", "before_after_chart", "DEFINITIONS"]
