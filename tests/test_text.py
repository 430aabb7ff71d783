"""core/text: the one rule for what people type (issue 20 #12, #13, #15)."""

import pytest

from mediatool.core.errors import InvalidInput
from mediatool.core.text import clean_text, not_utf8, readable, terminal_safe


@pytest.mark.parametrize("text", ["Renée", "Jean-Édouard O'Neil", "李小龍", "Alice A.", "x"])
def test_ordinary_names_pass_unchanged(text: str) -> None:
    assert clean_text(text, "--person", 100, name=True) == text


@pytest.mark.parametrize("text, says", [
    ("a\x1bb", "U+001B"), ("a\tb", "U+0009"), ("a\nb", "U+000A"), ("a\x9bb", "U+009B"),
    ("a\u200db", "U+200D"), ("a\u202eb", "U+202E"), ("\ufeffa", "U+FEFF"),
    ("a\u2029b", "U+2029"), ("a\ue000b", "U+E000"), ("Ren\udce9e", "UTF-8"),
    ("a" * 101, "trop long"),
])
def test_what_is_refused_says_why(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_text(text, "« --person »", 100)
    assert says in caught.value.message + (caught.value.hint or "")
    assert "\x1b" not in caught.value.message


@pytest.mark.parametrize("text", ["", "   ", "06 12", "---", "…"])
def test_a_name_holds_a_letter(text: str) -> None:
    with pytest.raises(InvalidInput, match="une lettre"):
        clean_text(text, "« --person »", 100, name=True)


def test_undecodable_bytes_are_found_and_never_shown() -> None:
    assert not_utf8("Ren\udce9e") and not not_utf8("Renée") and not not_utf8("abc")
    assert readable("Ren\udce9e\x1b") == "Ren?e?"
    assert readable("x" * 100).endswith("…") and len(readable("x" * 100)) == 61


@pytest.mark.parametrize(("text", "shown"), [
    ("Nadia B., 06 12 34 56 78", "Nadia B., 06 12 34 56 78"),
    ("Gérard\tT.\nligne\r\n", "Gérard\tT.\nligne\r\n"),
    ("Pers\x1b]0;PWNED\x07onne", "Pers?]0;PWNED?onne"),  # retitles the window
    ("\x1b[2J\x1b[1;1Heffacé", "?[2J?[1;1Heffacé"),  # clears the screen
    ("\x9b31m\x85\x7f\x00", "?31m???"),  # C1 CSI, NEL, DEL, NUL
    ("abc\u202edcba", "abc?dcba"),  # a bidi override reorders what is shown
    ("\x1b[1mAppel\x1b[0m", "\x1b[1mAppel\x1b[0m"),  # the bold mediatool writes
])
def test_terminal_safe_shows_control_characters_as_question_marks(text, shown):
    assert terminal_safe(text) == shown
