"""Official open-data files from outside the data folder: a local zip or folder, or an
https:// URL the person gave (downloaded to a temporary file, never implicitly).

Members are read one at a time, each capped in size, so memory stays bounded
whatever the archive's size (the DILA's full zip is hundreds of megabytes).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from mediatool.core.errors import InvalidInput, OperationalError, french_os_error
from mediatool.core.values import frozen

MAX_MEMBER_BYTES = 32 * 1024 * 1024  # the largest genuine fiche is well under 1 MB
_CHUNK = 1024 * 1024


@frozen
class Opened:
    label: str  # what the review names as its source
    date: dt.date | None  # the newest file date inside the set
    members: Callable[[set[str]], Iterator[tuple[str, bytes]]]
    names: frozenset[str]  # every fiche id present (F…, N…)


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and (host == "localhost" or ipaddress.ip_address(host).is_loopback)
    except ValueError:
        return False


def _download(url: str, progress: Callable[[int, int | None], None] | None) -> Path:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
        raise InvalidInput(f"adresse refusée : {url}", "donnez une adresse https://")
    handle, name = tempfile.mkstemp(prefix="mediatool-vdd-", suffix=".zip")
    target = Path(name)
    try:
        with open(handle, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            total = response.headers.get("Content-Length")
            size = int(total) if total and total.isdigit() else None
            done = 0
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, size)
    except OSError as exc:
        target.unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or french_os_error(exc)
        raise OperationalError(f"téléchargement impossible de {url} : {reason}",
                               "vérifiez l'adresse et la connexion, ou donnez un fichier "
                               "déjà téléchargé") from None
    return target


def _fiche_id(name: str) -> str | None:
    stem = PurePosixPath(name).name
    if not stem.endswith(".xml"):
        return None
    stem = stem[:-4]
    return stem if stem[:1] in ("F", "N") and stem[1:].isdigit() else None


def _read_capped(read: Callable[[int], bytes], name: str) -> bytes:
    data = read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise InvalidInput(f"{name} : fichier trop gros pour une fiche (plus de "
                           f"{MAX_MEMBER_BYTES // (1024 * 1024)} Mo)",
                           "ce n'est pas le jeu de données officiel")
    return data


def _zip(path: Path, label: str) -> Opened:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InvalidInput(f"{label} : ce n'est pas une archive zip lisible",
                           "donnez le zip « vosdroits » de la DILA, ou un dossier de fiches "
                           "XML") from None
    infos = {fid: info for info in archive.infolist() if (fid := _fiche_id(info.filename))}
    newest = max((dt.date(*info.date_time[:3]) for info in infos.values()), default=None)

    def members(wanted: set[str]) -> Iterator[tuple[str, bytes]]:
        for fiche_id in sorted(wanted & infos.keys()):
            info = infos[fiche_id]
            if info.file_size > MAX_MEMBER_BYTES:
                raise InvalidInput(f"{label}/{info.filename} : fichier trop gros pour une fiche",
                                   "ce n'est pas le jeu de données officiel")
            try:
                with archive.open(info) as member:
                    yield f"{label}/{info.filename}", _read_capped(member.read, info.filename)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InvalidInput(f"{label}/{info.filename} : archive abîmée ({exc})",
                                   "retéléchargez le jeu de données") from None

    return Opened(label, newest, members, frozenset(infos))


def _folder(path: Path) -> Opened:
    files = {fid: p for p in path.rglob("*.xml") if p.is_file() and (fid := _fiche_id(p.name))}
    newest = max((dt.date.fromtimestamp(p.stat().st_mtime) for p in files.values()),
                 default=None)

    def members(wanted: set[str]) -> Iterator[tuple[str, bytes]]:
        for fiche_id in sorted(wanted & files.keys()):
            with files[fiche_id].open("rb") as handle:
                yield str(files[fiche_id]), _read_capped(handle.read, files[fiche_id].name)

    return Opened(str(path), newest, members, frozenset(files))


def _checked(opened: Opened, source: str) -> Opened:
    if not opened.names:
        raise InvalidInput(f"{source} : aucune fiche (F….xml, N….xml) dedans",
                           "ce n'est pas le jeu de données « Vos droits et démarches »")
    return opened


@contextmanager
def open_vdd(source: str, progress: Callable[[int, int | None], None] | None = None
             ) -> Iterator[Opened]:
    """The fiches of a local zip, a folder, or an https:// URL (downloaded, then removed)."""
    if "://" in source:
        downloaded = _download(source, progress)
        try:
            yield _checked(_zip(downloaded, source), source)
        finally:
            downloaded.unlink(missing_ok=True)
        return
    path = Path(source)
    if path.is_dir():
        yield _checked(_folder(path), source)
    elif path.is_file():
        yield _checked(_zip(path, str(path)), source)
    else:
        raise InvalidInput(f"introuvable : {source}",
                           "donnez le chemin du zip, d'un dossier de fiches, ou une adresse "
                           "https://")


MAX_PLACES_FILE_BYTES = 100 * 1024 * 1024  # a département's extract is a few megabytes


def read_local_file(source: str) -> bytes:
    """A directory file the person downloaded (never fetched implicitly), capped in size:
    JSON is parsed whole, so the whole national set would need gigabytes."""
    path = Path(source)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PLACES_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput(f"introuvable : {source}",
                           "donnez le chemin du fichier téléchargé (CSV ou JSON)") from None
    except IsADirectoryError:
        raise InvalidInput(f"{source} est un dossier", "donnez le fichier lui-même") from None
    except OSError as exc:
        raise OperationalError(f"lecture impossible de {source} : {exc.strerror}") from None
    if len(data) > MAX_PLACES_FILE_BYTES:
        raise InvalidInput(f"{source} : fichier trop gros (plus de "
                           f"{MAX_PLACES_FILE_BYTES // (1024 * 1024)} Mo)",
                           "prenez l'extrait de votre département ou de votre commune")
    return data
