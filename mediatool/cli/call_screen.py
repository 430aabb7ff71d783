"""The interactive phone-line screen: few keystrokes, Enter accepts the suggestion.

Everything slow (catalogue, search index, holidays) is loaded before the
first question, so each answer is followed by an immediate reply. Ctrl-C
or end of input at any question leaves nothing recorded (the CLI boundary
says so); the only write is the final append.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import signal
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from mediatool.core.fields import text_bound
from mediatool.core.localtime import in_zone
from mediatool.core.model import OUTCOMES as OUTCOME_ORDER
from mediatool.core.model import CallRecorded

if TYPE_CHECKING:
    from mediatool.core.model import Organisation, Procedure
    from mediatool.services.calls import CallResult
    from mediatool.store.folder import DataFolder

MATCHES_SHOWN = 6
MORE_COUNTED = 20  # beyond, the words are too vague: better to refine than to page


# The longest answer is a note: the model's bound, as for `--note` (cli/common.Text).
MAX_ANSWER_CHARS = text_bound(CallRecorded, "note") or 0


def ask(prompt: str) -> str:
    """One line from the mediator; end of input counts as giving up the call.

    A paste longer than any answer, or one holding control or invisible
    characters (a stray arrow key, a copy from a web page), is refused with a
    hint and asked again, as `--person` and `--note` refuse them (core/text).
    """
    from mediatool.core.text import refused_character

    while True:
        try:
            raw = input(prompt)
        except EOFError:
            raise click.Abort() from None
        except UnicodeDecodeError:
            say("Texte illisible (le terminal n'est pas en UTF-8) : retapez-le.")
            continue
        text = " ".join(raw.replace("\t", " ").split())
        if len(text) > MAX_ANSWER_CHARS:
            say(f"Réponse trop longue ({len(text)} caractères) : "
                       "une ligne courte, s'il vous plaît.")
            continue
        odd = refused_character(text)
        if odd is None:
            return text
        say(f"Caractère de contrôle ou invisible (U+{ord(odd):04X}, une touche "
                   "fléchée ou un copier-coller ?) : retapez la réponse au clavier.")


def say(text: str) -> None:
    """A line of the call screen, wrapped on words at the terminal's width."""
    click.echo(wrapped(text))


def heading(text: str) -> None:
    click.echo()
    click.secho(wrapped(text), bold=True)


def print_saved(result: CallResult) -> None:
    """The confirmation and the caller's recap (shared with the scripted mode)."""
    from mediatool.formats.sms import sms_segments

    event = result.event
    flag = "" if event.in_shift else " — HORS permanence téléphonique (signalé)"
    if result.dry_run:
        click.secho(f"ESSAI (--dry-run) : rien n'a été enregistré{flag}", bold=True)
    else:
        say(f"Appel enregistré : {event.id}{flag}")
    if event.appointment:
        path = getattr(result.appointment, "path", None)
        say(f"Rendez-vous : {event.appointment}"
                   + (f" (première séance du parcours {path})" if path else ""))
    if event.wait:
        say(f"Liste d'attente : {event.wait} (nom et téléphone dans l'entrée ; "
                   "« mediatool wait list »)")
    heading(f"Récapitulatif pour la personne ({len(result.recap)} caractères, "
            f"{sms_segments(result.recap).label()}, à lire ou à envoyer) :")
    click.echo(wrapped(result.recap))


def wrapped(text: str) -> str:
    """`text` wrapped on words at the terminal's width (80 columns when unknown)."""
    from mediatool.formats.table import wrap_prose

    return wrap_prose(text, _terminal_width())


def _terminal_width() -> int:
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns - 1)


def _fitted(line: str) -> str:
    """One line ellipsised to the terminal (the fiche shows the full text)."""
    width = _terminal_width()
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def wrapped_indented(text: str, indent: str) -> str:
    import textwrap

    return textwrap.fill(text, _terminal_width(), initial_indent=indent,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def run_interactive(data: DataFolder, mediator_id: str | None, dry_run: bool = False) -> None:
    """Drive one call from the first words to the recap (`dry_run`: nothing is written)."""
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (line editing and history for input())
    from mediatool.core.errors import InvalidInput, RuleRefusal
    from mediatool.core.triage import next_dropins, phone_shift
    from mediatool.services.calls import (
        CallDraft,
        WaitWish,
        booking_kind,
        check_draft,
        take_call,
    )

    began = time.monotonic()
    catalogue = data.catalogue
    team = catalogue.team
    opened = data.now()
    index = data.search_index
    index.search("caf")  # warms rapidfuzz so the first real search is as quick as the next
    next_dropins(team, opened)  # loads the public holidays now rather than mid-call
    import mediatool.services.booking  # noqa: F401  (imported now so the free slots show at once)

    shift = phone_shift(team, opened)
    click.secho(f"Appel — {team.service}", bold=True)
    if shift:
        say(f"Permanence téléphonique : {shift.label()}.")
    else:
        say("Hors permanence téléphonique : l'appel sera enregistré et signalé.")
    say("Ctrl-C à tout moment : l'appel est abandonné, rien n'est enregistré.")
    if dry_run:
        click.secho("ESSAI (--dry-run) : ni l'appel ni un rendez-vous ne seront enregistrés.",
                    bold=True)

    mediator = _pick_mediator(catalogue, mediator_id)
    words: str | None = None
    while True:  # each `Back` returns one step, the answers before it kept
        procedure, query, words = _pick_procedure(index, words, catalogue.organisations)
        try:
            steps = _after_pick(data, catalogue, procedure, query, opened, began)
        except Back:
            continue
        break
    (outcome, theme, missing, recommendation, redirect_to, place, contact, wish, note,
     duration) = steps
    while True:
        draft = CallDraft(mediator, outcome, procedure.id if procedure else None, query, theme,
                          redirect_to, duration, note, missing, place)
        try:
            check_draft(catalogue, draft)  # a wrong answer is caught before anything is booked
        except InvalidInput as exc:  # the note is the one free text left to check
            say(f"{exc.message}" + (f" — {exc.hint}" if exc.hint else ""))
            note = _ask_note()
            continue
        break
    while True:
        now = data.now()
        started = now - dt.timedelta(seconds=time.monotonic() - began)
        try:
            waiting = wish if isinstance(wish, WaitWish) else None
            with _no_interrupt():
                result = take_call(data, draft, now, started, None if waiting else wish,
                                   dry_run=dry_run, contact=contact, wait=waiting)
        except RuleRefusal as refusal:
            say(f"Réservation refusée : {refusal.message}"
                       + (f" — {refusal.hint}" if refusal.hint else ""))
            wish = _pick_booking(data, recommendation, now, wish, booking_kind(procedure))
            continue
        break
    click.echo()
    print_saved(result)


class Back(Exception):
    """The mediator typed r or < : return to the previous question."""


BACK_KEYS = ("r", "<")
BACK_HINT = "r = retour"


def ask_step(prompt: str) -> str:
    """`ask`, where r or < goes back one question (raises Back)."""
    answer = ask(prompt)
    if answer.lower() in BACK_KEYS:
        raise Back()
    return answer


def _after_pick(data: DataFolder, catalogue: Any, procedure: Procedure | None,
                query: str | None, opened: dt.datetime, began: float) -> tuple[Any, ...]:
    """From the fiche to the duration; Back from the fiche returns to the match list."""
    from mediatool.core.labels import OUTCOME_LABELS
    from mediatool.core.triage import asks_prerequisites, books_here
    from mediatool.formats.fiche import fiche_lines
    from mediatool.services.calls import booking_kind, recommendation_for

    while True:  # the fiche: Back from the outcome comes here
        theme = None
        missing: tuple[str, ...] = ()
        recommendation = None
        if procedure is not None:
            heading("Fiche")
            click.echo(wrapped("\n".join(
                fiche_lines(procedure, catalogue.organisation_of(procedure)))))
            if asks_prerequisites(procedure):
                missing = _ask_prerequisites(procedure.prerequisites)
            recommendation = recommendation_for(catalogue, procedure, missing)
            label = ("rendez-vous court, ou permanence" if recommendation.short
                     else OUTCOME_LABELS[recommendation.outcome])
            heading(f"Recommandation : {label.upper()}")
            click.echo(wrapped(recommendation.reason))
        elif query is not None:
            theme = _pick_theme()
        while True:  # the outcome: Back from any later question comes here
            try:
                outcome = _pick_outcome(recommendation.outcome if recommendation else None,
                                        OUTCOME_LABELS)
            except Back:
                if procedure is None or not asks_prerequisites(procedure):
                    raise  # the fiche asks nothing: straight back to the match list
                break
            try:
                redirect_to = None
                if outcome == "redirect":
                    redirect_to = _pick_organisation(
                        catalogue.organisations, procedure.organisation if procedure else None)
                contact = place = None
                if redirect_to is not None:
                    place = _pick_place(catalogue, redirect_to, opened.date())
                if redirect_to is not None and place in (None, "-"):
                    contact = _contact_if_missing(catalogue.organisations.get(redirect_to))
                wish = None
                if outcome == "appointment":
                    if not books_here(procedure):
                        say("Sans démarche du catalogue (dans la mission), pas de "
                                   "réservation ici : l'appel est noté « rendez-vous à "
                                   "proposer ».")
                    else:
                        wish = _pick_booking(data, recommendation, opened,
                                             kind=booking_kind(procedure))
                note = _ask_note()
                measured = max(1, math.ceil((time.monotonic() - began) / 60))
                duration = _ask_duration(measured)
            except Back:
                continue
            return (outcome, theme, missing, recommendation, redirect_to, place, contact, wish,
                    note, duration)


def _ask_note() -> str | None:
    return ask_step(f"Note (Entrée pour passer ; ni nom ni téléphone ; {BACK_HINT}) > ") or None


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """Ctrl-C during the save must not leave the mediator unsure whether it was saved."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to protect against
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


YES = ("o", "oui")
NO = ("n", "non")


def ask_yes_no(prompt: str) -> bool:
    """A strict o/n: anything else asks again, so « retour » never counts as yes."""
    while True:
        answer = ask_step(prompt).lower()
        if answer in YES:
            return True
        if answer in NO:
            return False
        say("Répondez o (oui) ou n (non).")


def _ask_prerequisites(prerequisites: Sequence[str]) -> tuple[str, ...]:
    """Each prerequisite asked on its own; the ones the caller lacks."""
    heading("Prérequis")
    return tuple(item for item in prerequisites
                 if not ask_yes_no(f"La personne a-t-elle : {item} ? [o/n, {BACK_HINT}] > "))


def _numbered(items: Sequence[str], start: int = 1) -> None:
    """One line per choice, ellipsised to the terminal (the fiche shows the full title)."""
    import shutil

    room = max(30, shutil.get_terminal_size((80, 24)).columns - 7)
    for number, text in enumerate(items, start=start):
        if len(text) > room:
            text = text[: room - 1].rstrip() + "…"
        click.echo(f"  {number:>2}  {text}")


def _pick_mediator(catalogue: Any, wanted: str | None) -> str:
    from mediatool.core.errors import InvalidInput
    from mediatool.services.calls import choose_mediator

    mediators = catalogue.team.mediators
    if wanted or len(mediators) == 1:
        return choose_mediator(catalogue, wanted).id
    heading("Qui répond ?")
    _numbered([f"{m.id} ({m.name})" for m in mediators])
    while True:
        answer = ask("N°, identifiant ou prénom > ")
        if answer.isdigit() and 1 <= int(answer) <= len(mediators):
            return mediators[int(answer) - 1].id
        try:
            return choose_mediator(catalogue, answer).id
        except InvalidInput as exc:
            say(f"{exc.message} — {exc.hint}")


def _pick_procedure(index: Any, words: str | None = None,
                    organisations: Mapping[str, Organisation] | None = None
                    ) -> tuple[Procedure | None, str | None, str]:
    """(procedure, None, words) when one is picked, (None, words, words) for « aucune ».

    Given `words` (coming back from the fiche), the match list shows again at once.
    """
    heading("Démarche")
    text = words or ""
    while not text:
        text = ask("Mots de la personne > ")
    shown = MATCHES_SHOWN
    while True:
        found = index.search(text, limit=shown + MORE_COUNTED)
        more = len(found) - shown
        matches = found[:shown]
        for urgent in (m for m in matches if m.urgent):
            from mediatool.formats.fiche import danger_lines

            for line in danger_lines(urgent.procedure,
                                     (organisations or {}).get(urgent.procedure.organisation)):
                click.secho(wrapped(line), bold=True)
        if matches:
            _numbered([f"{m.procedure.title}  [{m.procedure.id}]"
                       + ("" if m.strong else "  (correspondance faible)") for m in matches])
            if not matches[0].strong:
                say("   Attention : aucune correspondance sûre, vérifiez avec la personne.")
            if more > 0:
                others = f"{more} autre" + ("s" if more > 1 else "")
                say(f"   …  et {others} : + pour voir")
            say("   0  aucune ne convient (noter les mots tels quels)")
            answer = ask(f"N°, ou d'autres mots ({BACK_HINT}) > ")
        else:
            say(f"Aucune démarche trouvée pour « {text} ».")
            answer = ask(f"D'autres mots, ou 0 pour noter les mots tels quels ({BACK_HINT}) > ")
        if answer.lower() in BACK_KEYS:
            text, shown = "", MATCHES_SHOWN
            while not text:
                text = ask("Mots de la personne > ")
            continue
        if answer == "+" and more > 0:
            shown += MATCHES_SHOWN
            continue
        if answer == "0":
            return None, text, text
        if answer.isdigit() and 1 <= int(answer) <= len(matches):
            return matches[int(answer) - 1].procedure, None, text
        if answer.isdigit() or answer == "+":
            say(f"Un numéro entre 0 et {len(matches)}, ou d'autres mots.")
        elif answer:
            text, shown = answer, MATCHES_SHOWN


def _pick_theme() -> str | None:
    from mediatool.core.labels import THEME_LABELS
    from mediatool.core.model import THEMES

    heading("Thème (pour les statistiques)")
    _numbered([THEME_LABELS[t] for t in THEMES])
    while True:
        answer = ask("N° (Entrée pour passer) > ")
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(THEMES):
            return THEMES[int(answer) - 1]


def _pick_outcome(recommended: str | None, labels: dict[str, str]) -> str:
    heading("Suite donnée")
    _numbered([labels[o] + ("  (recommandée)" if o == recommended else "")
               for o in OUTCOME_ORDER])
    default = OUTCOME_ORDER.index(recommended) + 1 if recommended else None
    prompt = (f"N° (Entrée = {default} ; {BACK_HINT}) > " if default
              else f"N° ({BACK_HINT}) > ")
    while True:
        answer = ask_step(prompt)
        if not answer and default:
            return OUTCOME_ORDER[default - 1]
        if answer.isdigit() and 1 <= int(answer) <= len(OUTCOME_ORDER):
            return OUTCOME_ORDER[int(answer) - 1]
        if answer in OUTCOME_ORDER:
            return answer
        say(f"Un numéro entre 1 et {len(OUTCOME_ORDER)}.")


def _pick_organisation(organisations: Mapping[str, Organisation], default: str | None) -> str:
    from mediatool.core.lookup import matching
    from mediatool.core.text import closest_ids, normalise
    from mediatool.formats.fiche import organisation_contact

    if default and default in organisations:
        say(f"Réorienter vers : {organisation_contact(organisations[default])}")
        prompt = "Entrée pour confirmer, ou une autre organisation > "
    else:
        prompt = "Organisation (identifiant ou nom) > "
    while True:
        answer = ask(prompt)
        if not answer and default in organisations:
            return default  # type: ignore[return-value]
        if answer in organisations:
            return answer
        if not answer:
            continue
        named = matching(organisations, answer, lambda o: o.name)
        if len(named) == 1:  # « Point-Justice », « caf », « France Travail »
            return named[0]
        names = {normalise(o.name): o.id for o in organisations.values()}
        found = dict.fromkeys([*closest_ids(answer, organisations), *(
            names[n] for n in closest_ids(answer, names))])
        candidates = list(found)[:5]
        if not candidates:
            say("Aucune organisation ne ressemble : voir catalogue/organisations.yaml.")
            continue
        _numbered([organisation_contact(organisations[c]) for c in candidates])
        choice = ask("N° > ")
        if choice.isdigit() and 1 <= int(choice) <= len(candidates):
            return candidates[int(choice) - 1]


def _pick_place(catalogue: Any, organisation: str, today: dt.date) -> str | None:
    """One of the organisation's imported local places, nearest first; "-" for none."""
    from mediatool.services.calls import hours_today, places_for

    candidates = places_for(catalogue, organisation)
    if not candidates:
        return None
    say("Lieux proches (catalogue import-places) :")

    def line(place: Any) -> str:
        hours = hours_today(catalogue.team, place, today)
        return " — ".join(p for p in (f"aujourd'hui {hours}" if hours else "", place.name,
                                      place.address, place.phone and f"tél. {place.phone}")
                          if p)

    _numbered([line(c) for c in candidates[:9]])
    while True:
        answer = ask_step("N° du lieu (Entrée : le 1er ; 0 : aucun) > ")
        if not answer:
            return candidates[0].id
        if answer == "0":
            return "-"
        if answer.isdigit() and 1 <= int(answer) <= min(len(candidates), 9):
            return candidates[int(answer) - 1].id
        say(f"Un numéro entre 0 et {min(len(candidates), 9)}.")


def _contact_if_missing(organisation: Organisation | None) -> str | None:
    """Said before the recap is read: the catalogue gives no way to reach this organisation."""
    from mediatool.formats.recap import MISSING_CONTACT, organisation_has_contact

    if organisation is None or organisation_has_contact(organisation):
        return None
    click.secho(f"Attention : {organisation.name} — {MISSING_CONTACT} "
                f"(catalogue/organisations.yaml, id {organisation.id}).", bold=True)
    typed = ask("Contact à donner à la personne, pour ce récapitulatif seulement "
                "(Entrée pour passer) > ")
    return typed or None


def _pick_booking(data: DataFolder, recommendation: Any, now: dt.datetime,
                  previous: Any = None, kind: str = "demarche") -> Any:
    """The booking wish from the slots offered, a waiting-list wish, or None to record the
    intent only.

    `+` shows the next page; a day, a date, matin/après-midi, a site or a mediator
    narrows the list (`core.slotpick`); `a` puts the caller on the waiting list. After a
    refusal, `previous` keeps the name and phone already given, and r no longer goes back
    (the answers are all given). A usage need books the first session of a learning path
    (`kind` "usage").
    """
    from mediatool.core.errors import InvalidInput
    from mediatool.core.slotpick import FILTER_HELP, PAGE, SlotFilter, is_clear, parse_filter
    from mediatool.services.calls import BookingWish, slot_choices

    duration = recommendation.appointment_duration_min if recommendation else None
    choices = slot_choices(data, duration, now, kind=kind)
    first_session = " (première séance d'un parcours d'apprentissage)" if kind == "usage" else ""
    if not choices:
        heading("Prochains créneaux libres" + first_session)
        say("Aucun créneau libre.")
        say("   a  liste d'attente : l'équipe rappelle la personne")
        say("   0  rien maintenant (rendez-vous à proposer)")
        while True:
            answer = ask("a ou 0 > ").lower()
            if answer == "0":
                return None
            if answer == "a":
                return _ask_wait(now, previous)
    team = data.catalogue.team
    question = ask_step if previous is None else ask
    back = f" ; {BACK_HINT}" if previous is None else ""
    chosen = SlotFilter()
    shown, first = chosen.apply(choices, team), 0
    page: list[Any] = []
    redraw = True
    while True:
        page = shown[first:first + PAGE]
        if redraw:  # after a hint, the list above is still the one that stands
            _show_slots(team, chosen, shown, first, page, now, first_session)
        redraw = False
        answer = question(f"N°, + ou filtre (0 = sans réserver{back}) > ")
        if answer == "0":
            return None
        if answer.lower() == "a":
            return _ask_wait(now, previous)
        if answer.isdigit() and 1 <= int(answer) <= first + len(page):
            break  # numbers run on across pages: any one shown for this filter stands
        if answer.lower() in NEXT_PAGE:
            if first + PAGE < len(shown):
                first, redraw = first + PAGE, True
            else:
                say("Pas d'autre créneau" + (" pour ce filtre" if chosen.text else "")
                           + " : tapez un autre filtre, ou * pour tout revoir.")
            continue
        if answer == "-":
            first, redraw = max(0, first - PAGE), first > 0
            continue
        if answer.isdigit() or not answer:
            say(f"Un numéro entre 0 et {first + len(page)}, + pour la suite, "
                       f"a pour la liste d'attente, ou {FILTER_HELP}.")
            continue
        try:
            wanted = SlotFilter() if is_clear(answer) else parse_filter(answer, team,
                                                                       now.date())
        except InvalidInput as exc:
            say(f"{exc.message} — {exc.hint}")
            continue
        narrowed = wanted.apply(choices, team)
        if not narrowed:
            say(f"Aucun créneau libre pour « {wanted.text} » dans les semaines "
                       "ouvertes : un autre filtre, * pour tout revoir, ou a pour la liste "
                       "d'attente.")
            continue
        chosen, shown, first, redraw = wanted, narrowed, 0, True
    slot = shown[int(answer) - 1].slot
    if previous is not None:
        return BookingWish(previous.person, previous.phone, slot.mediator, slot.start)
    person = ""
    while not any(c.isalpha() for c in person):  # the rule of --person (core/text)
        person = ask_step(f"Nom de la personne (tel qu'elle le dit ; {BACK_HINT}) > ")
    phone = ask_step(f"Téléphone (Entrée pour passer ; {BACK_HINT}) > ") or None
    return BookingWish(person, phone, slot.mediator, slot.start)


def _ask_wait(now: dt.datetime, previous: Any = None) -> Any:
    """Name, phone and deadline for the waiting list (the call itself stays anonymous)."""
    from mediatool.core.errors import InvalidInput
    from mediatool.core.frenchdates import parse_date
    from mediatool.services.calls import WaitWish

    person = previous.person if previous is not None else ""
    while not person:
        person = ask("Nom de la personne (pour la liste d'attente) > ")
    phone = previous.phone if previous is not None else \
        (ask("Téléphone, pour la rappeler (Entrée pour passer) > ") or None)
    while True:
        typed = ask("Échéance : rendez-vous au plus tard le (JJ/MM/AAAA, Entrée : aucune) > ")
        if not typed:
            return WaitWish(person, phone)
        try:
            before = parse_date(typed, "échéance", now.date())
        except InvalidInput as exc:
            say(f"{exc.message} — {exc.hint}")
            continue
        if before >= now.date():
            return WaitWish(person, phone, None, before)
        say("Cette date est passée : une échéance à venir, ou Entrée.")


NEXT_PAGE = ("+", "plus", "suite", "suivant", "suivants", "autres")


def _show_slots(team: Any, chosen: Any, shown: Sequence[Any], first: int,
                page: Sequence[Any], now: dt.datetime, first_session: str = "") -> None:
    """One page of choices: when and with whom, then where and the cost under the cap."""
    from mediatool.core.frenchdates import format_datetime
    from mediatool.core.slotpick import FILTER_HELP

    what = f" — « {chosen.text} »" if chosen.text else ""
    heading(f"Créneaux libres{first_session}{what} ({first + 1}-{first + len(page)} sur "
            f"{len(shown)})")
    for number, choice in enumerate(page, start=first + 1):
        who = team.mediator(choice.slot.mediator)
        site = team.site(choice.site)
        when = format_datetime(in_zone(choice.slot.start, now.tzinfo))
        click.echo(_fitted(f"  {number:>2}  {when} — {who.name if who else choice.slot.mediator}"))
        detail = " ; ".join(p for p in (site.name if site else "", choice.cap_note(team)) if p)
        click.echo(wrapped_indented(detail, "      "))
    more = len(shown) - first - len(page)
    if more > 0:
        say(f"   …  et {more} autre{'s' if more > 1 else ''} : + pour voir"
                   + (" (- pour revenir)" if first else ""))
    click.echo(wrapped_indented(f"{FILTER_HELP} ; a = aucun ne convient : liste d'attente "
                                "(l'équipe rappelle) ; 0 = ne pas réserver maintenant", "   "))


def _ask_duration(measured: int) -> int:
    from mediatool.services.calls import MAX_DURATION_MIN

    while True:
        answer = ask(f"Durée de l'appel en minutes (Entrée = {measured}) > ")
        if not answer:
            return measured
        if answer.isdigit() and 0 <= int(answer) <= MAX_DURATION_MIN:
            return int(answer)
        say(f"Un nombre de minutes entre 0 et {MAX_DURATION_MIN}.")
