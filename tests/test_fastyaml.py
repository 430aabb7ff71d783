"""The fast record reader agrees with PyYAML on everything mediatool writes."""

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mediatool.store._fastyaml import load_records
from mediatool.store.yamltext import dump_document

keys = st.one_of(st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True),
                st.sampled_from(["on", "off", "yes", "no", "null", "true", "y", "n"]))
scalars = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-10**12, max_value=10**12),
    st.booleans(),
    st.none(),
    st.sampled_from(["yes", "no", "on", "off", "null", "~", "0012", "0x1F", "1_000", "14:00",
                     "2026-12-07", "2026-12-07T10:00:00+01:00", "1e3", ".5", "- x", "# x",
                     "a # b", "a: b", "'q'", '"q"', "[x]", "{x}", "&a", "*a", "!t", "|", ">",
                     "café", "l'été", "", " ", "x ", "06 39 98 00 42", "A-7K3QX2"]),
)
documents = st.dictionaries(keys, st.one_of(scalars, st.lists(scalars, min_size=1, max_size=4)),
                            min_size=1, max_size=8)


@settings(max_examples=120, deadline=None)
@given(st.lists(documents, min_size=1, max_size=4))
def test_fast_reader_matches_pyyaml_or_declines(docs):
    text = "".join(dump_document(d) for d in docs)
    fast = load_records(text)
    if fast is not None:
        assert fast == list(yaml.load_all(text, Loader=yaml.SafeLoader))


def test_what_mediatool_writes_takes_the_fast_path():
    event = {"id": "A-7K3QX2", "event": "booked", "at": "2026-12-07T10:00:00+01:00",
             "by": "camille", "duration_min": 45, "person": "Nadia B. (fictif)",
             "phone": "06 39 98 00 42", "skills": ["1.1", "mail-creer"], "by_person": False,
             "note": "l'été : à rappeler # demain"}
    assert load_records(dump_document(event) * 3) == [event] * 3


def test_hand_edits_go_to_the_real_loader():
    for text in ("---\nid: x\n  nested: 1\n...\n", "---\nat: 2026-12-07\n...\n",
                 "---\nid: x # comment\n...\n", "---\r\nid: x\r\n...\r\n", "id: x\n",
                 "---\nstart: 14:00\n...\n", "---\nx: 1\nx: 2\n...\n",
                 "---\non: x\n...\n", "---\nnull: x\n...\n"):
        assert load_records(text) is None, text


def test_comments_and_blank_lines_are_skipped():
    assert load_records("# journal\n---\nid: x\n\nn: 1\n...\n") == [{"id": "x", "n": 1}]


def test_dates_are_never_guessed():
    assert load_records(dump_document({"d": dt.date(2026, 12, 7).isoformat()})) == [
        {"d": "2026-12-07"}]
