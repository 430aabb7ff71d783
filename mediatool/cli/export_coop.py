"""`mediatool export coop`: the activity in La Coop de la médiation numérique's layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mediatool.cli.common import folder, period_options
from mediatool.core.errors import InvalidInput

if TYPE_CHECKING:
    from mediatool.core.period import Month


@click.group("export")
def export_group() -> None:
    """Exporter l'activité dans le format d'un autre outil."""


@export_group.command("coop")
@period_options
@click.option("--format", "fmt", type=click.Choice(("xlsx", "csv")), default=None,
              help="xlsx ou csv (par défaut : d'après l'extension de --out).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="FICHIER", help="Fichier à écrire (.xlsx ou .csv).")
def export_coop_command(month: Month | None, first: dt.date | None, last: dt.date | None,
                        year: int | None, fmt: str | None, out: Path) -> None:
    """Une ligne par accompagnement, colonnes de l'export « accompagnements » de La Coop.

    \b
    Appels réglés ou réorientés au téléphone (« À distance ») et rendez-vous
    honorés (« Lieu d'activité ») ; sans nom ni téléphone. Les permanences sans
    rendez-vous sont des bilans sans ligne par personne : elles n'y sont pas.

    Exemple : mediatool export coop --month 2026-11 --out coop-2026-11.xlsx
    """
    from mediatool.services.report import (
        check_output_path,
        coop_export,
        format_for_output,
        resolve_period,
        write_report,
    )

    chosen = format_for_output(out, fmt)
    if chosen not in ("xlsx", "csv"):
        raise InvalidInput(f"l'export coop s'écrit en .xlsx ou .csv, pas « {out.suffix} »",
                           "nommez le fichier coop-AAAA-MM.xlsx ou .csv")
    check_output_path(out)
    data = folder()
    period = resolve_period(data.now(), month, first, last, year)
    content = coop_export(data, period, chosen)
    write_report(out, content)
    click.echo(f"Export La Coop {period.label} écrit dans {out}", err=True)


COMMANDS = [export_group]
