"""Search quality on the shipped catalogue, with queries as people say them."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from mediatool.core.search import SearchIndex, normalise
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
    return SearchIndex(catalogue.procedures.values(), dict(catalogue.organisations))


def test_normalise_strips_accents_and_punctuation():
    assert normalise("Prime d'Activité !") == "prime d activite"
    assert normalise("Œuvre, cœur, NAÏF") == "oeuvre coeur naif"


def test_issue_examples_rank_first(index):
    for query, expected_prefix in [("titre sejour", "etrangers-titre-sejour"),
                                   ("carte grise", "ants-carte-grise"),
                                   ("impot", "impots-"),
                                   ("prime d'activiter", "caf-prime-activite")]:
        assert index.search(query)[0].procedure.id.startswith(expected_prefix), query


def test_quality_set(index):
    assert len(QUERIES) >= 40
    top1 = top3 = 0
    misses = []
    for item in QUERIES:
        ids = [m.procedure.id for m in index.search(item["query"], limit=3)]
        top1 += bool(ids) and ids[0] == item["expected"]
        top3 += item["expected"] in ids
        if not ids or ids[0] != item["expected"]:
            misses.append((item["query"], item["expected"], ids))
    assert top1 / len(QUERIES) >= 0.95, misses
    assert top3 == len(QUERIES), misses


def test_nothing_close_gives_nothing(index):
    assert index.search("zzzz qqqq") == []
    assert index.search("   ") == []
