"""core/text: the one rule for what people type (issue 20 #12, #13, #15)."""

import pytest

from mediatool.core.errors import InvalidInput
from mediatool.core.text import clean_text, not_utf8, readable


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
