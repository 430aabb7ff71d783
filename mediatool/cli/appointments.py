"""`mediatool slots | book | agenda | cancel | attended | no-show | path …`: appointments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from mediatool.cli.common import (
    appointment_duration_option,
    by_option,
    folder,
    format_option,
    mediator_option,
    note_option,
    phone_option,
    print_json,
    print_table,
)
from mediatool.core.labels import KIND_LABELS

if TYPE_CHECKING:
    from mediatool.core.learning import PathProgress
    from mediatool.core.state import Appointment
    from mediatool.store.folder import DataFolder

KIND_CHOICE = click.Choice(list(KIND_LABELS))


# ---- shared formatting -------------------------------------------------------

def _split_list(values: tuple[str, ...]) -> list[str]:
    """`--skills 1.1,4.2` or `--skills 1.1 --skills 4.2` or "1.1 4.2"."""
    return [part for value in values for part in value.replace(",", " ").split() if part]


def _mediator_name(data: DataFolder, mediator_id: str) -> str:
    from mediatool.formats.appointments import mediator_name

    return mediator_name(data.catalogue.team, mediator_id)


def _subject(data: DataFolder, appointment: Appointment) -> str:
    from mediatool.formats.appointments import subject

    return subject(data.catalogue, appointment)


def appointment_json(data: DataFolder, appointment: Appointment,
                     now: dt.datetime) -> dict[str, Any]:
    from mediatool.formats import appointments

    return appointments.appointment_json(data.catalogue, appointment, now)


def _slot_rows(data: DataFolder, slots: list[Any]) -> list[tuple[Any, ...]]:
    from mediatool.core.frenchdates import format_datetime
    from mediatool.core.scheduling import local

    team = data.catalogue.team
    return [(rank, format_datetime(local(team, s.start)), f"{local(team, s.end):%H:%M}",
             _mediator_name(data, s.mediator), s.mediator, f"{local(team, s.start):%Y-%m-%dT%H:%M}")
            for rank, s in enumerate(slots, start=1)]


# ---- commands ------------------------------------------------------------------

@click.command("slots")
@mediator_option()
@click.option("--kind", type=KIND_CHOICE, default="demarche", show_default=True,
              help="Type de rendez-vous (durée par défaut de l'équipe).")
@click.option("--procedure", metavar="ID", help="Démarche : prend sa durée habituelle.")
@appointment_duration_option("Durée en minutes.")
@click.option("--from", "start", metavar="DATE", help="À partir de ce jour (AAAA-MM-JJ ou "
              "JJ/MM/AAAA ; par défaut : maintenant).")
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True,
              help="Nombre de jours examinés.")
@click.option("--limit", type=click.IntRange(1, 500), default=10, show_default=True,
              help="Nombre de créneaux affichés.")
@format_option()
def slots_command(mediator: str | None, kind: str, procedure: str | None,
                  duration: int | None, start: str | None, days: int, limit: int,
                  fmt: str) -> None:
    """Créneaux libres que toutes les règles permettent (heures, fériés, absences, plafond).

    Exemple : mediatool slots --mediator camille --procedure caf-prime-activite
    """
    from mediatool.core.frenchdates import parse_date
    from mediatool.core.lookup import procedure_by_id
    from mediatool.core.scheduling import at_local
    from mediatool.services.booking import default_duration, next_free_slots

    data = folder()
    now = data.now()
    team = data.catalogue.team
    if procedure:
        kind = "demarche"
        duration = duration or default_duration(team, kind,
                                                procedure_by_id(data.catalogue, procedure))
    duration = duration or default_duration(team, kind)
    start_from = at_local(team, parse_date(start, "--from", now.date()), dt.time(0, 0)) if start else now
    slots = next_free_slots(data, mediator, kind, duration, now, limit,
                            start_from=start_from, days=days)
    if fmt == "json":
        print_json([{"mediator": s.mediator, "start": s.start.isoformat(timespec="minutes"),
                     "end": s.end.isoformat(timespec="minutes"), "duration_min": duration,
                     "when": row[1]} for s, row in zip(slots, _slot_rows(data, slots),
                                                       strict=True)])
        return
    if not slots:
        click.echo(f"Aucun créneau libre de {duration} min sur {days} jour(s) : essayez "
                   "--days 60, un autre médiateur ou une durée plus courte.")
        return
    print_table(_slot_rows(data, slots), ["#", "quand", "fin", "médiateur", "id", "--at"])
    first = slots[0]
    what = f"--procedure {procedure}" if procedure else f"--kind {kind}"
    click.echo(f"Réserver : mediatool book --mediator {first.mediator} {what} "
               f"--at {_slot_rows(data, [first])[0][5]} --person \"Prénom N.\"")


@click.command("book")
@mediator_option("Médiateur (pour un parcours : son référent par défaut).")
@click.option("--kind", type=KIND_CHOICE, help="demarche (avec --procedure) ou usage (avec "
              "--path) ; déduit de l'un ou l'autre.")
@click.option("--procedure", metavar="ID", help="Démarche (rendez-vous démarche).")
@click.option("--path", "path_id", metavar="PID", help="Parcours d'apprentissage (usage).")
@click.option("--at", "at", metavar="DATE_HEURE",
              help="Début : 2026-12-08T14:00, 2026-12-08 14:00 ou 08/12/2026 14:00.")
@click.option("--first-free", is_flag=True, help="Prendre le premier créneau libre.")
@click.option("--person", metavar="NOM", help="Nom de la personne (pour un parcours : celui "
              "du parcours par défaut).")
@phone_option()
@appointment_duration_option("Durée (par défaut : durée habituelle de la démarche, ou de "
                             "l'équipe).")
@click.option("--from-call", metavar="CID", help="Appel d'origine (les deux sont liés).")
@note_option()
@by_option()
@format_option()
def book_command(mediator: str | None, kind: str | None, procedure: str | None,
                 path_id: str | None, at: str | None, first_free: bool, person: str | None,
                 phone: str | None, duration: int | None, from_call: str | None,
                 note: str | None, by: str | None, fmt: str) -> None:
    """Prendre un rendez-vous, si toutes les règles le permettent (sinon : code 3 et créneaux).

    Exemple : mediatool book --mediator camille --procedure caf-prime-activite --first-free --person "Nadia B."
    """
    from mediatool.core.errors import InvalidInput
    from mediatool.core.frenchdates import parse_datetime
    from mediatool.formats.appointments import recap_lines
    from mediatool.services import booking

    data = folder()
    now = data.now()
    if (at is None) == (not first_free):
        raise InvalidInput("indiquez --at DATE_HEURE ou --first-free (l'un des deux)",
                           "exemple : --at \"2026-12-08 14:00\"")
    appointment = booking.book(data, booking.BookingRequest(
        mediator=mediator, kind=kind, person=person or "", procedure=procedure,  # type: ignore[arg-type]
        path=path_id, at=parse_datetime(at, data.zone, "--at") if at else None,
        duration_min=duration, phone=phone, from_call=from_call, call_recorded=True,
        note=note, by=by), now)
    if fmt == "json":
        print_json(appointment_json(data, appointment, now))
        return
    click.echo(f"Rendez-vous réservé : {appointment.id}")
    for line in recap_lines(data.catalogue, appointment):
        click.echo(line)
    if appointment.from_call:
        click.echo(f"Lié à l'appel {appointment.from_call}.")
    click.echo(f"Pour annuler : mediatool cancel {appointment.id}")


@click.command("agenda")
@mediator_option()
@click.option("--day", metavar="DATE", help="Un jour (AAAA-MM-JJ ou JJ/MM/AAAA).")
@click.option("--week", metavar="DATE", help="La semaine (lundi-dimanche) de ce jour "
              "(par défaut : la semaine en cours ; le week-end, la suivante).")
@click.option("--to-fill", is_flag=True, help="Tous les rendez-vous passés encore « à "
              "renseigner », les plus anciens d'abord, toutes semaines confondues.")
@format_option()
def agenda_command(mediator: str | None, day: str | None, week: str | None, to_fill: bool,
                   fmt: str) -> None:
    """Rendez-vous d'un jour ou d'une semaine, avec les demi-journées utilisées.

    Les rendez-vous passés sans suite notée apparaissent « à renseigner ».

    Exemple : mediatool agenda --mediator camille --week 2026-12-08
    """
    from mediatool.core.days import week_bounds
    from mediatool.core.errors import InvalidInput
    from mediatool.core.frenchdates import format_date, parse_date
    from mediatool.core.labels import STATUS_LABELS
    from mediatool.core.lookup import mediator_by_id
    from mediatool.core.scheduling import local, week_usage
    from mediatool.services.booking import appointments_between

    data = folder()
    now = data.now()
    team = data.catalogue.team
    if day and week:
        raise InvalidInput("--day et --week ne vont pas ensemble", "choisissez l'un des deux")
    if to_fill:
        if day or week:
            raise InvalidInput("--to-fill ne va pas avec --day ou --week",
                               "il liste toutes les semaines passées")
        _echo_to_fill(data, mediator, now, fmt)
        return
    if mediator:
        mediator = mediator_by_id(data.catalogue, mediator).id
    today = now.date()
    if day:
        first = last = parse_date(day, "--day", today)
    elif week:
        first, last = week_bounds(parse_date(week, "--week", today))
    else:
        # On a weekend the week ahead is what the team prepares.
        first, last = week_bounds(today + dt.timedelta(days=2 if today.weekday() >= 5 else 0))
    found = appointments_between(data, first, last, mediator)
    mediators = [mediator] if mediator else [m.id for m in team.mediators]
    iso = first.isocalendar()
    cap = team.caps.appointment_half_days_per_week
    usage = {m: week_usage(team, found, m, (iso[0], iso[1])) for m in mediators} if not day \
        else {}
    if fmt == "json":
        print_json({"from": first.isoformat(), "to": last.isoformat(),
                    "appointments": [appointment_json(data, a, now) for a in found],
                    "half_days": {m: [{"date": d.isoformat(), "half": h} for d, h in used]
                                  for m, used in usage.items()},
                    "cap": cap})
        return
    title = (f"Agenda du {format_date(first)}" if day
             else f"Agenda de la semaine {iso[1]} ({format_date(first)} – {format_date(last)})")
    click.echo(title)
    rows = []
    for a in found:
        start, end = local(team, a.start), local(team, a.end)
        rows.append((f"{format_date(start.date())}", f"{start:%H:%M}-{end:%H:%M}",
                     _mediator_name(data, a.mediator), "usage" if a.kind == "usage" else
                     "démarche", a.person, _subject(data, a), STATUS_LABELS[a.situation(now)],
                     a.id))
    if rows:
        print_table(rows, ["jour", "heure", "médiateur", "type", "personne", "objet", "statut",
                           "id"])
    else:
        click.echo("Aucun rendez-vous.")
    for mediator_id, used in usage.items():
        halves = ", ".join(f"{format_date(d)} {h}" for d, h in used) or "aucune"
        click.echo(f"{_mediator_name(data, mediator_id)} : {len(used)}/{cap} demi-journée(s) "
                   f"de rendez-vous — {halves}")


def _echo_to_fill(data: DataFolder, mediator: str | None, now: dt.datetime, fmt: str) -> None:
    from mediatool.core.frenchdates import format_date
    from mediatool.core.scheduling import local
    from mediatool.services.booking import appointments_to_fill

    team = data.catalogue.team
    found = appointments_to_fill(data, now, mediator)
    if fmt == "json":
        print_json([appointment_json(data, a, now) for a in found])
        return
    if not found:
        click.echo("Rien à renseigner : toutes les suites des rendez-vous passés sont notées.")
        return
    click.echo(f"{len(found)} rendez-vous passé(s) à renseigner, les plus anciens d'abord :")
    rows = [(format_date(local(team, a.start).date()), f"{local(team, a.start):%H:%M}",
             _mediator_name(data, a.mediator), a.person, _subject(data, a)[:24], a.id)
            for a in found]
    print_table(rows, ["jour", "heure", "médiateur", "personne", "objet", "id"])
    click.echo(f"Pour chacun : mediatool attended {found[0].id}  ou  "
               f"mediatool no-show {found[0].id}")


@click.command("cancel")
@click.argument("appointment_id", metavar="ID")
@click.option("--reason", help="Motif.")
@click.option("--by-person/--by-service", default=True, show_default=True,
              help="Excusé par la personne, ou annulé par le service.")
@by_option()
@format_option()
def cancel_command(appointment_id: str, reason: str | None, by_person: bool, by: str | None,
                   fmt: str) -> None:
    """Annuler un rendez-vous : son créneau et sa demi-journée sont libérés.

    Exemple : mediatool cancel A-7K3QX2 --reason "empêchement" --by-person
    """
    from mediatool.core.frenchdates import format_datetime
    from mediatool.core.scheduling import local
    from mediatool.services.booking import cancel

    data = folder()
    now = data.now()
    appointment = cancel(data, appointment_id, now, by_person=by_person, reason=reason, by=by)
    if fmt == "json":
        print_json(appointment_json(data, appointment, now))
        return
    who = "excusé par la personne" if by_person else "annulé par le service"
    click.echo(f"Rendez-vous {appointment.id} annulé ({who}) : le créneau du "
               f"{format_datetime(local(data.catalogue.team, appointment.start))} avec "
               f"{_mediator_name(data, appointment.mediator)} est libéré.")


@click.command("attended")
@click.argument("appointment_id", metavar="ID")
@click.option("--skills", multiple=True, metavar="1.1,3.2",
              help="Compétences acquises pendant la séance (usage).")
@note_option()
@click.option("--autonomy", type=int, metavar="1|2|3",
              help="Niveau d'autonomie (La Coop) : 1 avec guidage, 2 autonome avec guidage "
                   "si besoin, 3 autonome.")
@click.option("--correct", is_flag=True, help="Corriger une absence notée par erreur "
              "(avec --reason).")
@click.option("--reason", help="Motif de la correction.")
@by_option()
@format_option()
def attended_command(appointment_id: str, skills: tuple[str, ...], note: str | None,
                     autonomy: int | None, correct: bool, reason: str | None, by: str | None,
                     fmt: str) -> None:
    """Noter que la personne est venue (et, pour une séance, les compétences acquises).

    \b
    Exemple :   mediatool attended A-7K3QX2 --skills 1.1,3.2
    Correction : mediatool attended A-7K3QX2 --correct --reason "venue en retard"
    """
    from mediatool.services.booking import correct_outcome, mark_attended

    data = folder()
    now = data.now()
    if correct:
        appointment = correct_outcome(data, appointment_id, now, to="attended",
                                      reason=reason or "", skills=_split_list(skills), by=by)
    else:
        _refuse_reason_without_correct(reason)
        appointment = mark_attended(data, appointment_id, now, skills=_split_list(skills),
                                    note=note, by=by, autonomy=autonomy)
    if fmt == "json":
        print_json(appointment_json(data, appointment, now))
        return
    click.echo(f"Rendez-vous {appointment.id} : venue notée"
               + (" (correction)." if correct else "."))
    if appointment.skills:
        names = [data.catalogue.skills[s].title for s in appointment.skills]
        click.echo("Compétences acquises : " + " ; ".join(names))
    if appointment.path:
        _echo_path_progress(data, appointment.path, now)


def _refuse_reason_without_correct(reason: str | None) -> None:
    from mediatool.core.errors import InvalidInput

    if reason is not None:
        raise InvalidInput("--reason accompagne une correction", "ajoutez --correct")


@click.command("no-show")
@click.argument("appointment_id", metavar="ID")
@click.option("--correct", is_flag=True, help="Corriger une venue notée par erreur "
              "(avec --reason).")
@click.option("--reason", help="Motif de la correction.")
@by_option()
@format_option()
def no_show_command(appointment_id: str, correct: bool, reason: str | None, by: str | None,
                    fmt: str) -> None:
    """Noter que la personne n'est pas venue sans prévenir.

    \b
    Exemple :    mediatool no-show A-7K3QX2
    Correction : mediatool no-show A-7K3QX2 --correct --reason "noté venu par erreur"
    """
    from mediatool.services.booking import correct_outcome, mark_no_show

    data = folder()
    now = data.now()
    if correct:
        appointment = correct_outcome(data, appointment_id, now, to="no_show",
                                      reason=reason or "", by=by)
    else:
        _refuse_reason_without_correct(reason)
        appointment = mark_no_show(data, appointment_id, now, by=by)
    if fmt == "json":
        print_json(appointment_json(data, appointment, now))
        return
    click.echo(f"Rendez-vous {appointment.id} : absence notée ({appointment.person})"
               + (" (correction)." if correct else "."))


@click.command("reschedule")
@click.argument("appointment_id", metavar="ID")
@click.option("--at", "at", metavar="DATE_HEURE", help="Nouveau début (2026-12-08 14:00).")
@click.option("--first-free", is_flag=True, help="Le premier créneau libre.")
@click.option("--reason", help="Motif du report.")
@by_option()
@format_option()
def reschedule_command(appointment_id: str, at: str | None, first_free: bool,
                       reason: str | None, by: str | None, fmt: str) -> None:
    """Reporter un rendez-vous : annulé et repris d'un seul coup, sous toutes les règles.

    Refusé (code 3), l'ancien rendez-vous reste tel quel.

    Exemple : mediatool reschedule A-7K3QX2 --at "2026-12-10 09:30" --reason "demande de la personne"
    """
    from mediatool.core.errors import InvalidInput
    from mediatool.core.frenchdates import parse_datetime
    from mediatool.services.booking import reschedule

    data = folder()
    now = data.now()
    if (at is None) == (not first_free):
        raise InvalidInput("indiquez --at DATE_HEURE ou --first-free (l'un des deux)",
                           "exemple : --at \"2026-12-08 14:00\"")
    moment = parse_datetime(at, data.zone, "--at") if at else None
    old, new = reschedule(data, appointment_id, now, at=moment, reason=reason, by=by)
    if fmt == "json":
        print_json({"old": appointment_json(data, old, now),
                    "new": appointment_json(data, new, now)})
        return
    click.echo(f"Rendez-vous {old.id} reporté : nouveau rendez-vous {new.id}")
    from mediatool.formats.appointments import recap_lines

    for line in recap_lines(data.catalogue, new):
        click.echo(line)
    click.echo(f"Pour annuler : mediatool cancel {new.id}")


# ---- learning paths ----------------------------------------------------------------

def _path_json(data: DataFolder, progress: PathProgress, now: dt.datetime) -> dict[str, Any]:
    path = progress.path
    return {
        "id": path.id, "person": path.person, "phone": path.phone,
        "mediator": path.mediator, "skills": list(path.skills), "sessions": path.sessions,
        "opened_at": path.opened_at.isoformat(), "open": path.is_open,
        "closed_at": path.closed_at.isoformat() if path.closed_at else None,
        "close_reason": path.close_reason, "note": path.note,
        "booked": progress.booked, "done": progress.done, "no_show": progress.no_show,
        "cancelled": progress.cancelled, "remaining": progress.remaining,
        "skills_reached": list(progress.skills_reached),
        "skills_remaining": list(progress.skills_remaining),
        "appointments": [appointment_json(data, a, now) for a in progress.appointments],
    }


def _skill_labels(data: DataFolder, ids: tuple[str, ...]) -> str:
    skills = data.catalogue.skills
    return " ; ".join(f"{s} {skills[s].title}" if s in skills else s for s in ids) or "aucune"


def _echo_path_progress(data: DataFolder, path_id: str, now: dt.datetime) -> None:
    from mediatool.services.learning_paths import path_status

    progress = path_status(data, path_id, now)
    click.echo(f"Parcours {path_id} : {progress.done} séance(s) faite(s), {progress.booked} "
               f"prévue(s), {progress.remaining} à réserver sur {progress.path.sessions}.")


@click.group("path")
def path_group() -> None:
    """Parcours d'apprentissage (rendez-vous usage) : compétences visées, séances."""


@path_group.command("open")
@click.option("--person", required=True, metavar="NOM", help="Nom de la personne.")
@mediator_option("Médiateur référent.", required=True)
@click.option("--skills", required=True, multiple=True, metavar="1.1,4.2",
              help="Compétences visées (ids de skills.yaml).")
@click.option("--sessions", required=True, type=click.IntRange(1, 50), metavar="N",
              help="Nombre de séances convenu.")
@phone_option()
@note_option()
@by_option("le référent")
@format_option()
def path_open_command(person: str, mediator: str, skills: tuple[str, ...], sessions: int,
                      phone: str | None, note: str | None, by: str | None, fmt: str) -> None:
    """Ouvrir un parcours : compétences visées et nombre de séances convenus avec la personne.

    Exemple : mediatool path open --person "Odette R." --mediator lea --skills 1.1,mail-creer --sessions 4
    """
    from mediatool.core.learning import path_progress
    from mediatool.services.learning_paths import open_path

    data = folder()
    now = data.now()
    path = open_path(data, now, person=person, mediator=mediator, skills=_split_list(skills),
                     sessions=sessions, phone=phone, note=note, by=by)
    if fmt == "json":
        print_json(_path_json(data, path_progress(path, ()), now))
        return
    click.echo(f"Parcours ouvert : {path.id} — {path.person}, {path.sessions} séance(s) avec "
               f"{_mediator_name(data, path.mediator)}")
    click.echo(f"Compétences visées : {_skill_labels(data, path.skills)}")
    click.echo(f"Réserver une séance : mediatool book --path {path.id} --first-free")


@path_group.command("book")
@click.argument("path_id", metavar="PID")
@click.option("--every", type=click.IntRange(1, 90), default=7, show_default=True,
              metavar="JOURS", help="Écart entre deux séances, en jours.")
@click.option("--from", "start", metavar="DATE", help="Première séance à partir de ce jour "
              "(par défaut : demain).")
@click.option("--at", "at", metavar="HH:MM", help="Heure souhaitée (par défaut : le premier "
              "créneau libre de chaque jour).")
@click.option("--count", type=click.IntRange(1, 50), metavar="N",
              help="Nombre de séances (par défaut : toutes celles qui restent).")
@by_option("le référent")
@format_option()
def path_book_command(path_id: str, every: int, start: str | None, at: str | None,
                      count: int | None, by: str | None, fmt: str) -> None:
    """Réserver en série les séances restantes d'un parcours, espacées, même jour et heure.

    Exemple : mediatool path book P-7K3QX2 --every 7 --from 2026-12-08 --at 14:00
    """
    from mediatool.core.errors import InvalidInput
    from mediatool.core.frenchdates import format_date, format_datetime, parse_date
    from mediatool.core.scheduling import local
    from mediatool.services.booking import book_series

    data = folder()
    now = data.now()
    wished = None
    if at:
        try:
            wished = dt.time.fromisoformat(at.strip().replace("h", ":"))
        except ValueError:
            raise InvalidInput(f"heure illisible pour --at : « {at} »",
                               "écrivez-la HH:MM, par exemple 14:00") from None
    first = parse_date(start, "--from", now.date()) if start else None
    items = book_series(data, path_id, now, every_days=every, first_day=first, at=wished,
                        count=count, by=by)
    team = data.catalogue.team
    if fmt == "json":
        print_json([{"wanted": i.wanted.isoformat(),
                     "appointment": appointment_json(data, i.appointment, now)
                     if i.appointment else None, "why": i.why} for i in items])
    else:
        for item in items:
            if item.appointment:
                click.echo(f"Séance réservée : {item.appointment.id} le "
                           f"{format_datetime(local(team, item.appointment.start))}")
            else:
                click.echo(f"Non placée (à partir du {format_date(item.wanted)}) : {item.why}")
    if not any(i.appointment for i in items):
        from mediatool.core.errors import RuleRefusal

        raise RuleRefusal("aucune séance de la série n'a pu être placée",
                          "essayez une autre heure (--at), un autre écart (--every) ou --from")


@path_group.command("show")
@click.argument("path_id", metavar="PID")
@format_option()
def path_show_command(path_id: str, fmt: str) -> None:
    """Où en est un parcours : séances prévues et faites, compétences acquises et restantes.

    Exemple : mediatool path show P-7K3QX2
    """
    from mediatool.core.frenchdates import format_date
    from mediatool.core.labels import STATUS_LABELS
    from mediatool.core.scheduling import local
    from mediatool.services.learning_paths import path_status

    data = folder()
    now = data.now()
    team = data.catalogue.team
    progress = path_status(data, path_id, now)
    if fmt == "json":
        print_json(_path_json(data, progress, now))
        return
    path = progress.path
    state = "en cours" if path.is_open else (
        f"clos le {format_date(local(team, path.closed_at).date())}"  # type: ignore[arg-type]
        + (f" ({path.close_reason})" if path.close_reason else ""))
    click.echo(f"Parcours {path.id} — {path.person}, référent {_mediator_name(data, path.mediator)}"
               f", ouvert le {format_date(local(team, path.opened_at).date())}, {state}")
    click.echo(f"Séances : {path.sessions} convenue(s) ; {progress.done} faite(s), "
               f"{progress.booked} prévue(s), {progress.no_show} absence(s), "
               f"{progress.cancelled} annulée(s) ; {progress.remaining} à réserver")
    click.echo(f"Compétences visées : {_skill_labels(data, path.skills)}")
    click.echo(f"Compétences acquises : {_skill_labels(data, progress.skills_reached)}")
    click.echo(f"Restent à acquérir : {_skill_labels(data, progress.skills_remaining)}")
    rows = [(format_date(local(team, a.start).date()), f"{local(team, a.start):%H:%M}",
             _mediator_name(data, a.mediator), STATUS_LABELS[a.situation(now)], a.id)
            for a in progress.appointments]
    if rows:
        print_table(rows, ["jour", "heure", "médiateur", "statut", "id"])


@path_group.command("list")
@click.option("--open", "only_open", is_flag=True, help="Seulement les parcours ouverts.")
@format_option()
def path_list_command(only_open: bool, fmt: str) -> None:
    """Lister les parcours d'apprentissage, les plus récents d'abord.

    Exemple : mediatool path list --open
    """
    from mediatool.services.learning_paths import list_paths

    data = folder()
    now = data.now()
    found = list_paths(data, only_open)
    if fmt == "json":
        print_json([_path_json(data, p, now) for p in found])
        return
    rows = [(p.path.id, p.path.person, _mediator_name(data, p.path.mediator),
             ", ".join(p.path.skills), f"{p.done}/{p.path.sessions}", p.booked, p.remaining,
             "ouvert" if p.path.is_open else "clos") for p in found]
    print_table(rows, ["id", "personne", "référent", "compétences", "faites", "prévues",
                       "à réserver", "état"])


@path_group.command("close")
@click.argument("path_id", metavar="PID")
@click.option("--reason", help="Motif (ex. « parcours terminé », « abandon »).")
@click.option("--cancel-planned", is_flag=True, help="Annuler aussi ses séances à venir "
              "(par le service), dans le même geste.")
@by_option("le référent")
@format_option()
def path_close_command(path_id: str, reason: str | None, cancel_planned: bool, by: str | None,
                       fmt: str) -> None:
    """Clore un parcours : plus aucune séance ne peut y être réservée.

    Exemple : mediatool path close P-7K3QX2 --reason "parcours terminé"
    """
    from mediatool.core.frenchdates import format_datetime
    from mediatool.core.scheduling import local
    from mediatool.services.learning_paths import close_path_cancelling, path_status

    data = folder()
    now = data.now()
    _, cancelled = close_path_cancelling(data, path_id, now, reason=reason, by=by,
                                         cancel_planned=cancel_planned)
    progress = path_status(data, path_id, now)
    if fmt == "json":
        print_json(_path_json(data, progress, now))
        return
    click.echo(f"Parcours {progress.path.id} clos : {progress.done} séance(s) faite(s) sur "
               f"{progress.path.sessions}.")
    for appointment in cancelled:
        click.echo(f"Séance annulée : {appointment.id} le "
                   f"{format_datetime(local(data.catalogue.team, appointment.start))}"
                   + (f" — prévenez {appointment.person} ({appointment.phone})"
                      if appointment.phone else ""))
    for appointment in progress.upcoming(now):
        click.echo(f"Séance encore prévue : {appointment.id} le "
                   f"{format_datetime(local(data.catalogue.team, appointment.start))} — "
                   f"annulez-la si besoin : mediatool cancel {appointment.id}")


# ---- reminders -----------------------------------------------------------------

def _reminder_json(data: DataFolder, reminder: Any, now: dt.datetime) -> dict[str, Any]:
    from mediatool.formats.sms import septets

    item = appointment_json(data, reminder.appointment, now)
    item.update(text=reminder.text, segments=reminder.segments,
                characters=septets(reminder.text))
    return item


def _reminder_header(data: DataFolder, appointment: Appointment) -> str:
    from mediatool.core.scheduling import local

    team = data.catalogue.team
    site = team.site(appointment.site)
    parts = [appointment.id, f"{local(team, appointment.start):%H:%M}",
             _mediator_name(data, appointment.mediator), site.name if site else "",
             appointment.person, appointment.phone or ""]
    return " · ".join(p for p in parts if p)


@click.command("remind")
@click.option("--date", "day", metavar="DATE", help="Le jour des rendez-vous à rappeler "
              "(AAAA-MM-JJ, JJ/MM/AAAA, demain).")
@click.option("--in-days", type=click.IntRange(0, 60), default=2, show_default=True,
              metavar="N", help="Sinon : les rendez-vous dans N jours.")
@click.option("--mark-sent", is_flag=True, help="Noter ces rappels comme envoyés.")
@click.option("--send-with", metavar="COMMANDE", help="Envoyer chaque SMS avec ce programme "
              "(numéro et texte dans MEDIATOOL_SMS_TO et MEDIATOOL_SMS_TEXT) ; seuls les "
              "envois réussis sont notés.")
@click.option("--timeout", type=click.FloatRange(1, 120), default=10, show_default=True,
              metavar="S", help="Attente maximale par SMS avec --send-with, en secondes.")
@click.option("--again", is_flag=True, help="Lister aussi les rendez-vous déjà rappelés.")
@by_option("le médiateur du rendez-vous", "Qui envoie")
@format_option("table", "csv", "json")
def remind_command(day: str | None, in_days: int, mark_sent: bool, send_with: str | None,
                   timeout: float, again: bool, by: str | None, fmt: str) -> None:
    """Rappels SMS des rendez-vous d'un jour (un SMS de 160 caractères au plus chacun).

    \b
    Exemple : mediatool remind --in-days 2
    Envoi :   mediatool remind --send-with "mon-envoi-sms"
    """
    from mediatool.core.errors import OperationalError
    from mediatool.core.frenchdates import format_date, parse_date
    from mediatool.services import reminders

    data = folder()
    now = data.now()
    target = parse_date(day, "--date", now.date()) if day else \
        now.date() + dt.timedelta(days=in_days)
    if send_with is not None:
        outcomes = reminders.send_all(data, target, now, send_with, again=again, by=by,
                                      timeout_s=timeout)
        listed = reminders.day_reminders(data, target, now, again=True)
        failed = [o for o in outcomes if not o.ok]
        if fmt == "json":
            print_json([{**_reminder_json(data, o.reminder, now), "sent": o.ok,
                         "detail": o.detail} for o in outcomes])
        else:
            click.echo(f"Rappels du {format_date(target)} : {len(outcomes) - len(failed)} "
                       f"envoyé(s), {len(failed)} en échec.")
            for outcome in failed:
                click.echo(f"Échec : {_reminder_header(data, outcome.reminder.appointment)} "
                           f"— {outcome.detail}")
            _echo_without_phone(data, listed.without_phone)
        if failed:
            raise OperationalError(f"{len(failed)} SMS non envoyé(s) : ils ne sont pas notés "
                                   "comme rappelés", "relancez la même commande pour réessayer")
        return
    found = reminders.day_reminders(data, target, now, again=again)
    items = list(found.reminders)
    if mark_sent:
        items = reminders.mark_sent(data, target, now, again=again, by=by)
    if fmt == "json":
        print_json([_reminder_json(data, r, now) for r in items]
                   + [{**appointment_json(data, a, now), "text": None, "segments": 0}
                      for a in found.without_phone])
        return
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "debut", "mediateur", "lieu", "personne", "telephone",
                         "segments", "texte"])
        for r in items:
            item = _reminder_json(data, r, now)
            writer.writerow([item["id"], item["start"], item["mediator"], item["site"] or "",
                             item["person"], item["phone"], r.segments, r.text])
        click.echo(out.getvalue(), nl=False)
        return
    import textwrap

    verb = "noté(s) comme envoyé(s)" if mark_sent else "à envoyer"
    click.echo(f"Rappels du {format_date(target)} : {len(items)} SMS {verb}.")
    for r in items:
        click.echo(_reminder_header(data, r.appointment))
        for line in textwrap.wrap(r.text, 76):
            click.echo(f"  {line}")
        click.echo(f"  ({r.segments} SMS, {len(r.text)} caractères)")
    _echo_without_phone(data, found.without_phone)
    if items and not mark_sent:
        click.echo("Une fois envoyés : mediatool remind --mark-sent"
                   + (f" --date {target.isoformat()}" if day else ""))


def _echo_without_phone(data: DataFolder, appointments: Any) -> None:
    if not appointments:
        return
    click.echo("Pas de téléphone : appeler ou rien")
    for appointment in appointments:
        click.echo(f"  {_reminder_header(data, appointment)}")


COMMANDS = [remind_command, reschedule_command, slots_command, book_command, agenda_command, cancel_command, attended_command,
            no_show_command, path_group]
