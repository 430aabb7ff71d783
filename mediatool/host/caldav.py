"""Push the exported calendars to a CalDAV server (Radicale, Nextcloud, SOGo…).

One CalDAV calendar per exported file (`camille`, `equipe`,
`permanences-telephoniques`), created when missing. Each event is one
calendar object whose UID is the export's UID. An event is written only
when its content changed: every pushed object carries a fingerprint of its
text (X-MEDIATOOL-FINGERPRINT), which survives whatever reformatting the
server does. Events the export no longer produces are deleted, except
one-off events that ended before the export window (past appointments stay
in the mediator's calendar as history). Events without a mediatool UID —
added by people in their client — are never touched.

The `caldav` library is an optional dependency (`pip install
'mediatool[caldav]'`), imported only when --caldav is used. Objects are
PUT with the client's own `put`/`delete` so the server stores exactly the
exported text (the library's high-level save would bump SEQUENCE itself).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from mediatool.core.errors import InvalidInput, OperationalError, french_os_error
from mediatool.formats import ics

TIMEOUT_S = 30
_LOCAL_FILES_OK = "les fichiers .ics locaux sont à jour"


@dataclass
class PushResult:
    """What a push changed, per calendar."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    new_calendars: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """French lines for --verbose."""
        out = [f"CalDAV : agenda « {name} » créé" for name in self.new_calendars]
        for name in sorted(set(self.created) | set(self.updated) | set(self.removed)):
            out.append(f"CalDAV « {name} » : {self.created.get(name, 0)} ajouté(s), "
                       f"{self.updated.get(name, 0)} modifié(s), "
                       f"{self.removed.get(name, 0)} supprimé(s)")
        if not out:
            out.append("CalDAV : rien à changer")
        return out


MAX_PASSWORD_FILE_BYTES = 4096
_SECRET_QUERY = re.compile(r"([?&;][^=&;#]*(?:token|key|pass|secret|auth|sig)[^=&;#]*=)[^&;#]*",
                           re.IGNORECASE)


def redact(url: str) -> str:
    """`url` without what must never be printed (cron mails it): password, tokens."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in credentials else f"{user}@{host}"
    query = _SECRET_QUERY.sub(r"\1***", "?" + parts.query)[1:] if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def refuse_empty_url(url: str) -> None:
    if not url.strip():
        raise InvalidInput("adresse CalDAV vide", "exemple : --caldav "
                           "https://cloud.exemple.fr/remote.php/dav")


def read_password(path: Path | None, user: str | None) -> str | None:
    """The password from the first line of `path` (never from the command line)."""
    if path is None:
        return None
    if not user:
        raise InvalidInput("--password-file demande aussi --user",
                           "exemple : --user equipe --password-file ~/.config/caldav.txt")
    try:
        # A password is short: never read more (a wrong path such as /dev/zero must
        # not fill the memory).
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PASSWORD_FILE_BYTES + 1)
        if len(raw) > MAX_PASSWORD_FILE_BYTES:
            raise InvalidInput(f"{path} est trop grand pour un fichier de mot de passe "
                               f"(plus de {MAX_PASSWORD_FILE_BYTES} octets)",
                               "mettez le mot de passe seul sur la première ligne")
        text = raw.decode("utf-8")
    except OSError as exc:
        raise InvalidInput(f"lecture impossible du fichier de mot de passe {path} : "
                           f"{french_os_error(exc)}",
                           "indiquez un fichier lisible avec --password-file") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} n'est pas un fichier texte UTF-8",
                           "mettez le mot de passe seul sur la première ligne") from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def _library() -> Any:
    try:
        import caldav
    except ImportError:
        raise OperationalError(
            "la publication CalDAV demande la bibliothèque « caldav », absente",
            "installez-la : pip install 'mediatool[caldav]' — " + _LOCAL_FILES_OK) from None
    return caldav


def push(url: str, user: str | None, password: str | None,
         calendars: Sequence[ics.CalendarFile], window_start: dt.datetime | None
         ) -> PushResult:
    """Make the server's calendars match `calendars`; OperationalError with one reason."""
    refuse_empty_url(url)
    caldav = _library()
    client = None
    try:
        client = caldav.DAVClient(url=url, username=user, password=password,
                                  timeout=TIMEOUT_S)
        return _push(client, calendars, window_start)
    except OperationalError:
        raise
    except Exception as exc:  # network, HTTP and DAV errors all become one line
        message = _reason(redact(url), exc)
        for secret in (password, url):
            if secret and secret != redact(url):
                message = message.replace(secret, "***")
        raise OperationalError(message, _LOCAL_FILES_OK) from exc
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()


def _reason(url: str, exc: Exception) -> str:
    from caldav.lib import error

    name = type(exc).__name__
    status = getattr(exc, "status", None) or getattr(getattr(exc, "response", None), "status", None)
    if isinstance(exc, error.AuthorizationError) and str(status) == "403":
        return f"serveur CalDAV {url} : accès interdit (403) — l'identifiant est reconnu mais n'a pas le droit d'écrire ici"
    if isinstance(exc, error.AuthorizationError):
        return f"serveur CalDAV {url} : identifiant ou mot de passe refusé (401)"
    if isinstance(exc, error.NotFoundError):
        return f"serveur CalDAV {url} : adresse introuvable (404)"
    if isinstance(exc, error.DAVError):
        return (f"{url} ne répond pas comme un serveur CalDAV ({name}) : vérifiez l'adresse "
                "(par exemple https://cloud.exemple.fr/remote.php/dav pour Nextcloud)")
    if isinstance(exc, OSError) or "Connection" in name or "Timeout" in name:
        return f"serveur CalDAV {url} injoignable (connexion impossible)"
    detail = " ".join(str(exc).split())[:120]  # one line, whatever the library says
    return f"publication CalDAV sur {url} impossible ({name} : {detail})"


def _push(client: Any, calendars: Sequence[ics.CalendarFile],
          window_start: dt.datetime | None) -> PushResult:
    result = PushResult()
    principal = client.principal()
    existing = {_last_segment(str(c.url)): c for c in principal.calendars()}
    for calendar in calendars:
        remote = existing.get(calendar.name)
        if remote is None:
            remote = principal.make_calendar(name=calendar.title, cal_id=calendar.name)
            result.new_calendars.append(calendar.name)
        _sync(client, remote, calendar, window_start, result)
    return result


def _last_segment(url: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])


@dataclass
class _Remote:
    url: str
    fingerprint: str | None
    recurring: bool
    end: dt.datetime | None


def _sync(client: Any, remote: Any, calendar: ics.CalendarFile,
          window_start: dt.datetime | None, result: PushResult) -> None:
    objects: dict[str, _Remote] = {}
    listing = getattr(remote, "get_events", None) or remote.events
    for obj in listing():
        found = _describe(obj)
        if found is not None:
            objects[found[0]] = found[1]
    base = str(remote.url).rstrip("/") + "/"
    name = calendar.name
    for event in calendar.events:
        body = calendar.object_ics(event).decode("utf-8")
        current = objects.pop(event.uid, None)
        if current is None:
            _put(client, base + quote(event.uid, safe="") + ".ics", body, create=True)
            result.created[name] = result.created.get(name, 0) + 1
        elif current.fingerprint != ics.fingerprint(event):
            _put(client, current.url, body, create=False)
            result.updated[name] = result.updated.get(name, 0) + 1
    for uid, stale in sorted(objects.items()):
        if not uid.endswith("@" + ics.UID_DOMAIN):
            continue  # someone's own event: not ours to remove
        if (not stale.recurring and stale.end is not None and window_start is not None
                and stale.end < window_start):
            continue  # history older than the window: keep it
        response = client.delete(stale.url)
        _check(response, stale.url)
        result.removed[name] = result.removed.get(name, 0) + 1


def _describe(obj: Any) -> tuple[str, _Remote] | None:
    """(UID, what we need) of a server object, or None when it holds no VEVENT."""
    from icalendar import Calendar

    try:
        parsed = Calendar.from_ical(obj.data)
    except ValueError:
        return None
    for component in parsed.walk("VEVENT"):
        if "RECURRENCE-ID" in component or "UID" not in component:
            continue
        end = component.get("DTEND") or component.get("DTSTART")
        moment = end.dt if end is not None else None
        if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time(0), dt.UTC)
        elif isinstance(moment, dt.datetime) and moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        fingerprint = component.get(ics.FINGERPRINT_PROPERTY)
        return str(component["UID"]), _Remote(
            str(obj.url), str(fingerprint) if fingerprint is not None else None,
            "RRULE" in component, moment)
    return None


def _put(client: Any, url: str, body: str, create: bool) -> None:
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    if create:
        headers["If-None-Match"] = "*"  # never overwrite an object we did not see
    _check(client.put(url, body, headers), url)


def _check(response: Any, url: str) -> None:
    status = int(getattr(response, "status", 0) or 0)
    if status not in (200, 201, 204):
        reason = getattr(response, "reason", "") or ""
        what = {401: "identifiant ou mot de passe refusé", 403: "accès interdit",
                404: "adresse introuvable", 412: "l'objet a changé sur le serveur entre-temps",
                507: "plus de place sur le serveur"}.get(status, "écriture refusée")
        raise OperationalError(f"serveur CalDAV : {what} pour {redact(str(url))} "
                               f"({status} {reason})".rstrip(), _LOCAL_FILES_OK)
