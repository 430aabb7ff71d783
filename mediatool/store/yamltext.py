"""YAML parsing with positions, safe loaders only (C implementation when present).

Catalogue files are composed into nodes so that every value keeps its
line and column; record files take a fast path (one C `load_all`) and
recover each document's first line by scanning the separators we write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from mediatool.core.fields import Pointer, Positioned
from mediatool.store import _fastyaml as fastyaml

try:  # the C loader is several times faster on large record files
    from yaml import CSafeDumper as SafeDumper
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper, SafeLoader  # type: ignore[assignment]


# Billion-laughs guard: aliases may point at the same node many times.
MAX_NODES = 200_000
MAX_DEPTH = 60


class YamlSyntaxError(Exception):
    """A YAML text that cannot be read; `line` and `column` are 1-based."""

    def __init__(self, message: str, line: int | None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _syntax_error(exc: yaml.YAMLError, text: str | None = None) -> YamlSyntaxError:
    """A PyYAML or libyaml error as a French sentence that says what to do.

    `text` (the document that failed) lets the fix quote the person's own line.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    source_line = _line_of(text, line)
    return YamlSyntaxError(translate(problem, context, source_line, column), line, column)


def _line_of(text: str | None, line: int | None) -> str:
    if text is None or line is None:
        return ""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _quote_fix(source_line: str) -> str:
    """`service: Ville de Rennes: médiation` → `service: "Ville de Rennes: médiation"`."""
    key, sep, value = source_line.strip().partition(": ")
    value = value.strip()
    if not sep or not value or value[0] in "\"'":
        return "mettez la valeur entre guillemets"
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'mettez la valeur entre guillemets : {key}: "{value}"'


def _after_quote(source_line: str) -> bool:
    """True when text follows a closed quote: `nom: "Léa" Martin`."""
    return re.search(r""":\s*(["'])[^"']*\1\s*[^\s#]""", source_line) is not None


def _char_at(source_line: str, column: int | None) -> str:
    if column is None or not 0 < column <= len(source_line):
        return ""
    return source_line[column - 1]


def _mapping_value(context: str, source_line: str, column: int | None) -> str:
    return "« : » en trop dans une valeur : " + _quote_fix(source_line)


def _end_of_stream(context: str, source_line: str, column: int | None) -> str:
    if "quoted" in context:
        return "guillemet jamais fermé avant la fin du fichier : fermez-le (fichier tronqué ?)"
    return "fin de fichier au milieu d'une valeur : fermez le crochet ou l'accolade (fichier tronqué ?)"


def _bad_start(context: str, source_line: str, column: int | None) -> str:
    char = _char_at(source_line, column)
    if char == "\t":
        return _TAB
    shown = f"« {char} »" if char.strip() else "ce caractère"
    return f"{shown} ne peut pas commencer une valeur : mettez la valeur entre guillemets"


def _block(context: str, source_line: str, column: int | None) -> str:
    if _after_quote(source_line):
        return "texte après le guillemet fermant : mettez toute la valeur entre guillemets"
    return ("indentation incohérente : alignez cette ligne sur les clés du même niveau "
            "(avec des espaces)")


_TAB = "tabulation dans l'indentation : remplacez la tabulation par des espaces"
_QUOTE = "mettez la valeur entre guillemets"
_Sentence = Callable[[str, str, "int | None"], str]

# (what PyYAML or libyaml says, in its problem or context; the French sentence, or a
# function that words it from the person's own line). The first match wins. Both
# parsers' wordings are listed: which one runs depends on how PyYAML was installed.
_MESSAGES: tuple[tuple[str, str | _Sentence], ...] = (
    (r"could not determine a constructor for the tag",
     f"étiquette YAML interdite (seules les données simples sont acceptées) : retirez le « ! » "
     f"ou {_QUOTE}"),
    (r"found character '\\t' that cannot start any token|tab character that violates indentation",
     _TAB),
    (r"mapping values are not allowed", _mapping_value),
    (r"did not find expected '-' indicator|expected <block end>, but found '\?'",
     "élément de liste mal aligné : chaque élément commence par « - » à la même indentation "
     "que les autres, et une clé ne peut pas suivre une liste au même niveau"),
    (r"could not find expected ':'",
     "« : » manquant : écrivez « clé: valeur », ou mettez entre guillemets un texte qui "
     "continue sur plusieurs lignes"),
    (r"found unexpected end of stream", _end_of_stream),
    (r"found undefined alias",
     f"« * » annonce un alias YAML inconnu : si l'étoile fait partie du texte, {_QUOTE}"),
    (r"found duplicate anchor",
     f"ancre « & » en double : si « & » fait partie du texte, {_QUOTE}, sinon renommez la "
     "seconde ancre"),
    (r"exceeded maximum nesting depth",
     f"imbrication trop profonde (crochets ou accolades emboîtés) : simplifiez la valeur ou "
     f"{_QUOTE}"),
    (r"unacceptable character|special characters are not allowed|"
     r"control characters are not allowed",
     "caractère interdit (caractère de contrôle ou invisible) : supprimez-le ou retapez la ligne"),
    (r"that cannot start any token", _bad_start),
    (r"expected ',' or '\]'",
     "liste entre crochets mal fermée : vérifiez les virgules et le « ] » final, et mettez entre "
     "guillemets un élément qui contient « , », « : » ou « ] »"),
    (r"expected ',' or '\}'",
     "accolades mal fermées : vérifiez les virgules et le « } » final, et mettez entre guillemets "
     "un texte qui contient « , », « : » ou « } »"),
    (r"expected <block end>|did not find expected key", _block),
    (r"found unknown escape character",
     "barre oblique inverse « \\ » entre guillemets doubles : doublez-la (\\\\) ou utilisez "
     "des guillemets simples"),
    (r"chomping or indentation indicators|expected comment or line break",
     f"après « | » ou « > », rien sur la même ligne : passez le texte à la ligne suivante, "
     f"indenté, ou {_QUOTE}"),
    (r"expected alphabetic or numeric character", f"« & » ou « * » en début de valeur : {_QUOTE}"),
    (r"scanning a tag|parsing a tag", f"« ! » en début de valeur : {_QUOTE}"),
    (r"directive", f"« % » en début de ligne : {_QUOTE}"),
    (r"expected a single document|but found another document",
     "plusieurs documents (« --- ») dans un fichier qui n'en attend qu'un : retirez les « --- »"),
)


def translate(problem: str, context: str = "", source_line: str = "",
              column: int | None = None) -> str:
    """The French sentence for a YAML parser's problem (see _MESSAGES)."""
    said = f"{problem} {context}"
    for pattern, sentence in _MESSAGES:
        if re.search(pattern, said):
            return sentence if isinstance(sentence, str) else sentence(context, source_line, column)
    return ("YAML illisible : vérifiez l'indentation et les guillemets à cet endroit "
            f"(message d'origine : {problem})")


# What YAML forbids in a stream (control characters, lone surrogates, U+FFFE/FFFF):
# found here, it is reported with its line instead of libyaml's byte offset.
_FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise YamlSyntaxError("le fichier n'est pas en UTF-8 (accents illisibles) : "
                                  "enregistrez-le en UTF-8 depuis votre éditeur", line) from None
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        start = forbidden.start()
        line = text.count("\n", 0, start) + 1
        column = start - text.rfind("\n", 0, start)
        raise YamlSyntaxError(f"caractère interdit (U+{ord(forbidden.group()):04X}) : "
                              "caractère de contrôle ou invisible : supprimez-le ou retapez la ligne",
                              line, column)
    return text


def refuse_deep_flow(text: str) -> None:
    """Stop early on deeply nested flow collections (`[[[[…`), which libyaml
    scans in quadratic time: 20,000 brackets would take seconds.

    Only texts with more brackets than MAX_DEPTH are walked event by event,
    so ordinary files pay one `count`.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlSyntaxError("imbrication trop profonde",
                                          mark.line + 1 if mark else None,
                                          mark.column + 1 if mark else None)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # the real parse reports it, with its position


def load_positioned(data: bytes | str) -> Positioned:
    """Parse one YAML document keeping positions; raise YamlSyntaxError."""
    text = _decode(data)
    refuse_deep_flow(text)
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None
    finally:
        loader.dispose()
    result = Positioned(None, {}, set())
    if node is None:
        return result
    _refuse_alias_bombs(node)
    builder = _Builder(result)
    result.value = builder.build(node, (), 0)
    return result


def _refuse_alias_bombs(root: yaml.Node) -> None:
    """Refuse, before building anything, a tree whose aliases expand past MAX_NODES.

    Each distinct node is sized once (aliases share nodes), so a billion-laughs
    file is refused in microseconds instead of after building 200,000 values.
    """
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > MAX_DEPTH or key in visiting:
            raise YamlSyntaxError("imbrication trop profonde ou alias YAML récursif",
                                  node.start_mark.line + 1, node.start_mark.column + 1)
        visiting.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        visiting.discard(key)
        if total > MAX_NODES:
            raise YamlSyntaxError("fichier trop gros ou alias YAML en cascade",
                                  node.start_mark.line + 1, node.start_mark.column + 1)
        sizes[key] = total
        return total

    size(root, 0)


def _unreadable_scalar(node: yaml.Node) -> YamlSyntaxError:
    """A scalar YAML resolves to a type it then cannot build (e.g. date 2026-13-45)."""
    text = str(node.value)
    shown = text[:40] + ("…" if len(text) > 40 else "")
    return YamlSyntaxError(f"valeur impossible « {shown} » (date ou nombre invalide ?)",
                           node.start_mark.line + 1, node.start_mark.column + 1)


def _locate_unreadable_scalar(text: str) -> YamlSyntaxError | None:
    """Find which scalar of a document fails to build, for its position."""
    constructor = yaml.SafeLoader("")
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        return _syntax_error(exc, text)
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except (ValueError, OverflowError, TypeError, yaml.YAMLError):
                return _unreadable_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in node.value for part in pair)
    return None


_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _Builder:
    def __init__(self, result: Positioned) -> None:
        self.result = result
        self.count = 0
        # Scalars are resolved by PyYAML's own safe constructor.
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Pointer, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlSyntaxError("fichier trop gros ou alias YAML en cascade", node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise YamlSyntaxError("imbrication trop profonde", node.start_mark.line + 1)
        self.result.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        try:
            if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
                raise YamlSyntaxError(translate("could not determine a constructor for the tag"),
                                      node.start_mark.line + 1, node.start_mark.column + 1)
            if isinstance(node, yaml.MappingNode):
                self.constructor.flatten_mapping(node)
                mapping: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    key = self.build_scalar_key(key_node)
                    if key in mapping:
                        raise YamlSyntaxError(f"clé « {key} » en double",
                                              key_node.start_mark.line + 1,
                                              key_node.start_mark.column + 1)
                    # A problem with an entry points at the key the person wrote,
                    # not at its value (which may start on the next line).
                    self.result.positions[(*path, key)] = (key_node.start_mark.line + 1,
                                                           key_node.start_mark.column + 1)
                    mapping[key] = self.build(value_node, (*path, key), depth + 1)
                return mapping
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
            if not getattr(node, "style", None):  # only scalars get here; they have a style
                self.result.plain_scalars.add(path)
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise _syntax_error(exc) from None
        except (ValueError, OverflowError, TypeError):
            raise _unreadable_scalar(node) from None

    def build_scalar_key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise YamlSyntaxError("clé non simple", node.start_mark.line + 1)
        try:
            key = self.constructor.construct_object(node)
        except yaml.YAMLError as exc:
            raise _syntax_error(exc) from None
        except (ValueError, OverflowError, TypeError):
            raise _unreadable_scalar(node) from None
        return key if isinstance(key, str) else str(key)


DOCUMENT_START = "---"
DOCUMENT_END = "..."


@dataclass
class Document:
    """One record document: its first line and its value."""

    line: int
    value: Any
    complete: bool  # ended with the `...` marker we always write
    text: str = ""


_DOCUMENT_START_RE = re.compile(r"^---(?:[ \t\r\f\v]*$| )", re.MULTILINE)


def split_documents(text: str) -> list[tuple[int, str]]:
    """Cut a record stream at `---` lines; returns (first line, text) pairs."""
    starts = [m.start() for m in _DOCUMENT_START_RE.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    chunks: list[tuple[int, str]] = []
    line = 1
    for begin, end in zip(starts, starts[1:], strict=False):
        chunk = text[begin:end]
        if chunk.strip():
            chunks.append((line, chunk))
        line += chunk.count("\n")
    return chunks


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"


def _construct_record(loader: Any, node: yaml.Node) -> Any:
    """A record document as `SafeLoader` would build it, without its per-node machinery.

    Records are flat mappings of scalars and lists of scalars; those are built
    here directly (plain strings as they are, other scalars by the safe
    constructor itself). Anything else — nested mappings, merge keys, tags —
    goes through the safe constructor unchanged.
    """
    if type(node) is not yaml.MappingNode or node.tag != _MAP_TAG:
        return loader.construct_document(node)
    result: dict[Any, Any] = {}
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode
    for key_node, value_node in node.value:
        if type(key_node) is not scalar or key_node.tag != _STR_TAG or key_node.value == "<<":
            return loader.construct_document(node)
        kind = type(value_node)
        if kind is scalar:
            if value_node.tag == _STR_TAG:
                value = value_node.value
            else:
                value = loader.construct_object(value_node)
        elif kind is sequence and value_node.tag == "tag:yaml.org,2002:seq" and all(
                type(item) is scalar for item in value_node.value):
            value = [item.value if item.tag == _STR_TAG else loader.construct_object(item)
                     for item in value_node.value]
        else:
            return loader.construct_document(node)
        result[key_node.value] = value
    loader.constructed_objects = {}
    return result


class _RecordLoader(SafeLoader):  # type: ignore[misc, valid-type]
    """The safe C loader, remembering how plain scalars resolve (keys repeat a lot).

    Same tags as `SafeLoader`, which has no path resolvers: a quoted scalar is
    always a string, and a plain one resolves from its text alone.
    """

    _plain: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:
            return _STR_TAG
        tag = self._plain.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._plain) < 50_000:
                self._plain[value] = tag
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def forget_scalars() -> None:
    """Empty the readers' scalar memos (up to ~20 MB, mostly ids seen once): for a reader
    that streams a long history file by file and wants its memory back between files."""
    fastyaml.forget()
    _RecordLoader._plain.clear()


def load_all_records(text: str) -> list[Any]:
    """Every document of a stream, with the safe C loader; raises yaml.YAMLError."""
    loader = _RecordLoader(text)
    try:
        values = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:  # check_node() said there is one
                values.append(_construct_record(loader, node))
        return values
    finally:
        loader.dispose()


def load_documents(data: bytes | str) -> list[Document]:
    """Parse a record stream; one C pass when it is clean, chunk by chunk when not.

    A torn tail (a writer killed mid-append: whatever follows the last `...`
    end marker) is returned as a last Document with `complete=False` and no
    value, whatever its bytes, so readers report a truncated record at its
    line rather than a syntax error, and never mistake it for a record.
    """
    text = _decode_stream(data)
    whole, fragment, fragment_line = split_torn_tail(text)
    chunks = split_documents(whole)
    values: list[Any] | None = fastyaml.load_records(whole)
    if values is None or len(values) != len(chunks):
        refuse_deep_flow(whole)
        try:
            values = load_all_records(whole)
        except (yaml.YAMLError, RecursionError, ValueError, OverflowError, TypeError):
            values = None
        values = [v for v in values if v is not None] if values is not None else None
    if values is not None and len(values) == len(chunks):
        documents = [Document(line, value, ends_complete(chunk), chunk)
                     for (line, chunk), value in zip(chunks, values, strict=True)]
    else:
        documents = _load_chunk_by_chunk(chunks)
    if fragment:
        documents.append(Document(fragment_line, None, False, fragment))
    return documents


def _load_chunk_by_chunk(chunks: list[tuple[int, str]]) -> list[Document]:
    """Slow path: find which chunk is broken, with its own line numbers."""
    documents = []
    for line, chunk in chunks:
        documents.append(load_one_document(chunk, line))
    return documents


def load_one_document(chunk: str, line: int) -> Document:
    """Parse one record document that starts at `line` of its file."""
    try:
        value = yaml.load(chunk, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        err = _syntax_error(exc, chunk)
        raise YamlSyntaxError(err.message, line + (err.line or 1) - 1, err.column) from None
    except (ValueError, OverflowError, TypeError):
        err = _locate_unreadable_scalar(chunk) or YamlSyntaxError("valeur illisible", 1)
        raise YamlSyntaxError(err.message, line + (err.line or 1) - 1, err.column) from None
    except RecursionError:
        raise YamlSyntaxError("imbrication trop profonde", line) from None
    return Document(line, value, ends_complete(chunk), chunk)


def split_torn_tail(text: str) -> tuple[str, str, int]:
    """(complete part, torn fragment, fragment's first line) of a record stream.

    Every append ends with a `...` line at column 0, so anything non-blank
    after the last such line is what an interrupted append left behind.
    """
    position = len(text)
    end = -1
    while position > 0:
        newline = text.rfind("\n", 0, position - 1) if position > 1 else -1
        line = text[newline + 1:position].rstrip("\r\n")
        if line.rstrip() == DOCUMENT_END:
            end = position
            break
        position = newline + 1
        if newline < 0:
            break
    whole, fragment = (text[:end], text[end:]) if end >= 0 else ("", text)
    if not fragment.strip():
        return text, "", 0
    skipped = len(fragment) - len(fragment.lstrip("\r\n"))
    first_line = whole.count("\n") + fragment[:skipped].count("\n") + 1
    return whole, fragment, first_line


def _decode_stream(data: bytes | str) -> str:
    """Decode a record stream; bytes cut inside the torn last document are tolerated."""
    if isinstance(data, str):
        return data
    try:
        return _decode(data)
    except YamlSyntaxError:
        if data.rstrip(b" \t\r\n").endswith(b"\n" + DOCUMENT_END.encode()):
            raise
        start = data.rfind(b"\n" + DOCUMENT_START.encode()) + 1
        head, tail = data[:start], data[start:]
        # Only the last, unfinished document may hold a cut multi-byte character.
        return _decode(head) + tail.decode("utf-8", errors="replace")


def ends_complete(chunk: str) -> bool:
    """True when the chunk's last non-blank line is our `...` end marker (at column 0).

    An indented `  ...` is the continuation of a quoted value, not an end.
    """
    for line in reversed(chunk.splitlines()):
        if line.strip():
            return line.rstrip() == DOCUMENT_END
    return False


def dump_document(value: dict[str, Any]) -> str:
    """Serialise one event as a complete record document (`---` … `...`)."""
    body = yaml.dump(value, Dumper=SafeDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=10_000)
    return f"{DOCUMENT_START}\n{body}{DOCUMENT_END}\n"


class _NoAliasDumper(SafeDumper):  # type: ignore[misc, valid-type]
    """Writes a value twice rather than as an anchor and alias: people edit these files."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(value: Any) -> str:
    """Serialise a plain value as block YAML (for files people edit)."""
    return yaml.dump(value, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
