"""`mediatool catalogue vdd-check`: the catalogue beside service-public.fr's open data."""

from __future__ import annotations

from pathlib import Path

import click

from mediatool.cli.catalogue_cmds import catalogue
from mediatool.cli.common import folder, format_option, standard_output_as_none


@catalogue.command("vdd-check")
@click.argument("source")
@format_option("markdown", "json")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER",
              help="Écrire la relecture dans ce fichier (sinon : à l'écran).")
def vdd_check_command(source: str, fmt: str, out: Path | None) -> None:
    """Relire le catalogue avec les fiches officielles de service-public.fr.

    SOURCE : le zip « Vos droits et démarches » (particuliers) publié chaque jour
    par la DILA, un dossier de fiches XML, ou son adresse https:// (téléchargé
    seulement si vous la donnez). Ne modifie jamais le catalogue : écrit une
    relecture (pièces, services en ligne, où s'adresser, marqués « à valider »).
    Sortie 0 : rien n'a changé ; 1 : au moins une fiche est à relire (pour cron).

    Exemple : mediatool catalogue vdd-check vosdroits-latest.zip --out relecture.md
    """
    from mediatool.formats import vdd as render
    from mediatool.services import vdd
    from mediatool.services.workspace import write_output

    bar: dict[str, object] = {}

    def size(count: int) -> str:
        return f"{count / 1024 / 1024:.1f} Mo".replace(".", ",")

    def progress(done: int, total: int | None) -> None:
        shown = size(done) + (f" / {size(total)}" if total else "")
        click.echo(f"\rTéléchargement : {shown}", nl=False, err=True)
        bar["shown"] = True

    review = vdd.check(folder(), source, progress)
    if bar:
        click.echo("", err=True)
    text = render.as_json(review) if fmt == "json" else render.markdown(review)
    out = standard_output_as_none(out)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_output(out, text)
        click.echo(f"Relecture écrite dans {out}", err=True)
    if review.needs_review:
        raise click.exceptions.Exit(1)


COMMANDS: list[click.Command] = []  # attached to the `catalogue` group above
