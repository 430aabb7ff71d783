"""Three-way merge of record files, document by document (pure), for git.

git's line-based `merge=union` is not enough for record files: when both
sides appended documents, git pairs up the lines they share (`event:
booked`, `by: camille`…) and interleaves the others, producing documents
with two `id:` lines. Here each YAML document is one unit: the merge keeps
every event of both sides, in order, exactly once, and applies the one
allowed rewrite (a purge) made on either side.
"""

from __future__ import annotations

import re

from mediatool.store.yamltext import (
    YamlSyntaxError,
    load_documents,
    split_documents,
    split_torn_tail,
)

_KEY_LINE = re.compile(r"^(id|event|at):[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def _normalise(chunk: str) -> str:
    return "\n".join(line.rstrip() for line in chunk.replace("\r\n", "\n").split("\n")).strip()


def _key(chunk: str) -> str:
    """What makes an event itself: its id, type and time; the whole text otherwise."""
    found = dict(_KEY_LINE.findall(chunk))
    if len(found) == 3:
        return f"{found['id']}\x00{found['event']}\x00{found['at']}"
    return _normalise(chunk)


def _documents(text: str) -> list[tuple[str, str]] | None:
    """(key, text) of each document; None when a torn tail or bad YAML makes the file unsure."""
    whole, fragment, _ = split_torn_tail(text)
    if fragment:
        return None
    try:
        load_documents(whole)
    except YamlSyntaxError:
        return None
    documents = []
    for _, chunk in split_documents(whole):
        body = chunk if chunk.endswith("\n") else chunk + "\n"
        documents.append((_key(chunk), body))
    return documents


def _anonymised_ids(documents: list[tuple[str, str]]) -> set[str]:
    """Ids a purge anonymised on this side: its documented rewrite, recognisable."""
    found = set()
    for _, text in documents:
        fields = dict(_KEY_LINE.findall(text))
        if fields.get("event", "").strip("'\"") == "anonymised" and "id" in fields:
            found.add(fields["id"])
    return found


def _id_of(key: str) -> str:
    return key.split("\x00", 1)[0]


def merge_record_streams(base: str, ours: str, theirs: str) -> str | None:
    """Ours, with their new events appended and their purges applied; None if unsure.

    Records are append-only, so git is left to ask a person (None) when:
    a side removed a complete document; a side changed a document other
    than by a purge (recognised by its `anonymised` event for that id);
    a version is torn or is not readable YAML. Otherwise:
    - an event on both sides is kept once (where ours has it);
    - an event only they added comes after ours, in their order; two
      different documents with one key are both kept (`check` flags them);
    - an event they anonymised while ours kept the base text takes their text, in place.
    """
    base_docs, our_docs, their_docs = _documents(base), _documents(ours), _documents(theirs)
    if base_docs is None or our_docs is None or their_docs is None:
        return None
    base_text = {key: _normalise(text) for key, text in base_docs}
    our_text = {key: _normalise(text) for key, text in our_docs}
    their_norm = {key: _normalise(text) for key, text in their_docs}
    for side, texts in ((our_docs, our_text), (their_docs, their_norm)):
        if any(key not in texts for key in base_text):
            return None  # a complete document removed: never merged silently
        purged = _anonymised_ids(side)
        for key, text in base_text.items():
            if texts[key] != text and _id_of(key) not in purged:
                return None  # changed without being a purge
    their_text = dict(their_docs)
    out: list[str] = []
    kept: dict[str, str] = {}
    for key, text in our_docs:
        if key in kept and _normalise(text) == kept[key]:
            continue
        if key in base_text and our_text[key] == base_text[key]:
            text = their_text[key]  # they anonymised it, or it is the same
        out.append(text)
        kept.setdefault(key, _normalise(text))
    for key, text in their_docs:
        if key in base_text:
            continue
        if key not in kept or (kept[key] != _normalise(text)
                               and _normalise(text) not in _all_texts(our_docs, key)):
            out.append(text)
            kept.setdefault(key, _normalise(text))
    return "".join(out)


def _all_texts(documents: list[tuple[str, str]], key: str) -> set[str]:
    return {_normalise(text) for k, text in documents if k == key}
