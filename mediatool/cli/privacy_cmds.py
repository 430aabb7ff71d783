"""`mediatool purge`: erase personal data past the retention period."""

from __future__ import annotations

import datetime as dt

import click

from mediatool.cli.common import folder, format_option, iso_date, print_json, print_table
from mediatool.core.labels import RECORD_KIND_LABELS


@click.command("purge")
@click.option("--before", "before", metavar="DATE", callback=iso_date,
              help="Anonymiser ce qui est antérieur à cette date (AAAA-MM-JJ).")
@click.option("--retention", is_flag=True,
              help="Utiliser la durée de conservation de team.yaml (retention, en mois).")
@click.option("--dry-run", is_flag=True, help="Montrer ce qui serait anonymisé, sans rien écrire.")
@format_option()
def purge_command(before: dt.date | None, retention: bool, dry_run: bool, fmt: str) -> None:
    """Effacer les noms, téléphones et notes des rendez-vous, parcours et entrées d'attente
    anciens.

    Les chiffres des statistiques ne changent pas (dates, durées, statuts,
    démarches). Les fichiers concernés sont réécrits une seule fois et chaque
    réécriture est notée dans records/audit.log.

    Exemple : mediatool purge --retention --dry-run
    """
    from mediatool.services.privacy import cutoff_from_retention, purge

    if (before is None) == (not retention):
        raise click.UsageError("indiquez soit --before DATE, soit --retention")
    data = folder()
    cutoff = before if before is not None else cutoff_from_retention(data)
    command = (f"mediatool purge --retention (avant le {cutoff})" if retention
               else f"mediatool purge --before {cutoff}")
    result = purge(data, cutoff, dry_run, command)
    if fmt == "json":
        print_json({"before": cutoff.isoformat(), "dry_run": dry_run,
                    "appointments": result.count("appointments"),
                    "paths": result.count("paths"), "waitlist": result.count("waitlist"),
                    "files": [{"file": f.source, "kind": f.kind, "anonymised": f.ids,
                               "rewritten": f.rewritten} for f in result.files]})
        return
    verb = "seraient anonymisés" if dry_run else "anonymisés"
    if not result.files:
        click.echo(f"Rien à anonymiser avant le {cutoff:%d/%m/%Y}.")
        return
    print_table([(f.source, f.ids, RECORD_KIND_LABELS.get(f.kind, f.kind)) for f in result.files],
                ["fichier", "dossiers", "type"])
    counted = [f"{result.count('appointments')} rendez-vous", f"{result.count('paths')} parcours"]
    if result.count("waitlist"):
        counted.append(f"{result.count('waitlist')} entrée(s) d'attente")
    click.echo(f"Avant le {cutoff:%d/%m/%Y} : {', '.join(counted[:-1])} et {counted[-1]} "
               f"{verb}.")
    if not dry_run:
        click.echo("Réécriture notée dans records/audit.log. Si le dossier est partagé avec "
                   "git, validez (commit) puis partagez ce changement.")


COMMANDS = [purge_command]
