"""`mediatool git-setup` and the git merge driver: one folder, several machines."""

from __future__ import annotations

from pathlib import Path

import click

from mediatool.cli.common import folder


@click.command("git-setup")
def git_setup_command() -> None:
    """Préparer ce dossier partagé par git : fusion des enregistrements sans mélange.

    À lancer une fois sur chaque poste, après « git init » ou « git clone ».

    Exemple : git clone serveur:mediation.git && cd mediation && mediatool git-setup
    """
    from mediatool.services.workspace import setup_git

    root = folder().root
    setup_git(root)
    click.echo(f"Git configuré pour {root} : les fichiers records/ fusionnent évènement par "
               "évènement. Après chaque fusion (git pull), lancez « mediatool check ».")


@click.command("merge-records", hidden=True)
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
def merge_records_command(base: Path, ours: Path, theirs: Path) -> None:
    """Pilote de fusion git (%O %A %B) : appelé par git, pas par une personne.

    Exemple : git config merge.mediatool.driver "mediatool merge-records %O %A %B"
    """
    from mediatool.services.workspace import merge_record_files

    if not merge_record_files(base, ours, theirs):
        click.echo("Fusion impossible : un enregistrement tronqué ; résolvez à la main puis "
                   "lancez « mediatool check --repair ».", err=True)
        raise click.exceptions.Exit(1)


COMMANDS = [git_setup_command, merge_records_command]
