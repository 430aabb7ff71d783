"""A fast reader for record streams exactly as mediatool writes them.

`dump_document` writes flat block mappings of scalars and of lists of
scalars; reading those back through PyYAML's node machinery is most of the
cost of a report or a calendar export. This reader handles that one shape
line by line and answers None for anything else (comments are the only
extra it accepts): the caller then uses the real YAML loader, so a file
edited by hand is always read by PyYAML's rules. A property test checks
that both readers agree on everything `dump_document` can write.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
# Plain scalars that could hide YAML syntax (comments, flow, anchors, tags, block
# scalars, aliases, directives, quotes) go to the real loader.
_RISKY_PLAIN = re.compile(r"""^[\[\]{}&*!|>'"%@`#,?:-]|\s#|:\s|:\Z|\s\Z""")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TRUE = {"yes", "true", "on"}
_tags: dict[str, str] = {}


class _NotSimple(Exception):
    """The text leaves the simple shape: let PyYAML read it."""


def _scalar(text: str) -> Any:
    if text[0] == "'":
        if len(text) < 2 or text[-1] != "'" or "'" in text[1:-1].replace("''", ""):
            raise _NotSimple
        return text[1:-1].replace("''", "'")
    if text[0] == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != '"' or "\\" in inner or '"' in inner:
            raise _NotSimple
        return inner
    if _INT.match(text):
        return int(text)
    if _RISKY_PLAIN.search(text):
        raise _NotSimple
    tag = _tags.get(text)
    if tag is None:
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
        if len(_tags) < 50_000:
            _tags[text] = tag
    if tag == _STR:
        return text
    if tag == _BOOL:
        return text.lower() in _TRUE
    if tag == _NULL:
        return None
    raise _NotSimple  # timestamps, floats, octal, sexagesimal…: PyYAML's job


_KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_known_keys: set[str] = set()
_values: dict[str, Any] = {}  # scalar text → value: ids, names and kinds repeat a lot
_MISSING = object()


def _key(name: str) -> str:
    if name not in _known_keys:
        # `on:` or `null:` are not string keys in YAML 1.1: leave them to PyYAML
        if not _KEY_NAME.match(name) or _RESOLVER.resolve(
                yaml.ScalarNode, name, (True, False)) != _STR:
            raise _NotSimple
        _known_keys.add(name)
    return name


def _value(text: str) -> Any:
    value = _values.get(text, _MISSING)
    if value is _MISSING:
        value = _scalar(text)
        if len(_values) < 100_000:
            _values[text] = value
    return value


def forget() -> None:
    _tags.clear()
    _values.clear()


def load_records(text: str) -> list[dict[str, Any]] | None:
    """Every document of a record stream, or None when it is not in the simple shape."""
    if "\r" in text or "\t" in text:
        return None
    documents: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    open_list: list[Any] | None = None
    try:
        for line in text.split("\n"):
            if not line or line[0] == "#":
                continue
            if line == "---":
                current = {}
                documents.append(current)
                open_list = None
                continue
            if current is None:
                return None
            if line == "...":
                current = None
                continue
            if line[0] == "-":
                if open_list is None or line[:2] != "- " or len(line) < 3:
                    return None
                open_list.append(_value(line[2:]))
                continue
            name, separator, value = line.partition(": ")
            if separator:
                key = _key(name)
                if key in current:
                    return None  # duplicate keys: let the real loader decide
                open_list = None
                current[key] = _value(value) if value else None
            elif line[-1] == ":":
                key = _key(line[:-1])
                if key in current:
                    return None
                open_list = []
                current[key] = open_list
            else:
                return None
    except _NotSimple:
        return None
    if not all(documents):
        return None  # an empty document is null in YAML: the real loader reports it
    for document in documents:  # `key:` with no item is null in YAML, not []
        for key, item in document.items():
            if item == [] and isinstance(item, list):
                document[key] = None
    return documents
