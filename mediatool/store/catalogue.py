"""The catalogue files of a data folder: read, parsed with positions, then built by core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from mediatool.core.catalogue import FILE_MODELS, Catalogue, build_catalogue
from mediatool.core.errors import OperationalError, Problem, french_os_error
from mediatool.core.fields import Positioned
from mediatool.store import cache


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
    # Imported here: a command answered from the cache (`catalogue search`) loads no YAML.
    from mediatool.store.yamltext import YamlSyntaxError, load_positioned

    if data is None:
        return None
    try:
        return load_positioned(data)
    except YamlSyntaxError as exc:
        return Problem(f"catalogue/{name}", exc.line, exc.message, None, exc.column)


def load_catalogue(files: Mapping[str, bytes | None], today: dt.date,
                   root: Path | None = None, key: str | None = None
                   ) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue from the raw files; every problem found is returned.

    With `root`, the parse of a catalogue that builds is kept in that folder's cache and
    reused while the files, the day and mediatool's code stay the same (`key`: their
    `cache.parsed_key`, when the caller has it)."""
    if root is not None:
        key = key or cache.parsed_key(cache.content_key(files), today)
        kept = cache.parsed(root, key)
        if kept is not None:
            values, problems = kept
            catalogue, _ = build_catalogue(
                {name: Positioned(values.get(name), {}, set()) for name in FILE_MODELS}, today,
                checked=True)
            if catalogue is not None:  # the problems are those found with positions
                return catalogue, problems
    parsed = {name: parse(name, files.get(name)) for name in FILE_MODELS}
    catalogue, problems = build_catalogue(parsed, today)
    if root is not None and key is not None and catalogue is not None:
        cache.save_parsed(root, key, {name: p.value for name, p in parsed.items()
                                      if isinstance(p, Positioned)}, problems)
    return catalogue, problems


# ---- the imported places' part of organisations.yaml --------------------------

PLACES_MARKER = ("# ---- Lieux importés (mediatool catalogue import-places) : gardez cette ligne. "
                 "Au-dessous, une entrée modifiée à la main n'est jamais écrasée, mais les "
                 "commentaires ne sont pas gardés ----")


def split_places(text: str) -> tuple[str, str | None]:
    """organisations.yaml's text → (what people wrote, mediatool's part or None)."""
    head, marker, tail = text.partition(PLACES_MARKER)
    return (head, tail) if marker else (text, None)


def _indent(head: str) -> str:
    for line in head.splitlines():
        stripped = line.lstrip(" ")
        if stripped.startswith("- "):
            return line[: len(line) - len(stripped)]
    return "  "


def with_places(text: str, entries: list[dict[str, object]]) -> str:
    """organisations.yaml with its imported part replaced by `entries` (plain mappings)."""
    from mediatool.store.yamltext import dump

    head, _ = split_places(text)
    head = head.rstrip("\n") + "\n"
    if not entries:
        return head
    pad = _indent(head)
    body = "".join(pad + line if line else line
                   for line in dump(entries).splitlines(keepends=True))
    return f"{head}{pad}{PLACES_MARKER}\n{body}"


def people_ids(text: str) -> set[str] | None:
    """Ids of the entries above the imported part (None: the file cannot be read)."""
    from mediatool.store.yamltext import YamlSyntaxError, load_positioned

    head, _ = split_places(text)
    try:
        loaded = load_positioned(head).value
    except YamlSyntaxError:
        return None
    items = loaded.get("organisations") if isinstance(loaded, dict) else None
    return {str(o.get("id")) for o in items or [] if isinstance(o, dict)}


def write_catalogue_file(root: Path, name: str, data: bytes, expected: bytes | None) -> None:
    """Replace one catalogue file in one step, unless it changed since it was read."""
    from mediatool.store.records import write_atomic

    path = root / "catalogue" / name
    try:
        if path.read_bytes() != expected:
            raise OperationalError(f"catalogue/{name} a changé pendant l'import",
                                   "relancez la commande")
        write_atomic(path, data)
    except OSError as exc:
        raise OperationalError(f"écriture impossible de catalogue/{name} : {exc.strerror}",
                               "vérifiez les droits du dossier") from None
