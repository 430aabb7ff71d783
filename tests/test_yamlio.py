import pytest

from mediatool.store.yamltext import (
    YamlSyntaxError,
    dump_document,
    ends_complete,
    load_documents,
    load_positioned,
    split_documents,
    split_torn_tail,
)


def test_positions_point_at_the_key_a_person_wrote():
    loaded = load_positioned("a: 1\nb:\n  - x: 2\n    y: \"14:00\"\n")
    assert loaded.value == {"a": 1, "b": [{"x": 2, "y": "14:00"}]}
    assert loaded.positions[("b", 0, "y")] == (4, 5)
    assert loaded.positions[("b",)] == (2, 1)  # its value starts on the next line
    assert ("b", 0, "x") in loaded.plain_scalars
    assert ("b", 0, "y") not in loaded.plain_scalars
    assert loaded.position(("b", 0, "missing")) == (3, 5)


def test_python_tags_are_refused():
    with pytest.raises(YamlSyntaxError) as caught:
        load_positioned("a: !!python/object/apply:os.system ['echo hacked']\n")
    assert "étiquette" in caught.value.message
    assert caught.value.line == 1


def test_syntax_error_has_a_line():
    with pytest.raises(YamlSyntaxError) as caught:
        load_positioned("a: 1\nb: [1, 2\nc: 3\n")
    assert caught.value.line in (2, 3)


def test_duplicate_keys_are_refused():
    with pytest.raises(YamlSyntaxError, match="double"):
        load_positioned("a: 1\na: 2\n")


def test_billion_laughs_is_bounded():
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        text += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(YamlSyntaxError, match="alias"):
        load_positioned(text)


def test_invalid_utf8_is_a_clear_error():
    with pytest.raises(YamlSyntaxError, match="UTF-8"):
        load_positioned(b"a: caf\xe9\n")


def test_bom_is_accepted():
    assert load_positioned("\ufeffa: 1\n".encode()).value == {"a": 1}


def test_record_documents_keep_their_first_line():
    text = dump_document({"id": "A-1", "n": 1}) + dump_document({"id": "A-2", "n": 2})
    docs = load_documents(text)
    assert [d.line for d in docs] == [1, 5]
    assert all(d.complete for d in docs)


def test_truncated_last_document_is_marked_incomplete():
    text = dump_document({"id": "A-1", "n": 1}) + "---\nid: A-2\nn: "
    docs = load_documents(text)
    assert docs[0].complete and not docs[-1].complete


def test_broken_document_reports_its_own_line():
    text = dump_document({"id": "A-1"}) + "---\nid: [A-2\n...\n"
    with pytest.raises(YamlSyntaxError) as caught:
        load_documents(text)
    assert caught.value.line >= 4


def test_split_documents_ignores_blank_chunks():
    assert split_documents("\n\n") == []


def _split_by_lines(text):
    """The line-by-line definition that `split_documents` implements with one regex."""
    chunks, start_line, current = [], 1, []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.rstrip("\r\n").rstrip() == "---" or line.startswith("--- "):
            if any(part.strip() for part in current):
                chunks.append((start_line, "".join(current)))
            current, start_line = [line], number
        else:
            current.append(line)
    if any(part.strip() for part in current):
        chunks.append((start_line, "".join(current)))
    return chunks


def test_split_documents_matches_its_line_by_line_definition():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mediatool.store.yamltext import split_documents

    pieces = st.sampled_from(["---\n", "--- \n", "---\r\n", "--- x\n", "----\n", " ---\n",
                              "a: 1\n", "...\n", "\n", "  \n", "b: '---'\n", "---"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=12))
    def check(parts):
        text = "".join(parts)
        assert split_documents(text) == _split_by_lines(text)

    check()


def test_record_loader_builds_what_the_safe_loader_builds():
    import yaml

    from mediatool.store.yamltext import SafeLoader, load_all_records

    text = """\
---
id: A-1
n: 12
ok: yes
none: ~
empty:
when: 2026-11-03
at: '2026-11-03T10:00:00+01:00'
skills: ["2.1", mail, 3, null]
nested: {a: 1}
...
---
base: &b {x: 1}
merged:
  <<: *b
  y: 2
...
--- plain scalar
--- [1, 2]
---
anchor: &v value
alias: *v
float: 1.5
octal: 010
sexagesimal: 14:00
"""
    assert load_all_records(text) == list(yaml.load_all(text, Loader=SafeLoader))
    with pytest.raises(yaml.YAMLError):
        load_all_records("---\nx: !!python/object:os.system ls\n")


def test_indented_end_marker_inside_a_value_is_not_an_end():
    text = dump_document({"id": "A-1", "note": "a\n...\nb"})
    cut = text[: text.index("  ...") + len("  ...\n")]
    assert ends_complete(text) and not ends_complete(cut)
    assert not load_documents(cut)[-1].complete


def test_torn_tail_never_swallows_the_complete_record_before_it():
    text = dump_document({"id": "A-1", "n": 1}) + "--"
    docs = load_documents(text)
    assert [d.value for d in docs] == [{"id": "A-1", "n": 1}, None]
    assert docs[0].complete and not docs[1].complete and docs[1].line == 5


def test_torn_tail_with_a_cut_utf8_character_is_a_fragment_not_an_encoding_error():
    data = dump_document({"id": "A-1"}).encode() + "---\nperson: Hélène".encode()[:-6]
    docs = load_documents(data)
    assert docs[0].value == {"id": "A-1"} and not docs[-1].complete


def test_invalid_utf8_in_a_complete_record_is_still_an_error():
    data = b"---\nid: caf\xe9\n...\n"
    with pytest.raises(YamlSyntaxError, match="UTF-8"):
        load_documents(data)


def test_split_torn_tail_keeps_bytes():
    text = dump_document({"id": "A-1"}) + "\n---\nid: A-"
    whole, fragment, line = split_torn_tail(text)
    assert whole + fragment == text and line == 5 and fragment.strip().startswith("---")
    assert split_torn_tail(dump_document({"id": "A-1"}) + "\n\n")[1] == ""


# One real example of each message libyaml and PyYAML give for text typed by hand:
# (name, text, line, column, French words the sentence must contain).
SYNTAX_ERRORS = [
    ("tab", "a:\n\tb: 1\n", 2, 1, "remplacez la tabulation par des espaces"),
    ("tab after indent", "a:\n  b: 1\n\tc: 2\n", 3, 1, "remplacez la tabulation par des espaces"),
    ("colon in value", "service: Ville de Rennes: médiation\n", 1, 25,
     'mettez la valeur entre guillemets : service: "Ville de Rennes: médiation"'),
    ("dash indicator", "- a\n- b\nc: 1\n", 3, 1, "élément de liste mal aligné"),
    ("missing colon", "a: 1\nb\nc: 2\n", 3, 1, "« : » manquant"),
    ("end of stream", 'a: "abc\n', 2, 1, "guillemet jamais fermé"),
    ("undefined alias", "a: *x\n", 1, 4, "alias YAML inconnu"),
    ("cannot start a token", "a: @x\n", 1, 4, "« @ » ne peut pas commencer une valeur"),
    ("unacceptable character", "a: b\x01\n", 1, 5, "caractère de contrôle ou invisible"),
    ("block end", "a:\n  - b\n c: 1\n", 3, 2, "indentation incohérente"),
    ("text after a quote", 'nom: "Léa" Martin\n', 1, 12, "texte après le guillemet fermant"),
    ("nesting depth", "a: " + "[" * 1100 + "]" * 1100 + "\n", 1, None, "imbrication trop profonde"),
    ("duplicate anchor", "a: &x 1\nb: &x 2\n", 2, 4, "ancre « & » en double"),
    ("unclosed list", "a: [1, 2\nb: 3\n", None, None, "liste entre crochets mal fermée"),
    ("unknown escape", 'a: "C:\\dossier"\n', 1, None, "doublez-la"),
    ("block scalar indicator", "a: |x\n  b\n", 1, 5, "passez le texte à la ligne suivante"),
]


@pytest.fixture(params=["libyaml", "python"])
def parser(request, monkeypatch):
    """Both PyYAML parsers: which one a user gets depends on how PyYAML was built."""
    import yaml

    from mediatool.store import yamltext as yamlio
    if request.param == "python":
        monkeypatch.setattr(yamlio, "SafeLoader", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    return request.param


@pytest.mark.parametrize(("name", "text", "line", "column", "french"), SYNTAX_ERRORS,
                         ids=[case[0] for case in SYNTAX_ERRORS])
def test_every_yaml_syntax_error_is_french_with_its_fix(parser, name, text, line, column, french):
    with pytest.raises(YamlSyntaxError) as caught:
        load_positioned(text)
    error = caught.value
    assert french in error.message
    assert "found" not in error.message and "expected" not in error.message
    if line is not None:
        assert error.line == line
    if column is not None and parser == "libyaml":
        assert error.column == column


def test_invalid_utf8_is_french_with_its_line():
    with pytest.raises(YamlSyntaxError) as caught:
        load_positioned("a: 1\nnom: Ren\xe9e\n".encode("latin-1"))
    assert caught.value.line == 2
    assert "pas en UTF-8" in caught.value.message and "enregistrez-le en UTF-8" in caught.value.message


def test_an_unknown_parser_message_keeps_a_french_lead_and_the_original():
    from mediatool.store.yamltext import translate
    text = translate("found something no one has seen before")
    assert text.startswith("YAML illisible : vérifiez")
    assert "(message d'origine : found something no one has seen before)" in text


def test_libyaml_own_nesting_limit_is_french():
    import yaml

    from mediatool.store.yamltext import _syntax_error
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        pytest.skip("PyYAML built without libyaml")
    try:
        yaml.load("a: " + "[" * 5000 + "]" * 5000, Loader=loader)
    except yaml.YAMLError as exc:
        assert "imbrication trop profonde" in _syntax_error(exc).message
    except RecursionError:
        pytest.skip("this libyaml has no nesting limit of its own")
    else:
        pytest.skip("this libyaml has no nesting limit of its own")
