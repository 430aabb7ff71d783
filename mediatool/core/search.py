"""Fuzzy catalogue search tolerant of accents, case and typos (pure).

Each query word is matched against the vocabulary of every procedure
(title, keywords, organisation); a procedure scores by how well it covers
all the words, with a small bonus for the phrase matching as a whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from mediatool.core.model import Organisation, Procedure

STOPWORDS = frozenset(
    ["a", "au", "aux", "avec", "ce", "ces", "c", "d", "de", "des", "du", "en", "et", "faire", "il", "j", "je", "l", "la", "le", "les", "leur", "ma", "me", "mes", "mon", "ne", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "ton", "un", "une", "veux", "voudrais", "vouloir", "y", "est", "suis", "ai", "besoin", "aide", "aider", "comment"]
)
WORD_MIN_SCORE = 78.0  # below this, two words are not the same word with a typo
ORGANISATION_WEIGHT = 0.7  # "caf" alone should not outrank what the caller asked for
KEYWORD_WEIGHT = 0.95  # a word of the title or id names the procedure more surely


# Letters that NFKD does not decompose but French writes: spelled out, not dropped.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    # accents are combining marks after NFKD: dropping non-ASCII removes them at C speed
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", ascii_only).strip()


def words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in STOPWORDS]


@dataclass(frozen=True)
class Match:
    procedure: Procedure
    score: float


class SearchIndex:
    """Built once per catalogue; `search` is then a few rapidfuzz calls."""

    def __init__(self, procedures: Iterable[Procedure],
                 organisations: dict[str, Organisation] | None = None) -> None:
        organisations = organisations or {}
        self.procedures = list(procedures)
        # word → {procedure index: weight}
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        self.phrases: list[str] = []
        self.owner: list[int] = []
        for index, proc in enumerate(self.procedures):
            org = organisations.get(proc.organisation)
            weighted = [(proc.title, 1.0), (proc.id.replace("-", " "), 1.0),
                        *((k, KEYWORD_WEIGHT) for k in proc.keywords),
                        (proc.organisation, ORGANISATION_WEIGHT),
                        *(((org.name, ORGANISATION_WEIGHT),) if org else ())]
            for phrase, weight in weighted:
                for word in words(phrase):
                    current = self.postings[word].get(index, 0.0)
                    self.postings[word][index] = max(current, weight)
                if weight > ORGANISATION_WEIGHT:
                    self.phrases.append(normalise(phrase))
                    self.owner.append(index)
        self.vocabulary = list(self.postings)

    def search(self, text: str, limit: int = 5) -> list[Match]:
        """Best matches first; empty when nothing is close enough."""
        query_words = words(text)
        if not query_words:
            return []
        totals: dict[int, float] = defaultdict(float)
        for word in dict.fromkeys(query_words):
            best: dict[int, float] = {}
            for candidate, score, _ in process.extract(
                    word, self.vocabulary, scorer=_word_score, limit=None,
                    score_cutoff=WORD_MIN_SCORE):
                for index, weight in self.postings[candidate].items():
                    value = score * weight
                    if value > best.get(index, 0.0):
                        best[index] = value
            for index, value in best.items():
                totals[index] += value
        if not totals:
            return []
        count = len(dict.fromkeys(query_words))
        phrase = " ".join(query_words)
        bonus: dict[int, float] = {}
        for _, score, position in process.extract(phrase, self.phrases,
                                                  scorer=fuzz.token_set_ratio, limit=None,
                                                  score_cutoff=50):
            index = self.owner[position]
            bonus[index] = max(bonus.get(index, 0.0), score)
        ranked = sorted(
            ((totals[i] / count) * 0.8 + bonus.get(i, 0.0) * 0.2, i) for i in totals)
        ranked.sort(key=lambda pair: (-pair[0], self.procedures[pair[1]].id))
        return [Match(self.procedures[i], round(score, 1)) for score, i in ranked[:limit]
                if score >= 40]


def _word_score(a: str, b: str, **kwargs: object) -> float:
    """Same word with a typo, or a prefix of it ("impot" ↔ "impots", "apl" ↔ "apl")."""
    if a == b:
        return 100.0
    if len(a) >= 4 and len(b) >= len(a) and b.startswith(a):
        return 95.0
    if len(a) <= 3 or len(b) <= 3:
        return 0.0  # short words (apl, rsa, caf) must match exactly
    return fuzz.ratio(a, b)


def closest_ids(wanted: str, ids: Iterable[str], limit: int = 3) -> list[str]:
    """Ids that look like what was typed, for "did you mean" hints."""
    choices = list(ids)
    found = process.extract(normalise(wanted), {i: normalise(i) for i in choices},
                            scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
    return [key for _, _, key in found]
