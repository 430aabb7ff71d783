"""Search quality on the shipped catalogue, with queries as people say them."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from mediatool.core.search import SearchIndex
from mediatool.core.text import normalise
from mediatool.host.environment import default_catalogue
from mediatool.store.catalogue import load_catalogue, read_catalogue_files

QUERIES = yaml.safe_load((Path(__file__).parent / "data" / "search_queries.yaml")
                         .read_text(encoding="utf-8"))["queries"]


@pytest.fixture(scope="module")
def index():
    catalogue, problems = load_catalogue(read_catalogue_files(default_catalogue().parent)
                                         if (default_catalogue().parent / "catalogue").is_dir()
                                         else {}, dt.date(2026, 11, 29))
    assert catalogue is not None, [p.format() for p in problems if p.is_error]
    return SearchIndex(catalogue.procedures.values(), dict(catalogue.organisations),
                       catalogue.synonyms)


def test_normalise_strips_accents_and_punctuation():
    assert normalise("Prime d'Activité !") == "prime d activite"
    assert normalise("Œuvre, cœur, NAÏF") == "oeuvre coeur naif"


def test_issue_examples_rank_first(index):
    for query, expected_prefix in [("titre sejour", "etrangers-titre-sejour"),
                                   ("carte grise", "ants-carte-grise"),
                                   ("impot", "impots-"),
                                   ("prime d'activiter", "caf-prime-activite")]:
        assert index.search(query)[0].procedure.id.startswith(expected_prefix), query


DATA = Path(__file__).parent / "data"
OUT_OF_CATALOGUE = yaml.safe_load((DATA / "search_out_of_catalogue.yaml").read_text("utf-8"))
SAFETY = yaml.safe_load((DATA / "search_safety.yaml").read_text("utf-8"))
HELDOUT = yaml.safe_load((DATA / "search_heldout.yaml").read_text("utf-8"))["queries"]
HELDOUT2 = yaml.safe_load((DATA / "search_heldout2.yaml").read_text("utf-8"))["queries"]


def _rates(index, items):
    """Top-1 and top-3 rates; `expected` is an id or a list of ids equally right."""
    top1 = top3 = 0
    for item in items:
        expected = item["expected"]
        expected = [expected] if isinstance(expected, str) else expected
        ids = [m.procedure.id for m in index.search(item["query"], limit=3)]
        top1 += bool(ids) and ids[0] in expected
        top3 += any(e in ids for e in expected)
    return top1 / len(items), top3 / len(items)


def test_quality_set(index):
    # Written without looking at the catalogue's keywords (see tests/data/README.md):
    # it measures whether search generalises. The issue's goal is 90 % / 98 %.
    assert len(QUERIES) >= 300
    top1 = top3 = 0
    misses = []
    for item in QUERIES:
        ids = [m.procedure.id for m in index.search(item["query"], limit=3)]
        top1 += bool(ids) and ids[0] == item["expected"]
        top3 += item["expected"] in ids
        if not ids or ids[0] != item["expected"]:
            misses.append((item["query"], item["expected"], ids))
    # Measured 93.3 % / 98.0 % (intent facet, synonym rules, org-only, term frequency);
    # 90.5 % / 97.0 % before them, 88.7 % / 96.4 % before the synonyms. Goal: 90 % / 98 %.
    assert top1 / len(QUERIES) >= 0.93, misses
    assert top3 / len(QUERIES) >= 0.978, misses


def test_held_out_set_written_before_the_synonyms(index):
    # search_heldout.yaml was written before synonyms, elision and the typo rule were
    # built: 75.7 % / 90.1 % before them, 83.8 % / 94.6 % after, 90.1 % / 95.5 % with the
    # intent facet and the second pass on the mechanism.
    top1, top3 = _rates(index, HELDOUT)
    assert len(HELDOUT) >= 100
    assert top1 >= 0.90 and top3 >= 0.95, (top1, top3)


def test_third_held_out_set_written_before_the_second_pass(index):
    # search_heldout2.yaml was written from the titles alone before the intent facet,
    # the synonym rules and the organisation-only verdict: 81.5 % / 94.5 % before them,
    # 89.7 % / 97.9 % after. Never tune keywords or synonyms on it.
    top1, top3 = _rates(index, HELDOUT2)
    assert len(HELDOUT2) >= 120
    assert top1 >= 0.89 and top3 >= 0.975, (top1, top3)


def test_every_entry_has_two_phrasings_in_the_set(index):
    counted = {m: 0 for m in (p.id for p in index.procedures)}
    for item in QUERIES:
        counted[item["expected"]] += 1
    assert min(counted.values()) >= 2, sorted(counted.items(), key=lambda kv: kv[1])[:5]


def test_out_of_catalogue_requests_come_back_empty_or_weak(index):
    requests = OUT_OF_CATALOGUE["queries"]
    strong = [(q, index.search(q)[0].procedure.id) for q in requests
              if index.search(q) and index.search(q)[0].strong]
    assert len(strong) <= 0.15 * len(requests), strong
    assert len(strong) <= 4, strong  # measured 4 of 52 (issue 14's second pass; 4 before)


def test_every_result_says_how_sure_it_is(index):
    found = index.search("prime d'activité")
    assert found[0].verdict == "fort" and found[0].strong
    weak = index.search("j'ai un souci avec un truc bizarre")
    assert all(m.verdict in ("fort", "faible") for m in weak)
    assert all(not m.strong for m in weak)


@pytest.mark.parametrize("query", ["il me frappe", "mon mari me tape", "j'ai peur de lui",
                                   "mon conjoint me frappe", "il me bat"])
def test_violence_comes_first_for_its_own_phrasing(index, query):
    assert index.search(query)[0].procedure.id == "violences-conjugales"


def test_violence_never_comes_for_unrelated_words(index):
    alarms = [item["query"] for item in SAFETY["false_alarms"]
              if any(m.procedure.id == "violences-conjugales" for m in index.search(item["query"]))]
    assert alarms == []
    assert all(m.procedure.id != "violences-conjugales"
               for m in index.search("aide pour isoler ma maison"))


def test_ties_break_on_relevance_not_on_the_id(index):
    assert index.search("la prime d'activité")[0].procedure.id == "caf-prime-activite"
    assert index.search("demande de rsa")[0].procedure.id == "caf-rsa"


def test_nothing_close_gives_nothing(index):
    assert index.search("zzzz qqqq") == []
    assert index.search("   ") == []


# ---- danger signals (catalogue `danger:` on the urgent entry) --------------------

DANGER = yaml.safe_load((DATA / "search_danger.yaml").read_text("utf-8"))["queries"]


def test_danger_signals_generalise_to_phrasings_written_before_the_lexicon(index):
    # search_danger.yaml was written before catalogue `danger:` existed, without looking
    # at it: 29 of 30 when the lexicon was written (the miss: "il me garde mes papiers et
    # me laisse pas sortir", control with no word of harm, threat or fear).
    heard = [item["query"] for item in DANGER if index.search(item["query"])[0].urgent]
    assert len(heard) >= 0.9 * len(DANGER), sorted(set(i["query"] for i in DANGER) - set(heard))
    for query in heard:
        first = index.search(query)[0]
        assert first.procedure.id == "violences-conjugales" and first.verdict == "fort"


def test_every_violence_phrasing_of_the_safety_set_comes_first_flagged_urgent(index):
    missed = [item["query"] for item in SAFETY["violence"]
              if not (found := index.search(item["query"])) or not found[0].urgent
              or found[0].procedure.id != "violences-conjugales"]
    assert missed == []


def test_danger_never_fires_on_ordinary_requests(index):
    ordinary = [i["query"] for i in QUERIES if i["expected"] != "violences-conjugales"]
    ordinary += [i["query"] for i in SAFETY["plainte"] + SAFETY["false_alarms"]]
    ordinary += OUT_OF_CATALOGUE["queries"]
    ordinary += [i["query"] for i in HELDOUT + HELDOUT2 if i["expected"] != "violences-conjugales"]
    alarms = [q for q in ordinary if any(m.urgent for m in index.search(q))]
    assert alarms == []


@pytest.mark.parametrize("query", [
    "je me bats avec la caf", "mon fils fait de la boxe il se bat", "je me suis cogné la tête",
    "mon ordinateur me bat aux echecs", "mon proprietaire me menace de m'expulser",
    "je reçois des coups de fil d'un faux conseiller", "ma fille a peur du dentiste",
    "ça me tue ce dossier", "il faut battre les oeufs"])
def test_what_is_not_harm_to_the_caller_is_not_a_danger(index, query):
    assert not any(m.urgent for m in index.search(query))


@pytest.mark.parametrize("query", [
    "il m'a encore frappée hier", "je me fais taper par mon copain", "je suis battue",
    "mon pere frappe ma mere", "il va me tuer", "j'ai peur de lui", "mon ex me harcèle",
    "il m'empêche de sortir"])
def test_harm_threat_or_fear_from_someone_is_a_danger(index, query):
    first = index.search(query)[0]
    assert first.urgent and first.score == 100.0
    assert len({m.procedure.id for m in index.search(query, limit=8)}) == len(
        index.search(query, limit=8))  # the urgent entry is not listed twice


# ---- the mechanism, on small catalogues -------------------------------------------

def _entry(pid, title, keywords=(), organisation="caf"):
    from mediatool.core.model import Procedure
    return Procedure(id=pid, title=title, organisation=organisation, typical_duration_min=10,
                     source="https://www.service-public.fr", reviewed=dt.date(2026, 11, 1),
                     keywords=tuple(keywords), theme="social-sante")


SMALL = [_entry("ft-inscription", "S'inscrire à France Travail", ["demandeur d'emploi"]),
         _entry("ft-reinscription", "Se réinscrire après une radiation"),
         _entry("identite", "Refaire sa carte d'identité"),
         _entry("impots", "Déclarer ses impôts")]


def test_a_synonym_finds_what_the_catalogue_calls_otherwise():
    from mediatool.core.model import Synonym
    plain = SearchIndex(SMALL)
    assert plain.search("je touche le chomage") == []
    index = SearchIndex(SMALL, synonyms=[Synonym(said=("chômage", "chomdu"),
                                                 means="France Travail")])
    assert index.search("je touche le chomage")[0].procedure.id == "ft-inscription"
    assert index.search("m'inscrire au chomdu")[0].procedure.id == "ft-inscription"
    # What was meant weighs less than what was said.
    said = index.search("inscription france travail")[0].score
    assert index.search("inscription chomage")[0].score < said


def test_a_known_word_is_not_taken_for_a_typo_of_another():
    index = SearchIndex(SMALL)
    assert index.search("inscription")[0].procedure.id == "ft-inscription"
    assert [m.procedure.id for m in index.search("reinscription")][:1] == ["ft-reinscription"]
    assert index.search("identiter")[0].procedure.id == "identite"  # unknown: a typo


def test_elisions_written_without_apostrophe_are_undone():
    index = SearchIndex(SMALL)
    assert index.search("refaire ma carte didentite")[0].procedure.id == "identite"
    glued = index.search("jveux declarer mes impots")[0]
    assert glued.procedure.id == "impots"
    assert glued.score == index.search("declarer mes impots")[0].score  # "jveux" is filler


def test_words_the_catalogue_never_heard_lower_the_verdict_not_the_ranking():
    index = SearchIndex(SMALL)
    alone = index.search("refaire carte")[0]
    odd = index.search("refaire carte bibliotheque")[0]
    assert odd.procedure.id == alone.procedure.id == "identite"
    assert odd.score < alone.score


def test_two_words_typed_as_one_are_split_when_both_are_known():
    index = SearchIndex(SMALL + [_entry("pass", "S'inscrire au pass Culture")])
    assert index.search("passculture")[0].procedure.id == "pass"
    assert index.search("zzzzqqqqxx") == []


def test_the_action_said_decides_within_a_family():
    index = SearchIndex([_entry("achat", "Faire sa carte grise après un achat d'occasion"),
                         _entry("duplicata", "Demander un duplicata de carte grise (perte, vol)"),
                         _entry("adresse", "Changer l'adresse de sa carte grise")])
    for query, expected in [("j'ai perdu ma carte grise", "duplicata"),
                            ("on m'a piqué la carte grise", "duplicata"),
                            ("carte grise abimee", "duplicata"),
                            ("j'ai demenagé pour ma carte grise", "adresse"),
                            ("carte grise j'ai acheté une voiture", "achat")]:
        assert index.search(query)[0].procedure.id == expected, query


def test_other_forms_of_a_word_match():
    index = SearchIndex(SMALL)
    assert index.search("je suis pas encore inscrit")[0].procedure.id == "ft-inscription"


def test_a_synonym_of_several_words_is_heard_only_in_a_row():
    from mediatool.core.model import Synonym
    index = SearchIndex([_entry("micro", "Devenir micro-entrepreneur"),
                         _entry("compte", "Se connecter à son compte Caf")],
                        synonyms=[Synonym(said=("à mon compte",), means="micro-entrepreneur")])
    assert index.search("me mettre à mon compte")[0].procedure.id == "micro"
    assert all(m.procedure.id != "micro" for m in index.search("mon compte caf"))


def test_an_out_of_mission_entry_said_in_passing_does_not_jump_the_others():
    from dataclasses import replace
    medical = replace(_entry("medical", "Question médicale", ["docteur"], "medecin"),
                      in_scope=False)
    index = SearchIndex([_entry("retraite", "Demander sa retraite"), medical])
    found = index.search("mon docteur part à la retraite")
    assert found[0].procedure.id == "retraite"
    assert [m.procedure.id for m in index.search("une question pour mon docteur")] == ["medical"]
    assert index.search("une question pour mon docteur")[0].strong  # said whole, first


def test_an_out_of_mission_entry_comes_for_most_of_the_sentence_in_other_words():
    from dataclasses import replace
    landlord = replace(_entry("litige", "Litige avec son propriétaire (loyer, caution)",
                              ["litige propriétaire"], "adil"), in_scope=False)
    index = SearchIndex([_entry("apl", "Aide au logement pour le loyer"), landlord])
    assert index.search("mon propriétaire veut pas me rendre ma caution")[0].procedure.id \
        == "litige"
    assert [m.procedure.id for m in index.search("le loyer")] == ["apl"]  # one word: no


def test_an_organisation_named_alone_is_a_weak_verdict_in_catalogue_order():
    from mediatool.core.model import Organisation
    entries = [_entry("caf-prime", "Demander la prime d'activité"),
               _entry("caf-apl", "Demander une aide au logement à la Caf"),
               _entry("caf-compte", "Se connecter à son compte Caf"),
               _entry("impots", "Déclarer ses impôts", organisation="dgfip")]
    index = SearchIndex(entries, {"caf": Organisation(id="caf", name="Caisse d'allocations "
                                                      "familiales (Caf)")})
    found = index.search("la caf")
    assert [m.procedure.id for m in found] == ["caf-prime", "caf-apl", "caf-compte"]
    assert not any(m.strong for m in found)
    assert index.search("la prime d'activité caf")[0].strong


# ---- an index saved between commands (the store keeps `to_data` in its cache) ------------

def _every_query() -> list[str]:
    texts = [q["query"] for q in (*QUERIES, *HELDOUT, *HELDOUT2)]
    texts += [item["query"] if isinstance(item, dict) else str(item)
              for part in (OUT_OF_CATALOGUE, SAFETY) for items in part.values()
              if isinstance(items, list) for item in items]
    return texts


def test_an_index_read_back_answers_every_query_as_the_one_built(index):
    import json

    saved = json.loads(json.dumps(index.to_data()))  # what the cache holds: JSON values
    back = SearchIndex.from_data(index.procedures, saved)
    assert back is not None
    queries = _every_query()
    assert len(queries) > 300
    for query in queries:
        assert [(m.procedure.id, m.score, m.urgent) for m in back.search(query, limit=8)] == [
            (m.procedure.id, m.score, m.urgent) for m in index.search(query, limit=8)], query


@pytest.mark.parametrize("damage", ["other entries", "one entry less", "entry out of range",
                                    "not a mapping", "missing part", "wrong type",
                                    "postings cut", "words unsorted", "phrases short",
                                    "weight of another type"])
def test_an_index_saved_for_something_else_is_not_read_back(index, damage):
    import json

    saved = json.loads(json.dumps(index.to_data()))
    procedures = index.procedures
    if damage == "other entries":
        procedures = list(reversed(procedures))
    elif damage == "one entry less":
        procedures = procedures[:-1]
    elif damage == "entry out of range":
        saved["posting_entries"][0] = len(procedures)
    elif damage == "postings cut":
        saved["starts"][-1] -= 1
    elif damage == "words unsorted":
        saved["words"][0], saved["words"][1] = saved["words"][1], saved["words"][0]
    elif damage == "phrases short":
        saved["phrases"] = saved["phrases"][:-1]
    elif damage == "weight of another type":
        saved["posting_weights"][0] = "1.0"
    elif damage == "not a mapping":
        saved = [saved]
    elif damage == "missing part":
        del saved["posting_weights"]
    else:
        saved["named"] = {"0": 1}
    assert SearchIndex.from_data(procedures, saved) is None


def test_a_saved_index_alone_answers_as_the_catalogue_s_and_builds_only_what_it_shows(index):
    import json

    saved = json.loads(json.dumps(index.to_data()))
    alone = SearchIndex.from_saved(saved)
    assert alone is not None and len(alone.procedures) == len(index.procedures)
    alone.search("je veux refaire ma carte vitale", limit=8)
    built = sum(p is not None for p in alone.procedures._built)  # type: ignore[attr-defined]
    assert built <= 8 + len(saved["danger"])  # the entries shown, those with danger signals
    for query in _every_query():
        found = alone.search(query, limit=8)
        assert [(m.procedure, m.score, m.urgent) for m in found] == [
            (m.procedure, m.score, m.urgent) for m in index.search(query, limit=8)], query


@pytest.mark.parametrize("damage", ["entries", "ids", "organisations", "danger",
                                    "danger signals", "intents", "word set"])
def test_a_saved_index_that_does_not_hold_together_is_not_used_alone(index, damage):
    import json

    saved = json.loads(json.dumps(index.to_data()))
    if damage == "entries":
        saved["entries"] = saved["entries"][:-1]
    elif damage == "ids":
        saved["ids"][0] = 7
    elif damage == "organisations":
        saved["organisations"] = saved["organisations"][1:]
    elif damage == "danger":  # an entry said to have danger signals, none saved for it
        saved["danger"].append(next(i for i, p in enumerate(index.procedures)
                                    if p.danger is None))
    elif damage == "danger signals":
        saved["danger_signals"][0][1] = saved["danger_signals"][0][1][:4]
    elif damage == "intents":
        saved["intents"] = saved["intents"][1:]
    else:  # a word set of another shape
        saved["intents"][0][0] = saved["intents"][0][0][:3]
    assert SearchIndex.from_saved(saved) is None
