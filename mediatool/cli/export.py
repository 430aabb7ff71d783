"""`mediatool export-ics`: calendars for subscriptions and CalDAV, made for cron."""

from __future__ import annotations

from pathlib import Path

import click

from mediatool.cli.common import folder


@click.command("export-ics")
@click.option("--out", "out", required=True, metavar="DOSSIER",
              type=click.Path(path_type=Path),
              help="Dossier où écrire les calendriers (créé si besoin).")
@click.option("--private", is_flag=True,
              help="Ajouter noms, téléphones et notes des personnes ; fichiers lisibles par "
                   "leur seul propriétaire (0600).")
@click.option("--verbose", "-v", is_flag=True,
              help="Dire ce qui a changé (sinon : rien n'est affiché en cas de succès).")
@click.option("--caldav", "caldav_url", metavar="URL",
              help="Publier aussi sur ce serveur CalDAV (Radicale, Nextcloud…) : un agenda "
                   "par médiateur, plus l'équipe et la ligne téléphonique.")
@click.option("--user", metavar="NOM", help="Utilisateur CalDAV.")
@click.option("--password-file", type=click.Path(path_type=Path), metavar="FICHIER",
              help="Fichier contenant le mot de passe CalDAV (première ligne).")
def export_ics_command(out: Path, private: bool, verbose: bool, caldav_url: str | None,
                       user: str | None, password_file: Path | None) -> None:
    """Écrire les calendriers (.ics) : un par médiateur, l'équipe, la ligne téléphonique.

    Fenêtre : les 30 derniers jours et tout l'avenir. Un fichier inchangé n'est
    pas réécrit ; rien n'est affiché en cas de succès (pour cron). Par défaut,
    aucun nom ni téléphone de personne n'apparaît : --private les ajoute.

    Exemple : mediatool export-ics --out /var/www/calendriers
    """
    from mediatool.services import calendars

    if not caldav_url and (user or password_file):
        raise click.UsageError("--user et --password-file vont avec --caldav URL")
    target = calendars.CaldavTarget(caldav_url, user, password_file) if caldav_url else None
    data = folder()
    result = calendars.export(data, out, data.now(), private, target)
    if result.skipped:
        first = result.skipped[0]
        click.echo(f"Attention : {len(result.skipped)} évènement(s) incohérent(s) laissé(s) "
                   f"hors des calendriers, dont {first.format()} — lancez « mediatool check »",
                   err=True)
    if verbose:
        for path in result.written:
            click.echo(f"Mis à jour : {path}")
        click.echo(f"{len(result.written)} calendrier(s) mis à jour, "
                   f"{len(result.unchanged)} inchangé(s), dans {out}")
    if result.pushed is not None and verbose:
        for line in result.pushed.lines():
            click.echo(line)

COMMANDS = [export_ics_command]
