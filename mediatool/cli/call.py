"""`mediatool call` (the phone line) and `mediatool calls` (the calls recorded)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from mediatool.cli.common import (
    call_duration_option,
    folder,
    format_option,
    mediator_option,
    month_option,
    note_option,
    phone_option,
    print_json,
    print_table,
)
from mediatool.core.localtime import in_zone

if TYPE_CHECKING:
    from mediatool.core.period import Month

# Kept as text here: importing the model costs ~0.1 s, too much for `--help`;
# `calls.check_draft` validates both against the model.
OUTCOME_CHOICES = "dropin|appointment|redirect|resolved|other"
SCRIPTED_USAGE = ("mode scripté : mediatool call --procedure ID (ou --query \"mots\") "
                  f"--outcome {OUTCOME_CHOICES} --mediator ID [--duration MIN] [--note TEXTE] "
                  "— voir « mediatool call --help »")
INTERACTIVE_OPTIONS = {"mediator", "dry_run"}


@click.command("call")
@click.option("--procedure", "procedure_id", metavar="ID", help="Démarche (id du catalogue).")
@click.option("--query", metavar="MOTS",
              help="Mots de la personne quand aucune démarche du catalogue ne convient.")
@click.option("--theme", metavar="THÈME", help="Thème administratif (avec --query).")
@click.option("--outcome", metavar="SUITE",
              help=f"Suite donnée : {OUTCOME_CHOICES}. Par défaut : la recommandation.")
@click.option("--redirect-to", metavar="ORG",
              help="Organisation (avec --outcome redirect ; par défaut celle de la démarche).")
@call_duration_option("Durée de l'appel, en minutes.")
@mediator_option("Médiateur qui répond (ou MEDIATOOL_MEDIATOR).", envvar="MEDIATOOL_MEDIATOR")
@note_option()
@click.option("--missing-prerequisites", is_flag=True,
              help="La personne n'a pas les prérequis (e-mail, compte…) : parcours proposé.")
@click.option("--book-first-free", is_flag=True,
              help="Réserver tout de suite le premier créneau libre (avec --person).")
@click.option("--book-with", metavar="ID",
              help="Avec --book-first-free : chez ce médiateur plutôt que le premier libre.")
@click.option("--person", metavar="NOM", help="Nom de la personne, pour le rendez-vous.")
@phone_option("Téléphone de la personne, pour le rendez-vous.")
@click.option("--sms", "--recap-only", "recap_only", is_flag=True,
              help="N'afficher que le récapitulatif (à coller dans l'outil SMS de l'équipe).")
@click.option("--dry-run", is_flag=True,
              help="Essai : tout sauf l'enregistrement (aucun appel ni rendez-vous écrit).")
@format_option()
@click.pass_context
def call_command(ctx: click.Context, procedure_id: str | None, query: str | None,
                 theme: str | None, outcome: str | None, redirect_to: str | None,
                 duration: int | None, mediator: str | None, note: str | None,
                 missing_prerequisites: bool, book_first_free: bool, book_with: str | None,
                 person: str | None, phone: str | None, recap_only: bool, dry_run: bool,
                 fmt: str) -> None:
    """Prendre un appel : démarche, recommandation, suite, récapitulatif.

    Sans option dans un terminal : mode interactif (tapez les mots de la
    personne, choisissez la démarche, la suite ; Ctrl-C n'enregistre rien).
    Avec options : mode scripté, l'appel est enregistré et son
    récapitulatif affiché.

    \b
    Exemple : mediatool call --procedure caf-prime-activite --outcome dropin --mediator camille --duration 8
    """
    scripted = any(ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE
                   for name in ctx.params if name not in INTERACTIVE_OPTIONS)
    from mediatool.core.errors import InvalidInput

    if not scripted:
        from mediatool.cli.common import stdin_is_terminal

        if not stdin_is_terminal():
            raise InvalidInput("pas de terminal : le mode interactif est impossible ici",
                               SCRIPTED_USAGE)
        from mediatool.cli.call_screen import run_interactive

        run_interactive(folder(), mediator, dry_run=dry_run)
        return
    from mediatool.services.calls import BookingWish, CallDraft, take_call

    wish = None
    if book_first_free or book_with:
        if not person or not person.strip():
            raise InvalidInput("nom de la personne manquant pour le rendez-vous",
                               "ajoutez --person \"Prénom Nom\"")
        wish = BookingWish(person.strip(), (phone or "").strip() or None, book_with)
    elif person or phone:
        raise InvalidInput("--person et --phone servent à réserver pendant l'appel",
                           "ajoutez --book-first-free (les appels restent anonymes)")
    data = folder()
    draft = CallDraft(mediator, outcome, procedure_id, query, theme, redirect_to, duration,
                      note, missing_prerequisites)
    result = take_call(data, draft, data.now(), wish=wish, dry_run=dry_run)
    if recap_only:
        click.echo(result.recap)
    elif fmt == "json":
        from mediatool.core.model import event_to_document

        print_json({"call": event_to_document(result.event),
                    "recommendation": result.recommendation.to_plain()
                    if result.recommendation else None,
                    "recap": result.recap, "sms": _sms_plain(result.recap),
                    "dry_run": dry_run})
    else:
        from mediatool.cli.call_screen import print_saved

        if result.recommendation:
            click.echo(f"Recommandation : {result.recommendation.reason}")
        print_saved(result)


def _sms_plain(text: str) -> dict[str, object]:
    from mediatool.formats.sms import sms_segments

    count = sms_segments(text)
    return {"encoding": count.encoding, "units": count.units, "segments": count.segments}


@click.command("calls")
@click.option("--day", metavar="AAAA-MM-JJ", help="Les appels de ce jour (2026-12-08, 08/12/2026, aujourd'hui).")
@month_option("le mois en cours")
@format_option()
def calls_command(day: str | None, month: Month | None, fmt: str) -> None:
    """Lister les appels enregistrés (anonymes), du jour ou du mois.

    Exemple : mediatool calls --month 2026-11
    """
    from mediatool.core.errors import InvalidInput
    from mediatool.core.period import Month
    from mediatool.services.calls import list_calls

    if day and month:
        raise InvalidInput("--day et --month ne vont pas ensemble", "choisissez l'un des deux")
    data = folder()
    if day:
        from mediatool.core.frenchdates import parse_date

        first = last = parse_date(day, "jour", today=data.now().date())
    else:
        chosen = month or Month.of(data.now().date())
        first, last = chosen.first_day, chosen.last_day
    found = list_calls(data, first, last)
    if fmt == "json":
        from mediatool.core.model import event_to_document

        print_json([event_to_document(c) for c in found])
        return
    from mediatool.core.labels import OUTCOME_LABELS

    rows = []
    for c in found:
        subject = c.procedure or (f"« {c.query} »" if c.query else "")
        follow = c.redirect_to or c.appointment or ""
        rows.append((c.id, in_zone(c.at, data.zone).strftime("%d/%m %H:%M"), c.by, subject,
                     OUTCOME_LABELS.get(c.outcome, c.outcome), follow,
                     "" if c.duration_min is None else f"{c.duration_min} min",
                     "oui" if c.in_shift else "HORS"))
    print_table(rows, ["id", "heure", "médiateur", "démarche", "suite", "vers / rdv", "durée",
                       "permanence"])
    if found:
        outside = sum(not c.in_shift for c in found)
        click.echo(f"{len(found)} appel(s), dont {outside} hors permanence téléphonique.")


COMMANDS = [call_command, calls_command]
