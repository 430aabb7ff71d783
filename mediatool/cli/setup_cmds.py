"""`mediatool init`, `demo`, `check`: setting up and validating a data folder."""

from __future__ import annotations

from pathlib import Path

import click

from mediatool.cli.common import folder, format_option, print_json, problem_lines


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--demo", is_flag=True,
              help="Ajouter une équipe fictive et quelques mois d'activité plausible.")
def init_command(directory: Path, demo: bool) -> None:
    """Créer un dossier de données avec le catalogue par défaut.

    Exemple : mediatool init ~/mediation && cd ~/mediation && mediatool check
    """
    from mediatool.services.setup import initialise

    summary = initialise(directory, demo)
    click.echo(f"Dossier créé : {directory}")
    if demo:
        click.echo(f"Activité fictive ajoutée : {summary}")
    click.echo(f"Étape suivante : modifiez {directory / 'catalogue' / 'team.yaml'} "
               "(équipe, horaires), puis lancez « mediatool check ».")


@click.command("check")
@click.option("--repair", is_flag=True,
              help="Mettre de côté (fichier .broken-…) un enregistrement tronqué en fin de "
                   "fichier ; rien n'est jamais supprimé.")
@click.option("--quiet", "-q", is_flag=True,
              help="N'afficher que les erreurs et le bilan (pas les avertissements).")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Tout relire sans utiliser ni écrire le cache (.mediatool/cache), en cas "
                   "de doute.")
@format_option()
def check_command(repair: bool, quiet: bool, no_cache: bool, fmt: str) -> None:
    """Vérifier tout le dossier : catalogue, équipe, enregistrements, règles.

    Sort avec le code 1 s'il y a au moins une erreur.

    Exemple : mediatool check
    """
    from mediatool.core.fields import to_plain
    from mediatool.services.setup import check_folder

    result = check_folder(folder(), repair=repair, use_cache=not no_cache)
    for notice in result.notices:
        click.echo(notice, err=True)
    if fmt == "json":
        print_json({"problems": [{**to_plain(p), "text": p.format()} for p in result.problems],
                    "repaired": [str(p) for p in result.repaired],
                    "restricted": result.restricted,
                    "records": result.record_count})
    else:
        for moved in result.repaired:
            click.echo(f"Réparé : fin tronquée mise de côté dans {moved}")
        if result.restricted:
            click.echo(f"Réparé : {len(result.restricted)} fichier(s) ou dossier(s) de records/ "
                       "rendus lisibles par leur seul propriétaire")
        shown = [p for p in result.problems if p.is_error or not quiet]
        for line in problem_lines(shown, folder().root):
            click.echo(line)
        errors = sum(p.is_error for p in result.problems)
        warnings = len(result.problems) - errors
        verdict = "OK" if not errors else "ERREURS"
        click.echo(f"{verdict} : {result.record_count} enregistrement(s) lus, "
                   f"{errors} erreur(s), {warnings} avertissement(s).")
    if any(p.is_error for p in result.problems):
        raise click.exceptions.Exit(1)


@click.command("demo")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Où créer le dossier de démonstration (par défaut : un dossier temporaire).")
def demo_command(directory: Path | None) -> None:
    """Montrer le travail de bout en bout sur une équipe fictive, en quelques secondes.

    Exemple : mediatool demo
    """
    import tempfile

    from mediatool.cli.demo_script import DEMO_STEPS
    from mediatool.services.setup import initialise

    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="mediatool-demo-"))
    click.secho(f"== Création d'un dossier de démonstration : {directory}", bold=True)
    click.echo(f"Activité fictive : {initialise(directory, demo=True)}")
    from mediatool.services.workspace import folder_at

    today = folder_at(directory).now().date().isoformat()
    for title, step_args in DEMO_STEPS:
        args = [a.replace("{data}", str(directory)).replace("{today}", today)
                for a in step_args]
        command = ["--data", str(directory), *args]
        click.echo()
        click.secho(f"== {title}", bold=True)
        click.echo("$ mediatool " + " ".join(_quote(a) for a in args))
        _run_step(command)
    click.echo()
    click.secho("== Où est tout ?", bold=True)
    click.echo(f"Dossier de données : {directory}")
    click.echo(f"  catalogue (démarches, organisations, équipe) : {directory / 'catalogue'}")
    click.echo(f"  enregistrements (appels, rendez-vous…) : {directory / 'records'}")
    if (directory / "calendriers").is_dir():
        click.echo(f"  calendriers (.ics) : {directory / 'calendriers'}")
    click.echo(f"Pour continuer : export MEDIATOOL_DATA={directory}")


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def _run_step(args: list[str]) -> None:
    from mediatool.cli import cli

    code = cli.main(args=args, prog_name="mediatool", standalone_mode=False)
    if isinstance(code, int) and code != 0:
        raise click.ClickException(f"l'étape « mediatool {' '.join(args)} » a échoué")


COMMANDS = [init_command, check_command, demo_command]
