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

from mediatool.store.yamltext import split_documents, split_torn_tail

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
    """(key, text) of each document; None when a torn tail makes the file unsure."""
    whole, fragment, _ = split_torn_tail(text)
    if fragment:
        return None
    documents = []
    for _, chunk in split_documents(whole):
        body = chunk if chunk.endswith("\n") else chunk + "\n"
        documents.append((_key(chunk), body))
    return documents


def merge_record_streams(base: str, ours: str, theirs: str) -> str | None:
    """Ours, with their new events appended and their rewrites applied; None if unsure.

    - an event on both sides is kept once (where ours has it);
    - an event only they added comes after ours, in their order;
    - an event they rewrote (purge) while ours kept the base text takes their text,
      in place; one they removed while ours kept it unchanged is dropped.
    """
    base_docs, our_docs, their_docs = _documents(base), _documents(ours), _documents(theirs)
    if base_docs is None or our_docs is None or their_docs is None:
        return None
    base_text = {key: _normalise(text) for key, text in base_docs}
    their_text = dict(their_docs)
    out: list[str] = []
    kept: set[str] = set()
    for key, text in our_docs:
        if key in kept:
            continue
        unchanged_here = base_text.get(key) == _normalise(text)
        if key in base_text and key not in their_text and unchanged_here:
            continue  # they removed it
        if unchanged_here and key in their_text:
            text = their_text[key]  # they rewrote it, or it is the same
        out.append(text)
        kept.add(key)
    for key, text in their_docs:
        if key not in kept and key not in base_text:
            out.append(text)
            kept.add(key)
    return "".join(out)
