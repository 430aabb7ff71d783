"""What the command line needs of the data folder beyond a use case: open it, quote a
line of it beside an error, write a report file, set up and merge it with git."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from mediatool.core.errors import OperationalError
from mediatool.host import git
from mediatool.store import records
from mediatool.store.folder import CatalogueFallback, DataFolder


def open_folder(explicit: str | None) -> DataFolder:
    """The data folder named by --data, MEDIATOOL_DATA, or found from here."""
    return DataFolder.find(explicit)


def keep_phone_line(data: DataFolder, warn: Callable[[str], None]) -> None:
    """With today's catalogue blocked by an error, run on the last good one; `warn` is told
    (once, when the catalogue is first read) which file to fix and since when."""
    data.on_last_good = lambda fallback: warn(last_good_warning(fallback))


def last_good_warning(fallback: CatalogueFallback) -> str:
    """« Attention : erreur dans catalogue/team.yaml:4 (fichier modifié le …) : … »."""
    from mediatool.core.frenchdates import format_datetime

    zone = ZoneInfo(fallback.zone)
    first = fallback.problems[0] if fallback.problems else None
    where = first.location() if first else "le catalogue"
    changed = fallback.changed.get(first.source) if first else None
    since = f" (fichier modifié le {format_datetime(changed.astimezone(zone))})" if changed else ""
    others = len(fallback.problems) - 1
    what = f" : {first.message}" if first else ""
    more = f" (+ {others} autre{'s' if others > 1 else ''})" if others > 0 else ""
    return (f"Attention : erreur dans {where}{since}{what}{more}. La ligne téléphonique "
            f"utilise le dernier catalogue valide (du "
            f"{format_datetime(fallback.saved.astimezone(zone))}) ; corrigez le fichier, "
            "puis vérifiez avec « mediatool catalogue check ».")


def folder_at(root: Path) -> DataFolder:
    return DataFolder(root.resolve())


def source_lines(root: Path, wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The text of these lines of data files, to show beside their problems."""
    return records.source_lines(root, wanted)


def write_output(path: Path, text: str) -> None:
    """Write a generated file (a report) in one step; a reader never sees half of it.

    The same rule as `report --out` (services/report.check_output_path).
    """
    from mediatool.services.report import check_output_path

    check_output_path(path)
    try:
        records.write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise OperationalError(f"écriture impossible de {path} : {records.french_os_error(exc)}",
                               "vérifiez le dossier et les droits") from None


def setup_git(root: Path) -> None:
    git.setup_git(root)


def merge_record_files(base: Path, ours: Path, theirs: Path) -> bool:
    """The git merge driver: False (ours untouched) when it cannot merge safely."""
    return records.merge_record_files(base, ours, theirs)
