"""`mediatool catalogue …`: search, show, list, orgs, skills, check, schema."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from mediatool.cli.common import (
    current_root,
    folder,
    format_option,
    joined_words,
    output_width,
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
    if fmt == "json":
        print_json([{"id": m.procedure.id, "title": m.procedure.title, "score": m.score,
                     "verdict": m.verdict, "organisation": m.procedure.organisation,
                     "urgent": m.urgent}
                    for m in matches])
        return
    if not matches:
        click.echo("Aucune démarche trouvée : essayez d'autres mots (ex. « caf », « carte grise »).")
        return
    from mediatool.formats.fiche import danger_lines

    for urgent in (m for m in matches if m.urgent):  # the catalogue only for these
        organisation = data.catalogue.organisation_of(urgent.procedure)
        for line in danger_lines(urgent.procedure, organisation):
            click.echo(textwrap.fill(line, 79, break_on_hyphens=False))
    from mediatool.formats.catalogue import fit_columns

    # 80 columns: the id (what commands take) whole, the title cut if it must be; the
    # organisation is in `catalogue show ID` and in --format json.
    rows = [[str(rank), m.procedure.id, f"{m.score:.0f} {m.verdict}", m.procedure.title]
            for rank, m in enumerate(matches, start=1)]
    headers = ["#", "id", "score", "démarche"]
    print_table(fit_columns(headers, rows, (3,)), headers)


@catalogue.command("show")
@click.argument("procedure_id", metavar="ID")
@format_option()
def show_command(procedure_id: str, fmt: str) -> None:
    """Afficher la fiche complète d'une démarche.

    Exemple : mediatool catalogue show caf-prime-activite
    """
    from mediatool.core.fields import to_plain
    from mediatool.core.lookup import procedure_by_id
    from mediatool.formats.fiche import fiche_lines
    from mediatool.formats.table import wrap_prose

    catalogue = folder().catalogue
    procedure = procedure_by_id(catalogue, procedure_id)
    organisation = catalogue.organisation_of(procedure)
    if fmt == "json":
        print_json({**to_plain(procedure),
                    "organisation": to_plain(organisation) if organisation else None})
        return
    if procedure.id != procedure_id.strip():
        click.echo(f"« {procedure_id.strip()} » est l'ancien identifiant de « {procedure.id} ».")
    click.echo(wrap_prose("\n".join(fiche_lines(procedure, organisation)), output_width()))


@catalogue.command("list")
@click.option("--theme", metavar="THÈME",
              help="Thème administratif, ou thématique de La Coop pour les usages.")
@click.option("--kind", type=click.Choice(["demarche", "usage"]),
              help="Démarches ou besoins d'usage seulement.")
@format_option()
def list_command(theme: str | None, kind: str | None, fmt: str) -> None:
    """Lister les démarches et besoins d'usage (JSON : tous leurs champs).

    Le tableau marque d'une * les entrées hors mission (toujours réorienter) ;
    « mediatool catalogue show ID » affiche la fiche entière.

    Exemple : mediatool catalogue list --theme logement
    """
    from mediatool.core.catalogue import select_procedures
    from mediatool.core.fields import to_plain
    from mediatool.formats.catalogue import PROCEDURE_HEADERS, procedure_rows

    procedures = select_procedures(folder().catalogue, theme, kind)
    if fmt == "json":
        print_json([to_plain(p) for p in procedures])
        return
    print_table(procedure_rows(procedures), PROCEDURE_HEADERS)
    if procedures:
        click.echo(f"{len(procedures)} entrée(s).")


@catalogue.command("orgs")
@format_option()
def orgs_command(fmt: str) -> None:
    """Lister les organisations vers qui réorienter (JSON : tous leurs champs).

    Exemple : mediatool catalogue orgs --format json
    """
    from mediatool.core.fields import to_plain
    from mediatool.formats.catalogue import ORGANISATION_HEADERS, organisation_rows

    organisations = list(folder().catalogue.organisations.values())
    if fmt == "json":
        print_json([to_plain(o) for o in organisations])
        return
    print_table(organisation_rows(organisations), ORGANISATION_HEADERS)


@catalogue.command("skills")
@format_option()
def skills_command(fmt: str) -> None:
    """Lister les compétences (Pix et pratiques) que visent les parcours.

    Exemple : mediatool catalogue skills
    """
    from mediatool.core.fields import to_plain
    from mediatool.formats.catalogue import SKILL_HEADERS, skill_rows

    skills = list(folder().catalogue.skills.values())
    if fmt == "json":
        print_json([to_plain(s) for s in skills])
        return
    print_table(skill_rows(skills), SKILL_HEADERS)


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
