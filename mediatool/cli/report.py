"""`mediatool report`, `dropin`, `dropins`: statistics and drop-in tallies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from mediatool.cli.common import folder, format_option, iso_date, print_json, print_table
from mediatool.core.errors import InvalidInput

REPORT_FORMATS = ("table", "markdown", "csv", "json", "html")


@click.command("report")
@click.option("--month", metavar="AAAA-MM", help="Mois (par défaut : le mois dernier).")
@click.option("--from", "first", metavar="AAAA-MM-JJ", callback=iso_date,
              help="Premier jour d'un intervalle.")
@click.option("--to", "last", metavar="AAAA-MM-JJ", callback=iso_date,
              help="Dernier jour (inclus) de l'intervalle (par défaut : aujourd'hui).")
@click.option("--year", type=int, metavar="AAAA", help="Année entière.")
@format_option(*REPORT_FORMATS)
@click.option("--csv-dialect", type=click.Choice(("excel", "excel-fr")), default="excel",
              show_default=True,
              help="excel-fr : « ; », BOM UTF-8 et virgule décimale, pour un tableur français.")
@click.option("--detail", is_flag=True,
              help="Une ligne par appel et par rendez-vous (CSV, sans nom ni téléphone).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER",
              help="Écrire dans ce fichier (remplacé d'un coup) au lieu de l'afficher.")
def report_command(month: str | None, first: dt.date | None, last: dt.date | None,
                   year: int | None, fmt: str, csv_dialect: str, detail: bool,
                   out: Path | None) -> None:
    """Statistiques d'une période : ligne téléphonique, rendez-vous, parcours, permanences.

    \b
    Formats : table (écran), markdown, csv (format long : section, metric,
    dimension, value), json, html (un seul fichier avec graphiques, imprimable).

    Exemple : mediatool report --month 2026-11 --format html --out rapport-2026-11.html
    """
    from mediatool.core.report import detail_rows
    from mediatool.formats import report as render
    from mediatool.services.report import make_report, resolve_period

    data = folder()
    now = data.now()
    period = resolve_period(now, month, first, last, year)
    if detail and fmt not in ("table", "csv"):
        raise InvalidInput("--detail produit un CSV", "retirez --format ou choisissez "
                           "--format csv")
    report, found = make_report(data, period, now)
    if detail:
        text = render.render_detail(detail_rows(data.catalogue, found.records, period, now,
                                                found.history), csv_dialect)
    else:
        text = render.render(report, fmt, csv_dialect)
    if out is None:
        click.echo(text, nl=False)
        return
    from mediatool.services.workspace import write_output

    write_output(out, text)
    click.echo(f"Rapport {period.label} écrit dans {out}", err=True)


@click.command("dropin")
@click.option("--site", required=True, metavar="LIEU", help="Lieu (id de team.yaml, sites).")
@click.option("--date", "day", metavar="AAAA-MM-JJ", callback=iso_date,
              help="Jour de la permanence (par défaut : aujourd'hui).")
@click.option("--seen", type=int, required=True, metavar="N", help="Personnes reçues.")
@click.option("--refused", type=int, required=True, metavar="N",
              help="Personnes refusées faute de place.")
@click.option("--note", help="Remarque (sans nom ni téléphone).")
@click.option("--by", metavar="MÉDIATEUR", help="Qui saisit (par défaut : accueil).")
@format_option()
def dropin_command(site: str, day: dt.date | None, seen: int, refused: int, note: str | None,
                   by: str | None, fmt: str) -> None:
    """Enregistrer le bilan d'une permanence : personnes reçues et refusées.

    Exemple : mediatool dropin --site centre --seen 9 --refused 4
    """
    from mediatool.core.fields import to_plain
    from mediatool.services.report import record_dropin

    data = folder()
    now = data.now()
    tally, notes = record_dropin(data, site, day or now.date(), seen, refused, note, by, now)
    if fmt == "json":
        print_json({**to_plain(tally), "remarks": notes})
        return
    site_name = data.catalogue.team.site(tally.site)
    click.echo(f"Permanence enregistrée : {tally.id} — {site_name.name if site_name else site}, "
               f"{tally.date:%d/%m/%Y} : {seen} reçue(s), {refused} refusée(s).")
    for remark in notes:
        click.echo(f"Remarque : {remark}.", err=True)


@click.command("dropins")
@click.option("--month", metavar="AAAA-MM", help="Mois (par défaut : le mois en cours).")
@format_option()
def dropins_command(month: str | None, fmt: str) -> None:
    """Lister les bilans de permanences d'un mois, avec les totaux.

    Exemple : mediatool dropins --month 2026-11
    """
    from mediatool.core.fields import to_plain
    from mediatool.core.period import Month
    from mediatool.core.report import rate
    from mediatool.formats.report import percent
    from mediatool.services.report import list_dropins

    data = folder()
    if month is None:
        chosen = Month.of(data.now().date())
    else:
        try:
            chosen = Month.parse(month)
        except ValueError:
            raise InvalidInput(f"mois invalide : « {month} »",
                               "écrivez-le AAAA-MM, par exemple 2026-11") from None
    tallies = list_dropins(data, [chosen])
    seen = sum(t.seen for t in tallies)
    refused = sum(t.refused for t in tallies)
    if fmt == "json":
        print_json({"month": str(chosen), "sessions": len(tallies), "seen": seen,
                    "refused": refused, "refusal_rate": rate(refused, seen + refused),
                    "tallies": [to_plain(t) for t in tallies]})
        return
    rows = [(f"{t.date:%Y-%m-%d}", t.site, str(t.seen), str(t.refused),
             percent(rate(t.refused, t.seen + t.refused)), t.note or "", t.id) for t in tallies]
    print_table(rows, ("Date", "Lieu", "Reçues", "Refusées", "Taux de refus", "Note", "Id"))
    if tallies:
        click.echo(f"\nTotal {chosen} : {len(tallies)} permanence(s), {seen} reçue(s), "
                   f"{refused} refusée(s), taux de refus {percent(rate(refused, seen + refused))}.")


COMMANDS = [report_command, dropin_command, dropins_command]
