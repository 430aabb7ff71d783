"""The catalogue files of a data folder: read, parsed with positions, then built by core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from mediatool.core.catalogue import FILE_MODELS, Catalogue, build_catalogue
from mediatool.core.errors import OperationalError, Problem, french_os_error
from mediatool.core.fields import Positioned
from mediatool.store.yamltext import YamlSyntaxError, load_positioned


def read_catalogue_files(root: Path) -> dict[str, bytes | None]:
    """The raw bytes of each catalogue file (None when missing)."""
    files: dict[str, bytes | None] = {}
    for name in FILE_MODELS:
        try:
            files[name] = (root / "catalogue" / name).read_bytes()
        except FileNotFoundError:
            files[name] = None
        except OSError as exc:
            raise OperationalError(f"lecture impossible de catalogue/{name} : "
                                   f"{french_os_error(exc)}") from None
    return files


def parse(name: str, data: bytes | None) -> Positioned | Problem | None:
    """One catalogue file parsed with positions, or the Problem of its syntax."""
    if data is None:
        return None
    try:
        return load_positioned(data)
    except YamlSyntaxError as exc:
        return Problem(f"catalogue/{name}", exc.line, exc.message, None, exc.column)


def load_catalogue(files: Mapping[str, bytes | None], today: dt.date
                   ) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue from the raw files; every problem found is returned."""
    return build_catalogue({name: parse(name, files.get(name)) for name in FILE_MODELS}, today)
