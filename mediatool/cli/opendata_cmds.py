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


@catalogue.command("import-places")
@click.argument("file", metavar="FICHIER")
@click.option("--commune", metavar="NOM", help="Garder les lieux de cette commune.")
@click.option("--insee", metavar="CODE",
              help="Garder les lieux de ce code INSEE, ou compétents pour lui (ex. 35238).")
@click.option("--dry-run", is_flag=True, help="Montrer ce qui changerait, sans rien écrire.")
def import_places_command(file: str, commune: str | None, insee: str | None,
                          dry_run: bool) -> None:
    """Ajouter ou mettre à jour les lieux locaux depuis les annuaires nationaux.

    FICHIER : un fichier téléchargé du standard des lieux de médiation numérique
    (CSV ou JSON) ou de l'Annuaire de l'administration de la DILA (JSON). Les
    lieux importés vont dans catalogue/organisations.yaml avec leur adresse,
    leur téléphone et leurs horaires ; un nouvel import les met à jour sans
    doublon, et une entrée modifiée à la main n'est jamais écrasée (la
    différence est affichée).

    Exemple : mediatool catalogue import-places annuaire-35.json --insee 35238
    """
    from mediatool.core.places import Area
    from mediatool.formats import places as render
    from mediatool.services import places

    if commune and insee:
        raise click.UsageError("--commune et --insee ne vont pas ensemble : choisissez-en un")
    data = folder()
    result = places.import_places(data, file, Area(commune, insee), data.now().date(), dry_run)
    click.echo(render.report(result.plan, result.source, result.written, dry_run), nl=False)
