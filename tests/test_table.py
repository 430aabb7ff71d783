"""Tables that fit the terminal (formats/table): cut, kept whole, or stacked."""

import os

import pytest

from mediatool.formats.table import ELLIPSIS, column_widths, ellipsised, render_table

HEADERS = ["#", "id", "démarche", "organisation", "score"]
ROWS = [(1, "caf-aide-logement", "Demander une aide au logement (APL, ALS, ALF) à la Caf",
         "Caisse d'allocations familiales (Caf)", "90 fort"),
        (2, "etrangers-anef-changement-adresse-duplicata",
         "Signaler un changement d'adresse ou demander un duplicata de titre de séjour",
         "Administration numérique pour les étrangers en France (ANEF)", "71 moyen")]


def widest(text):
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("width", [60, 79, 100, 119])
def test_a_wide_table_fits_and_keeps_its_ids_whole(width):
    text = render_table(ROWS, HEADERS, width, keep=(0, 1))
    assert widest(text) <= width, text
    assert "etrangers-anef-changement-adresse-duplicata" in text
    if width >= 100:  # one line per row, long cells cut
        assert ELLIPSIS in text and "Signaler un" in text and len(text.splitlines()) == 4
    else:  # a 43-character id leaves too little room: each row as a block
        assert ELLIPSIS not in text and "(ANEF)" in text


def test_a_table_that_fits_is_untouched_and_no_width_means_no_cut():
    small = [(1, "caf", "Prime", "Caf", "90")]
    assert render_table(small, HEADERS, 80) == render_table(small, HEADERS, None)
    full = render_table(ROWS, HEADERS, None)
    assert ELLIPSIS not in full and widest(full) > 150


def test_the_widest_columns_give_way_first():
    texts = [[str(c) for c in row] for row in ROWS]
    widths = column_widths(texts, HEADERS, 100, keep=(0, 1))
    assert widths[0] == 3 and widths[1] == 43 and widths[4] == 8  # short ones untouched
    assert widths[2] == widths[3] and sum(widths) + 2 * 4 <= 100


def test_too_many_columns_become_one_wrapped_block_per_row():
    headers = ["jour", "heure", "médiateur", "type", "personne", "objet", "statut", "id"]
    rows = [("mardi 1er décembre 2026", "14:00-14:30", "Samir Modèle (fictif)", "démarche",
             "Lucienne J. (fictif)", "Refaire sa carte d'identité perdue ou volée",
             "à renseigner", "A-47SWXV4T5")] * 2
    text = render_table(rows, headers, 79, keep=(7,))
    assert widest(text) <= 79 and ELLIPSIS not in text
    lines = text.splitlines()
    assert lines[0].startswith("jour\u00a0: mardi 1er décembre 2026 · heure\u00a0: 14:00-14:30")
    assert all(line.startswith("    ") for line in lines[1:3])
    assert text.count("A-47SWXV4T5") == 2 and "Refaire sa carte d'identité perdue" in text


@pytest.mark.parametrize("text, width, cut", [
    ("Caisse d'allocations familiales", 12, "Caisse d'al…"),
    ("Demander une aide au logement", 18, "Demander une aide…"),  # on a word: it is near
    ("Caisse d'allocations familiales", 31, "Caisse d'allocations familiales"),
    ("anticonstitutionnellement", 10, "anticonst…"),
    ("Lucienne J. (fictif)", 15, "Lucienne J.…"),
])
def test_cells_are_cut_on_a_word_when_one_is_near(text, width, cut):
    assert ellipsised(text, width) == cut and len(cut) <= width


def test_commands_fit_the_width_they_are_given(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "41")
    found = run("catalogue", "search", "attestation", "caf")
    assert found.exit_code == 0 and widest(found.output) <= 40, found.output
    assert "attestation-caf" in found.output  # the id, to copy, is whole
    assert run("book", "--mediator", "camille", "--procedure", "caf-prime-activite",
               "--first-free", "--person", "Nadia Benali-Fontaine").exit_code == 0
    agenda = run("agenda", "--week", "2026-12-08")
    assert agenda.exit_code == 0 and widest(agenda.output) <= 40, agenda.output
    assert "Nadia Benali-Fontaine" in agenda.output.replace("\n    ", " ")
    monkeypatch.delenv("COLUMNS")  # not a terminal (a file, a pipe): every character kept
    assert "Télécharger une attestation de paiement" in run("catalogue", "search",
                                                           "attestation").output


def test_the_report_on_screen_fits_too_and_its_files_are_untouched(run, tmp_path, monkeypatch):
    long_title = "Demander une aide très longue à décrire " * 3
    assert run("call", "--query", long_title, "--outcome", "other", "--mediator", "camille",
               "--duration", "3").exit_code == 0
    monkeypatch.setenv("COLUMNS", "61")
    shown = run("report", "--month", "2026-12")
    assert shown.exit_code == 0 and widest(shown.output) <= 60, shown.output
    out = tmp_path / "r.txt"
    assert run("report", "--month", "2026-12", "--out", str(out)).exit_code == 0
    monkeypatch.delenv("COLUMNS")
    assert out.read_text(encoding="utf-8") == run("report", "--month", "2026-12").output


# ---- plain text tables drawn without importing tabulate: the same bytes ------------------

_LATIN = "abcXYZ019 éèàçôœÉ«»…—’'-:.,/()+#€"


def _tabulated(rows, headers):
    from tabulate import tabulate

    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


def test_a_plain_text_table_is_drawn_as_tabulate_draws_it():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    text = st.text(_LATIN, max_size=25).map(str.strip) | st.integers(-10**6, 10**6)

    @settings(max_examples=int(os.environ.get("TABLE_EXAMPLES", "200")), deadline=None,
              derandomize=not os.environ.get("TABLE_EXAMPLES"))
    @given(st.integers(1, 6).flatmap(lambda columns: st.tuples(
        st.lists(st.text(_LATIN, min_size=1, max_size=25).map(str.strip).filter(bool),
                 min_size=columns, max_size=columns),
        st.lists(st.lists(text, min_size=columns, max_size=columns), max_size=6))))
    def same(table):
        headers, rows = table
        assert render_table(rows, headers, None) == _tabulated(rows, headers)

    same()


@pytest.mark.parametrize("rows", [
    [[1.5, "x"]], [[True, "x"]], [["2.50", "x"]], [["deux\nlignes", "x"]], [["  marge", "x"]],
    [["東京", "x"]], [["e\u0301", "x"]], [["tab\tulé", "x"]], [["x"]], [[None, "x"]]])
def test_anything_else_is_left_to_tabulate(rows):
    from mediatool.formats.table import _plain_grid

    headers = ["un", "deux"]
    if rows[0][0] != "2.50":
        assert _plain_grid(rows, headers) is None
    assert render_table(rows, headers, None) == _tabulated(rows, headers)


def test_prose_is_wrapped_on_words_never_before_french_punctuation():
    from mediatool.formats.table import wrap_prose

    text = ("Documents à apporter :\n"
            "  - Revenus nets des 3 derniers mois de chaque membre du foyer (bulletins)\n"
            "\n"
            "Apportez vos justificatifs de domicile et de revenus ; la carte d'identité ?")
    lines = wrap_prose(text, 40).splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert lines[2].startswith("    ") and not lines[2].lstrip().startswith("-")  # under text
    assert "" in lines  # blank lines kept
    assert not any(line.lstrip()[:1] in (":", ";", "?") for line in lines)
    assert " ".join(" ".join(lines).split()) == " ".join(text.split())  # nothing lost
    assert wrap_prose(text, None) == text  # a pipe gets every character as it is
