"""`mediatool catalogue …`: search, show, check, schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from mediatool.cli.common import (
    current_root,
    folder,
    format_option,
    joined_words,
    print_json,
    print_table,
    problem_lines,
)

if TYPE_CHECKING:
    from mediatool.core.errors import Problem


@click.group("catalogue")
def catalogue() -> None:
    """Consulter et vérifier le catalogue des démarches."""


@catalogue.command("search")
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", default=8, show_default=True, type=click.IntRange(1, 100),
              help="Nombre de résultats.")
@format_option()
def search_command(text: tuple[str, ...], limit: int, fmt: str) -> None:
    """Chercher une démarche, sans se soucier des accents ni des fautes.

    Exemple : mediatool catalogue search titre sejour
    """
    data = folder()
    matches = data.search_index.search(joined_words(text), limit=limit)
    catalogue = data.catalogue
    if fmt == "json":
        print_json([{"id": m.procedure.id, "title": m.procedure.title, "score": m.score,
                     "verdict": m.verdict, "organisation": m.procedure.organisation}
                    for m in matches])
        return
    if not matches:
        click.echo("Aucune démarche trouvée : essayez d'autres mots (ex. « caf », « carte grise »).")
        return
    rows = []
    for rank, match in enumerate(matches, start=1):
        org = catalogue.organisation_of(match.procedure)
        rows.append((rank, match.procedure.id, match.procedure.title, org.name if org else "",
                     f"{match.score:.0f} {match.verdict}"))
    print_table(rows, ["#", "id", "démarche", "organisation", "score"])


@catalogue.command("show")
@click.argument("procedure_id")
@format_option()
def show_command(procedure_id: str, fmt: str) -> None:
    """Afficher la fiche complète d'une démarche.

    Exemple : mediatool catalogue show caf-prime-activite
    """
    from mediatool.core.fields import to_plain
    from mediatool.core.lookup import procedure_by_id
    from mediatool.formats.fiche import fiche_lines

    catalogue = folder().catalogue
    procedure = procedure_by_id(catalogue, procedure_id)
    organisation = catalogue.organisation_of(procedure)
    if fmt == "json":
        print_json({**to_plain(procedure),
                    "organisation": to_plain(organisation) if organisation else None})
        return
    click.echo("\n".join(fiche_lines(procedure, organisation)))


@catalogue.command("check")
@format_option()
def check_command(fmt: str) -> None:
    """Vérifier le catalogue : erreurs (sortie 1) et avertissements.

    Exemple : mediatool catalogue check
    """

    problems = folder().loaded[1]
    _print_problems(problems, fmt)
    if any(p.is_error for p in problems):
        raise click.exceptions.Exit(1)


def _print_problems(problems: list[Problem], fmt: str) -> None:
    from mediatool.core.fields import to_plain

    if fmt == "json":
        print_json([{**to_plain(p), "text": p.format()} for p in problems])
        return
    for line in problem_lines(problems, current_root()):
        click.echo(line)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} erreur(s), {warnings} avertissement(s).")


@catalogue.command("schema")
@click.argument("file", required=False,
                type=click.Choice(["procedures.yaml", "organisations.yaml", "skills.yaml",
                                   "team.yaml"]))
def schema_command(file: str | None) -> None:
    """Afficher le schéma JSON d'un fichier (ou de tous), pour les éditeurs.

    Exemple : mediatool catalogue schema team.yaml > team.schema.json
    """
    from mediatool.core.catalogue import schemas

    all_schemas = schemas()
    print_json(all_schemas[file] if file else all_schemas)


COMMANDS = [catalogue]
