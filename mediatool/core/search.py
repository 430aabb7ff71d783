"""Catalogue search for how callers speak, tolerant of accents, case, typos and word forms
(pure).

Words are normalised (accents, case), French filler is dropped, and each word is reduced
to its stem (Snowball), so "arrêté" finds "arrêt" and "remboursé" "remboursement". A
query word is matched against the stems of every entry's title, keywords and
organisation — exactly, as a prefix, or with a typo (rapidfuzz's C scorer) — and weighs
by how rare it is in the catalogue (a word every Caf entry has says little). Words that
match nothing in the catalogue weigh only a little, so a spoken sentence still finds its
procedure. The action said (lost, expired, moved, registered…) lifts the entries whose
title names it; a sentence naming only an organisation ("la caf") gets its entries in
catalogue order, weak. Entries out of the service's mission (violence, a complaint, a medical
question) come up only when one of their keyword phrases is said whole — or, for an
entry with danger signals (catalogue `danger:`), when the sentence says harm done to the
caller by someone ("il m'a giflée", "mon mari me cogne"), pressure from a close person
or fear of them: that entry then comes first, flagged urgent.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from operator import lt, sub
from typing import Any, overload

from mediatool.core.model import DangerSignals, Organisation, Procedure, Synonym
from mediatool.core.text import normalise
from mediatool.core.values import frozen

# Filler of spoken French: pronouns, articles, "il faut", "comment je fais pour"…
STOPWORDS = frozenset("""
a ai aie ait as au aux avec avoir bah bon bonjour c ca ce ceci cela ces cest cet cette
chez comme comment d dans de des dois doit donc du elle en est et etait ete etre eu euh
faire fais fait faut il ils j je jai l la le les leur leurs lors m ma madame mais me merci
mes mettre moi mon monsieur n ne nest nous on ou par pas peu peut peux plus pour pouvoir
puis qu quand que quel quelle quels qui quoi s sa sans se ses si sil son sont suis sur
svp t ta te tes toi ton tout tous tres tu un une vais veut veux vont voila voudrais
appelle appeler appelais rappelle ben hein alors
semaine semaines hier demain depuis fois maintenant aujourd hui deja encore toujours
vouloir vous vu y aide aider aidez besoin demande demander savoir sais
""".split())
WORD_MIN_SCORE = 80.0  # below this, two words are not one word with a typo
FIELD_WEIGHTS = {"title": 1.0, "keyword": 0.9, "id": 0.8, "organisation": 0.45}
UNKNOWN_WEIGHT = 0.35  # share of a word the catalogue has never heard of
VERDICT_UNKNOWN = 0.5  # the same share when saying how sure a match is (score shown)
SYNONYM_WEIGHT = 0.6  # share of a word the caller did not say but meant (catalogue synonyms)
RELATED_FROM = 6  # stems this long find their other forms (see _similar)
RELATED_SCORE = 90.0
PREFIX_TAIL = 3  # "franc" is the start of "francais", not of "franceconnect"
STRONG = 62.0
ORG_WORD_SHARE = 0.6  # a stem names an organisation when its entries say it this often
ORG_MIN_ENTRIES = 3  # below this, naming the organisation names the procedure
GUARD_OPEN = 50.0  # an out-of-mission entry matching this well comes up in other words  # from this score on, a match is "fort"
FLOOR = 28.0  # below this, not a match at all

ELIDED = frozenset("cdjlmnst")  # letters French elides before a vowel: d'identité, j'veux
@functools.lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    # Snowball's French stemmer in C: the pure-Python one was 80 % of building the index.
    import Stemmer  # imported on first search only

    return Stemmer.Stemmer("french")


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return word if len(word) <= 3 or word.isdigit() else _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """The stems of the words that carry meaning, in order."""
    return [stem(w) for w in normalise(text).split() if w not in STOPWORDS]


def _all_stems(text: str) -> frozenset[str]:
    """Every word's stem, filler included: "il me bat" is not "je me bats"."""
    return frozenset(stem(w) for w in normalise(text).split())


@frozen
class Match:
    procedure: Procedure
    score: float
    urgent: bool = False  # a danger signal was heard: first, with its emergency numbers

    @property
    def strong(self) -> bool:
        return self.score >= STRONG

    @property
    def verdict(self) -> str:
        return "fort" if self.strong else "faible"


# French grammar the danger signals rely on (not lexicon: it does not change with the
# catalogue). Who does it: "il me frappe"; to whom: "me", "m'", "moi"; said of oneself:
# "je me bats", "il se bat"; undergone: "je suis battue", "je me fais taper".
_SUBJECTS = frozenset({"il", "elle", "ils", "elles"})
_ME = frozenset({"me", "m", "moi"})
_UNDERGONE = frozenset({"suis", "ete", "etais", "fais", "fait", "faite", "faire"})
_CAUSATIVE = frozenset({"fais", "fait", "faite", "faire"})
_AIMED_WINDOW = 4  # "il m'a encore frappée": the act comes at most four words after "m'"
_SUBJECT_WINDOW = 6


class _WordSet:
    """Lexicon words, each finding its other forms: the same word (or with -s, -e, -es),
    the same stem, or the stem and a short ending ("frapper" finds "frappée", "battue"
    "battues"; "forcer" does not find "forcément"). Set lookups: a search stays cheap."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.exact: set[str] = set()
        self.short_roots: set[str] = set()  # three letters: too little alone
        self.roots: set[str] = set()
        self._seen: dict[str, bool] = {}  # token → matches: the same words come back
        # several words in a row ("beau père"), each word as its own set
        self.sequences: list[tuple[_WordSet, ...]] = []
        for text in texts:
            entry = tuple(normalise(text).split())
            if len(entry) > 1:
                self.sequences.append(tuple(_WordSet([w]) for w in entry))
            elif entry:
                self._add(entry[0])

    def to_data(self) -> list[Any]:
        return [sorted(self.exact), sorted(self.short_roots), sorted(self.roots),
                [[w.to_data() for w in entry] for entry in self.sequences]]

    @classmethod
    def from_data(cls, data: Any) -> _WordSet:
        """A word set `to_data` saved (stemming its words again costs more than a search)."""
        exact, short_roots, roots, sequences = data
        if not set(map(type, chain(exact, short_roots, roots))) <= {str}:
            raise ValueError("word set")
        found = cls(())
        found.exact, found.short_roots, found.roots = set(exact), set(short_roots), set(roots)
        found.sequences = [tuple(map(cls.from_data, entry)) for entry in sequences]
        return found

    def _add(self, word: str) -> None:
        self.exact.update((word, word + "s", word + "e", word + "es"))
        root = stem(word)
        if len(root) == 3:
            self.short_roots.add(root)
        elif len(root) > 3:
            self.roots.add(root)

    def matches(self, token: str) -> bool:
        known = self._seen.get(token)
        if known is None:
            if len(self._seen) > 50_000:
                self._seen.clear()
            known = self._seen[token] = self._matches(token)
        return known

    def _matches(self, token: str) -> bool:
        if token in self.exact:
            return True
        root = stem(token)
        if len(token) > 3 and root in self.short_roots:  # "fils" and "fil" share "fil"
            return True
        return root in self.roots or any(token[:len(token) - cut] in self.roots
                                         for cut in (0, 1, 2, 3) if len(token) - cut > 3)

    def positions(self, tokens: list[str]) -> set[int]:
        """Where a word is said (for several words in a row: where the last one is)."""
        found = {at for at, token in enumerate(tokens) if self.matches(token)}
        for entry in self.sequences:
            size = len(entry)
            for at in range(len(tokens) - size + 1):
                if all(w.matches(tokens[at + k]) for k, w in enumerate(entry)):
                    found.add(at + size - 1)
        return found


class _Signals:
    """One entry's danger signals, compiled (see DangerSignals in the model)."""

    def __init__(self, index: int, signals: DangerSignals | None, saved: Any = None) -> None:
        """From the entry's `signals`, or from what `to_data` saved of them."""
        self.index = index
        if saved is not None:
            phrases, sets = saved
            if not set(map(type, chain.from_iterable(phrases))) <= {str} or len(sets) != 5:
                raise ValueError("danger")
            self.phrases = list(map(frozenset, phrases))
            self.harms, self.pressures, self.fears, self.partners, self.close = map(
                _WordSet.from_data, sets)
            return
        assert signals is not None
        self.phrases = [frozenset(words(p)) for p in signals.phrases if words(p)]
        self.harms = _WordSet(signals.harms)
        self.pressures = _WordSet(signals.pressures)
        self.fears = _WordSet(signals.fears)
        self.partners = _WordSet(signals.partners)
        self.close = _WordSet([*signals.partners, *signals.family])

    def to_data(self) -> list[Any]:
        return [[sorted(p) for p in self.phrases],
                [w.to_data() for w in (self.harms, self.pressures, self.fears, self.partners,
                                       self.close)]]

    def heard(self, tokens: list[str], content: frozenset[str]) -> bool:
        """`tokens`: every word of the sentence, normalised; `content`: its stems."""
        if any(phrase <= content for phrase in self.phrases):
            return True
        close_at = self.close.positions(tokens)
        for at in self.harms.positions(tokens):
            if _reflexive(tokens, at):
                continue
            if close_at or _aimed(tokens, at, close_at) or tokens[at - 1:at] and \
                    tokens[at - 1] in _UNDERGONE:
                return True
        if any(not _reflexive(tokens, at) and _aimed(tokens, at, close_at)
               for at in self.pressures.positions(tokens)):
            return True
        fears = self.fears.positions(tokens)
        return bool(fears) and (bool(self.partners.positions(tokens)) or any(
            {"lui", "elle"} & set(tokens[at + 1:at + 4]) for at in fears))


def _reflexive(tokens: list[str], at: int) -> bool:
    """Done to oneself or to each other ("il se bat", "je me bats", "je me suis cogné"),
    but not "je me fais taper"."""
    before = tokens[max(at - 3, 0):at]
    if before[-1:] == ["se"]:
        return True
    if before[-1:] and before[-1] in _CAUSATIVE:
        return False
    return any(before[k] in ("je", "j") and before[k + 1] == "me"
               for k in range(len(before) - 1))


def _aimed(tokens: list[str], at: int, close_at: set[int]) -> bool:
    """The act is aimed at the caller ("me", "m'" just before) by someone: a pronoun or a
    close person said shortly before ("mon ordinateur me bat" is nobody's act)."""
    if not _ME & set(tokens[max(at - _AIMED_WINDOW, 0):at]):
        return False
    start = max(at - _SUBJECT_WINDOW, 0)
    return bool(_SUBJECTS & set(tokens[start:at])) or any(start <= c < at for c in close_at)


# What the caller wants done, said in everyday words, and the words an entry's title uses
# for that action. Within one family ("carte grise") the action decides: "j'ai perdu ma
# carte grise" is the duplicata, not the purchase. French usage, not catalogue lexicon:
# any new entry whose title names the action is found by it.
INTENTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("perdu", "perdre", "perte", "paume", "egare", "vole", "voler", "vol", "pique",
      "derobe", "casse", "abime", "dechire", "detruit", "endommage", "disparu"),
     ("perte", "perdu", "vol", "volee", "duplicata", "deterioration")),
    (("renouveler", "renouveller", "renouvellement", "perime", "expire", "expiration",
      "plus valable", "plus bon", "fin de validite", "arrive a la fin", "refaire"),
     ("renouveler", "renouvellement")),
    (("demenage", "demenager", "demenagement", "nouvelle adresse", "change d adresse",
      "changer d adresse", "changement d adresse", "autre adresse"),
     ("changer l adresse", "changement d adresse", "demenagement")),  # not "adresse e-mail"
    (("inscrire", "inscrit", "inscription", "pas inscrit"),
     ("inscrire",)),  # "Vérifier son inscription" is not registering
    (("verifier", "savoir si", "suis je", "est ce que je suis", "consulter", "combien",
      "solde", "ou en est", "suivre"),
     ("verifier", "consulter")),  # not "faire suivre son courrier"
    (("radie", "radiation", "raye", "rayee", "plus inscrit", "reinscrire", "desinscrit"),
     ("reinscrire", "radiation")),
    (("retrouve", "repris", "reprise", "reprends", "separe", "separation", "divorce",
      "marie", "mariage", "pacse", "en couple", "remis en couple", "hospitalise",
      "changement de situation", "ma situation a change"),
     ("changement de situation", "signaler un changement")),
    (("vendu", "vendre", "vente", "cede", "ceder", "cession"),
     ("vente", "cession")),
    (("achete", "acheter", "achat", "achats"),
     ("achat", "acheter")),
    (("contester", "contestation", "erreur", "pas d accord", "reclamation", "recours",
      "injuste"),
     ("contester", "reclamation")),
    (("connecter", "connexion", "connecte", "rentrer sur", "acceder"),
     ("connecter", "connexion")),
    (("attestation", "justificatif", "prouve", "preuve", "certificat"),
     ("attestation", "justificatif")),
    (("apprendre", "comprendre", "comprends", "comprend", "sais pas", "servir",
      "expliquer", "c est quoi", "a quoi ca sert", "jamais utilise"),
     ("apprendre", "comprendre", "prendre en main")),
)
INTENT_BONUS = 10.0
FREQUENCY_GAIN = 3.0  # at most this many points for words taken up by many phrases
FREQUENCY_HALF = 3.0  # this many phrase words give half of FREQUENCY_GAIN  # points for an entry whose title names each action the caller said


class SearchIndex:
    """Built once per catalogue; `search` is then a few rapidfuzz calls."""

    def __init__(self, procedures: Iterable[Procedure],
                 organisations: dict[str, Organisation] | None = None,
                 synonyms: Iterable[Synonym] = (), *, saved: dict[str, Any] | None = None
                 ) -> None:
        """`saved`: what `to_data` gave for these very procedures (see `from_data`)."""
        organisations = organisations or {}
        self.procedures: Sequence[Procedure] = (
            procedures if isinstance(procedures, SavedEntries) else list(procedures))
        self._named: dict[int, frozenset[int]] = {}  # see `named`
        if saved is not None:
            self._restore(saved)
        else:
            self.intents = [(_WordSet(said), _WordSet(named)) for said, named in INTENTS]
            self.danger = [_Signals(i, p.danger) for i, p in enumerate(self.procedures)
                           if p.danger is not None]
            self.organisation_of = [p.organisation for p in self.procedures]
            self._build(organisations, synonyms)
        self.alarmed = frozenset(s.index for s in self.danger)
        count = max(len(self.procedures), 1)
        sizes = (self.postings.sizes() if isinstance(self.postings, _SavedPostings)
                 else ((w, len(p)) for w, p in self.postings.items()))
        self.idf = {w: math.log(1 + count / size) for w, size in sizes}
        self.vocabulary = sorted(self.postings)
        self.default_idf = math.log(1 + count)

    def _build(self, organisations: dict[str, Organisation], synonyms: Iterable[Synonym]
               ) -> None:
        # (stems said together, stems they mean): "la sécu" → assurance maladie
        # A phrase of several words is heard only said in a row, filler included: "à mon
        # compte" is not any "compte", "paie plus" not any "payer".
        self.synonyms = [(frozenset(words(said)), _sequence(said), tuple(words(s.means)))
                         for s in synonyms for said in s.said if words(said)]
        # stem → {procedure index: field weight}
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        self.postings: Mapping[str, dict[int, float]] = postings
        # Each entry's title and keyword phrases, each as its set of stems.
        phrases: list[list[frozenset[str]]] = [[] for _ in self.procedures]
        self.phrases: Sequence[list[frozenset[str]]] = phrases
        # Out-of-mission entries: (content stems, every stem) of each keyword phrase.
        self.guarded: dict[int, list[tuple[frozenset[str], frozenset[str]]]] = {}
        for index, proc in enumerate(self.procedures):
            org = organisations.get(proc.organisation)
            fields = [(proc.title, "title"), (proc.id.replace("-", " "), "id"),
                      *((k, "keyword") for k in proc.keywords),
                      (proc.organisation, "organisation"),
                      *(((org.name, "organisation"),) if org else ())]
            for phrase, field in fields:
                weight = FIELD_WEIGHTS[field]
                stems = words(phrase)
                for word in stems:
                    postings[word][index] = max(postings[word].get(index, 0.0), weight)
                if field in ("title", "keyword") and stems:
                    phrases[index].append(frozenset(stems))
            if not proc.in_scope:
                self.guarded[index] = [(frozenset(words(k)), _all_stems(k))
                                       for k in proc.keywords if words(k)]
        self.org_words = self._organisation_words(organisations)

    # ---- kept between commands (the store saves it, keyed on the catalogue) --------------
    # Stemming every title and keyword of 1,000 entries costs more than a search: a saved
    # index is read back instead, with its danger signals and intents compiled. Only plain
    # JSON values, checked in bulk when read back.

    def to_data(self) -> dict[str, Any]:
        """The index as JSON values, every entry's `named` worked out, and the entries
        themselves, each as its own JSON text (see `from_data` and `from_saved`)."""
        import json

        from mediatool.core.fields import to_plain

        return {
            "count": len(self.procedures),
            "ids": [p.id for p in self.procedures],
            "entries": [json.dumps(to_plain(p), ensure_ascii=False, separators=(",", ":"))
                        for p in self.procedures],
            "organisations": list(self.organisation_of),
            "danger": [s.index for s in self.danger],
            # Compiling the danger signals and intents again would cost a third of reading
            # the index back; the key holds the code that compiles them.
            "danger_signals": [s.to_data() for s in self.danger],
            "intents": [[said.to_data(), named.to_data()] for said, named in self.intents],
            "synonyms": [[sorted(said), list(row), list(means)]
                         for said, row, means in self.synonyms],
            # Few containers: JSON decodes a list of numbers, or a text, much faster than
            # as many small lists (3,000 words and 10,000 phrases on 1,000 entries); a
            # search then decodes the few it needs.
            **_SavedPostings.pack(self.postings),
            "phrases": ["|".join(" ".join(sorted(stems)) for stems in phrases)
                        for phrases in self.phrases],
            "guarded": [[index, [[sorted(a), sorted(b)] for a, b in phrases]]
                        for index, phrases in self.guarded.items()],
            "org_words": {w: sorted(orgs) for w, orgs in self.org_words.items()},
            "named": [sorted(self.named(i)) for i in range(len(self.procedures))],
        }

    @classmethod
    def from_data(cls, procedures: Iterable[Procedure], data: Any) -> SearchIndex | None:
        """The index `to_data` saved for these procedures, or None if it is not exactly
        one (other entries, another shape)."""
        procedures = list(procedures)
        try:
            if not isinstance(data, dict) or data.get("count") != len(procedures) \
                    or data.get("ids") != [p.id for p in procedures]:
                return None
            return cls(procedures, saved=data)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None

    @classmethod
    def from_saved(cls, data: Any) -> SearchIndex | None:
        """The index `to_data` saved, on its own: its entries are built from their saved
        text when a search shows them (eight of a thousand), the catalogue not at all.
        For a caller who knows the saved index is that of today's catalogue."""
        try:
            if not isinstance(data, dict):
                return None
            entries = SavedEntries(data["entries"], data["ids"])
            if len(entries) != data.get("count"):
                return None
            return cls(entries, saved=data)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None

    def _restore(self, data: dict[str, Any]) -> None:
        count = len(self.procedures)
        intents = data["intents"]
        if len(intents) != len(INTENTS):
            raise ValueError("intents")
        self.intents = [(_WordSet.from_data(said), _WordSet.from_data(named))
                        for said, named in intents]
        self.danger = [_Signals(_entry(index, count), None, signals) for index, signals
                       in zip(data["danger"], data["danger_signals"], strict=True)]
        self.organisation_of = data["organisations"]
        if len(self.organisation_of) != count or not set(map(type, self.organisation_of)) <= {str}:
            raise ValueError("organisations")
        self.synonyms = [(frozenset(map(str, said)), tuple(map(str, row)),
                          tuple(map(str, means))) for said, row, means in data["synonyms"]]
        self.postings = _SavedPostings(data, count)
        self.phrases = _SavedPhrases(data["phrases"], count)
        self.guarded = {_entry(index, count): [(frozenset(a), frozenset(b)) for a, b in phrases]
                        for index, phrases in data["guarded"]}
        self.org_words = {w: frozenset(orgs) for w, orgs in data["org_words"].items()}
        named = data["named"]
        said = dict.fromkeys(chain.from_iterable(named))
        if len(named) != count or (said and not _entries(said, len(INTENTS))):
            raise ValueError("named")
        self._named = dict(enumerate(map(frozenset, named)))

    def _organisation_words(self, organisations: dict[str, Organisation]
                            ) -> dict[str, frozenset[str]]:
        """Stems that name an organisation with several entries, and little else (with the
        organisations they name): its id
        and the short names in brackets ("Assurance Maladie (CPAM, ameli)") — "caf",
        "ameli", "impots", not "retraite" or "titres", which other entries use too."""
        entries: dict[str, int] = defaultdict(int)
        for proc in self.procedures:
            entries[proc.organisation] += 1
        naming: dict[str, set[str]] = defaultdict(set)  # stem → organisations it names
        for key, org in organisations.items():
            if entries[key] < ORG_MIN_ENTRIES:
                continue
            # A one-word id ("caf", "ants") or a one-word short name in brackets ("CPAM",
            # "ameli", "impots.gouv.fr"); "Pôle emploi", "GIP Union Retraite" say more.
            names = [key] + [n for part in re.findall(r"\(([^)]*)\)", org.name)
                             for n in part.split(",")]
            for name in names:
                stems = words(name)
                if len(name.split()) == 1 and "-" not in name and stems:
                    naming[stems[0]].add(key)
        said_by = FIELD_WEIGHTS["organisation"]  # above it: title, keyword or id
        found: dict[str, frozenset[str]] = {}
        for word, orgs in naming.items():
            said_in = [self.procedures[i].organisation
                       for i, weight in self.postings.get(word, {}).items() if weight > said_by]
            if sum(o in orgs for o in said_in) >= ORG_WORD_SHARE * len(said_in):
                found[word] = frozenset(orgs)
        return found

    def named(self, index: int) -> frozenset[int]:
        """The intents entry `index`'s title names (worked out when first needed: most
        entries never come up in a session)."""
        known = self._named.get(index)
        if known is None:
            title = normalise(self.procedures[index].title).split()
            known = self._named[index] = frozenset(
                k for k, (_, named) in enumerate(self.intents) if named.positions(title))
        return known

    def _similar(self, word: str) -> dict[str, float]:
        """Vocabulary stems that are `word`: exactly, as a prefix, or with a typo."""
        found: dict[str, float] = {}
        if word in self.postings:
            found[word] = 100.0
        if len(word) <= 3:
            return found  # short words (apl, rsa, caf) must be exact
        start = bisect.bisect_left(self.vocabulary, word)
        for candidate in self.vocabulary[start:start + 50]:
            if not candidate.startswith(word):
                break
            if len(candidate) - len(word) <= PREFIX_TAIL:
                found.setdefault(candidate, 92.0)
        if len(word) >= RELATED_FROM:
            # Same word, other form: the stemmer leaves "inscrit", "inscrire" and
            # "inscription" apart; they differ only after all but the last letter.
            root = word[:-1]
            for candidate in self.vocabulary[bisect.bisect_left(self.vocabulary, root):][:50]:
                if not candidate.startswith(root):
                    break
                if len(candidate) - len(root) <= PREFIX_TAIL:
                    found.setdefault(candidate, RELATED_SCORE)
        if word in self.postings:
            # A word the catalogue knows is not a typo of another ("inscription" is not
            # "réinscription"): typo tolerance is for words it has never seen.
            return found
        from rapidfuzz import fuzz, process  # here: `lookup`'s users start without it

        for candidate, score, _ in process.extract(word, self.vocabulary, scorer=fuzz.ratio,
                                                   limit=None, score_cutoff=WORD_MIN_SCORE):
            if len(candidate) > 3:
                found.setdefault(candidate, score)
        return found

    def search(self, text: str, limit: int = 5) -> list[Match]:
        """Best matches first; empty when nothing is close enough. An entry whose danger
        signals are heard comes first, whatever else matched."""
        urgent: list[Match] = []
        if self.danger:
            tokens, content = normalise(text).split(), frozenset(words(text))
            urgent = [Match(self.procedures[s.index], 100.0, urgent=True)
                      for s in self.danger if s.heard(tokens, content)]
        if not urgent:
            return self._ranked(text, limit)
        taken = {m.procedure.id for m in urgent}
        rest = [m for m in self._ranked(text, limit) if m.procedure.id not in taken]
        return (urgent + rest)[:limit]

    def _query(self, text: str) -> list[str]:
        """The query's stems, elisions written without their apostrophe undone: "jveux"
        is "j'veux" (filler), "didentite" is "d'identité", "lapl" is "l'APL"."""
        stems: list[str] = []
        for token in normalise(text).split():
            if token in STOPWORDS:
                continue
            if len(token) > 3 and token[0] in ELIDED:
                rest = token[1:]
                if rest in STOPWORDS:
                    continue
                if stem(token) not in self.postings and stem(rest) in self.postings:
                    token = rest
            stems.extend(self._split(token) or (stem(token),))
        return list(dict.fromkeys(stems))

    def _split(self, token: str) -> tuple[str, ...]:
        """Two words typed as one ("passculture", "cartevitale"), when the catalogue knows
        both and neither the whole nor a close spelling of it."""
        whole = stem(token)
        if len(token) < 7 or whole in self.postings or any(
                score >= 88 for score in self._similar(whole).values()):
            return ()
        for cut in range(3, len(token) - 2):
            left, right = stem(token[:cut]), stem(token[cut:])
            if left in self.postings and right in self.postings:
                return left, right
        return ()

    def _ranked(self, text: str, limit: int) -> list[Match]:
        query = self._query(text)
        if not query:
            return []
        totals: dict[int, float] = defaultdict(float)
        hits: dict[int, int] = defaultdict(int)
        denominator = 0.0
        unheard = 0.0  # the full weight of the words the catalogue has never heard
        matched: set[str] = set()
        said_stems = set(query)
        # What the caller's everyday words mean counts, but less than what was said, and
        # only for entries the everyday word itself did not find: "voiture" is one word,
        # not "voiture" plus "véhicule".
        meant: dict[str, frozenset[str]] = {}
        sequence = _sequence(text)
        for said, row, means in self.synonyms:
            if said <= said_stems and (len(row) == 1 or _contains(sequence, row)):
                for w in means:
                    if w not in said_stems:
                        meant[w] = meant.get(w, frozenset()) | said
        terms: list[tuple[str, float, frozenset[str]]] = [(w, 1.0, frozenset()) for w in query] + [
            (w, SYNONYM_WEIGHT, said) for w, said in meant.items()]
        found_by: dict[int, set[str]] = defaultdict(set)
        for word, factor, source in terms:
            similar = self._similar(word)
            matched.update(c for c, score in similar.items() if score >= 88)
            if not similar:
                denominator += factor * UNKNOWN_WEIGHT * self.default_idf
                unheard += factor * self.default_idf
                continue
            # A word the catalogue knows weighs what it weighs: its other forms and longer
            # words starting with it ("inscrit" for "inscrire") never weigh more.
            ceiling = self.idf[word] if word in self.idf else max(self.idf[c] for c in similar)
            weight = factor * ceiling
            denominator += weight
            best: dict[int, float] = {}
            for candidate, score in similar.items():
                value = factor * score / 100 * min(self.idf[candidate], ceiling)
                for index, field_weight in self.postings[candidate].items():
                    best[index] = max(best.get(index, 0.0), value * field_weight)
            for index, value in best.items():
                if source and source <= found_by[index]:
                    continue
                totals[index] += min(value, weight)
                hits[index] += 1
                if not source:
                    found_by[index].add(word)
        if not totals:
            return []
        said = _all_stems(text)
        # How completely a phrase of the entry was said: "demande de rsa" says all of the
        # RSA entry's "rsa", and only part of "déclaration trimestrielle rsa".
        heard = set(matched)
        bonus: dict[int, float] = {}
        # How many of the entry's phrases take up the words said: an entry that says
        # "payer" in its title and three keywords is more about paying than one saying it
        # once (BM25's term frequency, saturated).
        frequency: dict[int, int] = defaultdict(int)
        for index in totals:
            for stems in self.phrases[index]:
                common = len(stems & heard)
                frequency[index] += common
                bonus[index] = max(bonus.get(index, 0.0), 100 * common / len(stems))
        tokens = normalise(text).split()
        wanted = frozenset(k for k, (said_words, _) in enumerate(self.intents)
                           if said_words.positions(tokens))
        ranked = []
        whole: set[int] = set()  # out-of-mission entries with a keyword phrase said whole
        for index, total in totals.items():
            score = 100 * total / denominator * 0.8 + bonus.get(index, 0.0) * 0.2
            guards = self.guarded.get(index)
            if guards is not None:
                if any(_said_whole(g, heard, said) for g in guards):
                    whole.add(index)
                elif index in self.alarmed or score < GUARD_OPEN or hits[index] < 2:
                    # Said in other words, an out-of-mission entry needs two words and most of the
                    # sentence ("mon propriétaire veut pas me rendre ma caution"); the
                    # urgent entry never comes for loose words.
                    continue
            # Shown and judged with the unknown words at their share of VERDICT_UNKNOWN:
            # "un permis bateau" finds the driving licence entries first, but the word
            # the catalogue never heard ("bateau") says it may not be about them.
            shown = (100 * total / (denominator + (VERDICT_UNKNOWN - UNKNOWN_WEIGHT)
                                    * unheard) * 0.8 + bonus.get(index, 0.0) * 0.2)
            action = INTENT_BONUS * len(wanted & self.named(index))
            # Frequency orders close matches; it says nothing of how sure the match is.
            often = FREQUENCY_GAIN * (1 - 1 / (1 + frequency[index] / FREQUENCY_HALF))
            ranked.append((score + action + often, hits[index], index, shown + action))
        ranked.sort(key=lambda r: (-r[0], -r[1], r[2]))  # last: the catalogue's order
        if ranked and ranked[0][2] in whole:
            # An out-of-mission entry said whole and first is never a weak guess; said
            # in passing ("mon docteur part à la retraite") it does not jump the others.
            score, count, index, shown = ranked[0]
            ranked[0] = (score, count, index, max(shown, STRONG))
        named = (said_stems | meant.keys()) & matched
        if named and named <= self.org_words.keys():
            # Only an organisation was named ("la caf", "un souci avec ameli"): which of
            # its entries is meant cannot be told. Its entries come in the catalogue's
            # order (most asked first), then the others; never fort: the mediator asks.
            orgs = frozenset().union(*(self.org_words[w] for w in named))
            ranked = [(score, count, index, min(shown, STRONG - 1))
                      for score, count, index, shown in ranked]
            ranked.sort(key=lambda r: (self.organisation_of[r[2]] not in orgs, r[2]))
        return [Match(self.procedures[i], round(min(shown, 100.0), 1))
                for score, _, i, shown in ranked[:limit] if score >= FLOOR]


def _sequence(text: str) -> tuple[str, ...]:
    """Every word's stem, filler included, in order."""
    return tuple(stem(w) for w in normalise(text).split())


def _contains(sequence: tuple[str, ...], row: tuple[str, ...]) -> bool:
    size = len(row)
    return any(sequence[at:at + size] == row for at in range(len(sequence) - size + 1))


def _said_whole(guard: tuple[frozenset[str], frozenset[str]], heard: set[str],
                said: frozenset[str]) -> bool:
    """A phrase of two content words or more, said; a one-word phrase, said word for word
    ("il me bat" is not "je me bats avec la caf")."""
    content, every = guard
    return content <= heard if len(content) >= 2 else every <= said


class SavedEntries(Sequence[Procedure]):
    """A saved index's entries, each built from its JSON text on first use. The texts were
    written by `to_data` from entries that had loaded: one that no longer builds is a
    damaged cache (ValueError)."""

    def __init__(self, texts: Any, ids: Any) -> None:
        if not isinstance(texts, list) or not isinstance(ids, list) or len(texts) != len(ids) \
                or not set(map(type, texts)) | set(map(type, ids)) <= {str}:
            raise ValueError("entries")
        self._texts: list[str] = texts
        self.ids: list[str] = ids
        self._built: list[Procedure | None] = [None] * len(texts)

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> Procedure: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Procedure]: ...

    def __getitem__(self, index: int | slice) -> Procedure | Sequence[Procedure]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        built = self._built[index]
        if built is None:
            built = self._built[index] = self._build(index)
        return built

    def _build(self, index: int) -> Procedure:
        import json

        from mediatool.core.fields import INVALID, Context, build

        context = Context("search-index", lambda path: (None, None))
        value = build(Procedure, json.loads(self._texts[index]), ("entries", index), context)
        if value is INVALID or value.id != self.ids[index]:
            raise ValueError(f"entry {index}")
        return value


class _SavedPostings(Mapping[str, dict[int, float]]):
    """A saved index's postings: every word's entries and weights in two flat lists, each
    word's built on first use (a search asks for a few of thousands). Checked in bulk when
    read back: a damaged cache is refused whole (ValueError), never half used."""

    def __init__(self, data: dict[str, Any], count: int) -> None:
        words, starts = data["words"], data["starts"]
        entries, weights = data["posting_entries"], data["posting_weights"]
        if not all(isinstance(v, list) for v in (words, starts, entries, weights)) \
                or len(starts) != len(words) + 1 or len(entries) != len(weights) \
                or not set(map(type, words)) <= {str} or not set(map(type, starts)) <= {int} \
                or starts[0] != 0 or starts[-1] != len(entries) \
                or not all(map(lt, starts, starts[1:])) or not all(map(lt, words, words[1:])) \
                or (entries and not (_entries(dict.fromkeys(entries), count)
                                     and set(map(type, weights)) == {float})):
            raise ValueError("postings")
        self._words: list[str] = words
        self._starts: list[int] = starts
        self._entries: list[int] = entries
        self._weights: list[float] = weights
        self._at = dict(zip(words, range(len(words)), strict=True))
        self._built: dict[str, dict[int, float]] = {}

    @staticmethod
    def pack(postings: Mapping[str, dict[int, float]]) -> dict[str, list[Any]]:
        words = sorted(postings)
        starts = [0]
        for word in words:
            starts.append(starts[-1] + len(postings[word]))
        return {"words": words, "starts": starts,
                "posting_entries": [i for w in words for i in postings[w]],
                "posting_weights": [v for w in words for v in postings[w].values()]}

    def sizes(self) -> Iterator[tuple[str, int]]:
        return zip(self._words, map(sub, self._starts[1:], self._starts), strict=True)

    def __getitem__(self, word: str) -> dict[int, float]:
        built = self._built.get(word)
        if built is None:
            start, end = self._starts[self._at[word]:self._at[word] + 2]
            built = self._built[word] = dict(zip(self._entries[start:end],
                                                 self._weights[start:end], strict=True))
        return built

    def __contains__(self, word: object) -> bool:
        return word in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


class _SavedPhrases(Sequence[list[frozenset[str]]]):
    """A saved index's phrases: one text per entry ("carte vital|perdu carte vital"),
    decoded when a search weighs that entry."""

    def __init__(self, texts: Any, count: int) -> None:
        if not isinstance(texts, list) or len(texts) != count \
                or not set(map(type, texts)) <= {str}:
            raise ValueError("phrases")
        self._texts: list[str] = texts
        self._built: dict[int, list[frozenset[str]]] = {}

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> list[frozenset[str]]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[list[frozenset[str]]]: ...

    def __getitem__(self, index: int | slice
                    ) -> list[frozenset[str]] | Sequence[list[frozenset[str]]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        built = self._built.get(index)
        if built is None:
            text = self._texts[index]
            built = self._built[index] = [frozenset(p.split()) for p in text.split("|")
                                          if p] if text else []
        return built


def _entry(index: Any, count: int) -> int:
    """An index read back: an int within range, or ValueError."""
    if type(index) is not int or not 0 <= index < count:
        raise ValueError(index)
    return index


def _entries(indexes: dict[Any, Any], count: int) -> bool:
    """Every key an int within range (empty: False)."""
    return bool(indexes) and set(map(type, indexes)) == {int} and min(indexes) >= 0 \
        and max(indexes) < count
