"""`mediatool wait add | list | remove | offer`: the waiting list, and what `cancel`
and `book --from-wait` show of it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from mediatool.cli.common import (
    by_option,
    folder,
    format_option,
    mediator_option,
    note_option,
    phone_option,
    print_json,
)

if TYPE_CHECKING:
    from mediatool.core.state import Appointment, WaitEntry
    from mediatool.store.folder import DataFolder

WIDTH = 78


def _subject(data: DataFolder, entry: WaitEntry) -> str:
    if entry.kind == "usage":
        return "séance d'apprentissage" + (f" (parcours {entry.path})" if entry.path else "")
    procedure = data.catalogue.procedures.get(entry.procedure or "")
    if procedure is not None:
        return procedure.title
    return entry.procedure or "démarche hors catalogue"


def _mediator(data: DataFolder, mediator_id: str | None) -> str:
    if mediator_id is None:
        return "tout médiateur"
    mediator = data.catalogue.team.mediator(mediator_id)
    return f"avec {mediator.name if mediator else mediator_id}"


def entry_json(data: DataFolder, entry: WaitEntry, now: dt.datetime) -> dict[str, Any]:
    """An entry for `--format json`: stored values plus its state."""
    from mediatool.core.scheduling import local
    from mediatool.core.waitlist import deadline_passed
    from mediatool.services.waitlist import MAX_OFFERS

    team = data.catalogue.team
    procedure = data.catalogue.procedures.get(entry.procedure or "")
    return {
        "id": entry.id, "person": entry.person, "phone": entry.phone, "kind": entry.kind,
        "procedure": entry.procedure, "procedure_title": procedure.title if procedure else None,
        "path": entry.path, "mediator": entry.mediator,
        "before": entry.before.isoformat() if entry.before else None,
        "deadline_passed": deadline_passed(entry, local(team, now).date()),
        "note": entry.note, "from_call": entry.from_call,
        "added_at": local(team, entry.added_at).isoformat(timespec="minutes"),
        "offers": [local(team, s).isoformat(timespec="minutes") for s in entry.offers],
        "offers_left": max(MAX_OFFERS - len(entry.offers), 0), "flagged": entry.flagged,
        "open": entry.is_open,
        "closed_at": local(team, entry.closed_at).isoformat(timespec="minutes")
        if entry.closed_at else None,
        "close_reason": entry.close_reason, "appointment": entry.appointment,
        "anonymised": entry.anonymised,
    }


def entry_lines(data: DataFolder, entry: WaitEntry, rank: int, now: dt.datetime) -> list[str]:
    """Two or three lines per entry, within 80 columns: who to call, for what, until when."""
    import textwrap

    from mediatool.core.scheduling import local
    from mediatool.core.waitlist import deadline_passed
    from mediatool.services.waitlist import MAX_OFFERS

    team = data.catalogue.team
    head = f"{rank:>2}. {entry.id}  {entry.person} — {entry.phone or 'sans téléphone'}"
    parts = [_subject(data, entry), _mediator(data, entry.mediator)]
    if entry.before:
        late = " (DÉPASSÉE)" if deadline_passed(entry, local(team, now).date()) else ""
        parts.append(f"au plus tard le {entry.before:%d/%m/%Y}{late}")
    parts.append(f"inscrite le {local(team, entry.added_at):%d/%m/%Y}")
    parts.append(f"{len(entry.offers)}/{MAX_OFFERS} proposition(s)")
    if entry.flagged:
        parts.append("SIGNALÉE : ne plus relancer")
    if entry.anonymised:
        parts.append("anonymisée (conservation dépassée)")
    if entry.closed_at is not None:
        parts.append(f"close le {local(team, entry.closed_at):%d/%m/%Y} ("
                     + (f"rendez-vous {entry.appointment}" if entry.appointment
                        else entry.close_reason or "retirée") + ")")
    lines = [head[:WIDTH]]
    lines += textwrap.wrap(" · ".join(parts), WIDTH, initial_indent="    ",
                           subsequent_indent="    ")
    if entry.note:
        lines += textwrap.wrap(f"note : {entry.note}", WIDTH, initial_indent="    ",
                               subsequent_indent="    ")
    return lines


def echo_suggestions(data: DataFolder, freed: Appointment, entries: list[WaitEntry],
                     now: dt.datetime) -> None:
    """After a cancellation: who on the waiting list the freed slot suits, best first."""
    from mediatool.core.scheduling import local

    if not entries:
        return
    at = f"{local(data.catalogue.team, freed.start):%Y-%m-%dT%H:%M}"
    click.echo(f"Liste d'attente : ce créneau convient à {len(entries)} personne(s), "
               "dans l'ordre :")
    for rank, entry in enumerate(entries, start=1):
        for line in entry_lines(data, entry, rank, now):
            click.echo(line)
    best = entries[0]
    click.echo(f"Proposer : mediatool wait offer {best.id} --slot {at}")
    click.echo("Si elle accepte :")
    click.echo(f"mediatool book --from-wait {best.id} --mediator {freed.mediator} --at {at}")


def book_from_wait(data: DataFolder, wait_id: str, now: dt.datetime, *,
                   conflicting: dict[str, object], **options: Any) -> tuple[Appointment, Any]:
    """`book --from-wait`: the person, phone and need come from the entry, not the options."""
    from mediatool.core.errors import InvalidInput
    from mediatool.services import waitlist

    given = [name for name, value in conflicting.items() if value]
    if given:
        raise InvalidInput(f"{', '.join(given)} ne va pas avec --from-wait : la personne, "
                           "son téléphone et sa démarche viennent de l'entrée d'attente",
                           f"retirez {given[0]} (ou : mediatool wait list)")
    return waitlist.book_from_wait(data, wait_id, now, **options)


# ---- commands ------------------------------------------------------------------

@click.group("wait")
def wait_group() -> None:
    """Liste d'attente : les personnes à rappeler quand un créneau se libère."""


@wait_group.command("add")
@click.option("--person", metavar="NOM", help="Nom de la personne (pour un parcours : celui "
              "du parcours par défaut).")
@phone_option("Téléphone, pour la rappeler.")
@click.option("--procedure", metavar="ID", help="Démarche (rendez-vous démarche).")
@click.option("--kind", type=click.Choice(["demarche", "usage"]),
              help="usage : une séance d'apprentissage (sans --procedure).")
@click.option("--path", "path_id", metavar="PID", help="Avec --kind usage : le parcours.")
@mediator_option("Médiateur souhaité (par défaut : n'importe lequel).")
@click.option("--before", metavar="DATE", help="Échéance : rendez-vous au plus tard ce jour "
              "(ex. expiration d'un titre de séjour).")
@note_option("Note (sans date de naissance ni numéro).")
@by_option("le médiateur souhaité, sinon « accueil »", "Qui inscrit")
@format_option()
def wait_add_command(person: str | None, phone: str | None, procedure: str | None, kind: str | None,
                     path_id: str | None, mediator: str | None, before: str | None,
                     note: str | None, by: str | None, fmt: str) -> None:
    """Inscrire une personne sur la liste d'attente, faute de créneau qui convienne.

    Exemple : mediatool wait add --person "Nadia B." --phone "06 12 34 56 78" --procedure caf-prime-activite --before 2027-01-15
    """
    from mediatool.core.frenchdates import parse_date
    from mediatool.services import waitlist

    data = folder()
    now = data.now()
    deadline = parse_date(before, "--before", now.date()) if before else None
    chosen = kind or ("usage" if path_id and not procedure else "demarche")
    entry = waitlist.add(data, waitlist.WaitRequest(
        person=person or "", kind=chosen, procedure=procedure, path=path_id, phone=phone,
        mediator=mediator, before=deadline, note=note, by=by), now)
    if fmt == "json":
        print_json(entry_json(data, entry, now))
        return
    click.echo(f"Entrée d'attente inscrite : {entry.id}")
    for line in entry_lines(data, entry, 1, now)[1:]:
        click.echo(line)
    click.echo("Un créneau libéré par « mediatool cancel » lui sera proposé s'il convient.")


@wait_group.command("list")
@click.option("--all", "everything", is_flag=True, help="Aussi les entrées closes.")
@format_option()
def wait_list_command(everything: bool, fmt: str) -> None:
    """La liste d'attente, par échéance puis par ancienneté.

    Exemple : mediatool wait list
    """
    from mediatool.services import waitlist

    data = folder()
    now = data.now()
    entries = waitlist.list_entries(data, closed=everything)
    if fmt == "json":
        print_json([entry_json(data, e, now) for e in entries])
        return
    if not entries:
        click.echo("Liste d'attente vide.")
        return
    click.echo(f"Liste d'attente : {len(entries)} entrée(s), par échéance puis ancienneté")
    for rank, entry in enumerate(entries, start=1):
        for line in entry_lines(data, entry, rank, now):
            click.echo(line)


@wait_group.command("remove")
@click.argument("wait_id", metavar="WID")
@click.option("--reason", required=True, help="Motif (ex. « rendez-vous trouvé ailleurs »).")
@by_option("le médiateur souhaité, sinon « accueil »", "Qui retire")
@format_option()
def wait_remove_command(wait_id: str, reason: str, by: str | None, fmt: str) -> None:
    """Retirer une personne de la liste d'attente, avec le motif.

    Exemple : mediatool wait remove W-7K3QX2MP9 --reason "n'a plus besoin"
    """
    from mediatool.services import waitlist

    data = folder()
    now = data.now()
    entry = waitlist.remove(data, wait_id, now, reason=reason, by=by)
    if fmt == "json":
        print_json(entry_json(data, entry, now))
        return
    click.echo(f"Entrée {entry.id} retirée de la liste d'attente ({entry.close_reason}).")


@wait_group.command("offer")
@click.argument("wait_id", metavar="WID")
@click.option("--slot", required=True, metavar="DATE_HEURE",
              help="Créneau proposé par téléphone (2026-12-08 14:00).")
@by_option("le médiateur souhaité, sinon « accueil »", "Qui a proposé")
@format_option()
def wait_offer_command(wait_id: str, slot: str, by: str | None, fmt: str) -> None:
    """Noter un créneau proposé par téléphone (3 propositions au plus par entrée).

    Après la troisième, l'entrée est signalée : plus aucune annulation ne la propose.

    Exemple : mediatool wait offer W-7K3QX2MP9 --slot "2026-12-08 14:00"
    """
    from mediatool.core.frenchdates import format_datetime, parse_datetime
    from mediatool.core.scheduling import local
    from mediatool.services import waitlist

    data = folder()
    now = data.now()
    moment = parse_datetime(slot, data.zone, "--slot")
    entry = waitlist.offer(data, wait_id, now, slot=moment, by=by)
    if fmt == "json":
        print_json(entry_json(data, entry, now))
        return
    click.echo(f"Proposition {len(entry.offers)}/{waitlist.MAX_OFFERS} notée pour {entry.id} "
               f"({entry.person}) : {format_datetime(local(data.catalogue.team, moment))}.")
    if entry.flagged:
        click.echo(f"{waitlist.MAX_OFFERS} propositions faites : l'entrée est signalée, "
                   "aucune annulation ne la proposera plus.")
    click.echo(f"Si elle accepte : mediatool book --from-wait {entry.id} --mediator ID "
               f"--at {local(data.catalogue.team, moment):%Y-%m-%dT%H:%M}")


COMMANDS = [wait_group]
