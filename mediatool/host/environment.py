"""Where the data folder is, what time it is (the only readers of the environment)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from mediatool.core.errors import InvalidInput
from mediatool.core.localtime import in_zone
from mediatool.core.period import refuse_out_of_range

ENV_DATA = "MEDIATOOL_DATA"
ENV_NOW = "MEDIATOOL_NOW"
MARKER = Path("catalogue") / "team.yaml"


def default_catalogue() -> Path:
    """The catalogue shipped with the package (inside the wheel, or the source checkout)."""
    packaged = Path(__file__).resolve().parent.parent / "_catalogue"
    if (packaged / "procedures.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "catalogue"


def find_data_folder(explicit: str | None, cwd: Path | None = None) -> Path:
    """`--data`, else MEDIATOOL_DATA, else the nearest parent holding catalogue/team.yaml."""
    chosen = explicit or os.environ.get(ENV_DATA)
    if chosen:
        folder = Path(chosen).expanduser()
        if not (folder / MARKER).is_file():
            raise InvalidInput(f"{folder} n'est pas un dossier mediatool (pas de {MARKER})",
                               f"créez-le avec « mediatool init {folder} »")
        return folder.resolve()
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_file():
            return folder
    raise InvalidInput("aucun dossier de données trouvé ici",
                       "créez-en un avec « mediatool init DOSSIER » puis placez-vous dedans, "
                       "ou indiquez-le avec --data DOSSIER")


def now(timezone: str) -> dt.datetime:
    """The current time in the team's zone, or MEDIATOOL_NOW when set (tests, demos)."""
    zone = ZoneInfo(timezone)
    forced = os.environ.get(ENV_NOW)
    if forced:
        try:
            moment = dt.datetime.fromisoformat(forced)
        except ValueError:
            raise InvalidInput(f"{ENV_NOW}={forced} n'est pas une date ISO",
                               "exemple : MEDIATOOL_NOW=2026-12-08T14:00") from None
        refuse_out_of_range(moment.date(), ENV_NOW)
        return in_zone(moment, zone)
    return dt.datetime.now(zone)


def user() -> str:
    """Who runs the command (the system account), for audit lines."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"
