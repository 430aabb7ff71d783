"""The recap given to a caller: read aloud or sent by SMS (pure).

Built in priority order — what, when and where (date, site name and
address), what to bring (always in full: forgetting one document costs
the person a trip), what the team will do with them (the prerequisites
they lack), whom to contact — then the learning-path offer if there is
room. It is written in the GSM 03.38 alphabet (`formats.sms.to_gsm`) so
that it goes as GSM-7, and the most detailed version that fits
`SMS_SEGMENTS` segments is kept; when even the most compact does not fit
(a very long documents list), it still goes in full and its count says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from mediatool.core.model import WEEKDAYS, Organisation, Procedure, Site, Team
from mediatool.core.triage import DropinOccurrence
from mediatool.core.values import frozen
from mediatool.formats.sms import SmsCount, sms_segments, to_gsm

SMS_SEGMENTS = 2
MONTH_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
               "oct.", "nov.", "déc.")
# What the team sets up with the caller (an account, an address); anything else
# (a bank card, a tax number) the caller must bring.
CREATED_TOGETHER = ("compte", "e-mail", "mail", "franceconnect", "identifiant", "mot de passe")
MISSING_CONTACT = "coordonnées à compléter dans le catalogue"


@frozen
class BookedAppointment:
    """The appointment booked during the call, as the caller needs it."""

    id: str
    when: str  # as read to the caller: « mardi 8 décembre 2026, 14 h 00 »
    duration_min: int
    mediator_name: str
    site: Site | None
    start: dt.datetime | None = None  # for the compact form « mar. 8/12 14h »


@frozen
class RecapInput:
    """Everything the recap may mention; `outcome` decides what it says."""

    outcome: str
    team: Team
    procedure: Procedure | None = None
    organisation: Organisation | None = None  # the procedure's, or the redirect target
    dropins: Sequence[DropinOccurrence] = ()
    appointment: BookedAppointment | None = None
    usage_skill_titles: Sequence[str] = ()
    short: bool = False
    missing: Sequence[str] = ()  # the prerequisites the caller said they lack
    contact: str | None = None  # typed by the mediator when the catalogue has none
    waiting: str | None = None  # the waiting entry's id when no slot suited the caller
    place: Organisation | None = None  # the organisation's imported local place, if any
    place_today: str | None = None  # its hours today, « 9h–12h, 14h–17h » or « fermé »


def hour(moment: dt.time | dt.datetime) -> str:
    """French spoken-style hour: 9h30, 14h."""
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


def day_label(day: dt.date, compact: bool = False) -> str:
    """'lundi 7 déc.' or, compact, 'lun. 7/12'."""
    if compact:
        return f"{WEEKDAYS[day.weekday()][:3]}. {day.day}/{day.month:02d}"
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTH_SHORT[day.month - 1]}"


def organisation_has_contact(organisation: Organisation | None) -> bool:
    """Whether the recap can tell the caller how to reach `organisation`."""
    return bool(organisation and (organisation.phone or organisation.website
                                  or organisation.address))


@frozen
class _Detail:
    """How much to say; the recap tries each level until it fits."""

    dropins: int = 3
    line_hours: bool = True
    usage: bool = True
    org_extra: bool = True
    compact_days: bool = False
    short_words: bool = False  # « justif. », « < 3 mois », « RIB », bare web addresses
    short_title: bool = False  # title, site and mediator names without their asides


def _levels() -> tuple[_Detail, ...]:
    """Each level drops one more detail, least useful to the caller first.

    Whatever the level, every document is listed in full, its conditions in
    parentheses included (issue 16: what to bring is never cut); the last levels only
    use the usual abbreviations (« justif. », « RIB »…).
    """
    steps = ({"dropins": 2}, {"usage": False}, {"line_hours": False}, {"org_extra": False},
             {"dropins": 1}, {"compact_days": True}, {"short_words": True},
             {"short_title": True})
    levels = [_Detail()]
    for step in steps:
        levels.append(replace(levels[-1], **step))  # type: ignore[arg-type]
    return tuple(levels)


LEVELS = _levels()


def caller_recap(data: RecapInput, segments: int = SMS_SEGMENTS) -> str:
    """The recap in GSM-7: the most detailed version within `segments` SMS.

    When no version fits, the most detailed of those that take the fewest SMS:
    shortening a text that goes over anyway would cost words for nothing.
    """
    compose = _COMPOSERS.get(data.outcome, _other)
    texts = []
    for level in LEVELS:
        text = to_gsm(compose(data, level))
        if sms_segments(text).segments <= segments:
            return text
        texts.append(text)
    fewest = min(sms_segments(t).segments for t in texts)
    return next(t for t in texts if sms_segments(t).segments == fewest)


def recap_count(text: str) -> SmsCount:
    """The recap's SMS count, shown to the mediator."""
    return sms_segments(text)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


# Shorter words an SMS reader still understands; applied only when the full wording
# does not fit (`_Detail.short_words`).
SHORT_WORDS = (
    (re.compile(r"\b([Jj])ustificatifs?\b"), r"\1ustif."),
    (re.compile(r"\bde moins de (\d+) mois\b"), r"< \1 mois"),
    (re.compile(r"\b([Ff]ormulaire )?[Cc]erfa n° ?"), "cerfa "),
    (re.compile(r"\b([Nn])uméro\b"), r"\1um."),
    (re.compile(r"\b[Rr]elevé d'identité bancaire\b"), "RIB"),
    (re.compile(r"\b([Aa])vis d'imposition\b"), r"\1vis d'impôt"),
    (re.compile(r"\bsécurité sociale\b"), "Sécu"),
    (re.compile(r"\b([Tt])éléphone portable\b"), r"\1él. portable"),
)
_ASIDE = re.compile(r"\s*\([^()]*\)")


def short_document(text: str, level: _Detail | None = None) -> str:
    """A document as the recap lists it at `level` (the most compact when None)."""
    level = level or LEVELS[-1]
    if level.short_words:
        for pattern, replacement in SHORT_WORDS:
            text = pattern.sub(replacement, text)
    return text


def _bare(text: str) -> str:
    """`text` without its asides in parentheses (« Espace Nord (fictif) » → « Espace Nord »)."""
    return _ASIDE.sub("", text).strip() or text


def _place(site: Site, level: _Detail, full: bool = True) -> str:
    """The site as the recap says it: name and address (the name alone once said)."""
    if not level.short_title:
        return site.label(full)
    name = _bare(site.name)
    return f"{name}, {_bare(site.address)}" if full and site.address else name


def _documents(procedure: Procedure | None, level: _Detail | None = None) -> str:
    if procedure is None or not procedure.documents:
        return ""
    level = level or LEVELS[0]
    items = [short_document(d, level) for d in procedure.documents]
    if level.short_words:
        return "Apportez : " + "; ".join(items) + "."
    return "À apporter : " + " ; ".join(items) + "."


def short_url(url: str) -> str:
    """« https://www.caf.fr/ » → « caf.fr »: the shortest form phones still make a link of."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _missing(data: RecapInput) -> str:
    """What the team will set up with the caller: exactly the prerequisites they lack."""
    created = [m for m in data.missing if any(k in m.lower() for k in CREATED_TOGETHER)]
    other = [m for m in data.missing if m not in created]
    return _join(
        "Nous créerons ensemble : " + " ; ".join(_lower_first(m) for m in created) + "."
        if created else "",
        "À prévoir : " + " ; ".join(_lower_first(m) for m in other) + "." if other else "")


def _usage(data: RecapInput, level: _Detail) -> str:
    if not data.usage_skill_titles or not level.usage:
        return ""
    return ("Nous pouvons aussi vous apprendre à : " + ", ".join(
        _lower_first(t) for t in data.usage_skill_titles) + " (sur rendez-vous).")


def _line_text(team: Team, with_hours: bool) -> str:
    line = team.phone_line
    if line is None:
        return ""
    text = f"Questions : {line.number}"
    if with_hours and line.shifts:
        text += " (" + ", ".join(f"{s.day[:3]}. {hour(s.start)}-{hour(s.end)}"
                                 for s in line.shifts) + ")"
    return text + "."


def _title(data: RecapInput, level: _Detail | None = None) -> str:
    if data.procedure is None:
        return ""
    if level is not None and level.short_title:
        return _bare(data.procedure.title)
    return data.procedure.title


def _dropin_list(data: RecapInput, level: _Detail) -> str:
    """The sessions, each site's address given once (at its first mention)."""
    items = []
    said: set[str] = set()
    for occurrence in data.dropins[: level.dropins]:
        when = (f"{day_label(occurrence.start.date(), level.compact_days)} "
                f"{hour(occurrence.start)}-{hour(occurrence.end)}")
        site = occurrence.site
        where = ""
        if site is not None:
            where = _place(site, level, full=site.id not in said)
            said.add(site.id)
        items.append(f"{when}, {where}" if where else when)
    return " ; ou ".join(items)


def _dropin(data: RecapInput, level: _Detail) -> str:
    sessions = _dropin_list(data, level)
    title = _title(data, level)
    invite = "permanence sans RDV " if level.compact_days else \
        "venez sans rendez-vous à la permanence "
    come = (invite + sessions if sessions else
            "venez sans rendez-vous à une permanence (dates au téléphone)")
    main = f"{title} : {come}." if title else come[:1].upper() + come[1:] + "."
    return _join(main, _documents(data.procedure, level), _missing(data),
                 _line_text(data.team, level.line_hours), _usage(data, level))


def _appointment(data: RecapInput, level: _Detail) -> str:
    booked = data.appointment
    title = _title(data, level)
    if booked is None:
        what = ("un rendez-vous court vous sera proposé" if data.short else
                "un rendez-vous vous sera proposé") + " par l'équipe"
        if data.waiting:
            what = (f"vous êtes sur notre liste d'attente (réf. {data.waiting}), nous vous "
                    "rappelons dès qu'un créneau se libère")
        main = f"{title} : {what}." if title else what[:1].upper() + what[1:] + "."
        return _join(main, _documents(data.procedure, level), _missing(data),
                     _line_text(data.team, level.line_hours), _usage(data, level))
    when = booked.when
    if level.compact_days and booked.start is not None:
        when = f"{day_label(booked.start.date(), True)} {hour(booked.start)}"
    where = _place(booked.site, level) if booked.site else ""
    appointment = "RDV" if level.short_words else "rendez-vous"
    who = _bare(booked.mediator_name) if level.short_title else booked.mediator_name
    main = f"{appointment} le {when} ({booked.duration_min} min) avec {who}"
    main += f", {where}." if where else "."
    main = f"{title} : {main}" if title else main[:1].upper() + main[1:]
    line = data.team.phone_line
    if line and level.short_words:
        cancel = f"Empêché(e) ? {line.number}, réf. {booked.id}."
    elif line:
        cancel = f"Empêché(e) ? Prévenez au {line.number}, réf. {booked.id}."
    else:
        cancel = f"Réf. {booked.id}."
    return _join(main, _documents(data.procedure, level), _missing(data), cancel, _usage(data, level))


def _redirect(data: RecapInput, level: _Detail) -> str:
    org = data.organisation
    about = f"Pour « {_title(data, level)} »" if data.procedure else "Pour votre demande"
    documents = _documents(data.procedure, level)
    if data.place is not None:
        return _join(_local_place(data, about, level), documents)
    if org is None:
        return _join(f"{about}, adressez-vous à l'organisme compétent.",
                     f"Contact : {data.contact}." if data.contact else "", documents,
                     _line_text(data.team, level.line_hours))
    website = (short_url(org.website) if level.short_words else org.website) \
        if org.website else ""
    contact = [f"tél. {org.phone}" if org.phone else "", website, org.address or ""]
    if data.contact:
        contact.append(data.contact)
    said = ", ".join(c for c in contact if c)
    text = f"{about}, contactez {org.name}" + (f" : {said}." if said else ".")
    extra = f"Horaires : {org.hours}." if org.hours and level.org_extra else ""
    if not said:  # a local structure the team has not filled in yet
        return _join(text, "Le service peut vous donner ses coordonnées.", documents,
                     _line_text(data.team, level.line_hours))
    return _join(text, extra, documents)


def _local_place(data: RecapInput, about: str, level: _Detail) -> str:
    """The local place first (where to go, how to call, today's hours), then the week's
    hours and the national contact while there is room."""
    place = data.place
    assert place is not None
    said = ", ".join(p for p in (place.address, f"tél. {place.phone}" if place.phone else "",
                                 f"aujourd'hui {data.place_today}" if data.place_today else "")
                     if p)
    text = f"{about}, adressez-vous à {place.name}" + (f" : {said}." if said else ".")
    week = f"Horaires : {place.hours}." if place.hours and level.org_extra else ""
    org = data.organisation
    national = ""
    if org is not None and org.phone and level.org_extra and org.phone != place.phone:
        national = f"Ou {org.name} : tél. {org.phone}."
    return _join(text, week, national)


def _resolved(data: RecapInput, level: _Detail) -> str:
    online = (f"En ligne : {data.procedure.online_service}."
              if data.procedure and data.procedure.online_service else "")
    title = _title(data, level)
    return _join(f"{title} : réglé au téléphone." if title else "Réglé au téléphone.", online,
                 f"Besoin d'aide ? {_line_text(data.team, level.line_hours)}"
                 if data.team.phone_line else "", _usage(data, level))


def _other(data: RecapInput, level: _Detail) -> str:
    sessions = _dropin_list(data, level)
    dropins = f"Permanences sans rendez-vous : {sessions}." if sessions else ""
    title = _title(data, level)
    return _join(f"Votre démarche : {title}." if title else "", dropins,
                 _line_text(data.team, level.line_hours), _usage(data, level))


_COMPOSERS: dict[str, Callable[[RecapInput, _Detail], str]] = {
    "dropin": _dropin, "appointment": _appointment, "redirect": _redirect,
    "resolved": _resolved, "other": _other,
}
