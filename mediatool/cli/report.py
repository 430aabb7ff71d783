"""`mediatool report`, `dropin`, `dropins`: statistics and drop-in tallies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mediatool.cli.common import (
    by_option,
    folder,
    format_option,
    iso_date,
    month_option,
    note_option,
    output_width,
    period_options,
    print_json,
    print_table,
    standard_output_as_none,
)
from mediatool.core.errors import InvalidInput

if TYPE_CHECKING:
    from mediatool.core.period import Month

REPORT_FORMATS = ("table", "markdown", "csv", "json", "html", "xlsx")


@click.command("report")
@period_options
@format_option(*REPORT_FORMATS)
@click.option("--csv-dialect", type=click.Choice(("excel", "excel-fr")), default="excel",
              show_default=True,
              help="excel-fr : « ; », BOM UTF-8, virgule décimale, en-têtes et valeurs en "
                   "français, pour un tableur français.")
@click.option("--keys", is_flag=True,
              help="Avec --csv-dialect excel-fr : ajouter les colonnes des clés stables "
                   "(section, metric, dimension…) pour les outils.")
@click.option("--detail", is_flag=True,
              help="Une ligne par appel et par rendez-vous (CSV, ou feuille « Détail » en "
                   "xlsx ; sans nom ni téléphone).")
@click.option("--experiment", is_flag=True,
              help="Comparer avant / depuis l'ouverture des nouveaux services "
                   "(team.yaml, experiment) au lieu des chiffres d'une période.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER",
              help="Écrire dans ce fichier (remplacé d'un coup) au lieu de l'afficher ; le "
                   "format se déduit de l'extension (.html .md .csv .json .xlsx .txt). "
                   "« - » : la sortie standard. Un fichier existant n'est remplacé que "
                   "s'il porte l'une de ces extensions (jamais un lien ni un périphérique).")
@click.pass_context
def report_command(ctx: click.Context, month: Month | None, first: dt.date | None,
                   last: dt.date | None, year: int | None, fmt: str, csv_dialect: str,
                   keys: bool, detail: bool, experiment: bool, out: Path | None) -> None:
    """Statistiques d'une période : ligne téléphonique, rendez-vous, parcours, permanences.

    \b
    Formats : table (écran), markdown, csv (format long : section, metric,
    dimension, value), json, html (un seul fichier avec graphiques, imprimable),
    xlsx (classeur, une feuille par partie ; avec --out).

    \b
    Exemples :
      mediatool report --month 2026-11 --out rapport-2026-11.html
      mediatool report --experiment
      mediatool report --year 2026 --out bilan-2026.xlsx --detail
    """
    from mediatool.services.report import (
        check_output_path,
        format_for_output,
        make_experiment,
        make_report,
        render_report,
        resolve_period,
        write_report,
    )

    out = standard_output_as_none(out)
    explicit = ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT
    fmt = format_for_output(out, fmt if explicit else None)
    if out is not None:
        check_output_path(out)
    elif fmt == "xlsx":
        raise InvalidInput("--format xlsx écrit un classeur, pas un texte à l'écran",
                           "ajoutez --out FICHIER.xlsx")
    if keys and csv_dialect != "excel-fr":
        raise InvalidInput("--keys va avec --csv-dialect excel-fr",
                           "ajoutez --csv-dialect excel-fr (le CSV excel a déjà les clés)")
    if detail and fmt not in ("table", "csv", "xlsx"):
        raise InvalidInput("--detail produit un CSV ou une feuille xlsx",
                           "retirez --format ou choisissez --format csv ou xlsx")
    if experiment and (detail or month or first or last or year):
        raise InvalidInput("--experiment compare avant / depuis l'ouverture : il ne prend "
                           "ni période ni --detail", "retirez --month/--from/--to/--year "
                           "et --detail")
    data = folder()
    now = data.now()
    if experiment:
        content = render_report(data, fmt, now, csv_dialect, keys,
                                experiment=make_experiment(data, now))
        label = "de l'expérimentation"
    else:
        period = resolve_period(now, month, first, last, year)
        report, found = make_report(data, period, now)
        content = render_report(data, fmt, now, csv_dialect, keys, report=report,
                                found=found if detail else None,
                                width=output_width() if out is None else None)
        label = period.label
    if out is None:
        assert isinstance(content, str)
        click.echo(content, nl=False)
        return
    write_report(out, content)
    click.echo(f"Rapport {label} écrit dans {out}", err=True)


@click.command("dropin")
@click.option("--site", required=True, metavar="LIEU", help="Lieu (id de team.yaml, sites).")
@click.option("--date", "day", metavar="AAAA-MM-JJ", callback=iso_date,
              help="Jour de la permanence (par défaut : aujourd'hui).")
@click.option("--seen", type=int, required=True, metavar="N", help="Personnes reçues.")
@click.option("--refused", type=int, required=True, metavar="N",
              help="Personnes refusées faute de place.")
@note_option("Remarque (sans nom ni téléphone).")
@by_option("accueil")
@click.option("--replace", is_flag=True, help="Remplacer le bilan déjà saisi pour ce lieu et "
              "ce jour (l'ancien reste dans l'historique, seul le nouveau compte).")
@format_option()
def dropin_command(site: str, day: dt.date | None, seen: int, refused: int, note: str | None,
                   by: str | None, replace: bool, fmt: str) -> None:
    """Enregistrer le bilan d'une permanence : personnes reçues et refusées.

    Exemple : mediatool dropin --site centre --seen 9 --refused 4
    """
    from mediatool.core.fields import to_plain
    from mediatool.services.report import record_dropin

    data = folder()
    now = data.now()
    tally, notes = record_dropin(data, site, day or now.date(), seen, refused, note, by, now,
                                 replace)
    if fmt == "json":
        print_json({**to_plain(tally), "remarks": notes})
        return
    site_name = data.catalogue.team.site(tally.site)
    click.echo(f"Permanence enregistrée : {tally.id} — {site_name.name if site_name else site}, "
               f"{tally.date:%d/%m/%Y} : {seen} reçue(s), {refused} refusée(s)"
               + (f" ; remplace {', '.join(tally.replaces)}." if tally.replaces else "."))
    for remark in notes:
        click.echo(f"Remarque : {remark}.", err=True)


@click.command("dropins")
@month_option("le mois en cours")
@format_option()
def dropins_command(month: Month | None, fmt: str) -> None:
    """Lister les bilans de permanences d'un mois, avec les totaux.

    Exemple : mediatool dropins --month 2026-11
    """
    from mediatool.core.fields import to_plain
    from mediatool.core.period import Month
    from mediatool.core.report import dropin_figures
    from mediatool.formats.report import percent
    from mediatool.services.report import list_dropins

    data = folder()
    chosen = month or Month.of(data.now().date())
    tallies = list_dropins(data, [chosen])
    total = dropin_figures(str(chosen), str(chosen), tallies)
    if fmt == "json":
        print_json({"month": str(chosen), "sessions": total.sessions, "seen": total.seen,
                    "refused": total.refused, "refusal_rate": total.refusal_rate,
                    "tallies": [to_plain(t) for t in tallies]})
        return
    rows = [(f"{t.date:%Y-%m-%d}", t.site, str(t.seen), str(t.refused),
             percent(dropin_figures(t.id, t.site, [t]).refusal_rate), t.note or "", t.id)
            for t in tallies]
    print_table(rows, ("Date", "Lieu", "Reçues", "Refusées", "Taux de refus", "Note", "Id"))
    if tallies:
        click.echo(f"\nTotal {chosen} : {total.sessions} permanence(s), {total.seen} reçue(s), "
                   f"{total.refused} refusée(s), taux de refus {percent(total.refusal_rate)}.")

COMMANDS = [report_command, dropin_command, dropins_command]
