"""Create a data folder on disk (`mediatool init`): catalogue, records, git settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mediatool.core.catalogue import FILE_MODELS
from mediatool.core.errors import InvalidInput, OperationalError, french_os_error
from mediatool.host.environment import MARKER, default_catalogue
from mediatool.store.records import DIR_MODE

GITATTRIBUTES = """\
# Record files are streams of events: merging two copies keeps every event of both
# sides, document by document (driver declared by « mediatool git-setup »; without
# it git shows a conflict, never a silently mixed record).
records/**/*.yaml merge=mediatool
records/audit.log merge=union
"""
GITIGNORE = """\
records/.locks/
*.broken-*
.mediatool/
"""


def create_data_folder(target: Path, source: Path | None = None) -> Path:
    """Copy the default catalogue and template team into `target`; refuse to overwrite."""
    source = source or default_catalogue()
    if (target / MARKER).exists():
        raise InvalidInput(f"{target} contient déjà un dossier mediatool",
                           "choisissez un autre dossier, ou utilisez celui-ci avec --data")
    try:
        target.mkdir(parents=True, exist_ok=True)
        (target / "catalogue").mkdir(exist_ok=True)
        for name in FILE_MODELS:
            shutil.copyfile(source / name, target / "catalogue" / name)
        records = target / "records"
        records.mkdir(exist_ok=True, mode=DIR_MODE)
        os.chmod(records, DIR_MODE)
        for kind in ("calls", "appointments", "paths", "dropins", "waitlist"):
            (records / kind).mkdir(exist_ok=True, mode=DIR_MODE)
        (target / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
        (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    except OSError as exc:
        raise OperationalError(f"impossible de créer {target} : {french_os_error(exc)}",
                               "vérifiez le chemin et les droits d'écriture") from None
    return target


__all__ = ["create_data_folder"]


def append_to_team(target: Path, text: str) -> None:
    """Add a block at the end of a fresh folder's team.yaml (the demo's experiment)."""
    path = target / "catalogue" / "team.yaml"
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise OperationalError(f"écriture impossible de {path} : {french_os_error(exc)}",
                               "vérifiez le dossier et les droits") from None
